//! Who reaches what in a generated organisation: account assignments by group purpose and
//! account purpose (as a real landing zone hands them out), a few direct user grants, and which
//! provisioned permission sets are out of date.

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand::rngs::StdRng;

use super::catalogue::{self, AUDITOR, DEVELOPER_TRIO};
use super::directory::{Directory, GroupRole};
use super::names::BUSINESS_UNITS;
use super::structure::{Env, Layout};
use crate::emulator::org::{AccountAssignment, PermissionSet, PrincipalKind};

/// Collects assignments without duplicates, in a deterministic order.
struct Grants<'a> {
    layout: &'a Layout,
    dir: &'a Directory,
    sets: &'a [PermissionSet],
    seen: HashSet<(u32, u32, PrincipalKind, u32)>,
    out: Vec<AccountAssignment>,
}

impl Grants<'_> {
    fn add(&mut self, account: usize, set: Option<usize>, kind: PrincipalKind, principal: usize) {
        let Some(set) = set else { return };
        if !self
            .seen
            .insert((account as u32, set as u32, kind, principal as u32))
        {
            return;
        }
        let principal = match kind {
            PrincipalKind::User => &self.dir.users[principal].user_name,
            PrincipalKind::Group => &self.dir.groups[principal].display_name,
        };
        self.out.push(AccountAssignment {
            account: self.layout.accounts[account].id.clone(),
            permission_set: self.sets[set].name.clone(),
            principal_type: kind,
            principal: principal.clone(),
        });
    }

    fn group(&mut self, accounts: &[usize], set: Option<usize>, group: usize) {
        for &a in accounts {
            self.add(a, set, PrincipalKind::Group, group);
        }
    }
}

/// Builds the account assignments and marks a few provisioned sets as out of date.
pub(super) fn assign(
    rng: &mut StdRng,
    layout: &Layout,
    dir: &Directory,
    sets: &mut [PermissionSet],
) -> Vec<AccountAssignment> {
    let index: HashMap<&str, usize> = sets
        .iter()
        .enumerate()
        .map(|(n, s)| (s.name.as_str(), n))
        .collect();
    let ps = |name: &str| index.get(name).copied();
    let units = layout.unit.iter().flatten().max().map_or(1, |u| u + 1);
    let where_env = |wanted: &[Env]| -> Vec<usize> {
        (0..layout.accounts.len())
            .filter(|a| wanted.contains(&layout.env[*a]))
            .collect()
    };
    let in_unit = |unit: usize, wanted: &[Env]| -> Vec<usize> {
        (0..layout.accounts.len())
            .filter(|a| layout.unit[*a] == Some(unit) && wanted.contains(&layout.env[*a]))
            .collect()
    };
    let every: Vec<usize> = (0..layout.accounts.len()).collect();
    let management = [0usize];
    let active: Vec<usize> = (0..layout.accounts.len())
        .filter(|a| layout.env[*a] != Env::Suspended)
        .collect();
    let security = where_env(&[Env::Security]);
    let infrastructure = where_env(&[Env::Infrastructure]);
    let prod_and_management = where_env(&[Env::Management, Env::Prod]);
    let dev_and_staging = where_env(&[Env::Dev, Env::Staging]);
    let network: Vec<usize> = infrastructure
        .iter()
        .copied()
        .filter(|a| layout.accounts[*a].name == "network")
        .collect();

    let mut grants = Grants {
        layout,
        dir,
        sets,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    for (g, role) in dir.roles.iter().enumerate() {
        match *role {
            GroupRole::AllDevelopers => {
                for name in DEVELOPER_TRIO {
                    grants.group(&every, ps(name), g);
                }
            }
            GroupRole::CloudAdmins => {
                grants.group(&every, ps("AdministratorAccess"), g);
                grants.group(&prod_and_management, ps("BreakGlass"), g);
                grants.group(&management, ps("IdentityCenterAdmin"), g);
            }
            GroupRole::SecurityOps => {
                grants.group(&active, ps("SecurityAudit"), g);
                grants.group(&security, ps("AdministratorAccess"), g);
                grants.group(&management, ps(AUDITOR), g);
            }
            GroupRole::Auditors => {
                grants.group(&security, ps("SecurityAudit"), g);
                grants.group(&management, ps("SecurityAudit"), g);
                grants.group(&management, ps(AUDITOR), g);
            }
            GroupRole::Finance => {
                grants.group(&management, ps("BillingReadOnly"), g);
                grants.group(&management, ps("BillingAdmin"), g);
            }
            GroupRole::Platform => {
                grants.group(&infrastructure, ps("PowerUserAccess"), g);
                grants.group(&network, ps("NetworkAdmin"), g);
            }
            GroupRole::UnitDevelopers(u) => {
                grants.group(&in_unit(u, &[Env::Dev]), ps("PowerUserAccess"), g);
                if BUSINESS_UNITS[u % BUSINESS_UNITS.len()] == "Data" {
                    grants.group(
                        &in_unit(u, &[Env::Prod, Env::Staging, Env::Dev]),
                        ps("DataEngineer"),
                        g,
                    );
                }
            }
            GroupRole::UnitOnCall(u) => {
                grants.group(
                    &in_unit(u, &[Env::Prod, Env::Staging]),
                    ps("PowerUserAccess"),
                    g,
                );
            }
            GroupRole::Project => {
                if !dev_and_staging.is_empty() {
                    let picks: Vec<usize> = (0..rng.random_range(2..=6))
                        .map(|_| dev_and_staging[rng.random_range(0..dev_and_staging.len())])
                        .collect();
                    grants.group(&picks, ps("PowerUserAccess"), g);
                }
            }
        }
    }
    // Per-unit sets go to that unit's developers or on-call group, on one environment.
    for set in catalogue::CORE_LEN..sets.len() {
        let e = set - catalogue::CORE_LEN;
        let unit = catalogue::unit_of_extra(e, units);
        let wanted = if e.is_multiple_of(2) {
            GroupRole::UnitDevelopers(unit)
        } else {
            GroupRole::UnitOnCall(unit)
        };
        if let Some(g) = dir.roles.iter().position(|r| *r == wanted) {
            let env = [Env::Prod, Env::Staging, Env::Dev][e % 3];
            grants.group(&in_unit(unit, &[env]), Some(set), g);
        }
    }
    // Direct grants: the auditor role of the demo person, sandbox owners, and a few people
    // holding a role in one of their unit's accounts (often one a group already gives them).
    if dir.users.len() > 1 {
        grants.add(0, ps(AUDITOR), PrincipalKind::User, 1);
    }
    let sandbox_role = ps("AdministratorAccess").or(ps("DeveloperAccess"));
    for (a, owner) in layout.owner.iter().enumerate() {
        if let Some(owner) = owner {
            grants.add(a, sandbox_role, PrincipalKind::User, *owner);
        }
    }
    let unit_accounts: Vec<Vec<usize>> = (0..units)
        .map(|u| in_unit(u, &[Env::Prod, Env::Staging, Env::Dev]))
        .collect();
    for user in 2..dir.users.len() {
        let Some(unit) = dir.unit_of[user] else {
            continue;
        };
        let accounts = &unit_accounts[unit % units];
        if accounts.is_empty() || !rng.random_ratio(1, 50) {
            continue;
        }
        let account = accounts[rng.random_range(0..accounts.len())];
        let role = if rng.random_bool(0.5) {
            "PowerUserAccess"
        } else {
            "ReadOnlyAccess"
        };
        grants.add(account, ps(role), PrincipalKind::User, user);
    }
    let out = grants.out;
    // DeveloperAccess is provisioned everywhere; a few accounts still run the previous version.
    if let Some(dev) = ps("DeveloperAccess") {
        sets[dev].outdated_in = (0..layout.accounts.len())
            .filter(|a| a % 53 == 7)
            .map(|a| layout.accounts[a].id.clone())
            .collect();
    }
    out
}
