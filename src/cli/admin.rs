//! `centry admin …`: the administrator's questions from the command line — instances,
//! permission sets, accounts, assignments, one person's access, everyone in an account,
//! snapshots, diffs and restores. IAM credentials come from the usual AWS chain
//! (environment, `--profile`), so these work against AWS or `centry emulator serve`.
//!
//! Exit codes: 0 answered in full; 1 failed; 3 answered in part (a section could not be read
//! — the warnings on stderr say which, and names shown as ids are marked unverified).

mod rows;
mod snapshots;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::GlobalArgs;
use super::context::{stderr_is_tty, target_args};
use super::output::{Format, Row, print_rows};
use crate::model::inventory::{InstanceInfo, Inventory, age_ago};
use crate::services::admin::inventory::Options;
use crate::services::admin::{
    Admin, Report, accounts, cache, instances, inventory, permission_sets, targeted,
};
use crate::services::limiter::Limiter;
use crate::services::{Endpoint, Services, targets};

pub use rows::By;

/// Exit code of an answer given in part.
pub const PARTIAL: i32 = 3;

/// Options of `centry admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// The Identity Center instance (ARN, `ssoins-…` id or name) when there are several.
    #[arg(long, global = true, value_name = "INSTANCE")]
    pub instance: Option<String>,
    /// The access portal's session duration in hours (the API does not expose it).
    #[arg(long, global = true, default_value_t = 8.0, value_name = "HOURS")]
    pub portal_session_hours: f64,
    /// Ask AWS even when the cached inventory is fresh.
    #[arg(long, global = true)]
    pub refresh: bool,
    /// Calls per second to start at (Identity Center's quota is 20 unless AWS raised yours;
    /// the pace adapts to throttling either way).
    #[arg(long, global = true, default_value_t = 20.0, value_name = "N")]
    pub tps: f64,
    /// What to show.
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// `centry admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Identity Center instances in the region.
    Instances,
    /// Permission sets (or one in detail: policies, boundary, where provisioned).
    PermissionSets {
        /// Show this permission set in detail.
        name: Option<String>,
    },
    /// Accounts with their OU path.
    Accounts,
    /// Every account assignment (groups not expanded).
    Assignments {
        /// Order by.
        #[arg(long, value_enum, default_value = "account")]
        by: By,
    },
    /// Everything one person can reach, with the path (direct or through which group).
    Access {
        /// User name, email or user id.
        user: String,
    },
    /// Everyone who can reach one account.
    Who {
        /// Account id or name.
        account: String,
        /// Only this permission set.
        #[arg(long, value_name = "NAME")]
        permission_set: Option<String>,
    },
    /// Write every assignment to a file, keyed by names that survive an identity-source change.
    Snapshot {
        /// The file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Grants added, removed and changed between two snapshots.
    Diff {
        /// The older snapshot.
        before: PathBuf,
        /// The newer snapshot.
        after: PathBuf,
    },
    /// Recreate a snapshot's assignments in the current instance.
    Restore(snapshots::RestoreArgs),
}

/// What every admin command needs.
pub struct Ctx {
    /// Services with IAM credentials from the default chain.
    pub svc: Services,
    /// How to print.
    pub format: Format,
    /// The global flags.
    pub global: GlobalArgs,
    /// The admin flags (without the subcommand).
    pub instance: Option<String>,
    /// Ignore the cache.
    pub refresh: bool,
    /// The access portal session.
    pub portal: Duration,
    /// Pacing shared by every call of the command.
    pub limiter: Arc<Limiter>,
    /// Cancelled by Ctrl-C.
    pub cancel: CancellationToken,
}

/// The Identity Center region: `--sso-region`, the one configured sign-in target, the AWS
/// region variables, or us-east-1.
fn region(global: &GlobalArgs) -> String {
    global
        .sso_region
        .clone()
        .or_else(|| {
            targets::resolve(&target_args(global))
                .ok()
                .filter(|t| t.len() == 1)
                .map(|t| t[0].region.clone())
        })
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "us-east-1".into())
}

impl Ctx {
    async fn new(global: &GlobalArgs, args: &AdminArgs) -> anyhow::Result<Ctx> {
        anyhow::ensure!(
            args.portal_session_hours > 0.0 && args.portal_session_hours <= 24.0 * 7.0,
            "--portal-session-hours must be between 0 and 168 (the portal allows 15 minutes to 7 days)"
        );
        anyhow::ensure!(
            args.tps >= 0.5 && args.tps <= 500.0,
            "--tps must be between 0.5 and 500"
        );
        let svc = Services::new(Endpoint {
            url: global.endpoint_url.clone(),
            sso_region: region(global),
            region: global.region.clone(),
        })
        .with_default_chain(global.profile.as_deref())
        .await;
        anyhow::ensure!(
            svc.has_credentials(),
            "admin commands need IAM credentials: set --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        );
        let cancel = CancellationToken::new();
        let c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                c.cancel();
            }
        });
        Ok(Ctx {
            svc,
            format: Format::from_flags(global.json, global.csv),
            global: global.clone(),
            instance: args.instance.clone(),
            refresh: args.refresh,
            portal: Duration::from_secs_f64(args.portal_session_hours * 3600.0),
            limiter: Arc::new(if args.tps == 20.0 {
                Limiter::identity_center()
            } else {
                Limiter::new(args.tps)
            }),
            cancel,
        })
    }

    /// An [`Admin`] reporting progress on stderr when it is a terminal.
    pub fn admin(&self) -> Admin {
        let a = Admin::new(&self.svc, self.limiter.clone(), self.cancel.clone());
        if stderr_is_tty() {
            let report: Report = Arc::new(|p| eprint!("\r\x1b[2K{}", p.line()));
            a.with_report(report)
        } else {
            a
        }
    }

    /// The instance to work on.
    pub async fn instance(&self, admin: &Admin) -> anyhow::Result<InstanceInfo> {
        let all = instances::list_instances(admin).await.map_err(explain)?;
        instances::choose(&all, self.instance.as_deref()).map_err(explain)
    }

    /// The cached inventory of `inst`, when fresh and not refused by `--refresh`.
    pub fn cached(&self, inst: &InstanceInfo) -> Option<Inventory> {
        if self.refresh {
            return None;
        }
        let inv = cache::load(
            self.svc.endpoint.url.as_deref(),
            &self.svc.endpoint.sso_region,
        )
        .map_err(|e| eprintln!("centry: {e}"))
        .ok()
        .flatten()?;
        let now = OffsetDateTime::now_utc();
        if !cache::is_fresh(&inv, &inst.arn, now, cache::FRESH_FOR) {
            return None;
        }
        eprintln!(
            "(from the inventory read {}; --refresh asks AWS again)",
            age_ago(inv.age_secs(now))
        );
        Some(inv)
    }

    /// The full inventory: fresh from the cache, or walked (and cached).
    pub async fn inventory(
        &self,
        admin: &Admin,
        inst: &InstanceInfo,
        live: bool,
    ) -> anyhow::Result<Inventory> {
        if !live && let Some(inv) = self.cached(inst) {
            return Ok(inv);
        }
        let inv = inventory::full(admin, inst, Options::default()).await;
        clear_progress();
        let inv = inv.map_err(explain)?;
        if let Err(e) = cache::save(
            self.svc.endpoint.url.as_deref(),
            &self.svc.endpoint.sso_region,
            &inv,
        ) {
            eprintln!("centry: could not cache the inventory: {e}");
        }
        Ok(inv)
    }

    /// Print rows to stdout.
    pub fn print<R: Row>(&self, rows: &[R]) -> anyhow::Result<()> {
        match print_rows(&mut std::io::stdout().lock(), self.format, rows) {
            // The reader went away (`| head`): not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => Ok(r?),
        }
    }
}

/// Erase the progress line.
pub fn clear_progress() {
    if stderr_is_tty() {
        eprint!("\r\x1b[2K");
        let _ = std::io::stderr().flush();
    }
}

/// A service error with what to do next.
pub fn explain(e: crate::services::ServiceError) -> anyhow::Error {
    if crate::services::admin::is_cancelled(&e) {
        return anyhow::anyhow!("cancelled");
    }
    anyhow::anyhow!("{} — {}", e, e.hint())
}

/// Warn about sections that could not be read; returns the exit code.
pub fn warn_sections(inv: &Inventory) -> i32 {
    let problems = inv.problems();
    for (section, problem) in &problems {
        eprintln!(
            "warning: {section} could not be read ({}); names shown as ids are marked unverified and group members may be missing",
            crate::model::text::sanitize(problem)
        );
    }
    if problems.is_empty() { 0 } else { PARTIAL }
}

/// Run `centry admin …`.
pub async fn run(global: &GlobalArgs, args: AdminArgs) -> anyhow::Result<i32> {
    if let AdminCommand::Diff { before, after } = &args.command {
        return snapshots::diff(global, before, after);
    }
    let ctx = Ctx::new(global, &args).await?;
    let admin = ctx.admin();
    match args.command {
        AdminCommand::Instances => {
            let all = instances::list_instances(&admin).await.map_err(explain)?;
            let rows: Vec<rows::InstanceRow> = all.iter().map(Into::into).collect();
            ctx.print(&rows)?;
            Ok(0)
        }
        AdminCommand::PermissionSets { name } => {
            let inst = ctx.instance(&admin).await?;
            let sets = match ctx.cached(&inst) {
                Some(inv) => inv.permission_sets,
                None => {
                    let r = permission_sets::list(&admin, &inst.arn).await;
                    clear_progress();
                    r.map_err(explain)?
                }
            };
            match name {
                None => {
                    let mut inv =
                        Inventory::new(inst, Default::default(), OffsetDateTime::now_utc());
                    inv.permission_sets = sets;
                    ctx.print(&rows::permission_set_rows(&inv))?;
                    Ok(0)
                }
                Some(n) => snapshots::permission_set_detail(&ctx, &admin, &inst, &sets, &n).await,
            }
        }
        AdminCommand::Accounts => {
            let r = accounts::list(&admin).await;
            clear_progress();
            let (accounts, ou_problem) = r.map_err(explain)?;
            let mut inv = Inventory::new(
                InstanceInfo::default(),
                Default::default(),
                OffsetDateTime::now_utc(),
            );
            inv.accounts = accounts;
            ctx.print(&rows::account_rows(&inv))?;
            match ou_problem {
                Some(e) => {
                    eprintln!(
                        "warning: OU paths could not be read: {}",
                        crate::model::text::sanitize(&e.to_string())
                    );
                    Ok(PARTIAL)
                }
                None => Ok(0),
            }
        }
        AdminCommand::Assignments { by } => {
            let inst = ctx.instance(&admin).await?;
            let inv = ctx.inventory(&admin, &inst, false).await?;
            ctx.print(&rows::assignment_rows(&inv, by))?;
            Ok(warn_sections(&inv))
        }
        AdminCommand::Access { user } => access(&ctx, &admin, &user).await,
        AdminCommand::Who {
            account,
            permission_set,
        } => who(&ctx, &admin, &account, permission_set.as_deref()).await,
        AdminCommand::Snapshot { output } => snapshots::snapshot(&ctx, &admin, &output).await,
        AdminCommand::Restore(r) => snapshots::restore(&ctx, &admin, r).await,
        AdminCommand::Diff { .. } => unreachable!("handled above"),
    }
}

async fn access(ctx: &Ctx, admin: &Admin, user: &str) -> anyhow::Result<i32> {
    let inst = ctx.instance(admin).await?;
    let (inv, uid) = match ctx.cached(&inst) {
        Some(inv) => {
            let Some(u) = inv.find_user(user).map(|u| u.id.clone()) else {
                anyhow::bail!("no user {user} in the identity store (by user name, email or id)");
            };
            (inv, u)
        }
        None => {
            let r = targeted::person(admin, &inst, user, false).await;
            clear_progress();
            match r.map_err(explain)? {
                Some(inv) => {
                    let crate::model::inventory::Scope::Person(uid) = inv.scope.clone() else {
                        anyhow::bail!("internal: a person's inventory without the person");
                    };
                    (inv, uid)
                }
                None => anyhow::bail!(
                    "no user {user} in the identity store (by user name, email or id)"
                ),
            }
        }
    };
    let rows = rows::access_rows(&inv, &uid, ctx.portal);
    ctx.print(&rows)?;
    let code = warn_sections(&inv);
    if rows.is_empty() && code == 0 {
        eprintln!(
            "{} has no access to any account",
            crate::model::text::sanitize(user)
        );
    }
    if !inv.sections.directory.is_complete() {
        eprintln!(
            "warning: grants through groups are not included: the groups of {} could not be read",
            crate::model::text::sanitize(user)
        );
    }
    Ok(code)
}

/// The account `input` names (id or name) among `known`; unknown ones are an error naming
/// the closest.
fn resolve_account(
    known: &std::collections::BTreeMap<String, crate::model::inventory::AccountInfo>,
    input: &str,
) -> Result<String, String> {
    let input = input.trim();
    if known.contains_key(input) {
        return Ok(input.to_string());
    }
    if let Some(a) = known.values().find(|a| {
        a.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(input))
    }) {
        return Ok(a.id.clone());
    }
    let labels: Vec<String> = known
        .values()
        .map(|a| format!("{} ({})", a.name.as_deref().unwrap_or("?"), a.id))
        .collect();
    let close: Vec<String> = crate::model::words::closest(input, labels.iter().map(String::as_str))
        .into_iter()
        .map(str::to_string)
        .collect();
    Err(crate::model::words::unknown(
        "account",
        input,
        &close,
        "`centry admin accounts` lists them",
    ))
}

async fn who(ctx: &Ctx, admin: &Admin, account: &str, set: Option<&str>) -> anyhow::Result<i32> {
    let inst = ctx.instance(admin).await?;
    let cached = ctx.cached(&inst);
    let known = match &cached {
        Some(inv) => inv.accounts.clone(),
        None => {
            let r = accounts::list_accounts(admin).await;
            clear_progress();
            r.map_err(explain)?
        }
    };
    let account_id = resolve_account(&known, account).map_err(anyhow::Error::msg)?;
    let inv = match cached {
        Some(inv) => inv,
        None => {
            let r = targeted::account(admin, &inst, &account_id, set).await;
            clear_progress();
            r.map_err(explain)?
        }
    };
    let set_arn = match set {
        Some(name) => match inv.permission_set_by_name(name) {
            Some(p) => Some(p.arn.clone()),
            None if !inv.permission_sets.values().any(|p| p.name == name)
                && !inv.permission_sets.is_empty() =>
            {
                let close: Vec<String> = crate::model::words::closest(
                    name,
                    inv.permission_sets.values().map(|p| p.name.as_str()),
                )
                .into_iter()
                .map(str::to_string)
                .collect();
                anyhow::bail!(crate::model::words::unknown(
                    "permission set",
                    name,
                    &close,
                    "`centry admin permission-sets` lists them"
                ));
            }
            None => {
                ctx.print::<rows::WhoRow>(&[])?;
                eprintln!("nobody holds {name} in {account}: it is not provisioned there");
                return Ok(warn_sections(&inv));
            }
        },
        None => None,
    };
    let rows = rows::who_rows(&inv, &account_id, set_arn.as_deref());
    ctx.print(&rows)?;
    let code = warn_sections(&inv);
    if rows.is_empty() && code == 0 {
        eprintln!("nobody can reach {account}");
    }
    Ok(code)
}
