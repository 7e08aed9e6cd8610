//! Reading one event source: LookupEvents pages (50 events, newest first) with the source as
//! the one lookup attribute, paced by the shared limiter. Throttling is absorbed (the limiter
//! slows down) and reported; transient failures are retried a few times and reported; what
//! still fails ends this source's window with [`SourceStatus::Failed`] — the other sources are
//! separate futures and carry on.

use std::time::Duration;

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_smithy_types::DateTime;
use time::OffsetDateTime;

use super::{Seen, SourceStatus, TrailClient, TrailUpdate};
use crate::model::trail_event::{LookupEvent, TrailEvent, parse_lookup_event};
use crate::services::{ErrorKind, ServiceError};

/// Attempts per page while throttled.
const THROTTLE_ATTEMPTS: u32 = 8;
/// Attempts per page after transient failures (5xx, network).
const TRANSIENT_ATTEMPTS: u32 = 3;

/// What reading one source did.
#[derive(Debug, Default)]
pub(super) struct SourceResult {
    pub events: u64,
    pub malformed: u64,
    pub failed: bool,
}

/// One page: the parsed events (and parse failures) and the next token.
struct Page {
    events: Vec<TrailEvent>,
    malformed: Vec<String>,
    next: Option<String>,
}

fn smithy_time(t: OffsetDateTime) -> DateTime {
    DateTime::from_secs(t.unix_timestamp())
}

fn lookup_event(e: &aws_sdk_cloudtrail::types::Event) -> LookupEvent {
    LookupEvent {
        event_id: e.event_id().map(str::to_string),
        event_name: e.event_name().map(str::to_string),
        event_time: e
            .event_time()
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t.secs()).ok()),
        username: e.username().map(str::to_string),
        cloud_trail_event: e.cloud_trail_event().map(str::to_string),
    }
}

impl TrailClient {
    pub(super) async fn read_source(
        &self,
        source: &str,
        since: OffsetDateTime,
        until: OffsetDateTime,
        seen: Option<&Seen>,
        on: &(dyn Fn(TrailUpdate) + Sync),
    ) -> SourceResult {
        let status = |status| {
            on(TrailUpdate::Source {
                source: source.to_string(),
                status,
            })
        };
        status(SourceStatus::Reading);
        let mut result = SourceResult::default();
        let mut token: Option<String> = None;
        loop {
            let page = match self.page(source, since, until, token.take(), &status).await {
                Ok(p) => p,
                Err(e) => {
                    status(SourceStatus::Failed(e));
                    result.failed = true;
                    return result;
                }
            };
            for error in page.malformed {
                result.malformed += 1;
                on(TrailUpdate::Malformed {
                    source: source.to_string(),
                    error,
                });
            }
            let mut fresh: Vec<TrailEvent> = match seen {
                Some(seen) => {
                    let mut ids = seen.lock().unwrap_or_else(|e| e.into_inner());
                    page.events
                        .into_iter()
                        .filter(|e| ids.insert(&e.event_id, e.event_time))
                        .collect()
                }
                None => page.events,
            };
            if !fresh.is_empty() {
                let resolved = self.people.resolve(&mut fresh).await;
                if !resolved.is_empty() {
                    on(TrailUpdate::People(resolved));
                }
                result.events += fresh.len() as u64;
                on(TrailUpdate::Events(fresh));
            }
            match page.next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        status(SourceStatus::Done {
            events: result.events,
        });
        result
    }

    /// One LookupEvents page, paced, with throttling and transient failures retried.
    async fn page(
        &self,
        source: &str,
        since: OffsetDateTime,
        until: OffsetDateTime,
        token: Option<String>,
        status: &(dyn Fn(SourceStatus) + Sync),
    ) -> Result<Page, ServiceError> {
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventSource)
            .attribute_value(source)
            .build()
            .map_err(|e| ServiceError::new("LookupEvents", ErrorKind::Invalid, e.to_string()))?;
        let (mut throttles, mut failures) = (0u32, 0u32);
        loop {
            self.limiter.acquire().await;
            let sent = self
                .client
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .start_time(smithy_time(since))
                .end_time(smithy_time(until))
                .max_results(50)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("LookupEvents", e));
            match sent {
                Ok(out) => {
                    self.limiter.on_success();
                    if throttles + failures > 0 {
                        status(SourceStatus::Reading);
                    }
                    let mut events = Vec::with_capacity(out.events().len());
                    let mut malformed = Vec::new();
                    for e in out.events() {
                        match parse_lookup_event(&lookup_event(e)) {
                            Ok(ev) => events.push(ev),
                            Err(err) => malformed.push(err.to_string()),
                        }
                    }
                    return Ok(Page {
                        events,
                        malformed,
                        next: out.next_token().map(str::to_string),
                    });
                }
                Err(e) if e.kind == ErrorKind::Throttled && throttles + 1 < THROTTLE_ATTEMPTS => {
                    throttles += 1;
                    self.limiter.on_throttle();
                    status(SourceStatus::Throttled { attempt: throttles });
                }
                Err(e) if e.is_transient() && failures + 1 < TRANSIENT_ATTEMPTS => {
                    failures += 1;
                    status(SourceStatus::Retrying {
                        attempt: failures,
                        error: e,
                    });
                    tokio::time::sleep(Duration::from_millis(250 << failures)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
