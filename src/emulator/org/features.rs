//! The seed's applications (with their grants, profiles and trusted token issuers), Amazon Q
//! Developer profiles, and multi-party approval teams with their sessions.

use serde::{Deserialize, Serialize};

use super::{PrincipalRef, active, enabled};

/// An application in Identity Center.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// `apl-<16>`.
    pub id: String,
    /// Name.
    pub name: String,
    /// `custom-saml`, `custom-oauth`, `q-developer`, … (the provider ARN's last part).
    pub provider: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    #[serde(default = "enabled")]
    pub status: String,
    /// Sign-in URL shown in the portal.
    #[serde(default)]
    pub url: Option<String>,
    /// Whether assignment is required to use it.
    #[serde(default = "yes")]
    pub assignment_required: bool,
    /// Shown in the access portal.
    #[serde(default = "yes")]
    pub visible: bool,
    /// Assigned principals.
    #[serde(default)]
    pub assignments: Vec<PrincipalRef>,
    /// Portal profiles (for SAML apps: the roles a user picks).
    #[serde(default)]
    pub profiles: Vec<AppProfile>,
    /// Access scopes (e.g. `redshift:connect`).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Grants (`authorization_code`, `refresh_token`, `jwt_bearer`, `token_exchange`).
    #[serde(default)]
    pub grants: Vec<AppGrant>,
    /// IAM role ARNs allowed to call CreateTokenWithIAM for this application.
    #[serde(default)]
    pub authorized_roles: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A grant an application accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppGrant {
    /// `authorization_code`, `refresh_token`, `jwt_bearer`, `token_exchange`.
    pub grant_type: String,
    /// For `jwt_bearer`: trusted token issuer name → allowed `aud` values.
    #[serde(default)]
    pub authorized_token_issuers: Vec<AuthorizedIssuer>,
    /// For `authorization_code`: redirect URIs.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// A trusted token issuer allowed by a JWT-bearer grant, with its audiences.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizedIssuer {
    /// Trusted token issuer name.
    pub issuer: String,
    /// Accepted `aud` values.
    #[serde(default)]
    pub audiences: Vec<String>,
}

/// A profile of an application as the access portal lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProfile {
    /// Profile name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `SAML`, `OAUTH`, …
    #[serde(default = "saml")]
    pub protocol: String,
    /// Relay state.
    #[serde(default)]
    pub relay_state: Option<String>,
}

fn saml() -> String {
    "SAML".into()
}

/// An external OIDC issuer trusted by the instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedTokenIssuer {
    /// `tti-<uuid>`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Issuer URL (`{emulator}` is replaced with the emulator's origin).
    pub issuer_url: String,
    /// Claim in the external token that identifies the user (e.g. `email`).
    pub claim_attribute_path: String,
    /// Identity store attribute it maps to (e.g. `emails.value`).
    pub identity_store_attribute_path: String,
}

/// An Amazon Q Developer profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QProfile {
    /// Full profile ARN (`arn:aws:codewhisperer:<region>:<acct>:profile/<12>`).
    pub arn: String,
    /// Profile name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Functionalities switched on.
    #[serde(default)]
    pub active_functionalities: Vec<String>,
    /// Principals subscribed (users or groups).
    #[serde(default)]
    pub subscribers: Vec<PrincipalRef>,
    /// Customizations.
    #[serde(default)]
    pub customizations: Vec<QCustomization>,
}

/// A Q Developer customization.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QCustomization {
    /// Customization ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A multi-party approval team.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalTeam {
    /// The team id (last part of the ARN).
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// M in M-of-N.
    pub min_approvals: u32,
    /// `ACTIVE`, `INACTIVE`, `PENDING`, …
    #[serde(default = "active")]
    pub status: String,
    /// Status code, if any.
    #[serde(default)]
    pub status_code: Option<String>,
    /// Status message.
    #[serde(default)]
    pub status_message: Option<String>,
    /// Approvers.
    pub approvers: Vec<Approver>,
    /// Protected resource ARNs (policies attached).
    #[serde(default)]
    pub protected_resources: Vec<String>,
    /// A pending update, if any.
    #[serde(default)]
    pub pending_update: Option<PendingTeamUpdate>,
    /// Sessions (approval requests) of this team.
    #[serde(default)]
    pub sessions: Vec<ApprovalSession>,
    /// When it was created (RFC 3339).
    pub created: String,
}

/// An approver on a team.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Approver {
    /// User name in the identity store.
    pub user: String,
    /// `ACCEPTED`, `PENDING`, `REJECTED`, `INVALID`.
    pub identity_status: String,
    /// When they responded to the invitation (RFC 3339).
    #[serde(default)]
    pub response_time: Option<String>,
}

/// A pending change to a team.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingTeamUpdate {
    /// New M.
    pub min_approvals: u32,
    /// New approvers.
    pub approvers: Vec<Approver>,
    /// When it was started (RFC 3339).
    pub initiated: String,
}

/// An approval session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalSession {
    /// Session id (last part of the ARN).
    pub id: String,
    /// What is being approved, e.g. `mpa:ModifyBackupVault`… (the action name).
    pub action_name: String,
    /// Description / requester comment.
    #[serde(default)]
    pub description: Option<String>,
    /// `PENDING`, `APPROVED`, `FAILED`, `CANCELLED`, `CREATING`.
    pub status: String,
    /// `REJECTED`, `EXPIRED`, …
    #[serde(default)]
    pub status_code: Option<String>,
    /// The requester's principal ARN.
    pub requester: String,
    /// The protected resource.
    pub protected_resource: String,
    /// Initiated (RFC 3339).
    pub initiated: String,
    /// Expires (RFC 3339).
    pub expires: String,
    /// Completed (RFC 3339).
    #[serde(default)]
    pub completed: Option<String>,
    /// Votes by user name: `APPROVED`, `REJECTED` (others: NO_RESPONSE).
    #[serde(default)]
    pub votes: Vec<Vote>,
}

/// An approver's vote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vote {
    /// User name.
    pub user: String,
    /// `APPROVED`, `REJECTED`.
    pub response: String,
    /// When (RFC 3339).
    pub time: String,
}
