//! Targeted questions at targeted cost. One person's access: their group memberships, then
//! ListAccountAssignmentsForPrincipal for them and each of their groups, then the names of
//! what they reach. One account's access: the permission sets provisioned to it, then
//! ListAccountAssignments for each, then the groups' members and everyone's names. Each
//! answer is a partial [`Inventory`] that [`crate::model::access`] reads like a full one.

use std::collections::{BTreeMap, BTreeSet};

use time::OffsetDateTime;

use super::{
    Admin, accounts, applications, assignments, directory, is_cancelled, permission_sets,
    section_error,
};
use crate::model::inventory::{
    AccountInfo, InstanceInfo, Inventory, PrincipalKind, Scope, SectionState, UserInfo,
};
use crate::services::{ErrorKind, ServiceError};

/// Up to this many accounts are named one DescribeAccount each; more, by ListAccounts.
const DESCRIBE_ACCOUNTS_LIMIT: usize = 20;

fn keep<T>(
    r: Result<T, ServiceError>,
    state: &mut SectionState,
) -> Result<Option<T>, ServiceError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_cancelled(&e) => Err(e),
        Err(e) => {
            *state = section_error(&e);
            Ok(None)
        }
    }
}

/// Names for the accounts in `ids` with the fewest calls.
async fn name_accounts(
    admin: &Admin,
    ids: BTreeSet<String>,
) -> Result<BTreeMap<String, AccountInfo>, ServiceError> {
    if ids.len() <= DESCRIBE_ACCOUNTS_LIMIT {
        let found = admin
            .each("accounts", ids.into_iter().collect(), |id| async move {
                match accounts::describe(admin, &id).await {
                    Ok(a) => Ok(Some(a)),
                    Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await?;
        return Ok(found
            .into_iter()
            .flatten()
            .map(|a| (a.id.clone(), a))
            .collect());
    }
    let mut all = accounts::list_accounts(admin).await?;
    all.retain(|id, _| ids.contains(id));
    Ok(all)
}

/// One person's access (`query` = user name, email or user id), with application access when
/// `with_apps`. `Ok(None)`: nobody matches.
pub async fn person(
    admin: &Admin,
    instance: &InstanceInfo,
    query: &str,
    with_apps: bool,
) -> Result<Option<Inventory>, ServiceError> {
    let calls_before = admin.calls();
    let started = std::time::Instant::now();
    let arn = instance.arn.as_str();
    let store = instance.identity_store_id.as_str();
    let mut inv = Inventory::new(
        instance.clone(),
        Scope::Person(String::new()),
        OffsetDateTime::now_utc(),
    );
    inv.sections.directory = SectionState::Complete;
    let user = match directory::find_user(admin, store, query).await {
        Ok(Some(u)) => u,
        Ok(None) => return Ok(None),
        // Without the directory an id still works for the person's direct grants.
        Err(e) if e.kind == ErrorKind::AccessDenied && directory::looks_like_id(query) => {
            inv.sections.directory = section_error(&e);
            UserInfo {
                id: query.to_string(),
                user_name: query.to_string(),
                ..Default::default()
            }
        }
        Err(e) => return Err(e),
    };
    let uid = user.id.clone();
    inv.scope = Scope::Person(uid.clone());
    if inv.sections.directory.is_complete() {
        inv.users.insert(uid.clone(), user);
        let groups = async {
            let ids = directory::groups_of(admin, store, &uid).await?;
            directory::describe_groups(admin, store, ids.clone())
                .await
                .map(|named| (ids, named))
        };
        if let Some((ids, named)) = keep(groups.await, &mut inv.sections.directory)? {
            inv.groups = named;
            for g in ids {
                inv.members.entry(g).or_default().insert(uid.clone());
            }
        }
    }
    let mut principals = vec![(PrincipalKind::User, uid.clone())];
    principals.extend(
        inv.members
            .keys()
            .map(|g| (PrincipalKind::Group, g.clone())),
    );

    let grants = admin
        .each("assignments", principals.clone(), |(kind, id)| async move {
            assignments::of_principal(admin, arn, kind, &id).await
        })
        .await;
    inv.sections.assignments = SectionState::Complete;
    if let Some(g) = keep(grants, &mut inv.sections.assignments)? {
        inv.assignments = g.into_iter().flatten().collect();
    }
    let sets: Vec<String> = inv
        .assignments
        .iter()
        .map(|a| a.permission_set_arn.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    inv.sections.permission_sets = SectionState::Complete;
    if let Some(p) = keep(
        permission_sets::describe_all(admin, arn, sets).await,
        &mut inv.sections.permission_sets,
    )? {
        inv.permission_sets = p;
    }
    let accts: BTreeSet<String> = inv
        .assignments
        .iter()
        .map(|a| a.account_id.clone())
        .collect();
    inv.sections.accounts = SectionState::Complete;
    if let Some(a) = keep(
        name_accounts(admin, accts).await,
        &mut inv.sections.accounts,
    )? {
        inv.accounts = a;
    }
    if with_apps {
        inv.sections.applications = SectionState::Complete;
        let found = admin
            .each(
                "application assignments",
                principals,
                |(kind, id)| async move { applications::of_principal(admin, arn, kind, &id).await },
            )
            .await;
        if let Some(g) = keep(found, &mut inv.sections.applications)? {
            inv.app_assignments = g.into_iter().flatten().collect();
            let arns: Vec<String> = inv
                .app_assignments
                .iter()
                .map(|a| a.application_arn.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let described = admin
                .each("applications", arns, |a| async move {
                    applications::describe(admin, &a).await
                })
                .await;
            if let Some(apps) = keep(described, &mut inv.sections.applications)? {
                inv.applications = apps.into_iter().map(|a| (a.arn.clone(), a)).collect();
            }
        }
    }
    inv.stats.calls = admin.calls() - calls_before;
    inv.stats.seconds = started.elapsed().as_secs_f64();
    inv.stats.strategy = "one person".into();
    Ok(Some(inv))
}

/// One account's access, optionally only for the permission set named `only_set`.
pub async fn account(
    admin: &Admin,
    instance: &InstanceInfo,
    account_id: &str,
    only_set: Option<&str>,
) -> Result<Inventory, ServiceError> {
    let calls_before = admin.calls();
    let started = std::time::Instant::now();
    let arn = instance.arn.as_str();
    let store = instance.identity_store_id.as_str();
    let mut inv = Inventory::new(
        instance.clone(),
        Scope::Account(account_id.to_string()),
        OffsetDateTime::now_utc(),
    );
    let (sets, name) = tokio::join!(
        async {
            let sets = assignments::provisioned_to_account(admin, arn, account_id).await?;
            permission_sets::describe_all(admin, arn, sets).await
        },
        accounts::describe(admin, account_id),
    );
    inv.permission_sets = sets?;
    inv.sections.permission_sets = SectionState::Complete;
    inv.sections.accounts = SectionState::Complete;
    if let Some(a) = keep(name, &mut inv.sections.accounts)? {
        inv.accounts.insert(a.id.clone(), a);
    }
    let wanted: Vec<String> = inv
        .permission_sets
        .values()
        .filter(|p| only_set.is_none_or(|n| p.name == n || p.arn == n))
        .map(|p| p.arn.clone())
        .collect();
    let grants = admin
        .each("assignments", wanted, |set| async move {
            assignments::of_pair(admin, arn, account_id, &set).await
        })
        .await?;
    inv.assignments = grants.into_iter().flatten().collect();
    inv.sections.assignments = SectionState::Complete;

    let groups: Vec<String> = inv
        .assignments
        .iter()
        .filter(|a| a.principal_kind == PrincipalKind::Group)
        .map(|a| a.principal_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    inv.sections.directory = SectionState::Complete;
    let dir = async {
        let (named, members) = tokio::try_join!(
            directory::describe_groups(admin, store, groups.clone()),
            directory::members_of(admin, store, groups.clone()),
        )?;
        let mut people: BTreeSet<String> = members.values().flatten().cloned().collect();
        people.extend(
            inv.assignments
                .iter()
                .filter(|a| a.principal_kind == PrincipalKind::User)
                .map(|a| a.principal_id.clone()),
        );
        let users = directory::resolve_users(admin, store, people).await?;
        Ok::<_, ServiceError>((named, members, users))
    };
    if let Some((named, members, users)) = keep(dir.await, &mut inv.sections.directory)? {
        inv.groups = named;
        inv.members = members;
        inv.users = users;
    }
    inv.stats.calls = admin.calls() - calls_before;
    inv.stats.seconds = started.elapsed().as_secs_f64();
    inv.stats.strategy = "one account".into();
    Ok(inv)
}
