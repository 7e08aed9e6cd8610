//! The generated AWS Organizations structure: the OU tree (security, infrastructure, one
//! `Workloads/<unit>/{Prod,Staging,Dev}` branch per business unit, sandbox, suspended) and the
//! accounts in it.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;

use super::ids;
use super::names::{BUSINESS_UNITS, SERVICES};
use crate::emulator::org::{Account, OrgUnit, User};

/// The management account, as in `assets/demo-org.json`.
pub(super) const MANAGEMENT_ACCOUNT: &str = "381492058412";
/// The organisation root, as in `assets/demo-org.json`.
pub(super) const ROOT: &str = "r-7x2k";

/// What an account is for; the access builder grants by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Env {
    /// The management account (Identity Center lives here).
    Management,
    /// Security tooling, log archive, audit.
    Security,
    /// Network, shared services, identity.
    Infrastructure,
    /// A production workload.
    Prod,
    /// A staging workload.
    Staging,
    /// A development workload.
    Dev,
    /// Someone's sandbox.
    Sandbox,
    /// A suspended account awaiting closure.
    Suspended,
}

/// OUs and accounts, with each account's purpose.
pub(super) struct Layout {
    /// The OU tree.
    pub(super) ous: Vec<OrgUnit>,
    /// Accounts; index 0 is the management account.
    pub(super) accounts: Vec<Account>,
    /// Each account's purpose (parallel to `accounts`).
    pub(super) env: Vec<Env>,
    /// Each workload account's business unit.
    pub(super) unit: Vec<Option<usize>>,
    /// Each sandbox's owner (an index into the users).
    pub(super) owner: Vec<Option<usize>>,
}

/// How many business units an organisation of `accounts` accounts has.
pub(super) fn units_for(accounts: usize) -> usize {
    (accounts / 150).clamp(1, BUSINESS_UNITS.len())
}

const CORE: [(&str, Env); 6] = [
    ("security-tooling", Env::Security),
    ("log-archive", Env::Security),
    ("audit", Env::Security),
    ("network", Env::Infrastructure),
    ("shared-services", Env::Infrastructure),
    ("identity", Env::Infrastructure),
];

/// Builds exactly `accounts` accounts (at least the management account) in `units` units.
pub(super) fn build(rng: &mut StdRng, accounts: usize, units: usize, users: &[User]) -> Layout {
    let accounts = accounts.max(1);
    let units = units.max(1);
    let mut ou_ids = HashSet::new();
    let mut ous = Vec::new();
    let mut add_ou = |rng: &mut StdRng, name: &str, parent: &str| -> String {
        let id = loop {
            let id = format!("ou-7x2k-{}", ids::lower_alnum(rng, 8));
            if ou_ids.insert(id.clone()) {
                break id;
            }
        };
        ous.push(OrgUnit {
            id: id.clone(),
            name: name.to_string(),
            parent: parent.to_string(),
        });
        id
    };
    let security = add_ou(rng, "Security", ROOT);
    let infrastructure = add_ou(rng, "Infrastructure", ROOT);
    let workloads = add_ou(rng, "Workloads", ROOT);
    let mut env_ous = Vec::with_capacity(units);
    for u in 0..units {
        let unit = add_ou(rng, BUSINESS_UNITS[u % BUSINESS_UNITS.len()], &workloads);
        env_ous.push([
            add_ou(rng, "Prod", &unit),
            add_ou(rng, "Staging", &unit),
            add_ou(rng, "Dev", &unit),
        ]);
    }
    let sandbox = add_ou(rng, "Sandbox", ROOT);
    let suspended = add_ou(rng, "Suspended", ROOT);

    let mut layout = Layout {
        ous,
        accounts: Vec::with_capacity(accounts),
        env: Vec::with_capacity(accounts),
        unit: Vec::with_capacity(accounts),
        owner: Vec::with_capacity(accounts),
    };
    let mut account_ids: HashSet<u64> = HashSet::with_capacity(accounts);
    let mut names: HashSet<String> = HashSet::with_capacity(accounts);
    layout.push(
        Account {
            id: MANAGEMENT_ACCOUNT.into(),
            name: "acme-management".into(),
            email: "aws+acme-management@acme.example".into(),
            parent: ROOT.into(),
            state: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined: "2019-03-11T17:42:09Z".into(),
        },
        Env::Management,
        None,
        None,
    );
    account_ids.insert(381_492_058_412);
    names.insert("acme-management".into());

    let mut workload = 0usize;
    for k in 0..accounts.saturating_sub(1) {
        let (name, env, unit, owner) = if let Some((name, env)) = CORE.get(k) {
            (name.to_string(), *env, None, None)
        } else {
            let slot = k - CORE.len();
            if slot % 150 == 149 {
                (
                    format!("legacy-{}", SERVICES[(slot / 150) % SERVICES.len()]),
                    Env::Suspended,
                    None,
                    None,
                )
            } else if slot % 12 == 11 && users.len() > 1 {
                let owner = rng.random_range(1..users.len());
                (
                    format!("sandbox-{}", users[owner].user_name),
                    Env::Sandbox,
                    None,
                    Some(owner),
                )
            } else {
                let service = workload / 3;
                let env = [Env::Prod, Env::Staging, Env::Dev][workload % 3];
                workload += 1;
                let round = service / SERVICES.len();
                let base = SERVICES[service % SERVICES.len()];
                let svc = if round == 0 {
                    base.to_string()
                } else {
                    format!("{base}-{}", round + 1)
                };
                (
                    format!("{svc}-{}", env_suffix(env)),
                    env,
                    Some(service % units),
                    None,
                )
            }
        };
        let name = unique(&mut names, name);
        let parent = match (env, unit) {
            (Env::Security, _) => security.clone(),
            (Env::Infrastructure, _) => infrastructure.clone(),
            (Env::Sandbox, _) => sandbox.clone(),
            (Env::Suspended, _) => suspended.clone(),
            (Env::Prod, Some(u)) => env_ous[u][0].clone(),
            (Env::Staging, Some(u)) => env_ous[u][1].clone(),
            (_, Some(u)) => env_ous[u][2].clone(),
            (_, None) => ROOT.into(),
        };
        let id = loop {
            let id = rng.random_range(100_000_000_000u64..=999_999_999_999);
            if account_ids.insert(id) {
                break id;
            }
        };
        let invited = env == Env::Prod && workload % 37 == 36;
        let joined = if env == Env::Security || env == Env::Infrastructure {
            ids::time_between(rng, ids::ORG_EPOCH, ids::ORG_EPOCH + 180 * 86_400)
        } else {
            ids::time_between(rng, ids::ORG_EPOCH, ids::LATEST)
        };
        layout.push(
            Account {
                id: id.to_string(),
                email: format!("aws+{name}@acme.example"),
                name,
                parent,
                state: if env == Env::Suspended {
                    "SUSPENDED"
                } else {
                    "ACTIVE"
                }
                .into(),
                joined_method: if invited { "INVITED" } else { "CREATED" }.into(),
                joined,
            },
            env,
            unit,
            owner,
        );
    }
    layout
}

impl Layout {
    fn push(&mut self, account: Account, env: Env, unit: Option<usize>, owner: Option<usize>) {
        self.accounts.push(account);
        self.env.push(env);
        self.unit.push(unit);
        self.owner.push(owner);
    }
}

fn env_suffix(env: Env) -> &'static str {
    match env {
        Env::Prod => "prod",
        Env::Staging => "staging",
        _ => "dev",
    }
}

/// `name`, or `name-2`, `name-3`… if it is taken.
fn unique(taken: &mut HashSet<String>, name: String) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{name}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}
