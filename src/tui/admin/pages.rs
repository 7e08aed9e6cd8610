//! The admin screens' tables, built from an inventory: by account, by person, by permission
//! set, applications, and the drill-down pages (one account's people, one person's access,
//! one permission set, one application's people). Every grant carries its path and its
//! access window; names that could not be read are ids marked unverified.

use std::collections::BTreeMap;
use std::time::Duration;

use super::table::{Table, TableRow, Target};
use crate::model::access::{
    self, AppAccess, EffectiveGrant, Query, Via, access_window, format_hours,
};
use crate::model::inventory::{AccountGrant, Inventory, PrincipalKind};

/// Effective access computed once per inventory, indexed for every page.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// Every person's grants.
    pub grants: Vec<EffectiveGrant>,
    /// Group grants whose members are unknown.
    pub unexpanded: Vec<AccountGrant>,
    /// Application access.
    pub apps: AppAccess,
    /// Grant indexes by user id.
    pub by_user: BTreeMap<String, Vec<usize>>,
    /// Grant indexes by account id.
    pub by_account: BTreeMap<String, Vec<usize>>,
    /// Grant indexes by permission set ARN.
    pub by_set: BTreeMap<String, Vec<usize>>,
    /// The access portal session used for windows.
    pub portal: Duration,
}

impl Derived {
    /// Compute from an inventory.
    pub fn new(inv: &Inventory, portal: Duration) -> Derived {
        let a = access::account_access(inv, Query::default());
        let mut d = Derived {
            apps: access::app_access(inv, None, None),
            portal,
            ..Default::default()
        };
        for (i, g) in a.grants.iter().enumerate() {
            d.by_user.entry(g.user_id.clone()).or_default().push(i);
            d.by_account
                .entry(g.account_id.clone())
                .or_default()
                .push(i);
            d.by_set
                .entry(g.permission_set_arn.clone())
                .or_default()
                .push(i);
        }
        d.grants = a.grants;
        d.unexpanded = a.unexpanded;
        d
    }

    fn distinct<'a>(
        &'a self,
        idx: Option<&'a Vec<usize>>,
        key: impl Fn(&'a EffectiveGrant) -> &'a str,
    ) -> usize {
        let mut seen: Vec<&str> = idx
            .into_iter()
            .flatten()
            .map(|&i| key(&self.grants[i]))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }
}

fn session(inv: &Inventory, arn: &str) -> Option<String> {
    inv.permission_sets.get(arn).map(|p| {
        p.session_duration
            .clone()
            .unwrap_or_else(|| access::DEFAULT_SET_SESSION.into())
    })
}

/// (session, window) texts for a permission set.
fn window(inv: &Inventory, arn: &str, portal: Duration) -> (String, String) {
    match session(inv, arn) {
        Some(s) => {
            let w = access_window(Some(&s), portal)
                .map(format_hours)
                .unwrap_or_else(|| "?".into());
            (s, w)
        }
        None => ("?".into(), "?".into()),
    }
}

fn via_text(inv: &Inventory, via: &[Via]) -> String {
    via.iter()
        .map(|v| match v {
            Via::Direct => "direct".to_string(),
            Via::Group(g) => format!("group {}", inv.group_label(g).cell()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The path lines of a grant: `ana → group Devs → Dev → payments (1234…)`, and its window.
fn path_lines(inv: &Inventory, g: &EffectiveGrant, portal: Duration) -> Vec<String> {
    let user = inv.user_label(&g.user_id).cell();
    let set = inv.permission_set_label(&g.permission_set_arn).cell();
    let acct = format!(
        "{} ({})",
        inv.account_label(&g.account_id).cell(),
        g.account_id
    );
    let mut out: Vec<String> = g
        .via
        .iter()
        .map(|v| match v {
            Via::Direct => format!("{user} → {set} → {acct}  (assigned directly)"),
            Via::Group(id) => format!(
                "{user} → group {} → {set} → {acct}",
                inv.group_label(id).cell()
            ),
        })
        .collect();
    let (s, w) = window(inv, &g.permission_set_arn, portal);
    out.push(format!(
        "access window {w} = permission-set session {s} + access-portal session {}",
        format_hours(portal)
    ));
    out
}

/// Accounts: people and permission sets reaching each.
pub fn accounts(inv: &Inventory, d: &Derived) -> Table {
    let mut rows: Vec<TableRow> = inv
        .account_ids()
        .into_iter()
        .map(|id| {
            let label = inv.account_label(&id);
            let idx = d.by_account.get(&id);
            let hidden = d.unexpanded.iter().filter(|u| u.account_id == id).count();
            let ou = inv
                .accounts
                .get(&id)
                .map(|a| format!("/{}", a.ou_path.join("/")))
                .unwrap_or_default();
            TableRow {
                cells: vec![
                    label.cell(),
                    id.clone(),
                    ou,
                    format!(
                        "{}{}",
                        d.distinct(idx, |g| &g.user_id),
                        if hidden > 0 { "+?" } else { "" }
                    ),
                    d.distinct(idx, |g| &g.permission_set_arn).to_string(),
                ],
                warn: !label.verified,
                detail: if hidden > 0 {
                    vec![format!(
                        "{hidden} group grants here have members that could not be read"
                    )]
                } else {
                    vec![]
                },
                open: Some(Target::Account(id)),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.cells[0], &a.cells[1]).cmp(&(&b.cells[0], &b.cells[1])));
    Table::new(
        vec!["ACCOUNT", "ID", "OU PATH", "PEOPLE", "SETS"],
        rows,
        "No accounts.",
    )
}

/// People: how many accounts and groups each.
pub fn people(inv: &Inventory, d: &Derived) -> Table {
    let mut ids: Vec<String> = inv.users.keys().cloned().collect();
    ids.extend(
        d.by_user
            .keys()
            .filter(|u| !inv.users.contains_key(*u))
            .cloned(),
    );
    let mut rows: Vec<TableRow> = ids
        .into_iter()
        .map(|id| {
            let label = inv.user_label(&id);
            let u = inv.users.get(&id);
            let idx = d.by_user.get(&id);
            TableRow {
                cells: vec![
                    label.cell(),
                    u.and_then(|u| u.display_name.clone()).unwrap_or_default(),
                    u.and_then(|u| u.email.clone()).unwrap_or_default(),
                    d.distinct(idx, |g| &g.account_id).to_string(),
                    inv.groups_of(&id).len().to_string(),
                ],
                warn: !label.verified,
                detail: vec![],
                open: Some(Target::Person(id)),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.cells[0].cmp(&b.cells[0]));
    Table::new(
        vec!["USER", "NAME", "EMAIL", "ACCOUNTS", "VIA GROUPS"],
        rows,
        "No people could be listed.",
    )
}

/// Permission sets: session, window, where assigned, to how many people.
pub fn permission_sets(inv: &Inventory, d: &Derived) -> Table {
    let mut rows: Vec<TableRow> = inv
        .permission_sets
        .values()
        .map(|p| {
            let idx = d.by_set.get(&p.arn);
            let (s, w) = window(inv, &p.arn, d.portal);
            TableRow {
                cells: vec![
                    p.name.clone(),
                    s,
                    w,
                    d.distinct(idx, |g| &g.account_id).to_string(),
                    d.distinct(idx, |g| &g.user_id).to_string(),
                ],
                warn: false,
                detail: p.description.iter().cloned().collect(),
                open: Some(Target::PermissionSet(p.arn.clone())),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.cells[0].cmp(&b.cells[0]));
    Table::new(
        vec!["PERMISSION SET", "SESSION", "WINDOW", "ACCOUNTS", "PEOPLE"],
        rows,
        "No permission sets.",
    )
}

/// Applications: status and how many people reach each.
pub fn applications(inv: &Inventory, d: &Derived) -> Table {
    let mut rows: Vec<TableRow> = inv
        .applications
        .values()
        .map(|a| {
            let people = d
                .apps
                .grants
                .iter()
                .filter(|g| g.application_arn == a.arn)
                .count();
            let direct = inv
                .app_assignments
                .iter()
                .filter(|g| g.application_arn == a.arn)
                .count();
            TableRow {
                cells: vec![
                    a.name.clone(),
                    a.status.clone().unwrap_or_default(),
                    people.to_string(),
                    direct.to_string(),
                ],
                warn: false,
                detail: a.description.iter().cloned().collect(),
                open: Some(Target::App(a.arn.clone())),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.cells[0].cmp(&b.cells[0]));
    Table::new(
        vec!["APPLICATION", "STATUS", "PEOPLE", "ASSIGNMENTS"],
        rows,
        "No applications.",
    )
}

/// One account: who reaches it, with which permission set and how.
pub fn account(inv: &Inventory, d: &Derived, id: &str) -> Table {
    let mut rows: Vec<TableRow> = d
        .by_account
        .get(id)
        .into_iter()
        .flatten()
        .map(|&i| {
            let g = &d.grants[i];
            let user = inv.user_label(&g.user_id);
            let (_, w) = window(inv, &g.permission_set_arn, d.portal);
            TableRow {
                cells: vec![
                    user.cell(),
                    inv.permission_set_label(&g.permission_set_arn).cell(),
                    via_text(inv, &g.via),
                    w,
                ],
                warn: !user.verified,
                detail: path_lines(inv, g, d.portal),
                open: Some(Target::Person(g.user_id.clone())),
            }
        })
        .collect();
    rows.extend(
        d.unexpanded
            .iter()
            .filter(|u| u.account_id == id)
            .map(|u| TableRow {
                cells: vec![
                    "(members unknown)".into(),
                    inv.permission_set_label(&u.permission_set_arn).cell(),
                    format!("group {}", inv.group_label(&u.principal_id).cell()),
                    window(inv, &u.permission_set_arn, d.portal).1,
                ],
                warn: true,
                detail: vec![
                    "this group's members could not be read (no Identity Store access)".into(),
                ],
                open: None,
            }),
    );
    rows.sort_by(|a, b| (&a.cells[0], &a.cells[1]).cmp(&(&b.cells[0], &b.cells[1])));
    Table::new(
        vec!["USER", "PERMISSION SET", "VIA", "WINDOW"],
        rows,
        "Nobody can reach this account.",
    )
}

/// One person: every account and application they reach, and how.
pub fn person(inv: &Inventory, d: &Derived, user_id: &str) -> Table {
    let mut rows: Vec<TableRow> = d
        .by_user
        .get(user_id)
        .into_iter()
        .flatten()
        .map(|&i| {
            let g = &d.grants[i];
            let acct = inv.account_label(&g.account_id);
            let (_, w) = window(inv, &g.permission_set_arn, d.portal);
            TableRow {
                cells: vec![
                    acct.cell(),
                    g.account_id.clone(),
                    inv.permission_set_label(&g.permission_set_arn).cell(),
                    via_text(inv, &g.via),
                    w,
                ],
                warn: !acct.verified,
                detail: path_lines(inv, g, d.portal),
                open: Some(Target::Account(g.account_id.clone())),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.cells[0], &a.cells[2]).cmp(&(&b.cells[0], &b.cells[2])));
    let mut apps: Vec<TableRow> = d
        .apps
        .grants
        .iter()
        .filter(|g| g.user_id == user_id)
        .map(|g| {
            let name = inv
                .applications
                .get(&g.application_arn)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| g.application_arn.clone());
            TableRow {
                cells: vec![
                    format!("application: {name}"),
                    "-".into(),
                    "-".into(),
                    via_text(inv, &g.via),
                    "-".into(),
                ],
                warn: false,
                detail: vec![format!("{} → {name}", inv.user_label(user_id).cell())],
                open: Some(Target::App(g.application_arn.clone())),
            }
        })
        .collect();
    apps.sort_by(|a, b| a.cells[0].cmp(&b.cells[0]));
    rows.extend(apps);
    let groups: Vec<String> = inv
        .groups_of(user_id)
        .iter()
        .map(|g| inv.group_label(g).cell())
        .collect();
    let empty = if inv.sections.directory.is_complete() {
        let member = if groups.is_empty() {
            String::new()
        } else {
            format!(" (member of {})", groups.join(", "))
        };
        format!("No access: nothing is assigned to them or to a group they are in{member}.")
    } else {
        "No direct grants; grants through groups are unknown (no Identity Store access)."
            .to_string()
    };
    Table::new(
        vec!["ACCOUNT", "ID", "PERMISSION SET", "VIA", "WINDOW"],
        rows,
        empty,
    )
}

/// One application's people.
pub fn application(inv: &Inventory, d: &Derived, arn: &str) -> Table {
    let mut rows: Vec<TableRow> = d
        .apps
        .grants
        .iter()
        .filter(|g| g.application_arn == arn)
        .map(|g| {
            let user = inv.user_label(&g.user_id);
            TableRow {
                cells: vec![user.cell(), via_text(inv, &g.via)],
                warn: !user.verified,
                detail: vec![],
                open: Some(Target::Person(g.user_id.clone())),
            }
        })
        .collect();
    rows.extend(
        d.apps
            .unexpanded
            .iter()
            .filter(|u| u.application_arn == arn)
            .map(|u| TableRow {
                cells: vec![
                    "(members unknown)".into(),
                    format!("group {}", inv.group_label(&u.principal_id).cell()),
                ],
                warn: true,
                detail: vec![],
                open: None,
            }),
    );
    rows.sort_by(|a, b| a.cells[0].cmp(&b.cells[0]));
    Table::new(
        vec!["USER", "VIA"],
        rows,
        "Nobody is assigned to this application.",
    )
}

/// One permission set: the accounts it is assigned or provisioned in, and to how many.
pub fn permission_set(
    inv: &Inventory,
    d: &Derived,
    arn: &str,
    provisioned: Option<&[crate::model::permission_set::Provisioned]>,
) -> Table {
    let mut accounts: BTreeMap<String, Option<bool>> = BTreeMap::new();
    for a in inv
        .assignments
        .iter()
        .filter(|a| a.permission_set_arn == arn)
    {
        accounts.insert(a.account_id.clone(), None);
    }
    for p in provisioned.into_iter().flatten() {
        accounts.insert(p.account_id.clone(), Some(p.current));
    }
    let rows = accounts
        .into_iter()
        .map(|(id, current)| {
            let label = inv.account_label(&id);
            let people = d
                .by_set
                .get(arn)
                .into_iter()
                .flatten()
                .filter(|&&i| d.grants[i].account_id == id)
                .count();
            let groups = inv
                .assignments
                .iter()
                .filter(|a| {
                    a.permission_set_arn == arn
                        && a.account_id == id
                        && a.principal_kind == PrincipalKind::Group
                })
                .count();
            let status = match (current, provisioned.is_some()) {
                (Some(true), _) => "current",
                (Some(false), _) => "OUTDATED",
                (None, true) => "not provisioned",
                (None, false) => "…",
            };
            TableRow {
                cells: vec![
                    label.cell(),
                    id.clone(),
                    status.into(),
                    people.to_string(),
                    groups.to_string(),
                ],
                warn: !label.verified || current == Some(false),
                detail: vec![],
                open: Some(Target::Account(id)),
            }
        })
        .collect();
    Table::new(
        vec!["ACCOUNT", "ID", "PROVISIONING", "PEOPLE", "GROUPS"],
        rows,
        "Not assigned or provisioned anywhere.",
    )
}

/// Instances to choose from.
pub fn instances(list: &[crate::model::inventory::InstanceInfo]) -> Table {
    let rows = list
        .iter()
        .map(|i| TableRow {
            cells: vec![
                i.name.clone().unwrap_or_default(),
                i.arn.clone(),
                i.identity_store_id.clone(),
                i.status.clone().unwrap_or_default(),
            ],
            warn: false,
            detail: vec![],
            open: Some(Target::Instance(i.arn.clone())),
        })
        .collect();
    Table::new(
        vec!["NAME", "INSTANCE", "IDENTITY STORE", "STATUS"],
        rows,
        "No Identity Center instance in this region.",
    )
}
