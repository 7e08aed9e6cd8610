//! A lenient reading of one CloudTrail record: only the keys centry uses, every value read as
//! "a string if it is one, else absent", nested objects read only when they are objects.
//!
//! The visitors are written by hand rather than derived so that no valid JSON can fail them:
//! unknown keys are skipped, wrong types read as absent and a repeated key simply overwrites
//! (serde's derive would reject the record): a record from a newer CloudTrail version, or a
//! field logged with an odd type, still yields an event. Only the keys used are read, and
//! strings are borrowed from the input where it allows (bytes, `&str` or `&Value`, without
//! escapes), so a record costs few allocations.

mod lenient;

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess};

use lenient::{ObjectView, ObjectVisitor, flag, object, skip, text};

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
    pub access_key_id: Str<'a>,
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

/// Reads one record: `Ok(None)` when the JSON value is not an object.
pub(super) fn read_record<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<RecordView<'de>>, D::Error> {
    deserializer.deserialize_any(ObjectVisitor::<RecordView<'de>>(PhantomData))
}

/// The record keys centry reads.
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

/// The `userIdentity` keys centry reads.
pub(super) enum IdentityKey {
    Kind,
    UserName,
    PrincipalId,
    Arn,
    AccessKeyId,
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
            "accessKeyId" => IdentityKey::AccessKeyId,
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
            IdentityKey::AccessKeyId => self.access_key_id = text(map)?,
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

/// The `additionalEventData` keys centry reads.
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
