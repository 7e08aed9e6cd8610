//! Building a [`TrailEvent`] from the places records come from: a `serde_json::Value` (the
//! emulator), a JSON string, the bytes of one record in a log file, and a
//! LookupEvents `Event` ([`LookupEvent`]). All of them go through the same lenient view and the
//! same `build`, so every source yields identical fields for the same record.

use std::borrow::Cow;
use std::fmt;

use serde_json::value::RawValue;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::classify::{self, IdentityShape};
use super::view::{self, DetailsView, RecordView, RequestView, Str};
use super::{
    EventGroup, MfaDetails, Outcome, Target, TrailEvent, TrailEventError, UserName, UserNameSource,
};

/// Parses one record held as a JSON value; the raw record is kept.
pub fn parse_record(value: &serde_json::Value) -> Result<TrailEvent, TrailEventError> {
    let view = match view::read_record(value) {
        Ok(Some(view)) => view,
        Ok(None) => return Err(TrailEventError::NotAnObject),
        Err(e) => return Err(invalid_json(&e)),
    };
    let raw = serde_json::value::to_raw_value(value).map_err(|e| invalid_json(&e))?;
    build(view, Some(raw), &Fallback::default())
}

/// Parses one record from JSON text; the raw record is kept.
pub fn parse_json_str(json: &str) -> Result<TrailEvent, TrailEventError> {
    let raw = RawValue::from_string(json.trim().to_owned()).map_err(|e| invalid_json(&e))?;
    parse_raw(raw, &Fallback::default())
}

/// Parses a record whose text has already been validated as JSON, keeping it as the raw record.
fn parse_raw(raw: Box<RawValue>, fallback: &Fallback) -> Result<TrailEvent, TrailEventError> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let view = match view::read_record(&mut de) {
        Ok(Some(view)) => view,
        Ok(None) => return Err(TrailEventError::NotAnObject),
        Err(e) => return Err(invalid_json(&e)),
    };
    let event = build_owned(view, fallback)?;
    Ok(TrailEvent {
        raw: Some(raw),
        ..event
    })
}

/// The parts of a LookupEvents `Event` the parser needs, as plain data so the model does not
/// depend on the SDK's types (the services layer copies them over).
#[derive(Debug, Clone, Default)]
pub struct LookupEvent {
    /// `EventId`: used when the embedded record lacks `eventID`.
    pub event_id: Option<String>,
    /// `EventName`: used when the embedded record lacks `eventName`.
    pub event_name: Option<String>,
    /// `EventTime` (epoch seconds on the wire): used when the embedded record lacks `eventTime`.
    pub event_time: Option<OffsetDateTime>,
    /// `Username`. Not used as the event's user name: LookupEvents derives it from the same
    /// record (a role session name, an IAM user), and the console names users only from
    /// `userIdentity.userName` and `additionalEventData.UserName`.
    pub username: Option<String>,
    /// `CloudTrailEvent`: the full record as a JSON string.
    pub cloud_trail_event: Option<String>,
}

/// Parses a LookupEvents event: the embedded record, with the outer id, name and time filling
/// any gaps in it.
pub fn parse_lookup_event(event: &LookupEvent) -> Result<TrailEvent, TrailEventError> {
    let json = event
        .cloud_trail_event
        .as_deref()
        .ok_or(TrailEventError::MissingCloudTrailEvent)?;
    let raw = RawValue::from_string(json.trim().to_owned()).map_err(|e| invalid_json(&e))?;
    let fallback = Fallback {
        event_id: event.event_id.as_deref(),
        event_name: event.event_name.as_deref(),
        event_time: event.event_time,
    };
    parse_raw(raw, &fallback)
}

/// Parses one record from its JSON bytes, as a log reader finds them. With `keep_raw` the text
/// is kept in [`TrailEvent::raw`]; without it the record is read straight into the event (no
/// copy of the text), which is what bulk scans that print only extracted fields want.
pub fn parse_record_bytes(json: &[u8], keep_raw: bool) -> Result<TrailEvent, TrailEventError> {
    let mut de = serde_json::Deserializer::from_slice(json);
    if keep_raw {
        let raw: Box<RawValue> =
            serde::Deserialize::deserialize(&mut de).map_err(|e| invalid_json(&e))?;
        de.end().map_err(|e| invalid_json(&e))?;
        return parse_raw(raw, &Fallback::default());
    }
    let view = match view::read_record(&mut de) {
        Ok(Some(view)) => view,
        Ok(None) => return Err(TrailEventError::NotAnObject),
        Err(e) => return Err(invalid_json(&e)),
    };
    de.end().map_err(|e| invalid_json(&e))?;
    build_owned(view, &Fallback::default())
}

/// Values from outside the record (LookupEvents) used when the record lacks them.
#[derive(Default)]
struct Fallback<'a> {
    event_id: Option<&'a str>,
    event_name: Option<&'a str>,
    event_time: Option<OffsetDateTime>,
}

fn build_owned(view: RecordView<'_>, fallback: &Fallback) -> Result<TrailEvent, TrailEventError> {
    build(view, None, fallback)
}

/// The one place a view becomes an event.
fn build(
    view: RecordView<'_>,
    raw: Option<Box<RawValue>>,
    fallback: &Fallback,
) -> Result<TrailEvent, TrailEventError> {
    let event_id = required(view.event_id, fallback.event_id, "eventID")?;
    let event_source = required(view.event_source, None, "eventSource")?;
    let event_name = required(view.event_name, fallback.event_name, "eventName")?;
    let event_time = match present(view.event_time) {
        Some(text) => {
            parse_event_time(&text).ok_or_else(|| TrailEventError::BadEventTime(clip(&text)))?
        }
        None => fallback
            .event_time
            .ok_or(TrailEventError::MissingField("eventTime"))?,
    };

    let identity = view.identity.unwrap_or_default();
    let extra = view.additional;
    let identity_type = present(identity.kind);
    let identity_user_name = present(identity.user_name);
    let user_id = present(identity.on_behalf_of.user_id).or(present(extra.user_id));
    let identity_store_arn =
        present(identity.on_behalf_of.identity_store_arn).or(present(extra.identity_store_arn));
    let credential_type = present(extra.credential_type);

    let group = classify::event_group(&event_source, &event_name);
    let shape = IdentityShape {
        identity_type: identity_type.as_deref(),
        has_identity_user_name: identity_user_name.is_some(),
        has_idc_user: user_id.is_some() || identity_store_arn.is_some(),
        smartcard: credential_type
            .as_deref()
            .is_some_and(classify::is_smartcard),
    };
    let format = classify::event_format(shape, group);
    let (user_name, user_name_source) =
        pick_user_name(identity_user_name, present(extra.user_name));
    let error_code = present(view.error_code);
    let failed = error_code.is_some() || view.response_failure || view.details.failure;

    Ok(TrailEvent {
        event_id: event_id.into_owned(),
        event_time,
        event_source: event_source.into_owned(),
        event_name: event_name.into_owned(),
        aws_region: owned(view.aws_region),
        source_ip: owned(view.source_ip),
        user_agent: owned(view.user_agent),
        identity_type: identity_type.map(Cow::into_owned),
        format,
        group,
        user_id: user_id.map(Cow::into_owned),
        identity_store_arn: identity_store_arn.map(Cow::into_owned),
        credential_id: owned(identity.credential_id).or_else(|| owned(extra.credential_id)),
        user_name,
        user_name_source,
        principal_arn: owned(identity.arn),
        access_key_id: owned(identity.access_key_id),
        mfa: MfaDetails {
            factors: credential_type
                .as_deref()
                .map(classify::mfa_factors)
                .unwrap_or_default(),
            device_enrollment_required: extra.device_enrollment_required,
            mfa_used: extra.mfa_used,
            session_mfa_authenticated: identity.mfa_authenticated,
        },
        credential_type: credential_type.map(Cow::into_owned),
        auth_workflow_id: owned(extra.auth_workflow_id),
        error_code: error_code.map(Cow::into_owned),
        error_message: owned(view.error_message),
        outcome: if failed {
            Outcome::Failure
        } else {
            Outcome::Success
        },
        target: target(view.details, view.request, group),
        person: None,
        raw,
    })
}

/// The portal target: `serviceEventDetails`, else (portal calls only, where the parameters are
/// the account and permission-set role asked for) `requestParameters`.
fn target(details: DetailsView<'_>, request: RequestView<'_>, group: EventGroup) -> Target {
    let portal = group == EventGroup::Portal;
    let fallback = |value: Str<'_>| if portal { owned(value) } else { None };
    Target {
        account_id: owned(details.account_id).or_else(|| fallback(request.account_id)),
        role_name: owned(details.role_name).or_else(|| fallback(request.role_name)),
    }
}

/// `userIdentity.userName`, else `additionalEventData.UserName`; a real name wins over a masked
/// one wherever it sits.
fn pick_user_name(
    identity: Str<'_>,
    additional: Str<'_>,
) -> (Option<UserName>, Option<UserNameSource>) {
    let candidates = [
        (identity, UserNameSource::UserIdentity),
        (additional, UserNameSource::AdditionalEventData),
    ];
    let mut masked = None;
    for (value, source) in candidates {
        let Some(value) = value else { continue };
        if classify::is_masked(&value) {
            masked.get_or_insert((UserName::Masked(value.into_owned()), source));
        } else {
            return (Some(UserName::Name(value.into_owned())), Some(source));
        }
    }
    match masked {
        Some((name, source)) => (Some(name), Some(source)),
        None => (None, None),
    }
}

/// A string that is present and not blank.
fn present(value: Str<'_>) -> Str<'_> {
    value.filter(|v| !v.trim().is_empty())
}

fn owned(value: Str<'_>) -> Option<String> {
    present(value).map(Cow::into_owned)
}

fn required<'a>(
    value: Str<'a>,
    fallback: Option<&'a str>,
    field: &'static str,
) -> Result<Cow<'a, str>, TrailEventError> {
    present(value)
        .or_else(|| present(fallback.map(Cow::Borrowed)))
        .ok_or(TrailEventError::MissingField(field))
}

/// Reads `eventTime`: RFC 3339 as CloudTrail writes it (`2020-12-07T20:33:58Z`, with or without
/// fractions or an offset), and the `YYYY-MM-DD HH:MM:SS[.fff]` form that CloudTrail Lake, Athena
/// and SIEM exports use, taken as UTC. The result is in UTC.
pub fn parse_event_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.to_offset(UtcOffset::UTC));
    }
    let spaced = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let t_separated = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(text, spaced)
        .or_else(|_| PrimitiveDateTime::parse(text, t_separated))
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

fn invalid_json(error: &dyn fmt::Display) -> TrailEventError {
    TrailEventError::InvalidJson(clip(&error.to_string()))
}

/// Shortens text from a log for an error message and escapes anything unprintable.
fn clip(text: &str) -> String {
    const MAX: usize = 80;
    let mut shown: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trail_event::{EventFormat, EventGroup};
    use serde_json::json;

    /// The seed post's CredentialChallenge "before" snippet, completed into a record.
    fn transition_challenge() -> serde_json::Value {
        json!({
            "eventVersion": "1.10",
            "eventName": "CredentialChallenge",
            "eventSource": "signin.amazonaws.com",
            "eventTime": "2024-11-02T10:00:00Z",
            "eventID": "e1",
            "userIdentity": {
                "type": "Unknown",
                "userName": "anyuser",
                "accountId": "123456789012",
                "principalId": "123456789012",
                "onBehalfOf": {
                    "userId": "a11111-1111-1111-11a1-111aa111aa11",
                    "identityStoreArn": "arn:aws:identitystore::111111111:identitystore/d-111111a1a"
                },
                "credentialId": "1111a111111111a1a11111a1a"
            },
            "additionalEventData": {"CredentialType": "PASSWORD", "UserName": "anyuser"},
            "serviceEventDetails": {"CredentialChallenge": "Success"}
        })
    }

    #[test]
    fn transition_records_keep_both_old_and_new_keys() {
        let e = parse_record(&transition_challenge()).unwrap();
        assert_eq!(e.format, EventFormat::Transition);
        assert_eq!(e.group, EventGroup::Signin);
        assert_eq!(
            e.user_id.as_deref(),
            Some("a11111-1111-1111-11a1-111aa111aa11")
        );
        assert_eq!(
            e.credential_id.as_deref(),
            Some("1111a111111111a1a11111a1a")
        );
        assert_eq!(e.user_name, Some(UserName::Name("anyuser".into())));
        assert_eq!(e.user_name_source, Some(UserNameSource::UserIdentity));
        assert_eq!(e.outcome, Outcome::Success);
    }

    #[test]
    fn new_records_take_the_name_from_additional_event_data() {
        let mut record = transition_challenge();
        let identity = record["userIdentity"].as_object_mut().unwrap();
        identity.insert("type".into(), json!("IdentityCenterUser"));
        identity.remove("userName");
        identity.remove("principalId");
        let e = parse_record(&record).unwrap();
        assert_eq!(e.format, EventFormat::New);
        assert_eq!(e.user_name, Some(UserName::Name("anyuser".into())));
        assert_eq!(
            e.user_name_source,
            Some(UserNameSource::AdditionalEventData)
        );
    }

    #[test]
    fn a_masked_name_is_kept_as_masked_and_a_real_name_wins() {
        let failed = json!({
            "eventID": "e2", "eventTime": "2025-02-01T00:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "CredentialChallenge",
            "userIdentity": {"type": "Unknown", "accountId": "123456789012", "principalId": "123456789012"},
            "additionalEventData": {"CredentialType": "PASSWORD", "UserName": "HIDDEN_DUE_TO_SECURITY_REASONS"},
            "errorCode": "InvalidUserName"
        });
        let e = parse_record(&failed).unwrap();
        assert_eq!(e.format, EventFormat::Unauthenticated);
        assert_eq!(
            e.user_name,
            Some(UserName::Masked("HIDDEN_DUE_TO_SECURITY_REASONS".into()))
        );
        assert_eq!(e.clear_user_name(), None);
        assert_eq!(e.outcome, Outcome::Failure);

        let mut both = failed.clone();
        both["userIdentity"]["userName"] = json!("HIDDEN_DUE_TO_SECURITY_REASONS");
        both["additionalEventData"]["UserName"] = json!("bob");
        let e = parse_record(&both).unwrap();
        assert_eq!(e.clear_user_name(), Some("bob"));
        assert_eq!(
            e.user_name_source,
            Some(UserNameSource::AdditionalEventData)
        );
    }

    #[test]
    fn missing_or_bad_required_fields_are_errors_not_panics() {
        let base = transition_challenge();
        for (field, name) in [
            ("eventID", "eventID"),
            ("eventSource", "eventSource"),
            ("eventName", "eventName"),
            ("eventTime", "eventTime"),
        ] {
            let mut r = base.clone();
            r.as_object_mut().unwrap().remove(field);
            assert_eq!(
                parse_record(&r).unwrap_err(),
                TrailEventError::MissingField(name)
            );
            r[field] = json!("  ");
            assert_eq!(
                parse_record(&r).unwrap_err(),
                TrailEventError::MissingField(name)
            );
        }
        let mut r = base.clone();
        r["eventTime"] = json!("xxxx\u{1b}[2J");
        let err = parse_record(&r).unwrap_err();
        assert_eq!(
            err,
            TrailEventError::BadEventTime("\"xxxx\\u{1b}[2J\"".into())
        );
        assert!(
            !err.to_string().contains('\u{1b}'),
            "escape sequences are neutralised"
        );
        assert_eq!(
            parse_record(&json!([1])).unwrap_err(),
            TrailEventError::NotAnObject
        );
        assert!(matches!(
            parse_json_str("{\"a\":"),
            Err(TrailEventError::InvalidJson(_))
        ));
    }

    #[test]
    fn event_times_in_lake_and_siem_forms_are_read_as_utc() {
        let t = |s| parse_event_time(s).map(|t| t.unix_timestamp());
        assert_eq!(t("2020-12-07T20:33:58Z"), Some(1_607_373_238));
        assert_eq!(t("2020-12-07T21:33:58+01:00"), Some(1_607_373_238));
        assert_eq!(t("2020-12-07 20:33:58"), Some(1_607_373_238));
        assert_eq!(t("2020-12-07 20:33:58.000000000"), Some(1_607_373_238));
        assert_eq!(t("2020-12-07T20:33:58"), Some(1_607_373_238));
        assert_eq!(
            parse_event_time("2020-12-07T20:33:58.5Z")
                .unwrap()
                .nanosecond(),
            500_000_000
        );
        assert_eq!(t("xxxx"), None);
        assert_eq!(t("2020-13-07T20:33:58Z"), None);
        assert!(
            parse_event_time("2020-12-07T20:33:58+01:00")
                .unwrap()
                .offset()
                .is_utc()
        );
    }

    #[test]
    fn lookup_events_fill_gaps_from_the_outer_event() {
        let mut record = transition_challenge();
        let map = record.as_object_mut().unwrap();
        map.remove("eventID");
        map.remove("eventTime");
        let outer_time = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let event = LookupEvent {
            event_id: Some("outer-id".into()),
            event_name: Some("Other".into()),
            event_time: Some(outer_time),
            username: Some("anyuser".into()),
            cloud_trail_event: Some(record.to_string()),
        };
        let e = parse_lookup_event(&event).unwrap();
        assert_eq!(e.event_id, "outer-id");
        assert_eq!(
            e.event_name, "CredentialChallenge",
            "the record's own name wins"
        );
        assert_eq!(e.event_time, outer_time);
        assert!(e.raw.is_some());
        let missing = LookupEvent {
            cloud_trail_event: None,
            ..event
        };
        assert_eq!(
            parse_lookup_event(&missing).unwrap_err(),
            TrailEventError::MissingCloudTrailEvent
        );
    }

    #[test]
    fn record_bytes_give_the_same_event_with_or_without_raw() {
        let text = transition_challenge().to_string();
        let expected = parse_record(&transition_challenge())
            .unwrap()
            .to_json_line();
        for keep_raw in [true, false] {
            let e = parse_record_bytes(text.as_bytes(), keep_raw).unwrap();
            assert_eq!(e.to_json_line(), expected);
            assert_eq!(e.raw.is_some(), keep_raw);
            let broken = parse_record_bytes(&text.as_bytes()[..text.len() - 1], keep_raw);
            assert!(
                matches!(broken, Err(TrailEventError::InvalidJson(_))),
                "{broken:?}"
            );
            let trailing = parse_record_bytes(format!("{text} x").as_bytes(), keep_raw);
            assert!(
                matches!(trailing, Err(TrailEventError::InvalidJson(_))),
                "{trailing:?}"
            );
            assert_eq!(
                parse_record_bytes(b"[]", keep_raw).unwrap_err(),
                TrailEventError::NotAnObject
            );
            let bad_utf8 = parse_record_bytes(b"{\"eventID\": \"\xff\"}", keep_raw);
            assert!(
                matches!(bad_utf8, Err(TrailEventError::InvalidJson(_))),
                "{bad_utf8:?}"
            );
        }
    }

    #[test]
    fn target_comes_from_service_event_details_then_request_parameters() {
        let mut r = transition_challenge();
        r["serviceEventDetails"] = json!({"role_name": "Admin", "account_id": "111122223333"});
        let e = parse_record(&r).unwrap();
        assert_eq!(e.target.account_id.as_deref(), Some("111122223333"));
        assert_eq!(e.target.role_name.as_deref(), Some("Admin"));
        r["serviceEventDetails"] = serde_json::Value::Null;
        r["requestParameters"] = json!({"accountId": "444455556666", "roleName": "ReadOnly"});
        let e = parse_record(&r).unwrap();
        assert_eq!(
            e.target,
            Target::default(),
            "request parameters count only for portal calls"
        );
        r["eventSource"] = json!("sso.amazonaws.com");
        r["eventName"] = json!("GetRoleCredentials");
        let e = parse_record(&r).unwrap();
        assert_eq!(e.target.account_id.as_deref(), Some("444455556666"));
        assert_eq!(e.target.role_name.as_deref(), Some("ReadOnly"));
    }
}
