//! The `centry events --json` line: one JSON object per event with a fixed set of camelCase
//! keys, absent values written as `null`, as issue 5 specifies. A masked user name is written as
//! the marker the log holds (`HIDDEN_DUE_TO_SECURITY_REASONS`), never as someone's name.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use super::{EventFormat, Outcome, Person, TrailEvent, UserNameSource};

/// The keys of a `centry events --json` line, in order (the ones issue 5 lists).
pub const JSON_KEYS: [&str; 19] = [
    "eventId",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIp",
    "userAgent",
    "identityType",
    "format",
    "userId",
    "identityStoreArn",
    "credentialId",
    "userName",
    "userNameSource",
    "credentialType",
    "outcome",
    "errorCode",
    "errorMessage",
    "person",
];

/// The serialisable form of one output line, borrowing from the event. Serialise it straight
/// into a writer (`serde_json::to_writer`) to avoid an intermediate string.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonLine<'a> {
    event_id: &'a str,
    event_time: String,
    event_source: &'a str,
    event_name: &'a str,
    aws_region: Option<&'a str>,
    source_ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    identity_type: Option<&'a str>,
    format: EventFormat,
    user_id: Option<&'a str>,
    identity_store_arn: Option<&'a str>,
    credential_id: Option<&'a str>,
    user_name: Option<&'a str>,
    user_name_source: Option<UserNameSource>,
    credential_type: Option<&'a str>,
    outcome: Outcome,
    error_code: Option<&'a str>,
    error_message: Option<&'a str>,
    person: Option<&'a Person>,
}

impl TrailEvent {
    /// The output line's fields, with `person` taken from [`TrailEvent::person`].
    pub fn json_line(&self) -> JsonLine<'_> {
        JsonLine {
            event_id: &self.event_id,
            // Formatting a UTC time with a four-digit year cannot fail; fall back to the
            // timestamp rather than panic if it ever does.
            event_time: self
                .event_time
                .format(&Rfc3339)
                .unwrap_or_else(|_| self.event_time.unix_timestamp().to_string()),
            event_source: &self.event_source,
            event_name: &self.event_name,
            aws_region: self.aws_region.as_deref(),
            source_ip: self.source_ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            identity_type: self.identity_type.as_deref(),
            format: self.format,
            user_id: self.user_id.as_deref(),
            identity_store_arn: self.identity_store_arn.as_deref(),
            credential_id: self.credential_id.as_deref(),
            user_name: self.user_name.as_ref().map(|n| n.as_logged()),
            user_name_source: self.user_name_source,
            credential_type: self.credential_type.as_deref(),
            outcome: self.outcome,
            error_code: self.error_code.as_deref(),
            error_message: self.error_message.as_deref(),
            person: self.person.as_ref(),
        }
    }

    /// The output line as a string (no trailing newline).
    pub fn to_json_line(&self) -> String {
        // Serialising borrowed strings and plain enums to a String cannot fail.
        // C1 controls and bidi marks in AWS's strings are escaped (see `model::text::json`).
        crate::model::text::json::to_line(&self.json_line()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::trail_event::{Person, parse_record};
    use serde_json::{Value, json};

    use super::JSON_KEYS as KEYS;

    #[test]
    fn every_key_is_present_and_absent_values_are_null() {
        let record = json!({
            "eventID": "id-1", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "sso.amazonaws.com", "eventName": "ListAccounts",
            "userIdentity": {"type": "IdentityCenterUser",
                "onBehalfOf": {"userId": "u-1", "identityStoreArn": "arn:aws:identitystore::1:identitystore/d-1"},
                "credentialId": "c-1"}
        });
        let mut event = parse_record(&record).unwrap();
        let text = event.to_json_line();
        let line: Value = serde_json::from_str(&text).unwrap();
        let object = line.as_object().unwrap();
        assert_eq!(object.len(), KEYS.len());
        let positions: Vec<usize> = KEYS
            .iter()
            .map(|key| {
                text.find(&format!("\"{key}\":"))
                    .unwrap_or_else(|| panic!("missing {key}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "keys in the documented order: {text}"
        );
        assert_eq!(line["eventTime"], "2025-03-01T12:00:00Z");
        assert_eq!(line["format"], "new");
        assert_eq!(line["outcome"], "success");
        assert_eq!(line["userId"], "u-1");
        assert_eq!(line["awsRegion"], Value::Null);
        assert_eq!(line["userName"], Value::Null);
        assert_eq!(line["userNameSource"], Value::Null);
        assert_eq!(line["person"], Value::Null);

        event.person = Some(Person {
            user_name: "alice".into(),
            display_name: Some("Alice A".into()),
        });
        let line: Value = serde_json::from_str(&event.to_json_line()).unwrap();
        assert_eq!(
            line["person"],
            json!({"userName": "alice", "displayName": "Alice A"})
        );
    }

    #[test]
    fn names_sources_and_control_characters() {
        let record = json!({
            "eventID": "id-2", "eventTime": "2025-03-01T12:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "CredentialChallenge",
            "userAgent": "evil\u{1b}]0;title\u{7}",
            "userIdentity": {"type": "Unknown"},
            "additionalEventData": {"UserName": "HIDDEN_DUE_TO_SECURITY_REASONS"},
            "errorCode": "Denied"
        });
        let text = parse_record(&record).unwrap().to_json_line();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\n'),
            "escaped by JSON: {text}"
        );
        let line: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(line["userName"], "HIDDEN_DUE_TO_SECURITY_REASONS");
        assert_eq!(line["userNameSource"], "additionalEventData.UserName");
        assert_eq!(line["format"], "unauthenticated");
        assert_eq!(line["outcome"], "failure");
        assert_eq!(line["userAgent"], "evil\u{1b}]0;title\u{7}");
    }
}
