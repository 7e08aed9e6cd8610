//! Follow mode: read the first window, then poll every `poll` for `[last end − overlap, now]`,
//! because CloudTrail delivers events minutes after their `eventTime`. Event ids already
//! delivered are skipped; ids older than the overlap are forgotten, and at most `max_seen` are
//! kept, so memory stays bounded however long it runs. While paused the polls go on but new
//! events are held back (at most `max_held`, the oldest dropped beyond that) and only their
//! number is reported; resuming delivers them at once. Cancelling ends the follower at the next
//! await.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::{TrailClient, TrailUpdate};
use crate::model::trail_event::TrailEvent;

/// How to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowOptions {
    /// Time between polls.
    pub poll: Duration,
    /// How far back each poll reaches before the previous poll's end.
    pub overlap: Duration,
    /// Most event ids remembered for de-duplication.
    pub max_seen: usize,
    /// Most events held back while paused.
    pub max_held: usize,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            poll: Duration::from_secs(10),
            overlap: Duration::from_secs(10 * 60),
            max_seen: 50_000,
            max_held: 5_000,
        }
    }
}

/// Event ids delivered, with their times.
#[derive(Debug)]
pub struct SeenIds {
    ids: HashMap<String, OffsetDateTime>,
    cap: usize,
}

impl SeenIds {
    /// Remember at most `cap` ids.
    pub fn new(cap: usize) -> SeenIds {
        SeenIds {
            ids: HashMap::new(),
            cap: cap.max(1),
        }
    }

    /// Remember an id; false when it was already there.
    pub fn insert(&mut self, id: &str, at: OffsetDateTime) -> bool {
        if self.ids.contains_key(id) {
            return false;
        }
        self.ids.insert(id.to_string(), at);
        if self.ids.len() > self.cap {
            // Forget the oldest tenth at once, so this stays cheap on average.
            let mut times: Vec<OffsetDateTime> = self.ids.values().copied().collect();
            let cut = (self.ids.len() - self.cap).max(self.cap / 10);
            let last = times.len() - 1;
            let (_, nth, _) = times.select_nth_unstable(cut.min(last));
            let nth = *nth;
            self.ids.retain(|_, t| *t > nth);
        }
        true
    }

    /// Forget ids of events before `t` (no window reaches them any more).
    pub fn forget_before(&mut self, t: OffsetDateTime) {
        self.ids.retain(|_, at| *at >= t);
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The caller's side: pause, resume, cancel.
#[derive(Debug, Clone)]
pub struct FollowHandle {
    paused: watch::Sender<bool>,
    cancel: CancellationToken,
}

/// The follower's side of a [`FollowHandle`].
#[derive(Debug)]
pub struct FollowControl {
    paused: watch::Receiver<bool>,
    cancel: CancellationToken,
}

/// A handle and the control to give to [`TrailClient::follow`].
pub fn follow_handle() -> (FollowHandle, FollowControl) {
    let (tx, rx) = watch::channel(false);
    let cancel = CancellationToken::new();
    (
        FollowHandle {
            paused: tx,
            cancel: cancel.clone(),
        },
        FollowControl { paused: rx, cancel },
    )
}

impl FollowHandle {
    /// Hold new events back (polling goes on).
    pub fn pause(&self) {
        self.paused.send_replace(true);
    }

    /// Deliver held events and carry on.
    pub fn resume(&self) {
        self.paused.send_replace(false);
    }

    /// Whether paused.
    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// Stop the follower.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

#[derive(Default)]
struct Held {
    events: VecDeque<TrailEvent>,
    dropped: u64,
}

impl TrailClient {
    /// Follow `sources` from `since` until cancelled, reporting through `on`.
    pub async fn follow(
        &self,
        sources: &[&str],
        since: OffsetDateTime,
        options: FollowOptions,
        mut control: FollowControl,
        on: &(dyn Fn(TrailUpdate) + Sync),
    ) {
        let seen = Mutex::new(SeenIds::new(options.max_seen));
        let held = Mutex::new(Held::default());
        let paused = control.paused.clone();
        let deliver = |u: TrailUpdate| match u {
            TrailUpdate::Events(evs) if *paused.borrow() => {
                let mut h = held.lock().unwrap_or_else(|e| e.into_inner());
                h.events.extend(evs);
                while h.events.len() > options.max_held {
                    // The oldest by time go first.
                    let oldest = h
                        .events
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, e)| e.event_time)
                        .map(|(i, _)| i)
                        .unwrap_or(0);
                    h.events.remove(oldest);
                    h.dropped += 1;
                }
                on(TrailUpdate::Held {
                    count: h.events.len(),
                    dropped: h.dropped,
                });
            }
            other => on(other),
        };
        let flush = || {
            let mut h = held.lock().unwrap_or_else(|e| e.into_inner());
            if !h.events.is_empty() {
                let mut evs: Vec<TrailEvent> = h.events.drain(..).collect();
                evs.sort_by_key(|e| std::cmp::Reverse(e.event_time));
                h.dropped = 0;
                drop(h);
                on(TrailUpdate::Events(evs));
            }
        };
        let overlap = time::Duration::try_from(options.overlap).unwrap_or(time::Duration::ZERO);
        let mut window_start = since;
        let cancel = control.cancel.clone();
        loop {
            let now = OffsetDateTime::now_utc();
            let read = self.read_window(sources, window_start, now, Some(&seen), &deliver);
            tokio::select! {
                _ = read => {}
                _ = cancel.cancelled() => return,
            }
            on(TrailUpdate::WindowRead { until: now });
            window_start = (now - overlap).max(since);
            seen.lock()
                .unwrap_or_else(|e| e.into_inner())
                .forget_before(window_start);
            let sleep = tokio::time::sleep(options.poll);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = &mut sleep => break,
                    _ = cancel.cancelled() => return,
                    changed = control.paused.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        if !*control.paused.borrow() {
                            flush();
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn seen_ids_skip_repeats_and_stay_bounded() {
        let mut s = SeenIds::new(100);
        assert!(s.insert("a", t(0)));
        assert!(!s.insert("a", t(0)));
        for i in 0..1000 {
            s.insert(&format!("e{i}"), t(i));
        }
        assert!(s.len() <= 100, "{}", s.len());
        assert!(!s.insert("e999", t(999)), "the newest are kept");
        s.forget_before(t(995));
        assert!(s.len() <= 5);
        assert!(s.insert("e990", t(990)), "forgotten ids are new again");
    }

    #[test]
    fn handles_pause_and_resume() {
        let (h, c) = follow_handle();
        assert!(!h.is_paused());
        h.pause();
        assert!(*c.paused.borrow());
        h.resume();
        assert!(!h.is_paused());
        h.cancel();
        assert!(c.cancel.is_cancelled());
    }
}
