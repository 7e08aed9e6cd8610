//! `centry accounts`, `roles`, `creds`, `exec`, `console`, `profiles populate`: the developer's
//! way in without the full-screen console.

use std::io::Write;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::GlobalArgs;
use super::context::{DevContext, stderr_is_tty};
use super::output::{Format, Row, print_rows};
use crate::model::account::Listing;
use crate::model::credentials::{CredentialFormat, Destination, RoleCredentials};
use crate::model::secret::Secret;
use crate::services::config_file::{self, ConfigFile, RoleRef, SsoSession};
use crate::services::portal::{self, ListingEvent};
use crate::services::role_cache::{LOCK_WAIT, RoleCache, RoleKey};
use crate::services::{console, local_store};
use time::OffsetDateTime;

/// One account in `centry accounts --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRow {
    account_id: String,
    account_name: String,
    email_address: String,
    roles: Vec<String>,
}

impl Row for AccountRow {
    fn headers() -> Vec<&'static str> {
        vec!["ACCOUNT ID", "NAME", "EMAIL", "ROLES"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.account_id.clone(),
            self.account_name.clone(),
            self.email_address.clone(),
            self.roles.join(" "),
        ]
    }
}

/// One role in `centry roles --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRow {
    account_id: String,
    role_name: String,
}

impl Row for RoleRow {
    fn headers() -> Vec<&'static str> {
        vec!["ACCOUNT ID", "ROLE"]
    }
    fn cells(&self) -> Vec<String> {
        vec![self.account_id.clone(), self.role_name.clone()]
    }
}

/// List everything (with progress on a terminal) and refresh the disk cache.
async fn listing(ctx: &DevContext) -> anyhow::Result<Listing> {
    let token = ctx.token().await?;
    let listing = match list_all(ctx, &token).await {
        // The token expired mid-listing: refreshed, and the listing tried once more.
        Err(e) if e.kind == crate::services::ErrorKind::SignInExpired => {
            tracing::info!("the access token expired while listing; refreshing it");
            list_all(ctx, &ctx.refreshed_token().await?).await?
        }
        other => other?,
    };
    if let Err(e) = local_store::save_listing(&ctx.target.start_url, &listing) {
        tracing::warn!("could not save the account cache: {e}");
    }
    Ok(listing)
}

/// One listing of every account and role, with progress on a terminal.
async fn list_all(
    ctx: &DevContext,
    token: &Secret,
) -> Result<Listing, crate::services::ServiceError> {
    let show = stderr_is_tty();
    let report = move |ev: ListingEvent| {
        if let (true, ListingEvent::Progress(p)) = (show, ev) {
            eprint!(
                "\r\x1b[2Klisting roles: {}/{}{} ({:.0} req/s)",
                p.done,
                p.total,
                if p.total_final { "" } else { "+" },
                p.rate
            );
        }
    };
    let result = portal::list_accounts_and_roles(
        &ctx.svc,
        ctx.limiter.clone(),
        token,
        report,
        Default::default(),
    )
    .await;
    if show {
        eprint!("\r\x1b[2K");
    }
    result
}

fn format(global: &GlobalArgs) -> Format {
    Format::from_flags(global.json, global.csv)
}

/// Run `centry accounts`.
pub async fn accounts(global: &GlobalArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let listing = listing(&ctx).await?;
    let mut rows: Vec<AccountRow> = listing
        .accounts
        .into_values()
        .map(|a| AccountRow {
            account_id: a.account_id,
            account_name: a.account_name,
            email_address: a.email_address,
            roles: a.roles.unwrap_or_default(),
        })
        .collect();
    rows.sort_by(|a, b| {
        a.account_name
            .cmp(&b.account_name)
            .then(a.account_id.cmp(&b.account_id))
    });
    print_rows(&mut std::io::stdout().lock(), format(global), &rows)?;
    Ok(0)
}

/// Options of `centry roles`.
#[derive(Debug, Args)]
pub struct RolesArgs {
    /// Only this account (its id or name).
    pub account: Option<String>,
}

/// Run `centry roles`.
pub async fn roles(global: &GlobalArgs, args: RolesArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let rows: Vec<RoleRow> = match &args.account {
        Some(account) => {
            let listing = listing(&ctx).await?;
            let a = listing.resolve(account).map_err(anyhow::Error::msg)?;
            a.roles
                .clone()
                .unwrap_or_default()
                .into_iter()
                .map(|r| RoleRow {
                    account_id: a.account_id.clone(),
                    role_name: r,
                })
                .collect()
        }
        None => listing(&ctx)
            .await?
            .accounts
            .into_values()
            .flat_map(|a| {
                let id = a.account_id.clone();
                a.roles
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |r| RoleRow {
                        account_id: id.clone(),
                        role_name: r,
                    })
            })
            .collect(),
    };
    print_rows(&mut std::io::stdout().lock(), format(global), &rows)?;
    Ok(0)
}

/// Whether `s` is a 12-digit account id (anything else is taken as an account name).
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Which role.
#[derive(Debug, Args, Clone)]
pub struct RoleArgs {
    /// Account id or name.
    #[arg(long)]
    pub account: String,
    /// Role (permission set) name.
    #[arg(long)]
    pub role: String,
}

/// Options of `centry creds`.
#[derive(Debug, Args)]
pub struct CredsArgs {
    /// Which role.
    #[command(flatten)]
    pub role: RoleArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "env")]
    pub format: CredentialFormat,
    /// Profile name used by `--format ini`.
    #[arg(long, default_value = "centry")]
    pub profile_name: String,
    /// Fetch new credentials even when cached ones have a while left.
    #[arg(long)]
    pub no_cache: bool,
}

/// Role credentials from the cache while they have a while left (unless `fresh`), otherwise
/// from the portal (and then kept for the next run).
async fn role_credentials(
    ctx: &DevContext,
    role: &RoleArgs,
    fresh: bool,
) -> anyhow::Result<RoleCredentials> {
    let resolved;
    let role = if is_account_id(&role.account) {
        role
    } else {
        // A name: the listing says which id (ids skip this, so credential_process stays fast).
        let listing = listing(ctx).await?;
        let a = listing.resolve(&role.account).map_err(anyhow::Error::msg)?;
        resolved = RoleArgs {
            account: a.account_id.clone(),
            role: role.role.clone(),
        };
        &resolved
    };
    let cache = RoleCache::user();
    let key = RoleKey {
        endpoint: ctx.svc.endpoint.url.as_deref(),
        start_url: &ctx.target.start_url,
        account_id: &role.account,
        role_name: &role.role,
    };
    let cached = |cache: &Option<RoleCache>| {
        cache
            .as_ref()
            .and_then(|c| c.load(key, OffsetDateTime::now_utc()))
    };
    if !fresh && let Some(c) = cached(&cache) {
        return Ok(c);
    }
    // One run fetches; parallel runs for the same role wait for it and use what it kept.
    let _lock = match &cache {
        Some(c) => c.lock(key, LOCK_WAIT).await,
        None => None,
    };
    if !fresh && let Some(c) = cached(&cache) {
        return Ok(c);
    }
    let token = ctx.token().await?;
    let fetch = |token: Secret| async move {
        portal::get_role_credentials(&ctx.svc, &ctx.limiter, &token, &role.account, &role.role)
            .await
    };
    let creds = match fetch(token).await {
        Err(e) if e.kind == crate::services::ErrorKind::SignInExpired => {
            fetch(ctx.refreshed_token().await?).await
        }
        other => other,
    };
    let creds = creds.map_err(|e| {
        if e.kind == crate::services::ErrorKind::AccessDenied {
            anyhow::anyhow!(
                "you have no role {} in account {} — `centry roles {}` lists yours",
                role.role,
                role.account,
                role.account
            )
        } else {
            anyhow::anyhow!("{e} — {}", e.hint())
        }
    })?;
    if let Ok(mut prefs) = local_store::load_prefs() {
        prefs.touch(&local_store::Prefs::key(&role.account, &role.role));
        let _ = local_store::save_prefs(&prefs);
    }
    if let Some(cache) = cache
        && let Err(e) = cache.store(key, &creds)
    {
        tracing::warn!(error = %e, "could not keep the role credentials for the next run");
    }
    Ok(creds)
}

/// Run `centry creds` (the secrets are printed: that is what was asked for).
pub async fn creds(global: &GlobalArgs, args: CredsArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let c = role_credentials(&ctx, &args.role, args.no_cache).await?;
    let format = if global.json {
        CredentialFormat::Json
    } else {
        args.format
    };
    let to = destination(global, &ctx);
    std::io::stdout().write_all(c.render(format, true, &args.profile_name, &to).as_bytes())?;
    Ok(0)
}

/// Where role credentials are used: `--region` (else the sign-in region) and the emulator's
/// endpoint when centry is pointed at one.
fn destination(global: &GlobalArgs, ctx: &DevContext) -> Destination {
    Destination {
        region: global
            .region
            .clone()
            .unwrap_or_else(|| ctx.target.region.clone()),
        endpoint_url: global.endpoint_url.clone(),
    }
}

/// Options of `centry exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Which role.
    #[command(flatten)]
    pub role: RoleArgs,
    /// Fetch new credentials even when cached ones have a while left.
    #[arg(long)]
    pub no_cache: bool,
    /// The command and its arguments (default: your shell).
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// The environment for a child process running with role credentials.
pub fn role_env(c: &RoleCredentials, to: &Destination) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = c
        .env_pairs()
        .into_iter()
        .chain(to.env_pairs())
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    env.push(("CENTRY_ACCOUNT_ID".into(), c.account_id.clone()));
    env.push(("CENTRY_ROLE_NAME".into(), c.role_name.clone()));
    env
}

/// Run `centry exec`: the child inherits the terminal; its exit code is ours.
pub async fn exec(global: &GlobalArgs, args: ExecArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let c = role_credentials(&ctx, &args.role, args.no_cache).await?;
    let mut argv = args.command.clone();
    if argv.is_empty() {
        argv.push(std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".into()));
    }
    let status = tokio::process::Command::new(&argv[0])
        .args(&argv[1..])
        .env_remove("AWS_PROFILE")
        .envs(role_env(&c, &destination(global, &ctx)))
        .status()
        .await
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", argv[0]))?;
    Ok(status.code().unwrap_or(1))
}

/// Options of `centry console`.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Which role.
    #[command(flatten)]
    pub role: RoleArgs,
    /// Print the URL instead of opening it.
    #[arg(long)]
    pub print: bool,
    /// Console session length in seconds (900..43200).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u32).range(900..=43_200))]
    pub duration: u32,
}

/// Run `centry console`.
pub async fn open_console(global: &GlobalArgs, args: ConsoleArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let c = role_credentials(&ctx, &args.role, false).await?;
    let region = global
        .region
        .clone()
        .unwrap_or_else(|| ctx.target.region.clone());
    let url = console::console_url(&ctx.svc, &c, &region, args.duration).await?;
    if args.print || webbrowser::open(&url).is_err() {
        println!("{url}");
    } else {
        eprintln!(
            "Opened the AWS console for {} / {}.",
            c.account_id, c.role_name
        );
    }
    Ok(0)
}

/// `centry profiles …`.
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Write a profile for every account and role to ~/.aws/config.
    Populate(PopulateArgs),
}

/// Options of `centry profiles populate`.
#[derive(Debug, Args)]
pub struct PopulateArgs {
    /// Profile name template: {account_name}, {account_id}, {role_name}, {session}
    /// (default: `[profiles] template` in centry's config.toml, else {account_name}.{role_name}).
    #[arg(long)]
    pub template: Option<String>,
    /// Remove profiles centry wrote earlier that no longer match a role.
    #[arg(long)]
    pub prune: bool,
    /// Region written into each profile (default: the sso-session's region, so the profiles
    /// work as they are).
    #[arg(long)]
    pub profile_region: Option<String>,
    /// Show what would change without writing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Run `centry profiles populate`.
pub async fn profiles(global: &GlobalArgs, cmd: ProfilesCommand) -> anyhow::Result<i32> {
    let ProfilesCommand::Populate(args) = cmd;
    let ctx = DevContext::resolve(global)?;
    let Some(session) = ctx.target.session.clone() else {
        anyhow::bail!(
            "profiles need an [sso-session]: pass --sso-session NAME (with --start-url and --sso-region it is created)"
        );
    };
    let template = match &args.template {
        Some(t) => {
            crate::services::settings::check(t).map_err(|e| anyhow::anyhow!(e))?;
            t.clone()
        }
        None => {
            crate::services::settings::Settings::load()
                .map_err(|e| anyhow::anyhow!(e))?
                .profile_template
        }
    };
    let listing = listing(&ctx).await?;
    let roles: Vec<RoleRef> = listing
        .accounts
        .values()
        .flat_map(|a| {
            a.roles.iter().flatten().map(|r| RoleRef {
                account_id: a.account_id.clone(),
                account_name: a.account_name.clone(),
                role_name: r.clone(),
            })
        })
        .collect();
    let region = args
        .profile_region
        .clone()
        .unwrap_or_else(|| ctx.target.region.clone());
    let specs = config_file::plan_profiles(&template, &session, Some(&region), &roles)?;
    let path = config_file::config_path()
        .ok_or_else(|| anyhow::anyhow!("no home folder for ~/.aws/config"))?;
    let mut config =
        ConfigFile::load(&path).map_err(|e| anyhow::anyhow!("{e} (the file was not changed)"))?;
    config.ensure_sso_session(&SsoSession {
        name: session.clone(),
        start_url: ctx.target.start_url.clone(),
        region: ctx.target.region.clone(),
        scopes: ctx.target.registration_scopes(),
    })?;
    let changes = config.apply_profiles(&specs, &session, args.prune)?;
    if !args.dry_run {
        crate::fsutil::write_user_file(&path, config.render().as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    let verb = if args.dry_run { "would" } else { "did" };
    eprintln!(
        "{}: {verb} add {}, update {}, remove {}; {} skipped (written by hand)",
        path.display(),
        changes.added.len(),
        changes.updated.len(),
        changes.removed.len(),
        changes.skipped.len()
    );
    for n in &changes.skipped {
        eprintln!("  skipped {n}: a profile of that name exists and centry did not write it");
    }
    Ok(0)
}
