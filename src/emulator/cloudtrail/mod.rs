//! The emulator's CloudTrail: everything handlers recorded as [`Activity`] becomes CloudTrail
//! records in AWS's current format (January 2025 onwards: `IdentityCenterUser` with
//! `onBehalfOf` and `credentialId`), kept in a bounded store and served by LookupEvents.
//!
//! Conversion is incremental: [`absorb`] takes the activity recorded since its last call,
//! builds each record once (as compact JSON text plus the few fields LookupEvents filters on)
//! and inserts it in time order; the oldest records fall out past the cap. The first call also
//! synthesises the seed's `history` block (days of sign-ins, deterministic from its seed).
//!
//! Submodules: [`identity`] (the `userIdentity` element per caller), [`records`] (one activity →
//! its records), [`lookup`] (the LookupEvents operation), [`history`] (start-up history),
//! `scenario` (plausible sessions shared by the history and the demo generator), and
//! [`activity_generator`] (other people's activity for `--demo`), [`trails`] (DescribeTrails and
//! GetTrailStatus for the organisation trail), [`lake`] (CloudTrail Lake's query API).

pub mod activity_generator;
pub mod history;
pub mod identity;
pub mod lake;
pub mod lookup;
pub mod records;
mod scenario;
pub mod trails;

use std::collections::{HashMap, VecDeque};

use serde_json::Value;
use time::OffsetDateTime;

use super::state::State;

/// How many records the store keeps before dropping the oldest.
pub const DEFAULT_CAP: usize = 50_000;

/// One stored record: its JSON text and the fields LookupEvents filters and answers with.
#[derive(Debug, Clone)]
pub struct Stored {
    /// `eventTime`.
    pub time: OffsetDateTime,
    /// Insertion order, to order records with the same time and to resume pagination.
    pub seq: u64,
    /// `eventID`.
    pub event_id: String,
    /// `eventName`.
    pub event_name: String,
    /// `eventSource`.
    pub event_source: String,
    /// `readOnly`.
    pub read_only: bool,
    /// What LookupEvents reports as `Username` (IAM user, role session, Identity Center user id).
    pub username: Option<String>,
    /// `userIdentity.accessKeyId`.
    pub access_key_id: Option<String>,
    /// `resources[]` as (type, ARN).
    pub resources: Vec<(String, String)>,
    /// `recipientAccountId`: whose event history holds the record.
    pub recipient: String,
    /// The record as compact JSON.
    pub json: String,
}

impl Stored {
    fn new(time: OffsetDateTime, seq: u64, record: &Value) -> Stored {
        let s = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
        let identity = &record["userIdentity"];
        let username = match identity["type"].as_str() {
            Some("IdentityCenterUser") => s(&identity["onBehalfOf"]["userId"]),
            Some("AssumedRole") => identity["arn"]
                .as_str()
                .and_then(|a| a.rsplit('/').next())
                .map(str::to_string),
            _ => s(&identity["userName"]),
        };
        let resources = record["resources"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|r| Some((s(&r["type"])?, s(&r["ARN"])?)))
                    .collect()
            })
            .unwrap_or_default();
        Stored {
            time,
            seq,
            event_id: s(&record["eventID"]).unwrap_or_default(),
            event_name: s(&record["eventName"]).unwrap_or_default(),
            event_source: s(&record["eventSource"]).unwrap_or_default(),
            read_only: record["readOnly"].as_bool().unwrap_or(false),
            username,
            access_key_id: s(&identity["accessKeyId"]),
            resources,
            recipient: s(&record["recipientAccountId"]).unwrap_or_default(),
            json: record.to_string(),
        }
    }
}

/// The bounded, time-ordered record store.
#[derive(Debug)]
pub struct Trail {
    events: VecDeque<Stored>,
    next_seq: u64,
    cap: usize,
    history_done: bool,
    started: OffsetDateTime,
    dropped: u64,
    /// Fault injection per event source: LookupEvents filtered by that source is answered with
    /// this error code (`ThrottlingException`, `InternalServerException`, …).
    source_faults: HashMap<String, String>,
    /// Records made since the last delivery to the organisation trail on disk.
    outbox: Vec<crate::emulator::trail::Pending>,
    /// The last delivery: its batch time and error, for GetTrailStatus.
    latest_delivery: Option<OffsetDateTime>,
    latest_delivery_error: Option<String>,
}

impl Default for Trail {
    fn default() -> Self {
        Trail::new(DEFAULT_CAP)
    }
}

impl Trail {
    /// An empty store keeping at most `cap` records; its history ends now.
    pub fn new(cap: usize) -> Trail {
        Trail {
            events: VecDeque::new(),
            next_seq: 0,
            cap: cap.max(1),
            history_done: false,
            started: OffsetDateTime::now_utc(),
            dropped: 0,
            source_faults: HashMap::new(),
            outbox: Vec::new(),
            latest_delivery: None,
            latest_delivery_error: None,
        }
    }

    /// Add a record at its time (records may arrive out of order: history, late deliveries).
    pub fn insert(&mut self, time: OffsetDateTime, record: &Value) {
        // `eventTime` has whole seconds; so does the stored time (LookupEvents `EventTime`).
        let time = time.replace_nanosecond(0).unwrap_or(time);
        let seq = self.next_seq;
        self.next_seq += 1;
        let at = self.events.partition_point(|e| e.time <= time);
        let stored = Stored::new(time, seq, record);
        self.outbox.push(crate::emulator::trail::Pending {
            time,
            account: stored.recipient.clone(),
            region: record["awsRegion"].as_str().unwrap_or_default().to_string(),
            json: stored.json.clone(),
        });
        self.events.insert(at, stored);
        while self.events.len() > self.cap {
            self.events.pop_front();
            self.dropped += 1;
        }
    }

    /// Records, oldest first.
    pub fn events(&self) -> &VecDeque<Stored> {
        &self.events
    }

    /// How many records are held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Records dropped to keep within the cap.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Answer LookupEvents for `event_source` with the error `code` from now on (`None` heals
    /// it): a source that is throttled or failing while the others are not, for tests.
    pub fn fault_source(&mut self, event_source: &str, code: Option<&str>) {
        match code {
            Some(c) => self
                .source_faults
                .insert(event_source.to_string(), c.to_string()),
            None => self.source_faults.remove(event_source),
        };
    }

    /// The injected error for an event source, if any.
    pub fn source_fault(&self, event_source: &str) -> Option<&str> {
        self.source_faults.get(event_source).map(String::as_str)
    }

    /// Take the records waiting for delivery to the organisation trail.
    pub fn take_outbox(&mut self) -> Vec<crate::emulator::trail::Pending> {
        std::mem::take(&mut self.outbox)
    }

    /// Note a delivery: the latest batch time written and the error, if one failed.
    pub fn delivered(&mut self, latest: Option<OffsetDateTime>, error: Option<String>) {
        self.latest_delivery = self.latest_delivery.max(latest);
        if error.is_some() {
            self.latest_delivery_error = error;
        }
    }

    /// The latest batch delivered and the latest delivery error (GetTrailStatus).
    pub fn delivery_status(&self) -> (Option<OffsetDateTime>, Option<&str>) {
        (self.latest_delivery, self.latest_delivery_error.as_deref())
    }

    /// When the emulator started (the synthesised history ends here).
    pub fn started(&self) -> OffsetDateTime {
        self.started
    }
}

/// Dispatch a CloudTrail operation (`CloudTrail_20131101.*`).
pub fn dispatch(
    call: &crate::emulator::rpc::Call,
    emu: &std::sync::Arc<crate::emulator::Emu>,
) -> axum::response::Response {
    if trails::OPERATIONS.contains(&call.op) {
        return trails::dispatch(call);
    }
    if lake::OPERATIONS.contains(&call.op) {
        return lake::dispatch(call, emu);
    }
    lookup::dispatch(call)
}

/// Turn the activity recorded since the last call into records; the first call also
/// synthesises the seed's history.
pub fn absorb(st: &mut State) {
    if !st.trail.history_done {
        st.trail.history_done = true;
        let activity = history::generate(st);
        let mut rng = history::rng(&st.org.history);
        for (at, a) in &activity {
            for (t, record) in records::records(st, *at, a, &mut rng) {
                st.trail.insert(t, &record);
            }
        }
    }
    if st.activity.is_empty() {
        return;
    }
    let activity = std::mem::take(&mut st.activity);
    let mut rng = rand::rng();
    for (at, a) in &activity {
        for (t, record) in records::records(st, *at, a, &mut rng) {
            st.trail.insert(t, &record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str) -> Value {
        json!({"eventID": id, "eventName": "X", "eventSource": "sso.amazonaws.com",
               "readOnly": true, "recipientAccountId": "1",
               "userIdentity": {"type": "AssumedRole", "accessKeyId": "ASIA1",
                   "arn": "arn:aws:sts::1:assumed-role/R/alice"}})
    }

    #[test]
    fn keeps_time_order_and_drops_the_oldest_past_the_cap() {
        let mut t = Trail::new(3);
        let t0 = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        t.insert(t0 + time::Duration::minutes(5), &record("c"));
        t.insert(t0, &record("a"));
        t.insert(t0 + time::Duration::minutes(1), &record("b"));
        let ids: Vec<&str> = t.events().iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        t.insert(t0 + time::Duration::minutes(9), &record("d"));
        let ids: Vec<&str> = t.events().iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "d"]);
        assert_eq!(t.dropped(), 1);
        let e = &t.events()[0];
        assert_eq!(e.username.as_deref(), Some("alice"));
        assert_eq!(e.access_key_id.as_deref(), Some("ASIA1"));
        assert!(e.read_only);
    }
}
