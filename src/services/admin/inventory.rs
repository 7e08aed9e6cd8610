//! The whole inventory of an instance. Independent chains run side by side under the shared
//! limiter (permission sets, accounts with OU paths, users and groups; then the pruned
//! assignment walk next to the applications), memberships are read only for groups that
//! hold a grant, and each section that cannot be read is recorded as denied or failed
//! rather than left empty.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::assignments::{self, PairStrategy};
use super::{
    Admin, accounts, applications, directory, is_cancelled, permission_sets, section_error,
};
use crate::model::inventory::{InstanceInfo, Inventory, PrincipalKind, Scope, SectionState};
use crate::services::ServiceError;

/// What to gather and how.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How to find the pairs that may hold assignments.
    pub strategy: PairStrategy,
    /// Whether to read applications and their assignments.
    pub applications: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strategy: PairStrategy::Auto,
            applications: true,
        }
    }
}

/// Stop on cancellation; otherwise turn the error into the section's state.
fn settle<T>(
    r: Result<T, ServiceError>,
    state: &mut SectionState,
) -> Result<Option<T>, ServiceError> {
    match r {
        Ok(v) => {
            *state = SectionState::Complete;
            Ok(Some(v))
        }
        Err(e) if is_cancelled(&e) => Err(e),
        Err(e) => {
            *state = section_error(&e);
            Ok(None)
        }
    }
}

/// Gather the full inventory of `instance`. Fails only when cancelled or when the
/// permission sets cannot be listed (nothing else would mean anything).
pub async fn full(
    admin: &Admin,
    instance: &InstanceInfo,
    opts: Options,
) -> Result<Inventory, ServiceError> {
    let started = std::time::Instant::now();
    let calls_before = admin.calls();
    let arn = instance.arn.as_str();
    let store = instance.identity_store_id.as_str();
    let mut inv = Inventory::new(instance.clone(), Scope::Full, OffsetDateTime::now_utc());

    let (sets, accts, dir) = tokio::join!(
        permission_sets::list(admin, arn),
        accounts::list(admin),
        async {
            // Both run to the end so that the error reported does not depend on timing.
            let (users, groups) = tokio::join!(
                directory::list_users(admin, store),
                directory::list_groups(admin, store)
            );
            Ok::<_, ServiceError>((users?, groups?))
        },
    );
    inv.permission_sets = sets?;
    inv.sections.permission_sets = SectionState::Complete;
    if let Some((accounts, ou_problem)) = settle(accts, &mut inv.sections.accounts)? {
        inv.accounts = accounts;
        if let Some(e) = ou_problem {
            if is_cancelled(&e) {
                return Err(e);
            }
            inv.sections.accounts = section_error(&e);
        }
    }
    if let Some((users, groups)) = settle(dir, &mut inv.sections.directory)? {
        inv.users = users;
        inv.groups = groups;
    }

    let account_ids: Vec<String> = inv.accounts.keys().cloned().collect();
    let set_arns: Vec<String> = inv.permission_sets.keys().cloned().collect();
    let listed = !inv.accounts.is_empty() || inv.sections.accounts.is_complete();
    let principals: Vec<(PrincipalKind, String)> = if inv.sections.directory.is_complete() {
        let users = inv.users.keys().map(|u| (PrincipalKind::User, u.clone()));
        users
            .chain(inv.groups.keys().map(|g| (PrincipalKind::Group, g.clone())))
            .collect()
    } else {
        Vec::new()
    };
    let strategy = match opts.strategy {
        PairStrategy::Auto => {
            assignments::choose(listed.then_some(account_ids.len()), set_arns.len())
        }
        PairStrategy::ByPrincipal if principals.is_empty() => PairStrategy::ByPermissionSet,
        PairStrategy::ByPrincipal => PairStrategy::ByPrincipal,
        s if !listed && s != PairStrategy::ByPermissionSet => PairStrategy::ByPermissionSet,
        s => s,
    };
    let walk = async {
        if strategy == PairStrategy::ByPrincipal {
            let grants = assignments::of_principals(admin, arn, principals).await?;
            return Ok((grants, strategy.label().to_string()));
        }
        let pairs = assignments::pairs(admin, arn, strategy, &account_ids, &set_arns).await?;
        // Each pair and each principal costs at least one call: once the pairs are known,
        // walk whichever list is shorter.
        if opts.strategy == PairStrategy::Auto
            && !principals.is_empty()
            && principals.len() < pairs.len()
        {
            let label = format!(
                "{}, then by principal ({} principals < {} pairs)",
                strategy.label(),
                principals.len(),
                pairs.len()
            );
            let grants = assignments::of_principals(admin, arn, principals).await?;
            return Ok((grants, label));
        }
        let grants = assignments::of_pairs(admin, arn, pairs).await?;
        Ok((grants, strategy.label().to_string()))
    };
    let apps = async {
        if !opts.applications {
            return Ok(None);
        }
        let apps = applications::list(admin, arn).await?;
        let grants = applications::assignments(admin, apps.keys().cloned().collect()).await?;
        Ok(Some((apps, grants)))
    };
    let (walk, apps) = tokio::join!(walk, apps);
    inv.stats.strategy = strategy.label().to_string();
    if let Some((grants, label)) = settle(walk, &mut inv.sections.assignments)? {
        inv.assignments = grants;
        inv.stats.strategy = label;
    }
    if let Some(Some((apps, grants))) = settle(apps, &mut inv.sections.applications)? {
        inv.applications = apps;
        inv.app_assignments = grants;
    }
    if !opts.applications {
        inv.sections.applications = SectionState::NotLoaded;
    }

    if inv.sections.directory.is_complete() {
        let groups: BTreeSet<String> = inv
            .assignments
            .iter()
            .filter(|a| a.principal_kind == PrincipalKind::Group)
            .map(|a| a.principal_id.clone())
            .chain(
                inv.app_assignments
                    .iter()
                    .filter(|a| a.principal_kind == PrincipalKind::Group)
                    .map(|a| a.principal_id.clone()),
            )
            .collect();
        let mut state = SectionState::Complete;
        if let Some(m) = settle(
            directory::members_of(admin, store, groups.into_iter().collect()).await,
            &mut state,
        )? {
            inv.members = m;
        }
        inv.sections.directory = state;
    }
    inv.stats.calls = admin.calls() - calls_before;
    inv.stats.seconds = started.elapsed().as_secs_f64();
    Ok(inv)
}
