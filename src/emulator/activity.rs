//! What happened in the emulator, in domain terms. Handlers record an [`Activity`]; the
//! CloudTrail side turns each into records in AWS's current format (IdentityCenterUser,
//! onBehalfOf, credentialId) and serves them through LookupEvents.

use serde_json::Value;
use time::OffsetDateTime;

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
    /// A bridge-role session from STS AssumeRoleWithWebIdentity (trusted identity propagation):
    /// an IAM role federated from an external OIDC IdP, not an Identity Center person.
    /// CloudTrail `userIdentity`: `{"type": "AssumedRole", "principalId": "<role_id>:<session_name>",
    /// "arn": "arn:aws:sts::<account_id>:assumed-role/<role name>/<session_name>", "accountId",
    /// "accessKeyId", "sessionContext": {"sessionIssuer": {"type": "Role", "principalId":
    /// "<role_id>", "arn": "<role_arn>", "accountId", "userName": "<role name>"},
    /// "webIdFederationData": {"federatedProvider": "arn:aws:iam::<account_id>:oidc-provider/<issuer
    /// without scheme>", "attributes": {}}, "attributes": {"creationDate": "<created>",
    /// "mfaAuthenticated": "false"}}}`.
    WebIdentity {
        /// Account of the role.
        account_id: String,
        /// The IAM role ARN (`arn:aws:iam::<acct>:role/<name>`).
        role_arn: String,
        /// The role's unique id (`AROA…`).
        role_id: String,
        /// The role session name.
        session_name: String,
        /// Access key id used.
        access_key_id: String,
        /// The OIDC issuer URL the web identity came from.
        issuer: String,
        /// The IdP subject (`sub`).
        subject: String,
        /// When the session was created.
        created: OffsetDateTime,
    },
    /// Nobody we know (unsigned or unknown key): recorded for failed calls.
    Anonymous,
}

/// Credentials an STS assume call handed out (for `responseElements`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSession {
    /// Access key id of the new credentials (the secret parts are never recorded).
    pub access_key_id: String,
    /// `AROA…:<session name>`.
    pub assumed_role_id: String,
    /// `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    pub arn: String,
    /// When the credentials expire.
    pub expires: OffsetDateTime,
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
    /// A person managed their own MFA devices in the access portal (Identity Store events by an
    /// `IdentityCenterUser`): `ListMfaDevicesForUser`, `Start/CompleteWebAuthnDeviceRegistration`,
    /// `Start/CompleteVirtualMfaDeviceRegistration`, `UpdateMfaDeviceForUser`,
    /// `DeleteMfaDeviceForUser` on `sso-directory.amazonaws.com`.
    MfaDevice {
        /// The person.
        user: usize,
        /// Portal session id.
        credential_id: String,
        /// Browser origin.
        origin: Origin,
        /// The operation.
        event_name: String,
        /// `WEBAUTHN` or `TOTP`.
        device_type: String,
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
    /// STS AssumeRoleWithWebIdentity: an external IdP's ID token exchanged for a bridge-role
    /// session. CloudTrail: `eventSource` `sts.amazonaws.com`, `eventName`
    /// `AssumeRoleWithWebIdentity`, `readOnly` true, `userIdentity` `{"type": "WebIdentityUser",
    /// "principalId": "<issuer without scheme>:<audience>:<subject>", "userName": "<subject>",
    /// "identityProvider": "<issuer without scheme>"}`, `requestParameters` `{"roleArn",
    /// "roleSessionName", "durationSeconds"}`, on success `responseElements` `{"credentials":
    /// {"accessKeyId", "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS", "expiration"},
    /// "subjectFromWebIdentityToken": "<subject>", "assumedRoleUser": {"assumedRoleId", "arn"},
    /// "provider": "arn:aws:iam::<role account>:oidc-provider/<issuer without scheme>",
    /// "audience": "<audience>"}`, `resources` `[{"accountId", "type": "AWS::IAM::Role", "ARN":
    /// "<role_arn>"}]`; on failure `errorCode` / `errorMessage` and no `responseElements`.
    AssumeRoleWithWebIdentity {
        /// Caller origin.
        origin: Origin,
        /// `iss` of the token, when it could be read.
        issuer: Option<String>,
        /// `aud` of the token, when it could be read.
        audience: Option<String>,
        /// `sub` of the token, when it could be read.
        subject: Option<String>,
        /// The role asked for.
        role_arn: String,
        /// The session name asked for.
        session_name: String,
        /// Seconds asked for.
        duration_s: i64,
        /// What was handed out, on success.
        issued: Option<IssuedSession>,
        /// (error code, message) when it failed.
        error: Option<(String, String)>,
    },
    /// sso-oidc CreateTokenWithIAM: an IAM principal exchanged an external IdP's token for an
    /// Identity Center token (the fixture `aidansteele-github-io_…` shows AWS's record).
    /// CloudTrail: `eventSource` `sso-oauth.amazonaws.com`, `eventName` `CreateTokenWithIAM`,
    /// `eventType` `AwsApiCall`, `readOnly` false, `userIdentity` from `caller`,
    /// `requestParameters` `{"clientId": "<application_arn>", "grantType": "<grant_type>",
    /// "scope": [<scopes>], "assertion": "HIDDEN_DUE_TO_SECURITY_REASONS"}`, on success
    /// `responseElements` `{"accessToken": "HIDDEN_DUE_TO_SECURITY_REASONS", "expiresIn":
    /// <expires_in>, "tokenType": "Bearer", "issuedTokenType":
    /// "urn:ietf:params:oauth:token-type:access_token"}` and `additionalEventData`
    /// `{"identitystore:UserId": "<users[user].id>", "identitystore:IdentityStoreArn": "<store
    /// ARN>", "identitycenter:CredentialId": "<credential_id>"}`, `resources` `[{"type":
    /// "AWS::SSO::Application", "ARN": "<application_arn>"}]`; on failure `errorCode` /
    /// `errorMessage`, no `responseElements`, and `additionalEventData` only when the person
    /// was already known.
    CreateTokenWithIam {
        /// The IAM principal that called (the bridge role session).
        caller: Caller,
        /// Caller origin.
        origin: Origin,
        /// `clientId`: the application ARN.
        application_arn: String,
        /// Grant type as sent.
        grant_type: String,
        /// Scopes asked for (or granted, on success).
        scopes: Vec<String>,
        /// The person the assertion mapped to.
        user: Option<usize>,
        /// The Identity Center session (`identitycenter:CredentialId`) of the issued token.
        credential_id: Option<String>,
        /// Lifetime of the issued access token in seconds (0 on failure).
        expires_in: i64,
        /// (error code, message) when it failed.
        error: Option<(String, String)>,
    },
}
