//! One Identity Center CloudTrail record, whatever its vintage.
//!
//! Identity Center has logged the person behind an event in three ways over time (see the seed
//! post "Important changes to CloudTrail events for AWS IAM Identity Center"):
//!
//! - **old** (before October 2024): `userIdentity.type` `Unknown` with `userName` and
//!   `principalId`;
//! - **transition** (October 2024 – January 2025): the legacy fields plus
//!   `userIdentity.onBehalfOf {userId, identityStoreArn}` and `credentialId`;
//! - **new** (from 13 January 2025): `type` `IdentityCenterUser`, `onBehalfOf` and
//!   `credentialId`, no `userName` (the typed name may sit in `additionalEventData.UserName`).
//!
//! Around those sit unauthenticated sign-in steps (`Unknown`, no user), trusted identity
//! propagation (another principal, e.g. `AssumedRole`, acting `onBehalfOf` an Identity Center
//! user, or the user named only in `additionalEventData` as in `CreateTokenWithIAM`), and events
//! from other services that merely share event names ("other").
//!
//! [`TrailEvent`] is the one shape the rest of centry works with: the events screen, `centry
//! events`, the follow mode and the emulator's event log. Submodules:
//! - `view`: a lenient, allocation-light reading of the JSON (unknown keys and wrong types never
//!   fail a record);
//! - [`parse`]: building a [`TrailEvent`] from a JSON value, a string, the bytes of one record in
//!   a log file, or a LookupEvents event;
//! - [`classify`]: event groups, formats, outcomes, masked names, MFA factors;
//! - [`user_agent`]: the short user agent shown in the stream;
//! - [`json_line`]: the `centry events --json` line;
//! - [`filter`]: the filter shared by the screen, the CLI and the log-file reader.

pub mod classify;
pub mod filter;
pub mod json_line;
pub mod parse;
pub mod user_agent;
mod view;
pub mod who;

use serde::Serialize;
use serde_json::value::RawValue;
use time::OffsetDateTime;

pub use filter::{EventFilter, IpMatch};
pub use json_line::{JSON_KEYS, JsonLine};
pub use parse::{
    LookupEvent, parse_json_str, parse_lookup_event, parse_record, parse_record_bytes,
};
pub use user_agent::short_user_agent;
pub use who::Who;

/// One CloudTrail record reduced to what the security console shows and filters on.
///
/// String fields hold the log's text as is (empty strings read as absent); they may contain
/// control characters, so the UI sanitises them before rendering.
#[derive(Debug, Clone)]
pub struct TrailEvent {
    /// `eventID`: unique per event; the key for de-duplication in follow mode.
    pub event_id: String,
    /// `eventTime`, in UTC.
    pub event_time: OffsetDateTime,
    /// `eventSource`, e.g. `signin.amazonaws.com`.
    pub event_source: String,
    /// `eventName`, e.g. `CredentialChallenge` (legacy portal events carry a URL here).
    pub event_name: String,
    /// `awsRegion`.
    pub aws_region: Option<String>,
    /// `sourceIPAddress` (an IP, or a service name such as `AWS Internal`).
    pub source_ip: Option<String>,
    /// `userAgent`, in full; see [`short_user_agent`] for the stream column.
    pub user_agent: Option<String>,
    /// `userIdentity.type` (`IdentityCenterUser`, `Unknown`, `AssumedRole`, ...), or none when
    /// the record has no `userIdentity`.
    pub identity_type: Option<String>,
    /// How the record identifies the person (new, transition, old, ...).
    pub format: EventFormat,
    /// Which part of Identity Center the event belongs to.
    pub group: EventGroup,
    /// The Identity Store user id (`onBehalfOf.userId`, else
    /// `additionalEventData."identitystore:UserId"`).
    pub user_id: Option<String>,
    /// The identity store that `user_id` belongs to (`onBehalfOf.identityStoreArn`, else
    /// `additionalEventData."identitystore:IdentityStoreArn"`).
    pub identity_store_arn: Option<String>,
    /// The access-portal session (`userIdentity.credentialId`, else
    /// `additionalEventData."identitycenter:CredentialId"`): events sharing it are one session.
    pub credential_id: Option<String>,
    /// The user name the record carries, possibly masked.
    pub user_name: Option<UserName>,
    /// Where `user_name` came from; `Some` exactly when `user_name` is.
    pub user_name_source: Option<UserNameSource>,
    /// `userIdentity.arn` (roles, IAM users, root), for events with no Identity Center user.
    pub principal_arn: Option<String>,
    /// `userIdentity.accessKeyId`: which key signed the call (lets a console tell its own
    /// calls from everyone else's).
    pub access_key_id: Option<String>,
    /// `additionalEventData.CredentialType`, as logged (e.g. `PASSWORD,TOTP`).
    pub credential_type: Option<String>,
    /// MFA facts present in the record.
    pub mfa: MfaDetails,
    /// `additionalEventData.AuthWorkflowID`: joins the steps of one sign-in.
    pub auth_workflow_id: Option<String>,
    /// `errorCode`.
    pub error_code: Option<String>,
    /// `errorMessage`.
    pub error_message: Option<String>,
    /// Failure when there is an error code or a `Failure` result; success otherwise.
    pub outcome: Outcome,
    /// The account and role the event targets (portal events), where the record says.
    pub target: Target,
    /// The person resolved from (`identity_store_arn`, `user_id`), filled in by the caller.
    pub person: Option<Person>,
    /// The record as it was read, for the detail pane; `None` when the reader was asked not to
    /// keep it (bulk scans that print only the extracted fields).
    pub raw: Option<Box<RawValue>>,
}

impl TrailEvent {
    /// The user name when it is a real name (not a masked marker).
    pub fn clear_user_name(&self) -> Option<&str> {
        self.user_name.as_ref().and_then(UserName::name)
    }

    /// The raw record pretty-printed for the detail pane, when it was kept.
    pub fn raw_pretty(&self) -> Option<String> {
        let raw = self.raw.as_ref()?;
        let value: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
        serde_json::to_string_pretty(&value).ok()
    }
}

/// How a record identifies the person behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventFormat {
    /// `IdentityCenterUser` with `onBehalfOf` (January 2025 onwards).
    New,
    /// `Unknown` with legacy `userName`/`principalId` and the new `onBehalfOf` ids.
    Transition,
    /// `Unknown` with `userName`/`principalId` only (before October 2024).
    Old,
    /// An Identity Center sign-in, portal or OIDC step with no user identified yet.
    Unauthenticated,
    /// Trusted identity propagation: another principal acting on behalf of an Identity Center
    /// user.
    Tip,
    /// Not an Identity Center user's event (admin calls by roles, other services, look-alikes).
    Other,
}

impl EventFormat {
    /// The name used in JSON output and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Transition => "transition",
            Self::Old => "old",
            Self::Unauthenticated => "unauthenticated",
            Self::Tip => "tip",
            Self::Other => "other",
        }
    }
}

/// The part of Identity Center an event belongs to, after the seed post's table of event groups
/// (plus admin, approvals and other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventGroup {
    /// The AWS access portal (`sso.amazonaws.com` Authenticate, ListAccounts, GetRoleCredentials,
    /// Federate, Logout, ...).
    Portal,
    /// OIDC token service (`sso-oauth.amazonaws.com`, and `CreateToken` under
    /// `sso.amazonaws.com` in older records).
    Oidc,
    /// Sign-in (`signin.amazonaws.com`: CredentialChallenge, CredentialVerification,
    /// UserAuthentication, ConsoleLogin, ...).
    Signin,
    /// Identity store (`sso-directory`, `identitystore`, `identitystore-scim`): MFA devices,
    /// users, groups.
    Directory,
    /// Identity Center administration (`sso.amazonaws.com` calls other than portal and OIDC).
    Admin,
    /// Multi-party approval (`mpa.amazonaws.com`).
    Mpa,
    /// Any other service.
    Other,
}

impl EventGroup {
    /// Every group, in display order.
    pub const ALL: [EventGroup; 7] = [
        Self::Portal,
        Self::Oidc,
        Self::Signin,
        Self::Directory,
        Self::Admin,
        Self::Mpa,
        Self::Other,
    ];

    /// The name used by `centry events --source` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Oidc => "oidc",
            Self::Signin => "signin",
            Self::Directory => "directory",
            Self::Admin => "admin",
            Self::Mpa => "mpa",
            Self::Other => "other",
        }
    }

    /// The label shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Oidc => "OIDC",
            Self::Signin => "sign-in",
            Self::Directory => "identity store",
            Self::Admin => "admin",
            Self::Mpa => "approvals",
            Self::Other => "other",
        }
    }
}

impl std::str::FromStr for EventGroup {
    type Err = String;

    /// Parses a `--source` value (also accepts the screen labels).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == lower || g.label().to_ascii_lowercase() == lower)
            .or(match lower.as_str() {
                "sign-in" | "sign_in" => Some(Self::Signin),
                "identitystore" | "identity-store" => Some(Self::Directory),
                "approvals" | "approval" => Some(Self::Mpa),
                _ => None,
            })
            .ok_or_else(|| {
                format!("unknown event group {s:?}; expected portal, oidc, signin, directory, admin, mpa or other")
            })
    }
}

/// Whether the event succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// No error code and no `Failure` result.
    Success,
    /// An `errorCode`, or `Failure` in `responseElements` or `serviceEventDetails`.
    Failure,
}

/// A user name from a record: a real name, or a masked placeholder such as
/// `HIDDEN_DUE_TO_SECURITY_REASONS` that must never be shown or matched as a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserName {
    /// A name the user signed in with (unverified: it is what the log says).
    Name(String),
    /// A masked value, kept verbatim so the screen can say "masked".
    Masked(String),
}

impl UserName {
    /// The name, unless masked.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Name(n) => Some(n),
            Self::Masked(_) => None,
        }
    }

    /// The text as logged (the marker itself when masked).
    pub fn as_logged(&self) -> &str {
        match self {
            Self::Name(n) | Self::Masked(n) => n,
        }
    }

    /// Whether the log masked the name.
    pub fn is_masked(&self) -> bool {
        matches!(self, Self::Masked(_))
    }
}

/// Where a record's user name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UserNameSource {
    /// `userIdentity.userName` (old and transition records, IAM users, SAML users).
    #[serde(rename = "userIdentity.userName")]
    UserIdentity,
    /// `additionalEventData.UserName` (the name typed at sign-in).
    #[serde(rename = "additionalEventData.UserName")]
    AdditionalEventData,
}

impl UserNameSource {
    /// The dotted path used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserIdentity => "userIdentity.userName",
            Self::AdditionalEventData => "additionalEventData.UserName",
        }
    }
}

/// MFA facts a record carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MfaDetails {
    /// Second factors named in `CredentialType` (`TOTP`, `WEBAUTHN`, `RESYNC_TOTP`, ...), in
    /// logged order; first factors (`PASSWORD`, `EXTERNAL_IDP`, `SMARTCARD`) are left out.
    pub factors: Vec<String>,
    /// `additionalEventData.DeviceEnrollmentRequired`: the user had to register an MFA device
    /// during this sign-in.
    pub device_enrollment_required: Option<bool>,
    /// `additionalEventData.MFAUsed` (console sign-in: `Yes`/`No`).
    pub mfa_used: Option<bool>,
    /// `userIdentity.sessionContext.attributes.mfaAuthenticated`.
    pub session_mfa_authenticated: Option<bool>,
}

/// The account and role an event targets, from `serviceEventDetails` (`account_id`,
/// `role_name`) or, failing that, `requestParameters` (`accountId`, `roleName`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The AWS account id.
    pub account_id: Option<String>,
    /// The permission-set role name.
    pub role_name: Option<String>,
}

/// The person behind an event, as resolved by the caller (Identity Store DescribeUser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// The Identity Store user name.
    pub user_name: String,
    /// The display name, when set.
    pub display_name: Option<String>,
}

/// Why a record could not become a [`TrailEvent`]. Readers count these and report them; they
/// never stop a scan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrailEventError {
    /// The record is valid JSON but not an object.
    #[error("record is not a JSON object")]
    NotAnObject,
    /// The record is not valid JSON (message shortened, control characters escaped).
    #[error("record is not valid JSON: {0}")]
    InvalidJson(String),
    /// A field every CloudTrail record has is missing, empty or not a string.
    #[error("record has no {0}")]
    MissingField(&'static str),
    /// `eventTime` is present but not a date-time (shortened, control characters escaped).
    #[error("record has an unreadable eventTime {0}")]
    BadEventTime(String),
    /// A LookupEvents event without its `CloudTrailEvent` JSON.
    #[error("LookupEvents event has no CloudTrailEvent")]
    MissingCloudTrailEvent,
}
