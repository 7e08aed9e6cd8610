//! The events the screen holds: newest first, each event id once, at most `cap` (the oldest
//! fall off), with the rows the current filter lets through. Batches arrive in any order
//! (source by source, page by page) and are merged in.

use std::collections::HashSet;

use crate::model::trail_event::{EventFilter, TrailEvent};

/// Most events kept on screen.
pub const DEFAULT_CAP: usize = 20_000;

/// Newest-first events with their filtered view.
#[derive(Debug)]
pub struct EventStore {
    events: Vec<TrailEvent>,
    ids: HashSet<String>,
    cap: usize,
    /// Indexes into the events that pass the filter, newest first.
    pub visible: Vec<usize>,
    /// Events dropped to stay within the cap.
    pub dropped: u64,
}

impl Default for EventStore {
    fn default() -> Self {
        EventStore::new(DEFAULT_CAP)
    }
}

fn newer_first(a: &TrailEvent, b: &TrailEvent) -> std::cmp::Ordering {
    b.event_time
        .cmp(&a.event_time)
        .then_with(|| b.event_id.cmp(&a.event_id))
}

impl EventStore {
    /// An empty store keeping at most `cap` events.
    pub fn new(cap: usize) -> EventStore {
        EventStore {
            events: Vec::new(),
            ids: HashSet::new(),
            cap: cap.max(1),
            visible: Vec::new(),
            dropped: 0,
        }
    }

    /// Every event, newest first.
    pub fn all(&self) -> &[TrailEvent] {
        &self.events
    }

    /// The event at a visible row.
    pub fn row(&self, row: usize) -> Option<&TrailEvent> {
        self.events.get(*self.visible.get(row)?)
    }

    /// The visible row of an event id.
    pub fn row_of(&self, id: &str) -> Option<usize> {
        self.visible
            .iter()
            .position(|&i| self.events[i].event_id == id)
    }

    /// Merge a batch in; returns how many were new. Call [`EventStore::refilter`] after.
    pub fn add(&mut self, batch: Vec<TrailEvent>) -> usize {
        let mut fresh: Vec<TrailEvent> = batch
            .into_iter()
            .filter(|e| self.ids.insert(e.event_id.clone()))
            .collect();
        let n = fresh.len();
        if n == 0 {
            return 0;
        }
        fresh.sort_by(newer_first);
        let old = std::mem::take(&mut self.events);
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let (mut a, mut b) = (old.into_iter().peekable(), fresh.into_iter().peekable());
        loop {
            let take_a = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => newer_first(x, y).is_le(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_a { a.next() } else { b.next() };
            merged.extend(next);
        }
        while merged.len() > self.cap {
            if let Some(e) = merged.pop() {
                self.ids.remove(&e.event_id);
                self.dropped += 1;
            }
        }
        self.events = merged;
        n
    }

    /// Recompute the visible rows.
    pub fn refilter(&mut self, filter: &EventFilter) {
        self.refilter_with(|e| filter.matches(e));
    }

    /// Recompute the visible rows with any predicate.
    pub fn refilter_with(&mut self, keep: impl Fn(&TrailEvent) -> bool) {
        self.visible = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| keep(e))
            .map(|(i, _)| i)
            .collect();
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.events.clear();
        self.ids.clear();
        self.visible.clear();
        self.dropped = 0;
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trail_event::{Outcome, parse_record};
    use serde_json::json;

    pub fn ev(id: &str, secs: i64, fail: bool) -> TrailEvent {
        let t = time::OffsetDateTime::from_unix_timestamp(1_800_000_000 + secs).unwrap();
        let mut r = json!({"eventID": id, "eventTime": t.format(&time::format_description::well_known::Rfc3339).unwrap(),
            "eventSource": "signin.amazonaws.com", "eventName": "CredentialVerification"});
        if fail {
            r["errorCode"] = json!("Failed");
        }
        parse_record(&r).unwrap()
    }

    #[test]
    fn merges_batches_newest_first_without_repeats_within_the_cap() {
        let mut s = EventStore::new(4);
        assert_eq!(s.add(vec![ev("a", 10, false), ev("b", 30, false)]), 2);
        assert_eq!(s.add(vec![ev("c", 20, true), ev("a", 10, false)]), 1);
        let ids: Vec<&str> = s.all().iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
        s.add(vec![ev("d", 40, false), ev("e", 5, false)]);
        let ids: Vec<&str> = s.all().iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["d", "b", "c", "a"], "the oldest fell off");
        assert_eq!(s.dropped, 1);
        assert_eq!(
            s.add(vec![ev("e", 5, false)]),
            1,
            "a dropped id may come back"
        );
        s.refilter(&EventFilter {
            outcome: Some(Outcome::Failure),
            ..Default::default()
        });
        assert_eq!(s.visible.len(), 1);
        assert_eq!(s.row(0).map(|e| e.event_id.as_str()), Some("c"));
        assert_eq!(s.row_of("c"), Some(0));
    }
}
