//! Who an event is about, for a person column: the resolved person, else the name the event
//! carries (unverified — it is what the log says), a masked name, the bare user id, or the IAM
//! principal (a role session's name) for events no Identity Center user made.

use super::{Person, TrailEvent};

/// The best answer to "who?" an event allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who<'a> {
    /// Resolved through the identity store.
    Person(&'a Person),
    /// A name from the event itself (not checked against the directory).
    Named(&'a str),
    /// The event masked the name (`HIDDEN_DUE_TO_SECURITY_REASONS`).
    Masked,
    /// Only the Identity Store user id.
    UserId(&'a str),
    /// An IAM principal: the role session name or the ARN's last part.
    Principal(&'a str),
    /// Nobody named.
    Nobody,
}

impl TrailEvent {
    /// Who the event is about.
    pub fn who(&self) -> Who<'_> {
        if let Some(p) = &self.person {
            return Who::Person(p);
        }
        if let Some(n) = self.clear_user_name() {
            return Who::Named(n);
        }
        if let Some(id) = &self.user_id {
            return Who::UserId(id);
        }
        if self.user_name.as_ref().is_some_and(|n| n.is_masked()) {
            return Who::Masked;
        }
        match self
            .principal_arn
            .as_deref()
            .and_then(|a| a.rsplit('/').next())
        {
            Some(p) if !p.is_empty() => Who::Principal(p),
            _ => Who::Nobody,
        }
    }
}

impl Who<'_> {
    /// One short line: `Priya Raman`, `jdoe (unverified)`, `(name hidden)`, the user id, the
    /// role session, or `—`.
    pub fn label(&self) -> String {
        match self {
            Who::Person(p) => p
                .display_name
                .clone()
                .unwrap_or_else(|| p.user_name.clone()),
            Who::Named(n) => format!("{n} (unverified)"),
            Who::Masked => "(name hidden)".into(),
            Who::UserId(id) => (*id).to_string(),
            Who::Principal(p) => (*p).to_string(),
            Who::Nobody => "—".into(),
        }
    }

    /// A key grouping one person's events: the user id or user name, lower-cased.
    pub fn key(&self) -> Option<String> {
        match self {
            Who::Person(p) => Some(p.user_name.to_lowercase()),
            Who::Named(n) => Some(n.to_lowercase()),
            Who::UserId(id) => Some(id.to_lowercase()),
            Who::Principal(p) => Some(p.to_lowercase()),
            Who::Masked | Who::Nobody => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::trail_event::{Person, parse_record};
    use serde_json::json;

    #[test]
    fn resolved_people_win_over_names_ids_and_roles() {
        let mut e = parse_record(&json!({
            "eventID": "1", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "CredentialChallenge",
            "userIdentity": {"type": "IdentityCenterUser",
                "onBehalfOf": {"userId": "u-1", "identityStoreArn": "arn:aws:identitystore::1:identitystore/d-1"}},
            "additionalEventData": {"UserName": "jdoe"}
        }))
        .unwrap();
        assert_eq!(e.who().label(), "jdoe (unverified)");
        e.user_name = None;
        assert_eq!(e.who().label(), "u-1");
        e.person = Some(Person {
            user_name: "jdoe".into(),
            display_name: Some("Jane Doe".into()),
        });
        assert_eq!(e.who().label(), "Jane Doe");
        assert_eq!(e.who().key().as_deref(), Some("jdoe"));
        let masked = parse_record(&json!({
            "eventID": "2", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "CredentialChallenge",
            "userIdentity": {"type": "Unknown"},
            "additionalEventData": {"UserName": "HIDDEN_DUE_TO_SECURITY_REASONS"}
        }))
        .unwrap();
        assert_eq!(masked.who().label(), "(name hidden)");
        assert_eq!(masked.who().key(), None);
        let role = parse_record(&json!({
            "eventID": "3", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "sso.amazonaws.com", "eventName": "ListInstances",
            "userIdentity": {"type": "AssumedRole",
                "arn": "arn:aws:sts::1:assumed-role/AWSReservedSSO_Audit_x/jordan.lee"}
        }))
        .unwrap();
        assert_eq!(role.who().label(), "jordan.lee");
    }
}
