//! The security console's events screen (6): Identity Center's CloudTrail events tailed live
//! — the stream with its filter bar and sparkline, one person, one session, one raw event.
//! This module holds the area's messages and effects and runs the follower as a background
//! task; `view.rs` owns the state, `stream.rs`, `person.rs`, `session.rs` and `detail.rs` draw
//! it, `store.rs`, `filter.rs` and `insight.rs` are the pure logic underneath.

mod detail;
pub mod filter;
pub mod insight;
mod person;
mod session;
pub mod store;
mod stream;
pub mod view;

use std::sync::Mutex;

use time::OffsetDateTime;

use super::action::Action;
use super::effect::Runner;
use crate::model::credentials::RoleCredentials;
use crate::services::trail::{
    FollowHandle, FollowOptions, TrailClient, TrailUpdate, follow_handle, lookup_limiter,
};

pub use view::EventsView;

/// The time windows `t` / `T` step through, with their labels.
pub const WINDOWS: [(time::Duration, &str); 7] = [
    (time::Duration::minutes(15), "15 min"),
    (time::Duration::hours(1), "1 h"),
    (time::Duration::hours(6), "6 h"),
    (time::Duration::hours(24), "24 h"),
    (time::Duration::days(3), "3 days"),
    (time::Duration::days(7), "7 days"),
    (time::Duration::days(14), "14 days"),
];

/// The window shown first.
pub const DEFAULT_WINDOW: usize = 3;

/// Results of events work.
#[derive(Debug)]
pub enum EventsMsg {
    /// Something the follower reported, for the run started as `generation`.
    Update {
        /// Which run (older runs' messages are dropped).
        generation: u64,
        /// What it reported.
        update: TrailUpdate,
    },
}

/// Events work to do.
#[derive(Debug)]
pub enum EventsEffect {
    /// Start following (replacing any follower already running).
    Follow {
        /// Credentials for LookupEvents and the directory.
        creds: Box<RoleCredentials>,
        /// The start of the window.
        since: OffsetDateTime,
        /// Event sources to read.
        sources: Vec<&'static str>,
        /// The run's number.
        generation: u64,
        /// Time between polls.
        poll: std::time::Duration,
        /// The memory bound (`[events] max_events`): ids remembered, events held back.
        max_events: usize,
    },
    /// Hold new events back (the follower keeps polling and counts them).
    Pause,
    /// Deliver what was held and carry on.
    Resume,
}

/// The running follower's handle.
fn current() -> &'static Mutex<Option<FollowHandle>> {
    static CURRENT: Mutex<Option<FollowHandle>> = Mutex::new(None);
    &CURRENT
}

/// Start an events effect.
pub fn run(r: &mut Runner, effect: EventsEffect) {
    match effect {
        EventsEffect::Follow {
            creds,
            since,
            sources,
            generation,
            poll,
            max_events,
        } => {
            let cancel = r.token("events");
            let cx = r.cx.clone();
            let (handle, control) = follow_handle();
            if let Some(old) = current()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .replace(handle.clone())
            {
                old.cancel();
            }
            let svc = cx.svc.with_role_credentials(&creds);
            let client = TrailClient::new(&svc, lookup_limiter(), cx.limiter.clone());
            tokio::spawn(async move {
                let on = |update: TrailUpdate| {
                    cx.send(Action::Events(EventsMsg::Update { generation, update }));
                };
                let options = FollowOptions {
                    poll,
                    max_seen: max_events.saturating_mul(2),
                    max_held: max_events,
                    ..FollowOptions::default()
                };
                tokio::select! {
                    _ = client.follow(&sources, since, options, control, &on) => {}
                    _ = cancel.cancelled() => handle.cancel(),
                }
            });
        }
        EventsEffect::Pause => {
            if let Some(h) = current().lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                h.pause();
            }
        }
        EventsEffect::Resume => {
            if let Some(h) = current().lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                h.resume();
            }
        }
    }
}
