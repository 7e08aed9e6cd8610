//! Two admin pages that are more than a table: a permission set's detail (description,
//! session duration and window, relay state, AWS-managed and customer-managed policies, the
//! inline policy pretty-printed, the permissions boundary) shown above its accounts, and the
//! snapshot diff.

use std::time::Duration;

use super::table::{Table, TableRow, Target};
use crate::model::access::{access_window, format_hours};
use crate::model::permission_set::{PermissionSetDetail, pretty_policy};
use crate::model::snapshot::{Diff, SnapAccountGrant, SnapAppGrant};

/// The lines above a permission set's accounts.
pub fn permission_set_lines(d: &PermissionSetDetail, portal: Duration) -> Vec<(String, bool)> {
    let i = &d.info;
    let or = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
    let window = access_window(i.session_duration.as_deref(), portal)
        .map(format_hours)
        .unwrap_or_else(|| "?".into());
    let mut out = vec![
        (format!("Description       {}", or(&i.description)), false),
        (
            format!(
                "Session duration  {}   (access window {window} with a {} portal session)",
                or(&i.session_duration),
                format_hours(portal)
            ),
            false,
        ),
        (format!("Relay state       {}", or(&i.relay_state)), false),
    ];
    let managed: Vec<String> = d.managed_policies.iter().map(|m| m.name.clone()).collect();
    out.push((
        format!(
            "AWS managed       {}",
            if managed.is_empty() {
                "-".into()
            } else {
                managed.join(", ")
            }
        ),
        false,
    ));
    let customer: Vec<String> = d
        .customer_managed
        .iter()
        .map(|c| format!("{}{}", c.path, c.name))
        .collect();
    out.push((
        format!(
            "Customer managed  {}",
            if customer.is_empty() {
                "-".into()
            } else {
                customer.join(", ")
            }
        ),
        false,
    ));
    out.push((
        format!(
            "Boundary          {}",
            d.boundary
                .as_ref()
                .map(|b| b.describe())
                .unwrap_or_else(|| "-".into())
        ),
        false,
    ));
    let outdated = d.provisioned.iter().filter(|p| !p.current).count();
    out.push((
        format!(
            "Provisioned       {}{}",
            crate::model::words::count(d.provisioned.len(), "account", "accounts"),
            if outdated > 0 {
                format!(", {outdated} OUTDATED (re-provision)")
            } else {
                String::new()
            }
        ),
        outdated > 0,
    ));
    match &d.inline_policy {
        Some(doc) => {
            out.push(("Inline policy".into(), false));
            out.extend(
                pretty_policy(doc)
                    .lines()
                    .map(|l| (format!("  {l}"), false)),
            );
        }
        None => out.push(("Inline policy     -".into(), false)),
    }
    for (part, why) in &d.problems {
        out.push((format!("{part} could not be read: {why}"), true));
    }
    out
}

fn grant_row(change: &str, g: &SnapAccountGrant, ids: String) -> TableRow {
    let detail = vec![format!("{} · id {ids}", g.principal.describe())];
    TableRow {
        cells: vec![
            change.into(),
            g.account_name
                .clone()
                .map(|n| format!("{n} ({})", g.account_id))
                .unwrap_or_else(|| g.account_id.clone()),
            g.permission_set_name.clone(),
            g.principal.describe(),
            ids,
        ],
        warn: change == "removed",
        detail,
        open: Some(Target::Account(g.account_id.clone())),
    }
}

fn app_row(change: &str, g: &SnapAppGrant, ids: String) -> TableRow {
    TableRow {
        cells: vec![
            change.into(),
            format!("application: {}", g.application_name),
            "-".into(),
            g.principal.describe(),
            ids,
        ],
        warn: change == "removed",
        detail: vec![],
        open: None,
    }
}

/// The diff as a table: removed, added, then changed (same names, new ids).
pub fn diff_table(d: &Diff, baseline: &str) -> Table {
    let mut rows = Vec::new();
    rows.extend(
        d.removed
            .iter()
            .map(|g| grant_row("removed", g, g.principal.id.clone())),
    );
    rows.extend(
        d.added
            .iter()
            .map(|g| grant_row("added", g, g.principal.id.clone())),
    );
    rows.extend(d.changed.iter().map(|c| {
        grant_row(
            "changed",
            &c.after,
            format!("{} → {}", c.before.principal.id, c.after.principal.id),
        )
    }));
    rows.extend(
        d.apps_removed
            .iter()
            .map(|g| app_row("removed", g, g.principal.id.clone())),
    );
    rows.extend(
        d.apps_added
            .iter()
            .map(|g| app_row("added", g, g.principal.id.clone())),
    );
    rows.extend(d.apps_changed.iter().map(|c| {
        app_row(
            "changed",
            &c.after,
            format!("{} → {}", c.before.principal.id, c.after.principal.id),
        )
    }));
    Table::new(
        vec!["CHANGE", "ACCOUNT", "PERMISSION SET", "PRINCIPAL", "ID"],
        rows,
        format!(
            "No change since {baseline} ({} grants the same).",
            d.unchanged
        ),
    )
}
