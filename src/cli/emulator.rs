//! `centry emulator serve`: the emulator as a standalone server for the AWS CLI, SDKs and
//! other tools. Prints the endpoint and the operator credentials, then serves until SIGINT or
//! SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Subcommand;

use super::GlobalArgs;
use crate::emulator::{Emulator, EmulatorConfig, Org};

/// Emulator subcommands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulated APIs on a loopback port.
    Serve(ServeArgs),
}

/// Options of `centry emulator serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Organisation JSON file (default: the bundled demo organisation).
    #[arg(long, value_name = "FILE", conflicts_with = "generate")]
    pub org: Option<PathBuf>,
    /// Generate an organisation: accounts=N,users=N,groups=N,permission-sets=N,seed=S (and an
    /// organisation trail of M records over N days: trail-days=N,trail-events=M).
    #[arg(long, value_name = "SPEC")]
    pub generate: Option<String>,
    /// Approve every sign-in as this user after a short delay.
    #[arg(long, value_name = "USERNAME")]
    pub auto_approve: Option<String>,
    /// Added latency per request, in milliseconds (at most a minute).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub latency_ms: u64,
    /// Requests per second per service (`20`, or `cloudtrail=2,portal=20`).
    #[arg(long, value_name = "TPS")]
    pub rate_limit: Option<String>,
    /// Share of requests answered with throttling errors (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub throttle_rate: f64,
    /// Share of requests answered with 5xx (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Share of connections dropped mid-response (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Access token lifetime in seconds (1 to 7776000, 90 days).
    #[arg(long, default_value_t = 28800, value_parser = clap::value_parser!(i64).range(1..=MAX_TOKEN_TTL))]
    pub token_ttl: i64,
    /// Cap every page at N items (to exercise clients' paging; 1 to 1000).
    #[arg(long, value_name = "N", value_parser = page_size)]
    pub page_size: Option<usize>,
    /// Return lists in a seeded random order (to exercise clients' ordering assumptions).
    #[arg(long, value_name = "SEED")]
    pub shuffle: Option<u64>,
    /// Add other people's activity (sign-ins, failures, MFA changes) every minute or so.
    #[arg(long)]
    pub activity: bool,
    /// Folder for the organisation trail (default: a folder of the emulator's own, removed
    /// when it stops). Objects already there are served as they are.
    #[arg(long, value_name = "DIR")]
    pub trail_dir: Option<PathBuf>,
    /// The S3 bucket the trail folder stands for (default: named after the management account).
    #[arg(long, value_name = "BUCKET")]
    pub trail_bucket: Option<String>,
}

/// Whether `name` is a valid S3 bucket name (the rules that matter for a path and a URI).
fn valid_bucket(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// The longest access token lifetime `--token-ttl` accepts: 90 days, the refresh token's life
/// (larger values used to overflow the expiry date on every CreateToken).
pub const MAX_TOKEN_TTL: i64 = 90 * 86_400;

fn page_size(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=1000).contains(&n) => Ok(n),
        _ => Err(format!("{s:?} is not a page size from 1 to 1000")),
    }
}

fn share(name: &str, v: f64) -> anyhow::Result<f64> {
    anyhow::ensure!((0.0..=1.0).contains(&v), "--{name} must be between 0 and 1");
    Ok(v)
}

impl ServeArgs {
    /// Turn the options into an emulator configuration.
    pub fn config(&self) -> anyhow::Result<EmulatorConfig> {
        let mut generated_trail = None;
        let org = match (&self.org, &self.generate) {
            (Some(path), _) => Org::from_file(path)?,
            (None, Some(spec)) => {
                let spec: crate::emulator::generate::GenerateSpec = spec
                    .parse()
                    .map_err(|e| anyhow::anyhow!("--generate: {e}"))?;
                if spec.trail_days > 0 && spec.trail_events > 0 {
                    generated_trail = Some((spec.trail_days, spec.trail_events, spec.seed));
                }
                crate::emulator::generate::generate(&spec)
            }
            (None, None) => Org::demo(),
        };
        if let Some(user) = &self.auto_approve {
            anyhow::ensure!(
                org.users.iter().any(|u| &u.user_name == user),
                "--auto-approve: no user named {user}"
            );
        }
        let mut cfg = EmulatorConfig::demo();
        cfg.org = org;
        cfg.addr = self.addr;
        cfg.settings.auto_approve = self.auto_approve.clone();
        cfg.settings.token_ttl = self.token_ttl.clamp(1, MAX_TOKEN_TTL);
        cfg.settings.page_cap = self.page_size;
        cfg.settings.shuffle_seed = self.shuffle;
        cfg.faults.latency_ms = self.latency_ms;
        cfg.trail_dir = self.trail_dir.clone();
        cfg.generated_trail = generated_trail;
        if let Some(bucket) = &self.trail_bucket {
            anyhow::ensure!(
                valid_bucket(bucket),
                "--trail-bucket: {bucket:?} is not an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)"
            );
            cfg.trail_bucket = Some(bucket.clone());
        }
        cfg.trail_delivery = Some(crate::emulator::trail::DELIVERY_EVERY);
        if let Some(spec) = &self.rate_limit {
            cfg.faults
                .parse_rate_limit(spec)
                .map_err(|e| anyhow::anyhow!("--rate-limit: {e}"))?;
        }
        cfg.faults.throttle_rate = share("throttle-rate", self.throttle_rate)?;
        cfg.faults.error_rate = share("error-rate", self.error_rate)?;
        cfg.faults.drop_rate = share("drop-rate", self.drop_rate)?;
        Ok(cfg)
    }
}

/// Run an emulator subcommand.
pub async fn run(_global: &GlobalArgs, command: EmulatorCommand) -> anyhow::Result<i32> {
    match command {
        EmulatorCommand::Serve(args) => {
            let emu = Emulator::start(args.config()?).await?;
            let _activity = args
                .activity
                .then(|| crate::emulator::cloudtrail::activity_generator::spawn(emu.emu().clone()));
            let (id, secret) = emu.operator_credentials();
            // Whoever reads these lines may close the pipe after the first one; the server
            // keeps serving either way.
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // `export` lines, so `eval "$(…)"` (or pasting them) sets them in a shell.
            let region = emu.region();
            let _ = writeln!(out, "export AWS_ENDPOINT_URL={}", emu.endpoint_url())
                .and_then(|()| writeln!(out, "export AWS_ACCESS_KEY_ID={id}"))
                .and_then(|()| writeln!(out, "export AWS_SECRET_ACCESS_KEY={secret}"))
                .and_then(|()| writeln!(out, "export AWS_REGION={region}"))
                .and_then(|()| writeln!(out, "export AWS_DEFAULT_REGION={region}"))
                .and_then(|()| writeln!(out, "# start URL: {}", emu.start_url()))
                .and_then(|()| out.flush());
            drop(out);
            wait_for_signal().await;
            emu.stop().await;
            Ok(0)
        }
    }
}

/// Wait for SIGINT, SIGTERM or SIGHUP.
pub async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // SIGHUP too: a closed terminal window ends centry as cleanly as Ctrl-C does.
        let (term, hup) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        );
        match (term, hup) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
