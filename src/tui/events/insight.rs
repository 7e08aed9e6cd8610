//! What the events screen works out from the events it holds: the name typed in each sign-in
//! chain (so a failed step without a name still says whose it was), the highlights (failed
//! sign-ins, MFA device changes, a first sign-in from an address new for that person),
//! sign-ins and failures per hour for the sparkline, one person's sessions, addresses and
//! failures, and one session's timeline (events sharing a `credentialId`, joined to the
//! sign-in chains that started it by `AuthWorkflowID`). Pure functions of the events.

use std::collections::{BTreeMap, HashMap, HashSet};

use time::{Duration, OffsetDateTime};

use crate::model::trail_event::classify::is_mfa_device_change;
use crate::model::trail_event::{EventGroup, Outcome, Person, TrailEvent, Who};

/// Facts derived from all held events.
#[derive(Debug, Default, Clone)]
pub struct Insight {
    /// Successful sign-ins from an address the person had not used before (event ids).
    pub new_ip: HashSet<String>,
    /// The name typed in each sign-in chain: `AuthWorkflowID` → name.
    pub chain_names: HashMap<String, String>,
    /// The name typed by each user id (from their own sign-in steps), for ids the directory did
    /// not resolve.
    pub typed_names: HashMap<String, String>,
    /// The person the directory named in each sign-in chain: `AuthWorkflowID` → person.
    pub chain_people: HashMap<String, Person>,
}

/// Why a row stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Highlight {
    /// A sign-in step that failed.
    FailedSignIn,
    /// Any other failure.
    Failure,
    /// An MFA device registered, renamed or removed.
    MfaChange,
    /// A first sign-in from an address new for this person.
    NewIp,
}

impl Highlight {
    /// The marker shown in the stream.
    pub fn marker(self) -> &'static str {
        match self {
            Highlight::FailedSignIn => "FAILED SIGN-IN",
            Highlight::Failure => "FAILED",
            Highlight::MfaChange => "MFA DEVICE",
            Highlight::NewIp => "NEW IP",
        }
    }
}

fn is_sign_in(e: &TrailEvent) -> bool {
    e.event_name == "UserAuthentication" && e.outcome == Outcome::Success
}

impl Insight {
    /// Work the facts out from events held newest first.
    pub fn analyse(events: &[TrailEvent]) -> Insight {
        let mut out = Insight::default();
        for e in events {
            if let (Some(flow), Some(name)) = (&e.auth_workflow_id, e.clear_user_name()) {
                out.chain_names
                    .entry(flow.clone())
                    .or_insert_with(|| name.to_string());
            }
            if let (Some(flow), Some(p)) = (&e.auth_workflow_id, &e.person) {
                out.chain_people
                    .entry(flow.clone())
                    .or_insert_with(|| p.clone());
            }
            if let (Some(id), Some(name)) = (&e.user_id, e.clear_user_name()) {
                out.typed_names
                    .entry(id.clone())
                    .or_insert_with(|| name.to_string());
            }
        }
        // Oldest first: an address is new for a person who already had others; the sign-in
        // is marked when its own chain (or the sign-in itself) brought the address first.
        let mut known: HashMap<String, HashSet<&str>> = HashMap::new();
        let mut fresh: HashMap<(String, &str), Option<&str>> = HashMap::new();
        for e in events.iter().rev() {
            let (Some(key), Some(ip)) = (out.person_key(e), e.source_ip.as_deref()) else {
                continue;
            };
            let seen = known.entry(key.clone()).or_default();
            if seen.insert(ip) && seen.len() > 1 {
                fresh.insert((key.clone(), ip), e.auth_workflow_id.as_deref());
            }
            if is_sign_in(e)
                && fresh
                    .get(&(key, ip))
                    .is_some_and(|flow| *flow == e.auth_workflow_id.as_deref())
            {
                out.new_ip.insert(e.event_id.clone());
            }
        }
        out
    }

    /// Whether `e` is about the person `wanted` (user name, display name or id) by the name its
    /// sign-in chain carries (failed steps have no user of their own).
    pub fn chain_matches(&self, e: &TrailEvent, wanted: &str) -> bool {
        let typed = e.user_id.as_ref().and_then(|id| self.typed_names.get(id));
        self.chain_name(e)
            .into_iter()
            .chain(typed.map(String::as_str))
            .any(|n| !is_masked(n) && n.trim().eq_ignore_ascii_case(wanted.trim()))
    }

    /// The name a chain's steps share, for steps that carry none themselves.
    pub fn chain_name<'a>(&'a self, e: &TrailEvent) -> Option<&'a str> {
        self.chain_names
            .get(e.auth_workflow_id.as_ref()?)
            .map(String::as_str)
    }

    /// The key grouping one person's events.
    pub fn person_key(&self, e: &TrailEvent) -> Option<String> {
        match e.who() {
            Who::UserId(id) => Some(
                self.typed_names
                    .get(id)
                    .map_or(id, String::as_str)
                    .to_lowercase(),
            ),
            who => who
                .key()
                .or_else(|| self.chain_name(e).map(str::to_lowercase)),
        }
    }

    /// Who, for the person column.
    pub fn who_label(&self, e: &TrailEvent) -> String {
        // A step that names nobody, in a chain whose other steps the directory resolved.
        if matches!(e.who(), Who::Nobody | Who::Masked)
            && let Some(p) = e
                .auth_workflow_id
                .as_ref()
                .and_then(|flow| self.chain_people.get(flow))
        {
            return Who::Person(p).label();
        }
        match (e.who(), self.chain_name(e)) {
            (Who::UserId(id), _) if self.typed_names.contains_key(id) => {
                format!("{} (unverified)", self.typed_names[id])
            }
            (Who::Nobody | Who::Masked, Some(name)) if !is_masked(name) => {
                format!("{name} (unverified)")
            }
            // The chain's typed name was masked: a name the directory does not know.
            (Who::Nobody, Some(_)) => Who::Masked.label(),
            (who, _) => who.label(),
        }
    }

    /// Why a row stands out, if it does.
    pub fn highlight(&self, e: &TrailEvent) -> Option<Highlight> {
        if e.outcome == Outcome::Failure {
            return Some(if e.group == EventGroup::Signin {
                Highlight::FailedSignIn
            } else {
                Highlight::Failure
            });
        }
        if is_mfa_device_change(&e.event_source, &e.event_name)
            && !e.event_name.starts_with("Start")
        {
            return Some(Highlight::MfaChange);
        }
        self.new_ip
            .contains(&e.event_id)
            .then_some(Highlight::NewIp)
    }
}

fn is_masked(name: &str) -> bool {
    crate::model::trail_event::classify::is_masked(name)
}

/// Sign-ins and failures per hour, oldest hour first, for the `hours` before `now`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hourly {
    /// Successful sign-ins (UserAuthentication) per hour.
    pub sign_ins: Vec<u64>,
    /// Failures per hour.
    pub failures: Vec<u64>,
}

/// Count per hour.
pub fn hourly(events: &[TrailEvent], now: OffsetDateTime, hours: usize) -> Hourly {
    let hours = hours.max(1);
    let mut h = Hourly {
        sign_ins: vec![0; hours],
        failures: vec![0; hours],
    };
    for e in events {
        let ago = (now - e.event_time).whole_hours();
        if ago < 0 || ago as usize >= hours {
            continue;
        }
        let slot = hours - 1 - ago as usize;
        if is_sign_in(e) {
            h.sign_ins[slot] += 1;
        }
        if e.outcome == Outcome::Failure {
            h.failures[slot] += 1;
        }
    }
    h
}

/// One session of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    /// The `credentialId`.
    pub credential_id: String,
    /// First event.
    pub first: OffsetDateTime,
    /// Last event.
    pub last: OffsetDateTime,
    /// Events in it.
    pub events: usize,
    /// Addresses used.
    pub ips: Vec<String>,
    /// Short user agents used.
    pub agents: Vec<String>,
}

/// One address a person used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpSummary {
    /// The address.
    pub ip: String,
    /// Events from it.
    pub events: usize,
    /// First seen.
    pub first: OffsetDateTime,
    /// Last seen.
    pub last: OffsetDateTime,
    /// A sign-in from it was a first from a new address.
    pub new: bool,
}

/// Everything about one person in the held events.
#[derive(Debug, Clone, Default)]
pub struct PersonSummary {
    /// Their events, newest first (indexes into the events).
    pub events: Vec<usize>,
    /// Sessions, newest first.
    pub sessions: Vec<SessionSummary>,
    /// Addresses, most used first.
    pub ips: Vec<IpSummary>,
    /// Failed events (indexes), newest first.
    pub failures: Vec<usize>,
}

/// Summarise the person with `key` (see [`Insight::person_key`]).
pub fn person(events: &[TrailEvent], insight: &Insight, key: &str) -> PersonSummary {
    let mut out = PersonSummary::default();
    let mut sessions: BTreeMap<&str, SessionSummary> = BTreeMap::new();
    let mut ips: BTreeMap<&str, IpSummary> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        if insight.person_key(e).as_deref() != Some(key) {
            continue;
        }
        out.events.push(i);
        if e.outcome == Outcome::Failure {
            out.failures.push(i);
        }
        let t = e.event_time;
        if let Some(ip) = e.source_ip.as_deref() {
            let s = ips.entry(ip).or_insert(IpSummary {
                ip: ip.to_string(),
                events: 0,
                first: t,
                last: t,
                new: false,
            });
            s.events += 1;
            s.first = s.first.min(t);
            s.last = s.last.max(t);
            s.new |= insight.new_ip.contains(&e.event_id);
        }
        if let Some(c) = e.credential_id.as_deref() {
            let s = sessions.entry(c).or_insert(SessionSummary {
                credential_id: c.to_string(),
                first: t,
                last: t,
                events: 0,
                ips: Vec::new(),
                agents: Vec::new(),
            });
            s.events += 1;
            s.first = s.first.min(t);
            s.last = s.last.max(t);
            if let Some(ip) = &e.source_ip
                && !s.ips.contains(ip)
            {
                s.ips.push(ip.clone());
            }
            let agent = e
                .user_agent
                .as_deref()
                .map(crate::model::trail_event::short_user_agent)
                .unwrap_or_default();
            if !agent.is_empty() && !s.agents.contains(&agent) {
                s.agents.push(agent);
            }
        }
    }
    out.sessions = sessions.into_values().collect();
    out.sessions.sort_by_key(|s| std::cmp::Reverse(s.last));
    out.ips = ips.into_values().collect();
    out.ips
        .sort_by(|a, b| b.events.cmp(&a.events).then(a.first.cmp(&b.first)));
    out
}

/// The session around `focus`: events sharing its `credentialId`, and the sign-in chains
/// (`AuthWorkflowID`) of any of them — oldest first, as indexes into `events`.
pub fn session(events: &[TrailEvent], focus: &TrailEvent) -> Vec<usize> {
    let mut creds: HashSet<&str> = focus.credential_id.as_deref().into_iter().collect();
    let mut flows: HashSet<&str> = focus.auth_workflow_id.as_deref().into_iter().collect();
    loop {
        let before = creds.len() + flows.len();
        for e in events {
            let in_cred = e
                .credential_id
                .as_deref()
                .is_some_and(|c| creds.contains(c));
            let in_flow = e
                .auth_workflow_id
                .as_deref()
                .is_some_and(|f| flows.contains(f));
            if in_cred || in_flow {
                creds.extend(e.credential_id.as_deref());
                flows.extend(e.auth_workflow_id.as_deref());
            }
        }
        if creds.len() + flows.len() == before {
            break;
        }
    }
    let mut out: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.credential_id
                .as_deref()
                .is_some_and(|c| creds.contains(c))
                || e.auth_workflow_id
                    .as_deref()
                    .is_some_and(|f| flows.contains(f))
        })
        .map(|(i, _)| i)
        .collect();
    if out.is_empty() {
        out.extend(events.iter().position(|e| e.event_id == focus.event_id));
    }
    out.sort_by(|&a, &b| {
        events[a]
            .event_time
            .cmp(&events[b].event_time)
            .then(b.cmp(&a))
    });
    out
}

/// `+1:02:03` from the first event.
pub fn offset(first: OffsetDateTime, t: OffsetDateTime) -> String {
    let d: Duration = t - first;
    let s = d.whole_seconds().max(0);
    if s >= 3600 {
        format!("+{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("+{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trail_event::parse_record;
    use serde_json::{Value, json};

    fn at(secs: i64) -> String {
        (OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap() + Duration::seconds(secs))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    }

    fn user(id: &str) -> Value {
        json!({"type": "IdentityCenterUser", "credentialId": format!("c-{id}"),
               "onBehalfOf": {"userId": id, "identityStoreArn": "arn:aws:identitystore::1:identitystore/d-1"}})
    }

    fn rec(id: &str, secs: i64, name: &str, ip: &str, identity: Value, extra: Value) -> TrailEvent {
        let mut r = json!({"eventID": id, "eventTime": at(secs), "eventSource": "signin.amazonaws.com",
            "eventName": name, "sourceIPAddress": ip, "userIdentity": identity});
        if let Value::Object(m) = extra {
            for (k, v) in m {
                r[k] = v;
            }
        }
        parse_record(&r).unwrap()
    }

    /// Newest first, as the store holds them.
    fn sample() -> Vec<TrailEvent> {
        let unknown = json!({"type": "Unknown"});
        let mut v = vec![
            rec(
                "1",
                0,
                "UserAuthentication",
                "10.0.0.1",
                user("u1"),
                json!({}),
            ),
            rec(
                "2",
                100,
                "CredentialChallenge",
                "10.9.9.9",
                unknown.clone(),
                json!({"additionalEventData": {"AuthWorkflowID": "w2", "UserName": "ana"}}),
            ),
            rec(
                "3",
                103,
                "CredentialVerification",
                "10.9.9.9",
                unknown,
                json!({"additionalEventData": {"AuthWorkflowID": "w2"},
                       "serviceEventDetails": {"CredentialVerification": "Failure"}}),
            ),
            rec(
                "4",
                3600,
                "UserAuthentication",
                "10.9.9.9",
                user("u1"),
                json!({"additionalEventData": {"AuthWorkflowID": "w4"}}),
            ),
            rec(
                "5",
                3601,
                "CredentialChallenge",
                "10.9.9.9",
                user("u1"),
                json!({"additionalEventData": {"AuthWorkflowID": "w4", "UserName": "u1"}}),
            ),
        ];
        v[4].event_source = "signin.amazonaws.com".into();
        v.reverse();
        v
    }

    #[test]
    fn chain_names_label_failed_steps_and_new_addresses_stand_out() {
        let events = sample();
        let i = Insight::analyse(&events);
        let failed = events.iter().find(|e| e.event_id == "3").unwrap();
        assert_eq!(i.who_label(failed), "ana (unverified)");
        assert_eq!(i.highlight(failed), Some(Highlight::FailedSignIn));
        let second = events.iter().find(|e| e.event_id == "4").unwrap();
        assert_eq!(
            i.highlight(second),
            Some(Highlight::NewIp),
            "{:?}",
            i.new_ip
        );
        let first = events.iter().find(|e| e.event_id == "1").unwrap();
        assert_eq!(i.highlight(first), None, "no history to compare with");

        // Once the directory has named the typed user, the failed step takes that person.
        let mut resolved = sample();
        for e in resolved.iter_mut().filter(|e| e.event_id == "2") {
            e.person = Some(Person {
                user_name: "ana".into(),
                display_name: Some("Ana Silva".into()),
            });
        }
        let i = Insight::analyse(&resolved);
        let failed = resolved.iter().find(|e| e.event_id == "3").unwrap();
        assert_eq!(i.who_label(failed), "Ana Silva");
        assert_eq!(i.person_key(failed).as_deref(), Some("ana"));
    }

    #[test]
    fn hourly_counts_sign_ins_and_failures() {
        let events = sample();
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000 + 3 * 3600 - 1).unwrap();
        let h = hourly(&events, now, 3);
        assert_eq!(h.sign_ins, vec![1, 1, 0]);
        assert_eq!(h.failures, vec![1, 0, 0]);
    }

    #[test]
    fn people_sessions_and_timelines() {
        let events = sample();
        let i = Insight::analyse(&events);
        let p = person(&events, &i, "u1");
        assert_eq!(p.events.len(), 3);
        assert_eq!(p.sessions.len(), 1);
        assert_eq!(p.sessions[0].ips, vec!["10.9.9.9", "10.0.0.1"]);
        assert_eq!(p.ips[0].ip, "10.9.9.9");
        assert!(p.ips[0].new);
        let ana = person(&events, &i, "ana");
        assert_eq!(ana.failures.len(), 1);
        let failed = events.iter().find(|e| e.event_id == "3").unwrap();
        let chain: Vec<&str> = session(&events, failed)
            .into_iter()
            .map(|k| events[k].event_id.as_str())
            .collect();
        assert_eq!(chain, ["2", "3"]);
        assert_eq!(
            offset(events[4].event_time, events[0].event_time),
            "+1:00:01"
        );
    }
}
