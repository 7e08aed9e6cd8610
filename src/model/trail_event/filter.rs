//! The event filter shared by the events screen, `centry events` and the log-file reader (which
//! applies it in its worker threads): by person, event group, outcome, source IP and time range.
//! Every criterion left empty matches everything.

use std::net::IpAddr;
use std::str::FromStr;

use time::OffsetDateTime;

use super::{EventGroup, Outcome, TrailEvent};

/// Which events to keep. `Default` keeps every event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// A user name, display name or user id (case-insensitive, whole value). Matches the
    /// Identity Store user id, the logged user name (never a masked one), the resolved person,
    /// and the session name of an assumed role (`.../AWSReservedSSO_x/alice@example.com`).
    pub user: Option<String>,
    /// Event groups to keep; empty keeps all.
    pub groups: Vec<EventGroup>,
    /// Keep only this outcome.
    pub outcome: Option<Outcome>,
    /// Keep only events from this address or network.
    pub source_ip: Option<IpMatch>,
    /// Keep events at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Keep events at or before this time.
    pub until: Option<OffsetDateTime>,
}

impl EventFilter {
    /// Whether the filter keeps everything.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether `event` passes every criterion.
    pub fn matches(&self, event: &TrailEvent) -> bool {
        self.since.is_none_or(|t| event.event_time >= t)
            && self.until.is_none_or(|t| event.event_time <= t)
            && (self.groups.is_empty() || self.groups.contains(&event.group))
            && self.outcome.is_none_or(|o| event.outcome == o)
            && self
                .source_ip
                .as_ref()
                .is_none_or(|m| event.source_ip.as_deref().is_some_and(|ip| m.matches(ip)))
            && self
                .user
                .as_deref()
                .is_none_or(|u| matches_user(event, u.trim()))
    }
}

fn matches_user(event: &TrailEvent, wanted: &str) -> bool {
    let same = |value: Option<&str>| value.is_some_and(|v| v.trim().eq_ignore_ascii_case(wanted));
    let person = event.person.as_ref();
    same(event.user_id.as_deref())
        || same(event.clear_user_name())
        || same(person.map(|p| p.user_name.as_str()))
        || same(person.and_then(|p| p.display_name.as_deref()))
        || same(
            event
                .principal_arn
                .as_deref()
                .and_then(assumed_role_session),
        )
}

/// The session name of an assumed-role ARN (`arn:aws:sts::1:assumed-role/Role/session`).
fn assumed_role_session(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let rest = resource.strip_prefix("assumed-role/")?;
    rest.split_once('/').map(|(_, session)| session)
}

/// A source-IP criterion: one address (or a non-IP source such as `AWS Internal`), or a
/// network in CIDR form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpMatch {
    /// The exact text of `sourceIPAddress` (addresses are compared as addresses).
    Exact(String),
    /// Every address in `network/prefix`.
    Network {
        /// The network address.
        network: IpAddr,
        /// The prefix length in bits.
        prefix: u8,
    },
}

impl FromStr for IpMatch {
    type Err = String;

    /// `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32` or any other text (matched exactly).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty source IP".into());
        }
        let Some((address, prefix)) = s.split_once('/') else {
            return Ok(Self::Exact(s.to_owned()));
        };
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("{s:?} is not a network: {address:?} is not an IP address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        match prefix.parse::<u8>() {
            Ok(prefix) if prefix <= max => Ok(Self::Network { network, prefix }),
            _ => Err(format!("{s:?} is not a network: prefix must be 0..={max}")),
        }
    }
}

impl IpMatch {
    /// Whether a logged `sourceIPAddress` matches.
    pub fn matches(&self, source_ip: &str) -> bool {
        let source_ip = source_ip.trim();
        match self {
            Self::Exact(wanted) => match (wanted.parse::<IpAddr>(), source_ip.parse::<IpAddr>()) {
                (Ok(a), Ok(b)) => a == b,
                _ => wanted.eq_ignore_ascii_case(source_ip),
            },
            Self::Network { network, prefix } => source_ip
                .parse::<IpAddr>()
                .is_ok_and(|ip| in_network(ip, *network, *prefix)),
        }
    }
}

fn in_network(ip: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trail_event::{Person, parse_record};
    use serde_json::json;

    fn event(source_ip: &str, error: bool) -> TrailEvent {
        let mut record = json!({
            "eventID": "id", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "UserAuthentication",
            "sourceIPAddress": source_ip,
            "userIdentity": {"type": "IdentityCenterUser",
                "onBehalfOf": {"userId": "u-123", "identityStoreArn": "arn:aws:identitystore::1:identitystore/d-1"}},
            "additionalEventData": {"UserName": "Alice@Example.com"}
        });
        if error {
            record["errorCode"] = json!("Denied");
        }
        parse_record(&record).unwrap()
    }

    #[test]
    fn empty_filter_keeps_everything() {
        assert!(EventFilter::default().is_empty());
        assert!(EventFilter::default().matches(&event("1.2.3.4", true)));
    }

    #[test]
    fn user_matches_id_name_person_and_role_session_but_not_masked_names() {
        let e = event("1.2.3.4", false);
        let by = |u: &str| {
            EventFilter {
                user: Some(u.into()),
                ..Default::default()
            }
            .matches(&e)
        };
        assert!(by("u-123"));
        assert!(by("alice@example.com"));
        assert!(!by("alice"));
        let mut resolved = e.clone();
        resolved.person = Some(Person {
            user_name: "asmith".into(),
            display_name: Some("Alice Smith".into()),
        });
        let filter = |u: &str| EventFilter {
            user: Some(u.into()),
            ..Default::default()
        };
        assert!(filter("asmith").matches(&resolved));
        assert!(filter("alice smith").matches(&resolved));

        let role = parse_record(&json!({
            "eventID": "id", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
            "userIdentity": {"type": "AssumedRole",
                "arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abc/foo@bar.com"}
        }))
        .unwrap();
        assert!(filter("foo@bar.com").matches(&role));
        assert!(!filter("AWSReservedSSO_Admin_abc").matches(&role));

        let masked = parse_record(&json!({
            "eventID": "id", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "CredentialChallenge",
            "additionalEventData": {"UserName": "HIDDEN_DUE_TO_SECURITY_REASONS"}
        }))
        .unwrap();
        assert!(!filter("HIDDEN_DUE_TO_SECURITY_REASONS").matches(&masked));
    }

    #[test]
    fn groups_outcome_and_time_range() {
        let ok = event("1.2.3.4", false);
        let failed = event("1.2.3.4", true);
        let failures = EventFilter {
            outcome: Some(Outcome::Failure),
            ..Default::default()
        };
        assert!(!failures.matches(&ok));
        assert!(failures.matches(&failed));
        let portal = EventFilter {
            groups: vec![EventGroup::Portal],
            ..Default::default()
        };
        assert!(!portal.matches(&ok));
        let signin = EventFilter {
            groups: vec![EventGroup::Portal, EventGroup::Signin],
            ..Default::default()
        };
        assert!(signin.matches(&ok));
        let at = ok.event_time;
        let window = |since, until| EventFilter {
            since,
            until,
            ..Default::default()
        };
        assert!(
            window(Some(at), Some(at)).matches(&ok),
            "bounds are inclusive"
        );
        assert!(!window(Some(at + time::Duration::SECOND), None).matches(&ok));
        assert!(!window(None, Some(at - time::Duration::SECOND)).matches(&ok));
    }

    #[test]
    fn source_ip_exact_and_networks() {
        let m = |s: &str| s.parse::<IpMatch>().unwrap();
        assert!(m("203.0.113.7").matches("203.0.113.7"));
        assert!(!m("203.0.113.7").matches("203.0.113.8"));
        assert!(m("203.0.113.0/24").matches("203.0.113.200"));
        assert!(!m("203.0.113.0/24").matches("203.0.114.1"));
        assert!(m("0.0.0.0/0").matches("8.8.8.8"));
        assert!(m("2001:db8::/32").matches("2001:db8:1::1"));
        assert!(
            m("2001:DB8::1").matches("2001:db8::1"),
            "addresses compare as addresses"
        );
        assert!(!m("2001:db8::/32").matches("203.0.113.7"));
        assert!(m("AWS Internal").matches("aws internal"));
        assert!(!m("10.0.0.0/8").matches("AWS Internal"));
        assert!("10.0.0.0/33".parse::<IpMatch>().is_err());
        assert!("ten/8".parse::<IpMatch>().is_err());
        assert!("".parse::<IpMatch>().is_err());
        let f = EventFilter {
            source_ip: Some(m("1.2.3.0/24")),
            ..Default::default()
        };
        assert!(f.matches(&event("1.2.3.4", false)));
        assert!(!f.matches(&event("9.9.9.9", false)));
    }

    #[test]
    fn role_session_names() {
        assert_eq!(
            assumed_role_session("arn:aws:sts::1:assumed-role/R/s@x"),
            Some("s@x")
        );
        assert_eq!(assumed_role_session("arn:aws:iam::1:role/R"), None);
        assert_eq!(assumed_role_session("nonsense"), None);
    }
}
