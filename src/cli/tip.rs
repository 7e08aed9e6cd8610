//! `centry tip …`: trusted identity propagation from the command line. `config` writes the
//! `[tip]` settings (`--demo` for an emulator), `login` signs in at the company IdP and runs the
//! whole chain, `status` shows the cached chain with each link's expiry, `creds` prints the
//! identity-enhanced credentials (usable as `credential_process`), `exec` runs a command with
//! them, `logout` forgets the chain.

use std::io::Write;

use clap::{Args, Subcommand};
use serde::Serialize;
use time::OffsetDateTime;

use super::GlobalArgs;
use super::access::role_env;
use super::context::stderr_is_tty;
use super::output::{Format, Row, print_rows};
use super::signin::time_left;
use crate::model::credentials::CredentialFormat;
use crate::services::tip::{self, ChainEvent, LinkId, RunOptions, TipConfig, cache};

/// `centry tip` subcommands.
#[derive(Debug, Subcommand)]
pub enum TipCommand {
    /// Write the [tip] settings to centry's config.toml (or print them).
    Config(ConfigArgs),
    /// Sign in at the IdP and run the whole chain (opens a browser).
    Login(LoginArgs),
    /// The cached chain: IdP subject → Identity Center user → role session, with expiries.
    Status(RoleArg),
    /// Identity-enhanced credentials for a role (also as `credential_process`).
    Creds(CredsArgs),
    /// Run a command with identity-enhanced credentials.
    Exec(ExecArgs),
    /// Forget the cached chain.
    Logout,
}

/// Which target role.
#[derive(Debug, Args)]
pub struct RoleArg {
    /// A role from [tip] target_roles (default: the first).
    #[arg(long, value_name = "ARN")]
    pub role: Option<String>,
}

/// Options of `centry tip config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The settings for the demo organisation on an emulator at --endpoint-url.
    #[arg(long)]
    pub demo: bool,
    /// Print the section instead of writing it.
    #[arg(long)]
    pub print: bool,
    /// The IdP's issuer URL.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// centry's client id at the IdP.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The IAM role assumed with the IdP's token.
    #[arg(long, value_name = "ARN")]
    pub bridge_role: Option<String>,
    /// The Identity Center application to exchange the token for.
    #[arg(long, value_name = "ARN")]
    pub application_arn: Option<String>,
    /// A role to get identity-enhanced sessions for (repeat for several).
    #[arg(long = "target-role", value_name = "ARN")]
    pub target_roles: Vec<String>,
    /// The Identity Center region (default: --sso-region, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub tip_region: Option<String>,
}

/// Options of `centry tip login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Which role to finish the chain with.
    #[command(flatten)]
    pub role: RoleArg,
    /// Print the sign-in URL instead of opening a browser.
    #[arg(long)]
    pub no_browser: bool,
}

/// Options of `centry tip creds`.
#[derive(Debug, Args)]
pub struct CredsArgs {
    /// Which role.
    #[command(flatten)]
    pub role: RoleArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "credential-process")]
    pub format: CredentialFormat,
    /// Print the sign-in URL instead of opening a browser when a sign-in is needed.
    #[arg(long)]
    pub no_browser: bool,
}

/// Options of `centry tip exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Which role.
    #[command(flatten)]
    pub role: RoleArg,
    /// The command and its arguments (default: your shell).
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Run a `centry tip` subcommand.
pub async fn run(global: &GlobalArgs, command: TipCommand) -> anyhow::Result<i32> {
    match command {
        TipCommand::Config(a) => config(global, a),
        TipCommand::Login(a) => {
            let cfg = TipConfig::load()?;
            let role = cfg
                .role(a.role.role.as_deref())
                .map_err(anyhow::Error::msg)?;
            let opts = RunOptions {
                force_login: true,
                allow_login: true,
                open_browser: !a.no_browser,
                ..Default::default()
            };
            let out = chain(global, &cfg, &role, opts, true).await?;
            eprintln!(
                "Signed in. Identity-enhanced session for {role} until {}.",
                out.credentials.expiration_text()
            );
            Ok(0)
        }
        TipCommand::Status(a) => status(global, a),
        TipCommand::Creds(a) => {
            let cfg = TipConfig::load()?;
            let role = cfg
                .role(a.role.role.as_deref())
                .map_err(anyhow::Error::msg)?;
            let opts = RunOptions {
                allow_login: true,
                open_browser: !a.no_browser,
                ..Default::default()
            };
            let out = chain(global, &cfg, &role, opts, stderr_is_tty()).await?;
            let format = if global.json {
                CredentialFormat::Json
            } else {
                a.format
            };
            std::io::stdout().write_all(
                out.credentials
                    .render(format, true, "centry-tip", &tip_destination(global, &cfg))
                    .as_bytes(),
            )?;
            Ok(0)
        }
        TipCommand::Exec(a) => {
            let cfg = TipConfig::load()?;
            let role = cfg
                .role(a.role.role.as_deref())
                .map_err(anyhow::Error::msg)?;
            let opts = RunOptions {
                allow_login: true,
                open_browser: true,
                ..Default::default()
            };
            let out = chain(global, &cfg, &role, opts, stderr_is_tty()).await?;
            let mut argv = a.command;
            if argv.is_empty() {
                argv.push(std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".into()));
            }
            let status = tokio::process::Command::new(&argv[0])
                .args(&argv[1..])
                .env_remove("AWS_PROFILE")
                .envs(role_env(&out.credentials, &tip_destination(global, &cfg)))
                .status()
                .await
                .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", argv[0]))?;
            Ok(status.code().unwrap_or(1))
        }
        TipCommand::Logout => {
            let cfg = TipConfig::load()?;
            match cache::remove(&cfg.fingerprint()).map_err(anyhow::Error::msg)? {
                true => {
                    eprintln!("Forgot the cached chain (the IdP session in your browser stays).")
                }
                false => eprintln!("There was no cached chain."),
            }
            Ok(0)
        }
    }
}

/// Run the chain with progress on stderr (the browser URL always goes there).
async fn chain(
    global: &GlobalArgs,
    cfg: &TipConfig,
    role: &str,
    opts: RunOptions,
    progress: bool,
) -> anyhow::Result<tip::ChainOutcome> {
    let svc = tip::services(cfg, global.endpoint_url.as_deref());
    let now = OffsetDateTime::now_utc();
    let mut report = move |ev: ChainEvent| match ev {
        ChainEvent::Browser { url, opened } => {
            if opened {
                eprintln!(
                    "Sign in at the IdP in your browser (opened). If nothing opened, go to:\n  {url}"
                );
            } else {
                eprintln!(
                    "Sign in at the IdP: open this URL in a browser:\n  {}",
                    crate::model::text::sanitize(&url)
                );
            }
        }
        ChainEvent::Done(r) if progress => eprintln!(
            "✓ {}. {}: {} — {} left{}",
            r.link().number(),
            r.link().title(),
            r.summary(),
            time_left(r.expires_at(), now),
            if r.reused() { " (cached)" } else { "" }
        ),
        _ => {}
    };
    Ok(tip::run(&svc, cfg, role, &opts, &mut report).await?)
}

fn config(global: &GlobalArgs, a: ConfigArgs) -> anyhow::Result<i32> {
    let cfg = if a.demo {
        let endpoint = global.endpoint_url.clone().ok_or_else(|| {
            anyhow::anyhow!("--demo needs the emulator's address: --endpoint-url URL (as printed by `centry emulator serve`)")
        })?;
        let mut c = TipConfig::demo(&crate::emulator::Org::demo(), &endpoint).ok_or_else(|| {
            anyhow::anyhow!(
                "the demo organisation has no application with trusted identity propagation"
            )
        })?;
        if !a.target_roles.is_empty() {
            c.target_roles = a.target_roles.clone();
        }
        c
    } else {
        let need = |v: Option<String>, flag: &str| {
            v.ok_or_else(|| anyhow::anyhow!("{flag} is required (or use --demo)"))
        };
        let c = TipConfig {
            issuer: need(a.issuer, "--issuer")?,
            client_id: need(a.client_id, "--client-id")?,
            bridge_role: need(a.bridge_role, "--bridge-role")?,
            application_arn: need(a.application_arn, "--application-arn")?,
            target_roles: a.target_roles,
            region: a
                .tip_region
                .or_else(|| global.sso_region.clone())
                .unwrap_or_else(|| "us-east-1".into()),
            scopes: tip::config::DEFAULT_SCOPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            endpoint_url: global.endpoint_url.clone(),
        };
        // The same checks as on load, so a bad value is refused before it is written.
        TipConfig::parse(&c.to_toml(), "the new settings")?
    };
    if a.print {
        print!("{}", cfg.to_toml());
        return Ok(0);
    }
    let path = tip::config::config_path().ok_or(tip::ConfigError::NoConfigDir)?;
    cfg.write_to(&path)?;
    eprintln!("Wrote the [tip] settings to {}.", path.display());
    eprintln!(
        "Next: `centry tip login`, then use `credential_process = {} tip creds` in an AWS CLI profile.",
        std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "centry".into())
    );
    Ok(0)
}

/// One link in `centry tip status`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkRow {
    link: usize,
    step: &'static str,
    result: String,
    #[serde(with = "time::serde::rfc3339")]
    expires: OffsetDateTime,
    left: String,
}

impl Row for LinkRow {
    fn headers() -> Vec<&'static str> {
        vec!["LINK", "STEP", "RESULT", "EXPIRES", "LEFT"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.link.to_string(),
            self.step.to_string(),
            self.result.clone(),
            crate::emulator::wire::iso_s(self.expires),
            self.left.clone(),
        ]
    }
}

fn status(global: &GlobalArgs, a: RoleArg) -> anyhow::Result<i32> {
    let cfg = TipConfig::load()?;
    let Some(chain) = cache::load(&cfg.fingerprint()) else {
        eprintln!(
            "Not signed in through {} — run `centry tip login`.",
            cfg.issuer
        );
        return Ok(1);
    };
    let now = OffsetDateTime::now_utc();
    let rows: Vec<LinkRow> = tip::cached_reports(&chain, a.role.as_deref())
        .into_iter()
        .map(|r| LinkRow {
            link: r.link().number(),
            step: r.link().title(),
            result: r.summary(),
            expires: r.expires_at(),
            left: time_left(r.expires_at(), now),
        })
        .collect();
    print_rows(
        &mut std::io::stdout().lock(),
        Format::from_flags(global.json, global.csv),
        &rows,
    )?;
    let expired = rows.iter().any(|r| r.expires <= now);
    if !rows.iter().any(|r| r.link == LinkId::RoleSession.number()) {
        eprintln!(
            "No identity-enhanced session cached for that role yet: `centry tip creds` makes one."
        );
    } else if expired {
        eprintln!(
            "Expired links are made again by the next `centry tip creds` (refreshing at the IdP, or signing in)."
        );
    }
    Ok(0)
}

/// Where the chain's credentials are used: `--region` (else the configured one) and the
/// emulator's endpoint when centry is pointed at one.
fn tip_destination(global: &GlobalArgs, cfg: &TipConfig) -> crate::model::credentials::Destination {
    crate::model::credentials::Destination {
        region: global.region.clone().unwrap_or_else(|| cfg.region.clone()),
        endpoint_url: global.endpoint_url.clone(),
    }
}
