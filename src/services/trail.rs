//! CloudTrail events of Identity Center through LookupEvents: every event source read with one
//! lookup attribute per call (LookupEvents takes only one), all under one process-wide
//! [`Limiter::lookup_events`] (2 TPS per account and region) with SDK retries off, each page
//! parsed with the one parser (`model::trail_event`), the person behind each user id resolved
//! through the Identity Store ([`people`]), and reported as it arrives through a callback.
//! A source that is throttled, failing or refused is reported as such ([`SourceStatus`]) while
//! the others keep streaming. [`follow`] polls with an overlapping window, de-duplicates by
//! event id, keeps memory bounded and can be paused, resumed and cancelled.

pub mod follow;
mod lookup;
pub mod people;

use std::sync::{Arc, Mutex, OnceLock};

use time::OffsetDateTime;

use crate::model::trail_event::{EventGroup, TrailEvent};
use crate::services::limiter::Limiter;
use crate::services::{ServiceError, Services};
pub use follow::{FollowControl, FollowHandle, FollowOptions, follow_handle};
pub use people::{PersonDetails, Resolution};

/// The event sources Identity Center writes to (the seed post's event groups: portal and admin,
/// OIDC, sign-in, and the identity store under both of its names).
pub const IDENTITY_CENTER_SOURCES: [&str; 5] = [
    "sso.amazonaws.com",
    "signin.amazonaws.com",
    "sso-directory.amazonaws.com",
    "identitystore.amazonaws.com",
    "sso-oauth.amazonaws.com",
];

/// Multi-party approval's event source (the approvals group).
pub const APPROVALS_SOURCE: &str = "mpa.amazonaws.com";

/// The event sources to read for these event groups (all Identity Center ones when empty).
pub fn sources_for(groups: &[EventGroup]) -> Vec<&'static str> {
    if groups.is_empty() {
        return IDENTITY_CENTER_SOURCES.to_vec();
    }
    let mut out = Vec::new();
    for g in groups {
        let add: &[&'static str] = match g {
            EventGroup::Portal | EventGroup::Admin => &["sso.amazonaws.com"],
            EventGroup::Oidc => &["sso-oauth.amazonaws.com"],
            EventGroup::Signin => &["signin.amazonaws.com"],
            EventGroup::Directory => {
                &["sso-directory.amazonaws.com", "identitystore.amazonaws.com"]
            }
            EventGroup::Mpa => &[APPROVALS_SOURCE],
            EventGroup::Other => &[],
        };
        for s in add {
            if !out.contains(s) {
                out.push(*s);
            }
        }
    }
    out
}

/// The process-wide LookupEvents limiter: every reader in the process shares the 2 TPS.
pub fn lookup_limiter() -> Arc<Limiter> {
    static LIMITER: OnceLock<Arc<Limiter>> = OnceLock::new();
    LIMITER
        .get_or_init(|| Arc::new(Limiter::lookup_events()))
        .clone()
}

/// How one event source is doing.
#[derive(Debug, Clone)]
pub enum SourceStatus {
    /// Pages are being read.
    Reading,
    /// Read to the end of the window; `events` new events delivered.
    Done {
        /// New events from this source in the window.
        events: u64,
    },
    /// Throttled: waiting for the limiter and trying again (`attempt` so far).
    Throttled {
        /// Attempts so far.
        attempt: u32,
    },
    /// A transient failure (5xx, network): trying again.
    Retrying {
        /// Attempts so far.
        attempt: u32,
        /// What went wrong.
        error: ServiceError,
    },
    /// Gave up on this source for this window (follow mode tries again at the next poll).
    Failed(ServiceError),
}

impl SourceStatus {
    /// A few words for a status line.
    pub fn label(&self) -> String {
        match self {
            Self::Reading => "reading".into(),
            Self::Done { .. } => "ok".into(),
            Self::Throttled { attempt } => format!("throttled, retrying ({attempt})"),
            Self::Retrying { error, .. } => format!("retrying after {}", error_code(error)),
            Self::Failed(e) => format!("failed: {}", error_code(e)),
        }
    }

    /// Whether the source is in trouble (throttled, retrying or failed).
    pub fn is_trouble(&self) -> bool {
        matches!(
            self,
            Self::Throttled { .. } | Self::Retrying { .. } | Self::Failed(_)
        )
    }
}

fn error_code(e: &ServiceError) -> String {
    e.code.clone().unwrap_or_else(|| e.message.clone())
}

/// Something a read or a follower reports.
#[derive(Debug, Clone)]
pub enum TrailUpdate {
    /// New events, newest first, with `person` filled where the directory said who it is.
    Events(Vec<TrailEvent>),
    /// An event source's status changed.
    Source {
        /// The event source (`signin.amazonaws.com`).
        source: String,
        /// Its status.
        status: SourceStatus,
    },
    /// People resolved for the first time: (user id, what the directory said).
    People(Vec<(String, Resolution)>),
    /// A LookupEvents event that could not be parsed (counted, never fatal).
    Malformed {
        /// The event source it came from.
        source: String,
        /// Why (no record text in it).
        error: String,
    },
    /// Every source has been read up to `until` (the first window, then each poll).
    WindowRead {
        /// The end of the window.
        until: OffsetDateTime,
    },
    /// While paused: how many new events are held back, and how many were dropped to stay
    /// within the cap.
    Held {
        /// Held events.
        count: usize,
        /// Dropped (the oldest held) since the pause.
        dropped: u64,
    },
}

/// What a window read did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowSummary {
    /// New events delivered.
    pub events: u64,
    /// Sources that failed (after retries).
    pub failed: Vec<String>,
    /// Events that could not be parsed.
    pub malformed: u64,
}

/// Reads Identity Center events with a set of credentials.
pub struct TrailClient {
    client: aws_sdk_cloudtrail::Client,
    limiter: Arc<Limiter>,
    people: people::People,
}

/// Event ids already delivered (follow mode), with their times so old ones can be forgotten.
pub type Seen = Mutex<follow::SeenIds>;

impl TrailClient {
    /// A client for `svc`'s credentials and region, paced by `limiter` (share
    /// [`lookup_limiter`]); directory lookups are paced by `idc_limiter`.
    pub fn new(svc: &Services, limiter: Arc<Limiter>, idc_limiter: Arc<Limiter>) -> TrailClient {
        TrailClient {
            client: svc.cloudtrail(false),
            limiter,
            people: people::People::new(svc.clone(), idc_limiter),
        }
    }

    /// What the directory said about a user id so far.
    pub fn person(&self, identity_store_arn: &str, user_id: &str) -> Option<Resolution> {
        self.people.get(identity_store_arn, user_id)
    }

    /// Read `[since, until]` from every source at once (paced by the shared limiter),
    /// reporting pages as they arrive; events already in `seen` are skipped.
    pub async fn read_window(
        &self,
        sources: &[&str],
        since: OffsetDateTime,
        until: OffsetDateTime,
        seen: Option<&Seen>,
        on: &(dyn Fn(TrailUpdate) + Sync),
    ) -> WindowSummary {
        let reads = sources
            .iter()
            .map(|s| self.read_source(s, since, until, seen, on));
        let results = futures::future::join_all(reads).await;
        let mut summary = WindowSummary::default();
        for (source, r) in sources.iter().zip(results) {
            summary.events += r.events;
            summary.malformed += r.malformed;
            if r.failed {
                summary.failed.push(source.to_string());
            }
        }
        summary
    }
}
