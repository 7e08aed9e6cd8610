//! What happened in the emulator, in domain terms. Handlers record an [`Activity`]; the
//! CloudTrail side turns each into records in AWS's current format (IdentityCenterUser,
//! onBehalfOf, credentialId) and serves them through LookupEvents.

use serde_json::Value;

/// Where a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Source IP address.
    pub ip: String,
    /// User agent header (as sent: may contain anything).
    pub user_agent: String,
}

/// How a sign-in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Password and MFA accepted.
    Success,
    /// Wrong password (CredentialVerification fails).
    BadPassword,
    /// User name unknown (UserName masked in the event).
    UnknownUser,
    /// MFA code wrong.
    BadMfa,
    /// The person pressed "deny" on the consent page.
    Denied,
}

/// The principal behind an AWS API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The emulator's operator key pair (an IAM user in the management account).
    Operator {
        /// Access key id used.
        access_key_id: String,
    },
    /// Role credentials vended through the portal (or an identity-enhanced TIP session).
    Role {
        /// The person (index into `org.users`).
        user: usize,
        /// Account the credentials are for.
        account_id: String,
        /// Permission set (index into `org.permission_sets`).
        pset: usize,
        /// Access key id used.
        access_key_id: String,
        /// The portal session that vended the credentials.
        credential_id: String,
        /// Role ARN when not an SSO reserved role (TIP sessions).
        role_arn: Option<String>,
        /// Whether the session carries an Identity Center identity context (TIP).
        identity_enhanced: bool,
    },
    /// Nobody we know (unsigned or unknown key): recorded for failed calls.
    Anonymous,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity {
    /// A person signed in through the browser (device verification page or /authorize):
    /// CredentialChallenge → CredentialVerification → UserAuthentication, then portal Authenticate.
    SignIn {
        /// The person, when known.
        user: Option<usize>,
        /// The user name typed, as typed.
        typed_user_name: String,
        /// Browser origin.
        origin: Origin,
        /// How it ended.
        outcome: SignInOutcome,
        /// Portal session started by a successful sign-in.
        credential_id: Option<String>,
        /// Ties the chain's events together.
        auth_workflow_id: String,
    },
    /// sso-oidc CreateToken (any grant).
    CreateToken {
        /// The person, when the grant resolved to one.
        user: Option<usize>,
        /// Client id.
        client_id: String,
        /// Grant type as sent.
        grant_type: String,
        /// Caller origin.
        origin: Origin,
        /// Error code when it failed (authorization_pending polls are not recorded).
        error: Option<String>,
        /// Portal session id of the resulting token.
        credential_id: Option<String>,
    },
    /// An access-portal API call made with a bearer token.
    Portal {
        /// The person.
        user: usize,
        /// Portal session id.
        credential_id: String,
        /// Caller origin.
        origin: Origin,
        /// `ListAccounts`, `ListAccountRoles`, `GetRoleCredentials`, `Logout`,
        /// `ListApplications`, `ListProfilesForApplication`.
        event_name: String,
        /// Target account, where there is one.
        account_id: Option<String>,
        /// Target role, where there is one.
        role_name: Option<String>,
        /// (error code, message) when it failed.
        error: Option<(String, String)>,
    },
    /// An AWS API call signed with credentials (admin, directory, organizations, CloudTrail,
    /// MPA, STS).
    AwsCall {
        /// Who called.
        caller: Caller,
        /// Caller origin.
        origin: Origin,
        /// `sso.amazonaws.com`, `identitystore.amazonaws.com`, `sts.amazonaws.com`, …
        event_source: String,
        /// Operation name.
        event_name: String,
        /// Whether the operation only reads.
        read_only: bool,
        /// Request parameters worth logging (no secrets).
        request: Value,
        /// (error code, message) when it failed.
        error: Option<(String, String)>,
    },
}
