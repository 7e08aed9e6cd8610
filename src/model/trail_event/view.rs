//! A lenient reading of one CloudTrail record: only the keys centry uses, every value read as
//! "a string if it is one, else absent", nested objects read only when they are objects.
//!
//! The visitors are written by hand rather than derived so that no valid JSON can fail them:
//! unknown keys are skipped, wrong types read as absent and a repeated key simply overwrites
//! (serde's derive would reject the record). That matters when reading a log stream directly,
//! where a failed record would end the whole file. Strings are borrowed from the input when it
//! allows (a `&str` or `&Value` without escapes) and owned otherwise (a reader).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A string that may be borrowed from the input.
pub(super) type Str<'a> = Option<Cow<'a, str>>;

/// The keys of one record that centry reads.
#[derive(Default)]
pub(super) struct RecordView<'a> {
    pub event_id: Str<'a>,
    pub event_time: Str<'a>,
    pub event_source: Str<'a>,
    pub event_name: Str<'a>,
    pub aws_region: Str<'a>,
    pub source_ip: Str<'a>,
    pub user_agent: Str<'a>,
    pub error_code: Str<'a>,
    pub error_message: Str<'a>,
    /// `None` when `userIdentity` is absent or not an object.
    pub identity: Option<IdentityView<'a>>,
    pub additional: AdditionalView<'a>,
    pub details: DetailsView<'a>,
    pub request: RequestView<'a>,
    /// `responseElements` has a top-level `"Failure"` value (ConsoleLogin style).
    pub response_failure: bool,
}

/// `userIdentity`.
#[derive(Default)]
pub(super) struct IdentityView<'a> {
    pub kind: Str<'a>,
    pub user_name: Str<'a>,
    pub principal_id: Str<'a>,
    pub arn: Str<'a>,
    pub credential_id: Str<'a>,
    pub on_behalf_of: OnBehalfOfView<'a>,
    pub mfa_authenticated: Option<bool>,
}

/// `userIdentity.onBehalfOf`.
#[derive(Default)]
pub(super) struct OnBehalfOfView<'a> {
    pub user_id: Str<'a>,
    pub identity_store_arn: Str<'a>,
}

/// `additionalEventData`.
#[derive(Default)]
pub(super) struct AdditionalView<'a> {
    pub user_name: Str<'a>,
    pub credential_type: Str<'a>,
    pub auth_workflow_id: Str<'a>,
    pub device_enrollment_required: Option<bool>,
    pub mfa_used: Option<bool>,
    pub user_id: Str<'a>,
    pub identity_store_arn: Str<'a>,
    pub credential_id: Str<'a>,
}

/// `serviceEventDetails`: the target plus any `"Failure"` result.
#[derive(Default)]
pub(super) struct DetailsView<'a> {
    pub account_id: Str<'a>,
    pub role_name: Str<'a>,
    pub failure: bool,
}

/// `requestParameters`: the portal API's target parameters.
#[derive(Default)]
pub(super) struct RequestView<'a> {
    pub account_id: Str<'a>,
    pub role_name: Str<'a>,
}

/// An object read key by key. `Key` is what a key name classifies to, so keys are matched
/// without being allocated.
trait ObjectView<'de>: Default {
    type Key;
    fn key(name: &str) -> Self::Key;
    fn value<A: MapAccess<'de>>(&mut self, key: Self::Key, map: &mut A) -> Result<(), A::Error>;
}

/// Reads one record: `Ok(None)` when the JSON value is not an object.
pub(super) fn read_record<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<RecordView<'de>>, D::Error> {
    deserializer.deserialize_any(ObjectVisitor::<RecordView<'de>>(PhantomData))
}

/// `next_value` for a lenient string.
fn text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Str<'de>, A::Error> {
    map.next_value_seed(TextSeed)
}

/// `next_value` for a lenient flag.
fn flag<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<bool>, A::Error> {
    map.next_value_seed(FlagSeed)
}

/// `next_value` for a nested object (absent unless it is an object).
fn object<'de, T: ObjectView<'de>, A: MapAccess<'de>>(map: &mut A) -> Result<Option<T>, A::Error> {
    map.next_value_seed(ObjectSeed::<T>(PhantomData))
}

fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

pub(super) enum RecordKey {
    EventId,
    EventTime,
    EventSource,
    EventName,
    AwsRegion,
    SourceIp,
    UserAgent,
    ErrorCode,
    ErrorMessage,
    UserIdentity,
    Additional,
    Details,
    Request,
    Response,
    Other,
}

impl<'de> ObjectView<'de> for RecordView<'de> {
    type Key = RecordKey;

    fn key(name: &str) -> RecordKey {
        match name {
            "eventID" => RecordKey::EventId,
            "eventTime" => RecordKey::EventTime,
            "eventSource" => RecordKey::EventSource,
            "eventName" => RecordKey::EventName,
            "awsRegion" => RecordKey::AwsRegion,
            "sourceIPAddress" => RecordKey::SourceIp,
            "userAgent" => RecordKey::UserAgent,
            "errorCode" => RecordKey::ErrorCode,
            "errorMessage" => RecordKey::ErrorMessage,
            "userIdentity" => RecordKey::UserIdentity,
            "additionalEventData" => RecordKey::Additional,
            "serviceEventDetails" => RecordKey::Details,
            "requestParameters" => RecordKey::Request,
            "responseElements" => RecordKey::Response,
            _ => RecordKey::Other,
        }
    }

    fn value<A: MapAccess<'de>>(&mut self, key: RecordKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            RecordKey::EventId => self.event_id = text(map)?,
            RecordKey::EventTime => self.event_time = text(map)?,
            RecordKey::EventSource => self.event_source = text(map)?,
            RecordKey::EventName => self.event_name = text(map)?,
            RecordKey::AwsRegion => self.aws_region = text(map)?,
            RecordKey::SourceIp => self.source_ip = text(map)?,
            RecordKey::UserAgent => self.user_agent = text(map)?,
            RecordKey::ErrorCode => self.error_code = text(map)?,
            RecordKey::ErrorMessage => self.error_message = text(map)?,
            RecordKey::UserIdentity => self.identity = object(map)?,
            RecordKey::Additional => self.additional = object(map)?.unwrap_or_default(),
            RecordKey::Details => self.details = object(map)?.unwrap_or_default(),
            RecordKey::Request => self.request = object(map)?.unwrap_or_default(),
            RecordKey::Response => {
                let scan: Option<FailureScan> = object(map)?;
                self.response_failure = scan.is_some_and(|s| s.0);
            }
            RecordKey::Other => skip(map)?,
        }
        Ok(())
    }
}

pub(super) enum IdentityKey {
    Kind,
    UserName,
    PrincipalId,
    Arn,
    CredentialId,
    OnBehalfOf,
    SessionContext,
    Other,
}

impl<'de> ObjectView<'de> for IdentityView<'de> {
    type Key = IdentityKey;

    fn key(name: &str) -> IdentityKey {
        match name {
            "type" => IdentityKey::Kind,
            "userName" => IdentityKey::UserName,
            "principalId" => IdentityKey::PrincipalId,
            "arn" => IdentityKey::Arn,
            "credentialId" => IdentityKey::CredentialId,
            "onBehalfOf" => IdentityKey::OnBehalfOf,
            "sessionContext" => IdentityKey::SessionContext,
            _ => IdentityKey::Other,
        }
    }

    fn value<A: MapAccess<'de>>(&mut self, key: IdentityKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            IdentityKey::Kind => self.kind = text(map)?,
            IdentityKey::UserName => self.user_name = text(map)?,
            IdentityKey::PrincipalId => self.principal_id = text(map)?,
            IdentityKey::Arn => self.arn = text(map)?,
            IdentityKey::CredentialId => self.credential_id = text(map)?,
            IdentityKey::OnBehalfOf => self.on_behalf_of = object(map)?.unwrap_or_default(),
            IdentityKey::SessionContext => {
                let context: Option<SessionContextView> = object(map)?;
                self.mfa_authenticated = context.and_then(|c| c.mfa_authenticated);
            }
            IdentityKey::Other => skip(map)?,
        }
        Ok(())
    }
}

impl<'de> ObjectView<'de> for OnBehalfOfView<'de> {
    type Key = u8;

    fn key(name: &str) -> u8 {
        match name {
            "userId" => 1,
            "identityStoreArn" => 2,
            _ => 0,
        }
    }

    fn value<A: MapAccess<'de>>(&mut self, key: u8, map: &mut A) -> Result<(), A::Error> {
        match key {
            1 => self.user_id = text(map)?,
            2 => self.identity_store_arn = text(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `userIdentity.sessionContext`, read only for `attributes.mfaAuthenticated`.
#[derive(Default)]
struct SessionContextView {
    mfa_authenticated: Option<bool>,
}

/// `userIdentity.sessionContext.attributes`.
#[derive(Default)]
struct AttributesView {
    mfa_authenticated: Option<bool>,
}

impl<'de> ObjectView<'de> for SessionContextView {
    type Key = bool;

    fn key(name: &str) -> bool {
        name == "attributes"
    }

    fn value<A: MapAccess<'de>>(&mut self, key: bool, map: &mut A) -> Result<(), A::Error> {
        if key {
            let attributes: Option<AttributesView> = object(map)?;
            self.mfa_authenticated = attributes.and_then(|a| a.mfa_authenticated);
            Ok(())
        } else {
            skip(map)
        }
    }
}

impl<'de> ObjectView<'de> for AttributesView {
    type Key = bool;

    fn key(name: &str) -> bool {
        name == "mfaAuthenticated"
    }

    fn value<A: MapAccess<'de>>(&mut self, key: bool, map: &mut A) -> Result<(), A::Error> {
        if key {
            self.mfa_authenticated = flag(map)?;
            Ok(())
        } else {
            skip(map)
        }
    }
}

pub(super) enum AdditionalKey {
    UserName,
    CredentialType,
    AuthWorkflowId,
    DeviceEnrollmentRequired,
    MfaUsed,
    UserId,
    IdentityStoreArn,
    CredentialId,
    Other,
}

impl<'de> ObjectView<'de> for AdditionalView<'de> {
    type Key = AdditionalKey;

    fn key(name: &str) -> AdditionalKey {
        match name {
            "UserName" => AdditionalKey::UserName,
            "CredentialType" => AdditionalKey::CredentialType,
            "AuthWorkflowID" => AdditionalKey::AuthWorkflowId,
            "DeviceEnrollmentRequired" => AdditionalKey::DeviceEnrollmentRequired,
            "MFAUsed" => AdditionalKey::MfaUsed,
            "identitystore:UserId" => AdditionalKey::UserId,
            "identitystore:IdentityStoreArn" => AdditionalKey::IdentityStoreArn,
            "identitycenter:CredentialId" => AdditionalKey::CredentialId,
            _ => AdditionalKey::Other,
        }
    }

    fn value<A: MapAccess<'de>>(
        &mut self,
        key: AdditionalKey,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            AdditionalKey::UserName => self.user_name = text(map)?,
            AdditionalKey::CredentialType => self.credential_type = text(map)?,
            AdditionalKey::AuthWorkflowId => self.auth_workflow_id = text(map)?,
            AdditionalKey::DeviceEnrollmentRequired => self.device_enrollment_required = flag(map)?,
            AdditionalKey::MfaUsed => self.mfa_used = flag(map)?,
            AdditionalKey::UserId => self.user_id = text(map)?,
            AdditionalKey::IdentityStoreArn => self.identity_store_arn = text(map)?,
            AdditionalKey::CredentialId => self.credential_id = text(map)?,
            AdditionalKey::Other => skip(map)?,
        }
        Ok(())
    }
}

impl<'de> ObjectView<'de> for DetailsView<'de> {
    type Key = u8;

    fn key(name: &str) -> u8 {
        match name {
            "account_id" | "accountId" => 1,
            "role_name" | "roleName" => 2,
            _ => 0,
        }
    }

    /// Every value is read, so a `"Failure"` under any key (CredentialVerification,
    /// UserAuthentication, ...) is seen.
    fn value<A: MapAccess<'de>>(&mut self, key: u8, map: &mut A) -> Result<(), A::Error> {
        let value = text(map)?;
        self.failure |= value
            .as_deref()
            .is_some_and(super::classify::is_failure_result);
        match key {
            1 => self.account_id = value,
            2 => self.role_name = value,
            _ => {}
        }
        Ok(())
    }
}

impl<'de> ObjectView<'de> for RequestView<'de> {
    type Key = u8;

    fn key(name: &str) -> u8 {
        match name {
            "accountId" => 1,
            "roleName" => 2,
            _ => 0,
        }
    }

    fn value<A: MapAccess<'de>>(&mut self, key: u8, map: &mut A) -> Result<(), A::Error> {
        match key {
            1 => self.account_id = text(map)?,
            2 => self.role_name = text(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `responseElements`, scanned for a top-level `"Failure"` value.
#[derive(Default)]
struct FailureScan(bool);

impl<'de> ObjectView<'de> for FailureScan {
    type Key = ();

    fn key(_: &str) {}

    fn value<A: MapAccess<'de>>(&mut self, _: (), map: &mut A) -> Result<(), A::Error> {
        let value = text(map)?;
        self.0 |= value
            .as_deref()
            .is_some_and(super::classify::is_failure_result);
        Ok(())
    }
}

/// Reads an object into `T`, or anything else as `None`.
struct ObjectSeed<T>(PhantomData<T>);

impl<'de, T: ObjectView<'de>> DeserializeSeed<'de> for ObjectSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(ObjectVisitor::<T>(PhantomData))
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ObjectView<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut view = T::default();
        while let Some(key) = map.next_key_seed(KeySeed::<T>(PhantomData))? {
            view.value(key, &mut map)?;
        }
        Ok(Some(view))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// Classifies a map key through `T::key` without allocating it.
struct KeySeed<T>(PhantomData<T>);

impl<'de, T: ObjectView<'de>> DeserializeSeed<'de> for KeySeed<T> {
    type Value = T::Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T::Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: ObjectView<'de>> Visitor<'de> for KeySeed<T> {
    type Value = T::Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T::Key, E> {
        Ok(T::key(v))
    }
}

/// A value read as a string when it is one; anything else reads as `None`.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Str<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Str<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Str<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
        Ok(Some(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
        Ok(Some(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Str<'de>, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Str<'de>, A::Error> {
        drain_map(map).map(|()| None)
    }
}

/// A flag logged as a boolean or as `"true"`/`"false"`/`"Yes"`/`"No"`; anything else is `None`.
struct FlagSeed;

impl<'de> DeserializeSeed<'de> for FlagSeed {
    type Value = Option<bool>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<bool>, D::Error> {
        Ok(match d.deserialize_any(FlagVisitor)? {
            Flag::Bool(b) => Some(b),
            Flag::Text(t) => t.as_deref().and_then(parse_flag),
        })
    }
}

enum Flag<'a> {
    Bool(bool),
    Text(Str<'a>),
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Flag<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag<'de>, E> {
        Ok(Flag::Bool(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Flag<'de>, E> {
        TextSeed.visit_borrowed_str(v).map(Flag::Text)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag<'de>, E> {
        TextSeed.visit_str(v).map(Flag::Text)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Flag<'de>, A::Error> {
        drain_seq(seq).map(|()| Flag::Text(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Flag<'de>, A::Error> {
        drain_map(map).map(|()| Flag::Text(None))
    }
}

/// `true`/`yes` and `false`/`no`, any case.
fn parse_flag(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(json: &str) -> Option<RecordView<'_>> {
        let mut de = serde_json::Deserializer::from_str(json);
        read_record(&mut de).expect("valid JSON never fails the view")
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let v = view(
            r#"{"eventID": 7, "eventName": ["x"], "userIdentity": "Unknown",
                "additionalEventData": {"CredentialType": {"a": 1}, "MFAUsed": 3}}"#,
        )
        .unwrap();
        assert!(v.event_id.is_none());
        assert!(v.event_name.is_none());
        assert!(v.identity.is_none());
        assert!(v.additional.credential_type.is_none());
        assert!(v.additional.mfa_used.is_none());
    }

    #[test]
    fn repeated_keys_overwrite_instead_of_failing() {
        let v = view(r#"{"eventName": "A", "eventName": "B"}"#).unwrap();
        assert_eq!(v.event_name.as_deref(), Some("B"));
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let v = view(r#"{"eventName": "ListAccounts", "eventSource": "a\u0041"}"#).unwrap();
        assert!(matches!(v.event_name, Some(Cow::Borrowed("ListAccounts"))));
        assert_eq!(v.event_source.as_deref(), Some("aA"));
    }

    #[test]
    fn non_objects_are_not_records() {
        assert!(view("[1, 2]").is_none());
        assert!(view("\"Records\"").is_none());
        assert!(view("null").is_none());
    }

    #[test]
    fn flags_accept_booleans_and_yes_no() {
        let v = view(
            r#"{"additionalEventData": {"MFAUsed": "Yes", "DeviceEnrollmentRequired": true},
                "userIdentity": {"sessionContext": {"attributes": {"mfaAuthenticated": "false"}}}}"#,
        )
        .unwrap();
        assert_eq!(v.additional.mfa_used, Some(true));
        assert_eq!(v.additional.device_enrollment_required, Some(true));
        assert_eq!(v.identity.unwrap().mfa_authenticated, Some(false));
    }

    #[test]
    fn failure_results_are_seen_under_any_key() {
        let v = view(
            r#"{"serviceEventDetails": {"CredentialVerification": "Failure", "account_id": "1"},
                "responseElements": {"ConsoleLogin": "Failure"}}"#,
        )
        .unwrap();
        assert!(v.details.failure);
        assert_eq!(v.details.account_id.as_deref(), Some("1"));
        assert!(v.response_failure);
        let ok = view(r#"{"responseElements": {"nested": {"ConsoleLogin": "Failure"}}}"#).unwrap();
        assert!(!ok.response_failure, "only top-level results count");
    }
}
