//! The seed organisation the emulator serves: the schema of `assets/demo-org.json` and of
//! generated organisations. Names (user names, group display names, permission-set names,
//! account ids) are the keys that tie the file together; the emulator assigns nothing at
//! load time except what the file leaves out.

use serde::{Deserialize, Serialize};

/// The whole seed: one Identity Center instance in one AWS organisation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Org {
    /// The Identity Center instance.
    pub instance: Instance,
    /// The AWS Organizations structure.
    pub organization: Organization,
    /// Organisational units (a tree rooted at `organization.root_id`).
    #[serde(default)]
    pub ous: Vec<OrgUnit>,
    /// Member accounts, including the management account.
    pub accounts: Vec<Account>,
    /// People in the identity store.
    pub users: Vec<User>,
    /// Groups, with their members by user name.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Permission sets.
    #[serde(default)]
    pub permission_sets: Vec<PermissionSet>,
    /// Account assignments (account × permission set × principal).
    #[serde(default)]
    pub account_assignments: Vec<AccountAssignment>,
    /// Applications (custom SAML, OAuth, AWS-managed) with their assignments.
    #[serde(default)]
    pub applications: Vec<Application>,
    /// Trusted token issuers (external IdPs whose tokens the instance accepts).
    #[serde(default)]
    pub trusted_token_issuers: Vec<TrustedTokenIssuer>,
    /// Amazon Q Developer profiles.
    #[serde(default)]
    pub q_profiles: Vec<QProfile>,
    /// Multi-party approval teams.
    #[serde(default)]
    pub approval_teams: Vec<ApprovalTeam>,
    /// Sign-in history to synthesise at start-up.
    #[serde(default)]
    pub history: History,
}

/// The Identity Center instance and its access portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    /// `arn:aws:sso:::instance/ssoins-<16>`.
    pub instance_arn: String,
    /// `d-<10 hex>`.
    pub identity_store_id: String,
    /// The account that owns the instance (usually the management account).
    pub owner_account_id: String,
    /// Friendly name.
    pub name: String,
    /// The instance's home region.
    pub region: String,
    /// The access portal start URL.
    pub start_url: String,
    /// When the instance was created (RFC 3339).
    pub created: String,
}

/// The organisation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// `o-<10>`.
    pub id: String,
    /// `r-<4>`.
    pub root_id: String,
    /// The management account.
    pub management_account_id: String,
}

/// An organisational unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgUnit {
    /// `ou-<root>-<8>`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Parent OU id or the root id.
    pub parent: String,
}

/// An AWS account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// 12 digits.
    pub id: String,
    /// Account name.
    pub name: String,
    /// Root email address.
    pub email: String,
    /// Parent OU id (or the root id).
    pub parent: String,
    /// `ACTIVE`, `SUSPENDED`, …
    #[serde(default = "active")]
    pub state: String,
    /// `CREATED` or `INVITED`.
    #[serde(default = "created")]
    pub joined_method: String,
    /// When it joined (RFC 3339).
    pub joined: String,
}

fn active() -> String {
    "ACTIVE".into()
}
fn created() -> String {
    "CREATED".into()
}

/// A person in the identity store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Identity store user id (UUID, optionally `<10 hex>-` prefixed).
    pub id: String,
    /// Sign-in name.
    pub user_name: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Display name.
    pub display_name: String,
    /// Primary work email.
    pub email: String,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// Department (enterprise extension).
    #[serde(default)]
    pub department: Option<String>,
    /// External id from the upstream IdP (issuer, id).
    #[serde(default)]
    pub external_id: Option<ExternalId>,
    /// `ENABLED` or `DISABLED`.
    #[serde(default = "enabled")]
    pub status: String,
    /// Where this person usually signs in from (used by the history generator).
    #[serde(default)]
    pub home_ip: Option<String>,
}

fn enabled() -> String {
    "ENABLED".into()
}

/// An identifier from the upstream directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalId {
    /// Issuer (e.g. the Okta org URL).
    pub issuer: String,
    /// Identifier in that directory.
    pub id: String,
}

/// A group with its members.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Identity store group id.
    pub id: String,
    /// Display name (unique).
    pub display_name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Members by user name.
    #[serde(default)]
    pub members: Vec<String>,
}

/// A permission set and what it grants inside the emulator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSet {
    /// `ps-<16>` (the last part of the ARN).
    pub id: String,
    /// Name (1..32).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// ISO-8601 duration, e.g. `PT4H`.
    #[serde(default = "one_hour")]
    pub session_duration: String,
    /// Console relay state URL.
    #[serde(default)]
    pub relay_state: Option<String>,
    /// AWS-managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Customer-managed policy references.
    #[serde(default)]
    pub customer_managed_policies: Vec<PolicyRef>,
    /// Inline policy document.
    #[serde(default)]
    pub inline_policy: Option<serde_json::Value>,
    /// Permissions boundary.
    #[serde(default)]
    pub permissions_boundary: Option<Boundary>,
    /// Accounts it is provisioned to but whose provisioning is out of date.
    #[serde(default)]
    pub outdated_in: Vec<String>,
    /// When it was created (RFC 3339).
    pub created: String,
}

fn one_hour() -> String {
    "PT1H".into()
}

/// A customer-managed policy reference.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRef {
    /// Policy name.
    pub name: String,
    /// Path, default `/`.
    #[serde(default)]
    pub path: Option<String>,
}

/// A permissions boundary: a managed policy or a customer-managed reference.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Boundary {
    /// AWS-managed policy ARN.
    #[serde(default)]
    pub managed_policy_arn: Option<String>,
    /// Customer-managed reference.
    #[serde(default)]
    pub customer_managed: Option<PolicyRef>,
}

/// `USER` or `GROUP`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum PrincipalKind {
    /// A user, named by user name.
    User,
    /// A group, named by display name.
    Group,
}

impl PrincipalKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "USER",
            PrincipalKind::Group => "GROUP",
        }
    }
}

/// One account assignment in the seed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub struct AccountAssignment {
    /// Account id.
    pub account: String,
    /// Permission set name.
    pub permission_set: String,
    /// Principal kind.
    pub principal_type: PrincipalKind,
    /// User name or group display name.
    pub principal: String,
}

/// A principal reference (application assignments, team membership).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalRef {
    /// Principal kind.
    pub principal_type: PrincipalKind,
    /// User name or group display name.
    pub principal: String,
}

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

/// What sign-in history to synthesise.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// Days of history before start-up.
    pub days: u32,
    /// Roughly how many people sign in per day.
    pub sign_ins_per_day: u32,
    /// Random seed.
    pub seed: u64,
}

impl Default for History {
    fn default() -> Self {
        History {
            days: 0,
            sign_ins_per_day: 0,
            seed: 1,
        }
    }
}

impl Org {
    /// The bundled demo organisation.
    pub fn demo() -> Org {
        serde_json::from_str(include_str!("../../assets/demo-org.json"))
            .expect("assets/demo-org.json is checked by the test suite")
    }

    /// Load an organisation from a JSON file.
    pub fn from_file(path: &std::path::Path) -> anyhow::Result<Org> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let org: Org = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!("{} is not a valid organisation file: {e}", path.display())
        })?;
        org.validate()?;
        Ok(org)
    }

    /// Check cross-references so that a bad seed fails at load, not mid-request.
    pub fn validate(&self) -> anyhow::Result<()> {
        use std::collections::HashSet;
        let users: HashSet<&str> = self.users.iter().map(|u| u.user_name.as_str()).collect();
        let groups: HashSet<&str> = self
            .groups
            .iter()
            .map(|g| g.display_name.as_str())
            .collect();
        let accounts: HashSet<&str> = self.accounts.iter().map(|a| a.id.as_str()).collect();
        let psets: HashSet<&str> = self
            .permission_sets
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        let principal_ok = |kind: PrincipalKind, name: &str| match kind {
            PrincipalKind::User => users.contains(name),
            PrincipalKind::Group => groups.contains(name),
        };
        for g in &self.groups {
            for m in &g.members {
                anyhow::ensure!(
                    users.contains(m.as_str()),
                    "group {} lists unknown user {m}",
                    g.display_name
                );
            }
        }
        for a in &self.account_assignments {
            anyhow::ensure!(
                accounts.contains(a.account.as_str()),
                "assignment to unknown account {}",
                a.account
            );
            anyhow::ensure!(
                psets.contains(a.permission_set.as_str()),
                "assignment of unknown permission set {}",
                a.permission_set
            );
            anyhow::ensure!(
                principal_ok(a.principal_type, &a.principal),
                "assignment to unknown principal {}",
                a.principal
            );
        }
        for app in &self.applications {
            for a in &app.assignments {
                anyhow::ensure!(
                    principal_ok(a.principal_type, &a.principal),
                    "application {} assigned to unknown principal {}",
                    app.name,
                    a.principal
                );
            }
        }
        for t in &self.approval_teams {
            for a in &t.approvers {
                anyhow::ensure!(
                    users.contains(a.user.as_str()),
                    "team {} has unknown approver {}",
                    t.name,
                    a.user
                );
            }
        }
        Ok(())
    }
}
