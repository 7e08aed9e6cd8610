//! The seed organisation the emulator serves: the schema of `assets/demo-org.json` and of
//! generated organisations. Names (user names, group display names, permission-set names,
//! account ids) are the keys that tie the file together; the emulator assigns nothing at
//! load time except what the file leaves out.

mod features;

pub use features::*;

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

pub(crate) fn active() -> String {
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

pub(crate) fn enabled() -> String {
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

/// The largest organisation file read (64 MiB: far beyond the org-scale seeds).
pub const MAX_ORG_FILE: u64 = 64 << 20;

/// The most days of history an organisation file may ask for (ten years).
pub const MAX_HISTORY_DAYS: u32 = 3650;
/// The most sign-ins per day an organisation file may ask for.
pub const MAX_SIGN_INS_PER_DAY: u32 = 100_000;

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
        serde_json::from_str(include_str!("../../../assets/demo-org.json"))
            .expect("assets/demo-org.json is checked by the test suite")
    }

    /// Load an organisation from a JSON file.
    pub fn from_file(path: &std::path::Path) -> anyhow::Result<Org> {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_ORG_FILE + 1).read_to_string(&mut text))
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        anyhow::ensure!(
            text.len() as u64 <= MAX_ORG_FILE,
            "{} is larger than {} MiB, the most an organisation file may be",
            path.display(),
            MAX_ORG_FILE >> 20
        );
        Org::from_json(&text).map_err(|e| {
            anyhow::anyhow!("{} is not a valid organisation file: {e}", path.display())
        })
    }

    /// Parse and check an organisation file's text.
    pub fn from_json(text: &str) -> anyhow::Result<Org> {
        let org: Org = serde_json::from_str(text)?;
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
        anyhow::ensure!(
            self.history.days <= MAX_HISTORY_DAYS,
            "history.days is {}: at most {MAX_HISTORY_DAYS}",
            self.history.days
        );
        anyhow::ensure!(
            self.history.sign_ins_per_day <= MAX_SIGN_INS_PER_DAY,
            "history.signInsPerDay is {}: at most {MAX_SIGN_INS_PER_DAY}",
            self.history.sign_ins_per_day
        );
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
