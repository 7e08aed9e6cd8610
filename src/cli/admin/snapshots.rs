//! `centry admin snapshot`, `diff`, `restore` and `permission-sets NAME`: the commands that
//! read or write files and the one that prints a single permission set in detail.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::{Ctx, GlobalArgs, clear_progress, explain, warn_sections};
use crate::cli::output::{Format, Row, print_rows};
use crate::model::inventory::{InstanceInfo, PermissionSetInfo};
use crate::model::permission_set::pretty_policy;
use crate::model::snapshot::plan::{self, PlannedAppCreate, PlannedCreate};
use crate::model::snapshot::{self, Snapshot};
use crate::model::text::sanitize;
use crate::services::admin::{Admin, permission_sets, restore as apply};

/// Options of `centry admin restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The snapshot file.
    pub file: PathBuf,
    /// Print the calls that would recreate it (changes nothing).
    #[arg(long, conflicts_with = "apply", required_unless_present = "apply")]
    pub plan: bool,
    /// Make the calls, after confirmation.
    #[arg(long)]
    pub apply: bool,
    /// Do not ask for confirmation.
    #[arg(long, requires = "apply")]
    pub yes: bool,
}

fn read_snapshot(path: &Path) -> anyhow::Result<Snapshot> {
    let text = crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::Snapshot)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    Snapshot::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Run `centry admin snapshot -o FILE`.
pub async fn snapshot(ctx: &Ctx, admin: &Admin, output: &Path) -> anyhow::Result<i32> {
    let inst = ctx.instance(admin).await?;
    let inv = ctx.inventory(admin, &inst, true).await?;
    let code = warn_sections(&inv);
    let snap = Snapshot::from_inventory(&inv)?;
    crate::fsutil::write_private(output, snap.to_json().as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    eprintln!(
        "wrote {} account and {} application assignments to {} ({} calls, {:.1} s, {})",
        snap.account_assignments.len(),
        snap.application_assignments.len(),
        output.display(),
        inv.stats.calls,
        inv.stats.seconds,
        inv.stats.strategy
    );
    Ok(code)
}

/// One line of `centry admin diff`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffRow {
    change: &'static str,
    kind: &'static str,
    target: String,
    permission_set_name: Option<String>,
    principal_type: &'static str,
    principal_name: Option<String>,
    id_before: Option<String>,
    id_after: Option<String>,
}

impl Row for DiffRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "CHANGE",
            "ACCOUNT/APPLICATION",
            "PERMISSION SET",
            "TYPE",
            "PRINCIPAL",
            "ID BEFORE",
            "ID AFTER",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let d = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
        vec![
            self.change.into(),
            self.target.clone(),
            d(&self.permission_set_name),
            self.principal_type.into(),
            d(&self.principal_name),
            d(&self.id_before),
            d(&self.id_after),
        ]
    }
}

/// The rows of a diff.
pub fn diff_rows(d: &snapshot::Diff) -> Vec<DiffRow> {
    let acct = |change,
                g: &snapshot::SnapAccountGrant,
                before: Option<String>,
                after: Option<String>| DiffRow {
        change,
        kind: "account",
        target: g.account_id.clone(),
        permission_set_name: Some(g.permission_set_name.clone()),
        principal_type: g.principal.kind.as_str(),
        principal_name: g.principal.name.clone(),
        id_before: before,
        id_after: after,
    };
    let app = |change,
               g: &snapshot::SnapAppGrant,
               before: Option<String>,
               after: Option<String>| DiffRow {
        change,
        kind: "application",
        target: g.application_name.clone(),
        permission_set_name: None,
        principal_type: g.principal.kind.as_str(),
        principal_name: g.principal.name.clone(),
        id_before: before,
        id_after: after,
    };
    let mut rows = Vec::new();
    rows.extend(
        d.removed
            .iter()
            .map(|g| acct("removed", g, Some(g.principal.id.clone()), None)),
    );
    rows.extend(
        d.added
            .iter()
            .map(|g| acct("added", g, None, Some(g.principal.id.clone()))),
    );
    rows.extend(d.changed.iter().map(|c| {
        acct(
            "changed",
            &c.after,
            Some(c.before.principal.id.clone()),
            Some(c.after.principal.id.clone()),
        )
    }));
    rows.extend(
        d.apps_removed
            .iter()
            .map(|g| app("removed", g, Some(g.principal.id.clone()), None)),
    );
    rows.extend(
        d.apps_added
            .iter()
            .map(|g| app("added", g, None, Some(g.principal.id.clone()))),
    );
    rows.extend(d.apps_changed.iter().map(|c| {
        app(
            "changed",
            &c.after,
            Some(c.before.principal.id.clone()),
            Some(c.after.principal.id.clone()),
        )
    }));
    rows
}

/// Run `centry admin diff A B` (no AWS calls).
pub fn diff(global: &GlobalArgs, before: &Path, after: &Path) -> anyhow::Result<i32> {
    let (a, b) = (read_snapshot(before)?, read_snapshot(after)?);
    let d = snapshot::diff(&a, &b);
    print_rows(
        &mut std::io::stdout().lock(),
        Format::from_flags(global.json, global.csv),
        &diff_rows(&d),
    )?;
    eprintln!(
        "{} added, {} removed, {} changed, {} unchanged{}",
        d.added.len() + d.apps_added.len(),
        d.removed.len() + d.apps_removed.len(),
        d.changed.len() + d.apps_changed.len(),
        d.unchanged,
        if d.apps_compared {
            ""
        } else {
            " (application assignments not compared: one snapshot lacks them)"
        }
    );
    Ok(0)
}

/// One line of `centry admin restore`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRow {
    action: &'static str,
    account_id: String,
    permission_set_name: String,
    permission_set_arn: Option<String>,
    principal_type: &'static str,
    principal_name: Option<String>,
    principal_id: Option<String>,
    note: Option<String>,
}

impl Row for PlanRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "ACTION",
            "ACCOUNT",
            "PERMISSION SET",
            "TYPE",
            "PRINCIPAL",
            "PRINCIPAL ID",
            "NOTE",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let d = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
        vec![
            self.action.into(),
            self.account_id.clone(),
            self.permission_set_name.clone(),
            self.principal_type.into(),
            d(&self.principal_name),
            d(&self.principal_id),
            d(&self.note),
        ]
    }
}

fn planned_row(action: &'static str, p: &PlannedCreate, note: Option<String>) -> PlanRow {
    PlanRow {
        action,
        account_id: p.account_id.clone(),
        permission_set_name: p.permission_set_name.clone(),
        permission_set_arn: Some(p.permission_set_arn.clone()),
        principal_type: p.principal_kind.as_str(),
        principal_name: Some(p.principal_name.clone()),
        principal_id: Some(p.principal_id.clone()),
        note,
    }
}

fn planned_app_row(action: &'static str, p: &PlannedAppCreate, note: Option<String>) -> PlanRow {
    PlanRow {
        action,
        account_id: String::new(),
        permission_set_name: p.application_name.clone(),
        permission_set_arn: Some(p.application_arn.clone()),
        principal_type: p.principal_kind.as_str(),
        principal_name: Some(p.principal_name.clone()),
        principal_id: Some(p.principal_id.clone()),
        note,
    }
}

fn plan_rows(p: &plan::RestorePlan) -> Vec<PlanRow> {
    let mut rows: Vec<PlanRow> = p
        .create
        .iter()
        .map(|c| planned_row("CreateAccountAssignment", c, None))
        .collect();
    rows.extend(
        p.create_apps
            .iter()
            .map(|c| planned_app_row("CreateApplicationAssignment", c, None)),
    );
    rows.extend(p.unresolved.iter().map(|u| PlanRow {
        action: "unresolvable",
        account_id: u.grant.account_id.clone(),
        permission_set_name: u.grant.permission_set_name.clone(),
        permission_set_arn: None,
        principal_type: u.grant.principal.kind.as_str(),
        principal_name: u.grant.principal.name.clone(),
        principal_id: None,
        note: Some(u.reason.clone()),
    }));
    rows.extend(p.manual_apps.iter().map(|m| {
        PlanRow {
            action: "application (by hand)",
            account_id: String::new(),
            permission_set_name: m.grant.application_name.clone(),
            permission_set_arn: m.application_arn.clone(),
            principal_type: m.grant.principal.kind.as_str(),
            principal_name: m.grant.principal.name.clone(),
            principal_id: m.principal_id.clone(),
            note: Some(
                match (&m.application_arn, &m.principal_id) {
                    (None, _) => "no application of that name in this instance",
                    (_, None) => "no such user or group in this directory",
                    _ => "recreate by hand",
                }
                .into(),
            ),
        }
    }));
    rows
}

fn confirm(question: &str) -> anyhow::Result<bool> {
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "refusing to change assignments without confirmation: run in a terminal, or add --yes"
    );
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

/// Run `centry admin restore FILE --plan|--apply`.
pub async fn restore(ctx: &Ctx, admin: &Admin, args: RestoreArgs) -> anyhow::Result<i32> {
    let snap = read_snapshot(&args.file)?;
    let inst = ctx.instance(admin).await?;
    let current = ctx.inventory(admin, &inst, true).await?;
    let p = plan::plan(&snap, &current)?;
    eprintln!(
        "{} account and {} application assignments to create, {} already in place, {} cannot be resolved, {} application assignments to recreate by hand",
        p.create.len(),
        p.create_apps.len(),
        p.present,
        p.unresolved.len(),
        p.manual_apps.len()
    );
    if args.plan || (p.create.is_empty() && p.create_apps.is_empty()) {
        ctx.print(&plan_rows(&p))?;
        return Ok(if p.unresolved.is_empty() {
            0
        } else {
            super::PARTIAL
        });
    }
    anyhow::ensure!(
        !ctx.global.read_only,
        "--read-only: nothing is changed (use --plan to see the calls)"
    );
    if !args.yes
        && !confirm(&format!(
            "Create {} account and {} application assignments in {}?",
            p.create.len(),
            p.create_apps.len(),
            sanitize(&inst.arn)
        ))?
    {
        eprintln!("nothing changed");
        return Ok(1);
    }
    let outcome = apply::apply(admin, &inst.arn, &p.create).await;
    let apps = match &outcome {
        Ok(_) => Some(apply::apply_apps(admin, &p.create_apps).await),
        Err(_) => None,
    };
    clear_progress();
    let outcome = outcome.map_err(explain)?;
    let apps = apps.transpose().map_err(explain)?.unwrap_or_default();
    let mut rows: Vec<PlanRow> = outcome
        .created
        .iter()
        .map(|c| planned_row("created", c, None))
        .collect();
    rows.extend(
        outcome
            .failed
            .iter()
            .map(|(c, why)| planned_row("failed", c, Some(why.clone()))),
    );
    rows.extend(
        apps.created
            .iter()
            .map(|c| planned_app_row("created", c, None)),
    );
    rows.extend(
        apps.failed
            .iter()
            .map(|(c, why)| planned_app_row("failed", c, Some(why.clone()))),
    );
    ctx.print(&rows)?;
    eprintln!(
        "{} created, {} failed",
        outcome.created.len() + apps.created.len(),
        outcome.failed.len() + apps.failed.len()
    );
    let all_made = outcome.failed.is_empty() && apps.failed.is_empty();
    Ok(if all_made && p.unresolved.is_empty() {
        0
    } else {
        1
    })
}

/// Run `centry admin permission-sets NAME`.
pub async fn permission_set_detail(
    ctx: &Ctx,
    admin: &Admin,
    inst: &InstanceInfo,
    sets: &BTreeMap<String, PermissionSetInfo>,
    name: &str,
) -> anyhow::Result<i32> {
    let Some(p) = sets.values().find(|p| p.name == name || p.arn == name) else {
        anyhow::bail!("no permission set named {name}");
    };
    let d = permission_sets::detail(admin, &inst.arn, &p.arn).await;
    clear_progress();
    let d = d.map_err(explain)?;
    if ctx.format != Format::Table {
        println!("{}", crate::model::text::json::to_line(&d)?);
    } else {
        let i = &d.info;
        let s = |x: &Option<String>| sanitize(x.as_deref().unwrap_or("-")).into_owned();
        println!("Name              {}", sanitize(&i.name));
        println!("ARN               {}", sanitize(&i.arn));
        println!("Description       {}", s(&i.description));
        println!("Session duration  {}", s(&i.session_duration));
        println!("Relay state       {}", s(&i.relay_state));
        println!(
            "AWS managed       {}",
            d.managed_policies
                .iter()
                .map(|m| sanitize(&m.arn).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "Customer managed  {}",
            d.customer_managed
                .iter()
                .map(|c| format!("{}{}", sanitize(&c.path), sanitize(&c.name)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "Boundary          {}",
            d.boundary
                .as_ref()
                .map(|b| sanitize(&b.describe()).into_owned())
                .unwrap_or_else(|| "-".into())
        );
        println!(
            "Provisioned to    {}",
            d.provisioned
                .iter()
                .map(|p| if p.current {
                    p.account_id.clone()
                } else {
                    format!("{} (outdated)", p.account_id)
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        match &d.inline_policy {
            Some(doc) => {
                println!("Inline policy");
                for line in pretty_policy(doc).lines() {
                    println!("  {}", sanitize(line));
                }
            }
            None => println!("Inline policy     -"),
        }
    }
    for (part, why) in &d.problems {
        eprintln!("warning: {part} could not be read: {}", sanitize(why));
    }
    Ok(if d.problems.is_empty() {
        0
    } else {
        super::PARTIAL
    })
}
