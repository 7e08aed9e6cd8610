//! The emulator's runtime state: the seed organisation with lookup indexes, the mutable
//! assignments, and everything sign-in creates (clients, device codes, tokens, role sessions).
//! One `Mutex<State>` guards it; handlers never hold the lock across an `.await`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use time::OffsetDateTime;

use super::activity::Activity;
use super::org::{Org, PrincipalKind};

/// An account assignment as the admin API sees it (ids, not names).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Assignment {
    /// Account id.
    pub account_id: String,
    /// Index into `org.permission_sets`.
    pub pset: usize,
    /// USER or GROUP.
    pub principal_type: PrincipalKind,
    /// Identity store id of the principal.
    pub principal_id: String,
}

/// A registered OIDC client.
#[derive(Debug, Clone)]
pub struct OidcClient {
    /// Secret handed out at registration.
    pub secret: String,
    /// Client name.
    pub name: String,
    /// Registered scopes (empty = a legacy registration).
    pub scopes: Vec<String>,
    /// Grant types.
    pub grant_types: Vec<String>,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// When the registration expires.
    pub expires: OffsetDateTime,
}

/// A pending device authorization.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    /// The client that started it.
    pub client_id: String,
    /// The code shown to the person.
    pub user_code: String,
    /// When it expires.
    pub expires: OffsetDateTime,
    /// Minimum seconds between polls.
    pub interval: i64,
    /// Last poll time (for slow_down).
    pub last_poll: Option<OffsetDateTime>,
    /// Outcome so far.
    pub decision: Decision,
}

/// What the person decided on a device or authorize request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not yet.
    Pending,
    /// Approved by this user (index into `org.users`) in this portal session.
    Approved {
        /// The person.
        user: usize,
        /// The access-portal session their sign-in started (CloudTrail `credentialId`).
        credential_id: String,
    },
    /// Denied.
    Denied,
    /// Already exchanged for a token.
    Used,
}

/// An authorization code waiting for CreateToken.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// Client it was issued to.
    pub client_id: String,
    /// Exact redirect URI used at /authorize.
    pub redirect_uri: String,
    /// PKCE S256 challenge.
    pub challenge: String,
    /// User who approved.
    pub user: usize,
    /// The portal session their sign-in started.
    pub credential_id: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// Expiry (codes are short-lived and single-use).
    pub expires: OffsetDateTime,
}

/// An Identity Center access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The person.
    pub user: usize,
    /// Client it was issued to.
    pub client_id: String,
    /// Scopes it carries (empty = legacy, portal access only).
    pub scopes: Vec<String>,
    /// Expiry.
    pub expires: OffsetDateTime,
    /// The access-portal session id (CloudTrail `credentialId`).
    pub credential_id: String,
    /// Revoked by Logout.
    pub revoked: bool,
}

/// A refresh token.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    /// The person.
    pub user: usize,
    /// Client.
    pub client_id: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Portal session id carried into refreshed tokens.
    pub credential_id: String,
    /// Revoked by Logout.
    pub revoked: bool,
}

/// Who is behind a set of AWS credentials.
#[derive(Debug, Clone)]
pub enum Principal {
    /// The operator key pair: may call everything, as the management account.
    Operator,
    /// Role credentials vended by GetRoleCredentials.
    Role(RoleSession),
    /// A bridge-role session from STS AssumeRoleWithWebIdentity (trusted identity propagation).
    WebIdentity(super::sts::WebIdentitySession),
}

/// Role credentials vended through the portal.
#[derive(Debug, Clone)]
pub struct RoleSession {
    /// Secret key (kept to check the caller knows it).
    pub secret: String,
    /// Session token.
    pub session_token: String,
    /// Account.
    pub account_id: String,
    /// Index into `org.permission_sets`.
    pub pset: usize,
    /// The person.
    pub user: usize,
    /// Expiry.
    pub expires: OffsetDateTime,
    /// The portal session that vended it.
    pub credential_id: String,
    /// Identity-enhanced (trusted identity propagation) session context, if any.
    pub identity_context: Option<String>,
    /// Role ARN for sessions not vended through the portal (TIP), overriding the SSO role.
    pub role_arn: Option<String>,
}

/// Status of an asynchronous assignment create/delete.
#[derive(Debug, Clone)]
pub struct AssignmentOp {
    /// `CREATE` or `DELETE` (which status op answers for it).
    pub kind: &'static str,
    /// The assignment.
    pub assignment: Assignment,
    /// When it was requested.
    pub created: OffsetDateTime,
    /// When it completes (status moves from IN_PROGRESS to SUCCEEDED/FAILED).
    pub completes: OffsetDateTime,
    /// Failure reason, if it fails.
    pub failure: Option<String>,
    /// Whether the change has been applied to `assignments` (or found to fail).
    pub applied: bool,
}

/// Server-wide knobs set at start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Lifetime of access tokens in seconds.
    pub token_ttl: i64,
    /// Approve device and authorize requests as this user automatically.
    pub auto_approve: Option<String>,
    /// Delay before auto-approval, milliseconds.
    pub auto_approve_delay_ms: u64,
    /// Cap every page at this many items (to vary page sizes in tests).
    pub page_cap: Option<usize>,
    /// Return lists in a seeded random order (to vary ordering in tests).
    pub shuffle_seed: Option<u64>,
    /// The emulator's own origin (`http://127.0.0.1:PORT`), filled at bind.
    pub origin: String,
    /// Where the organisation trail is delivered, filled at start.
    pub trail: super::trail::TrailConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl: 8 * 3600,
            auto_approve: None,
            auto_approve_delay_ms: 1500,
            page_cap: None,
            shuffle_seed: None,
            origin: String::new(),
            trail: super::trail::TrailConfig {
                dir: std::path::PathBuf::new(),
                bucket: String::new(),
            },
        }
    }
}

/// Lookup indexes over the seed, built once.
#[derive(Debug, Default)]
pub struct Index {
    /// user id → index.
    pub user_by_id: HashMap<String, usize>,
    /// user name → index.
    pub user_by_name: HashMap<String, usize>,
    /// group id → index.
    pub group_by_id: HashMap<String, usize>,
    /// group display name → index.
    pub group_by_name: HashMap<String, usize>,
    /// account id → index.
    pub account_by_id: HashMap<String, usize>,
    /// permission set name → index.
    pub pset_by_name: HashMap<String, usize>,
    /// permission set id (`ps-…`) → index.
    pub pset_by_id: HashMap<String, usize>,
    /// groups each user belongs to.
    pub user_groups: Vec<Vec<usize>>,
    /// members of each group.
    pub group_members: Vec<Vec<usize>>,
    /// membership ids, by (group, user).
    pub membership_id: HashMap<(usize, usize), String>,
}

/// The whole runtime state.
pub struct State {
    /// The seed organisation (immutable apart from assignments).
    pub org: Org,
    /// Indexes over `org`.
    pub idx: Index,
    /// Current account assignments (mutable through the admin API).
    pub assignments: BTreeSet<Assignment>,
    /// Cached reach per user: account → permission sets. Cleared on writes.
    reach_cache: HashMap<usize, Arc<BTreeMap<String, BTreeSet<usize>>>>,
    /// OIDC clients by id.
    pub clients: HashMap<String, OidcClient>,
    /// Device authorizations by device code.
    pub devices: HashMap<String, DeviceAuth>,
    /// Authorization codes.
    pub codes: HashMap<String, AuthCode>,
    /// Access tokens.
    pub tokens: HashMap<String, AccessToken>,
    /// Refresh tokens.
    pub refresh_tokens: HashMap<String, RefreshToken>,
    /// AWS credentials by access key id.
    pub credentials: HashMap<String, Principal>,
    /// Operator key pair (access key id, secret).
    pub operator: (String, String),
    /// Asynchronous assignment operations by request id.
    pub assignment_ops: HashMap<String, AssignmentOp>,
    /// Console sign-in tokens (single use) → the access key they were made for.
    pub signin_tokens: HashMap<String, String>,
    /// What happened since the CloudTrail store last took it (`cloudtrail::absorb`).
    pub activity: Vec<(OffsetDateTime, Activity)>,
    /// The CloudTrail records built from the activity (bounded).
    pub trail: super::cloudtrail::Trail,
    /// Server settings.
    pub settings: Settings,
    /// The emulated external OIDC IdP (trusted identity propagation).
    pub idp: super::idp::IdpState,
    /// Identity contexts issued by CreateTokenWithIAM, by their opaque value.
    pub identity_contexts: HashMap<String, super::token_exchange::IdentityContext>,
    /// Athena's catalogue and query executions.
    pub athena: super::athena::AthenaState,
    /// CloudTrail Lake's queries.
    pub lake: super::cloudtrail::lake::LakeState,
}

impl State {
    /// Build the state from a seed organisation.
    pub fn new(org: Org, settings: Settings) -> State {
        let mut idx = Index::default();
        for (i, u) in org.users.iter().enumerate() {
            idx.user_by_id.insert(u.id.clone(), i);
            idx.user_by_name.insert(u.user_name.clone(), i);
        }
        idx.user_groups = vec![Vec::new(); org.users.len()];
        idx.group_members = vec![Vec::new(); org.groups.len()];
        for (gi, g) in org.groups.iter().enumerate() {
            idx.group_by_id.insert(g.id.clone(), gi);
            idx.group_by_name.insert(g.display_name.clone(), gi);
            for m in &g.members {
                if let Some(&ui) = idx.user_by_name.get(m) {
                    idx.user_groups[ui].push(gi);
                    idx.group_members[gi].push(ui);
                    let mid =
                        membership_id(&org.instance.identity_store_id, &g.id, &org.users[ui].id);
                    idx.membership_id.insert((gi, ui), mid);
                }
            }
        }
        for (i, a) in org.accounts.iter().enumerate() {
            idx.account_by_id.insert(a.id.clone(), i);
        }
        for (i, p) in org.permission_sets.iter().enumerate() {
            idx.pset_by_name.insert(p.name.clone(), i);
            idx.pset_by_id.insert(p.id.clone(), i);
        }
        let mut assignments = BTreeSet::new();
        for a in &org.account_assignments {
            let principal_id = match a.principal_type {
                PrincipalKind::User => idx
                    .user_by_name
                    .get(&a.principal)
                    .map(|&i| org.users[i].id.clone()),
                PrincipalKind::Group => idx
                    .group_by_name
                    .get(&a.principal)
                    .map(|&i| org.groups[i].id.clone()),
            };
            if let (Some(principal_id), Some(&pset)) =
                (principal_id, idx.pset_by_name.get(&a.permission_set))
            {
                assignments.insert(Assignment {
                    account_id: a.account.clone(),
                    pset,
                    principal_type: a.principal_type,
                    principal_id,
                });
            }
        }
        let operator = (
            format!(
                "AKIA{}",
                super::wire::random_from(super::wire::UPPER_ALNUM, 16)
            ),
            super::wire::random_from(super::wire::ALNUM, 40),
        );
        let mut credentials = HashMap::new();
        credentials.insert(operator.0.clone(), Principal::Operator);
        State {
            org,
            idx,
            assignments,
            reach_cache: HashMap::new(),
            clients: HashMap::new(),
            devices: HashMap::new(),
            codes: HashMap::new(),
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            credentials,
            operator,
            assignment_ops: HashMap::new(),
            signin_tokens: HashMap::new(),
            activity: Vec::new(),
            trail: Default::default(),
            settings,
            idp: Default::default(),
            identity_contexts: HashMap::new(),
            athena: Default::default(),
            lake: Default::default(),
        }
    }

    /// The instance id (`ssoins-…`), the last part of the instance ARN.
    pub fn instance_id(&self) -> &str {
        self.org
            .instance
            .instance_arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
    }

    /// The identity store ARN (`arn:aws:identitystore::<acct>:identitystore/d-…`).
    pub fn identity_store_arn(&self) -> String {
        format!(
            "arn:aws:identitystore::{}:identitystore/{}",
            self.org.instance.owner_account_id, self.org.instance.identity_store_id
        )
    }

    /// The ARN of a permission set.
    pub fn pset_arn(&self, pset: usize) -> String {
        format!(
            "arn:aws:sso:::permissionSet/{}/{}",
            self.instance_id(),
            self.org.permission_sets[pset].id
        )
    }

    /// Find a permission set by ARN.
    pub fn pset_by_arn(&self, arn: &str) -> Option<usize> {
        let prefix = format!("arn:aws:sso:::permissionSet/{}/", self.instance_id());
        let id = arn.strip_prefix(&prefix)?;
        self.idx.pset_by_id.get(id).copied()
    }

    /// Every account and permission set a user can reach, directly or through a group.
    pub fn reach(&mut self, user: usize) -> Arc<BTreeMap<String, BTreeSet<usize>>> {
        if let Some(r) = self.reach_cache.get(&user) {
            return r.clone();
        }
        let uid = self.org.users[user].id.clone();
        let gids: BTreeSet<String> = self.idx.user_groups[user]
            .iter()
            .map(|&g| self.org.groups[g].id.clone())
            .collect();
        let mut out: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for a in &self.assignments {
            let hit = match a.principal_type {
                PrincipalKind::User => a.principal_id == uid,
                PrincipalKind::Group => gids.contains(&a.principal_id),
            };
            if hit {
                out.entry(a.account_id.clone()).or_default().insert(a.pset);
            }
        }
        let out = Arc::new(out);
        self.reach_cache.insert(user, out.clone());
        out
    }

    /// Forget cached reach after assignments change.
    pub fn assignments_changed(&mut self) {
        self.reach_cache.clear();
    }

    /// Whether the user can use an application (assigned directly or through a group, or the
    /// application does not require assignment).
    pub fn user_has_app(&self, user: usize, app: usize) -> bool {
        let a = &self.org.applications[app];
        if !a.assignment_required {
            return true;
        }
        let uname = &self.org.users[user].user_name;
        a.assignments.iter().any(|p| match p.principal_type {
            PrincipalKind::User => &p.principal == uname,
            PrincipalKind::Group => self
                .idx
                .group_by_name
                .get(&p.principal)
                .is_some_and(|g| self.idx.user_groups[user].contains(g)),
        })
    }

    /// Record something that happened, for the CloudTrail log.
    pub fn record(&mut self, activity: Activity) {
        self.activity.push((OffsetDateTime::now_utc(), activity));
    }

    /// Resolve a valid, unexpired, unrevoked access token.
    pub fn live_token(&self, token: &str) -> Result<&AccessToken, &'static str> {
        match self.tokens.get(token) {
            None => Err("Session token not found or invalid"),
            Some(t) if t.revoked => Err("Session token not found or invalid"),
            Some(t) if t.expires <= OffsetDateTime::now_utc() => Err("Session token expired"),
            Some(t) => Ok(t),
        }
    }

    /// Order a list as the settings ask (seeded shuffle for tests that vary ordering).
    pub fn arrange<T>(&self, items: &mut [T]) {
        if let Some(seed) = self.settings.shuffle_seed {
            use rand::SeedableRng;
            use rand::seq::SliceRandom;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            items.shuffle(&mut rng);
        }
    }

    /// One page of a list for a call: the emulator's ordering applied (seeded shuffle in tests),
    /// the page size (the caller's or `default`, capped by the settings), and the token checked
    /// against the request's fingerprint.
    pub fn page_of<T: Clone>(
        &self,
        mut items: Vec<T>,
        asked: Option<usize>,
        default: usize,
        token: Option<&str>,
        fingerprint: &str,
        style: super::wire::TokenStyle,
    ) -> Result<super::wire::Page<T>, super::wire::BadToken> {
        self.arrange(&mut items);
        super::wire::paginate(
            &items,
            token,
            self.page_size(asked, default),
            fingerprint,
            style,
        )
    }

    /// The page size to use: the caller's (or the default), capped by the settings.
    pub fn page_size(&self, asked: Option<usize>, default: usize) -> usize {
        let n = asked.unwrap_or(default);
        match self.settings.page_cap {
            Some(cap) => n.min(cap).max(1),
            None => n.max(1),
        }
    }
}

/// A stable membership id derived from the group and user.
fn membership_id(store: &str, group: &str, user: &str) -> String {
    use sha1::Digest;
    let d = sha1::Sha1::digest(format!("{store}|{group}|{user}").as_bytes());
    let h = hex::encode(d);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
