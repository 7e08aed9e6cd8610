//! `centry login`, `centry logout`, `centry status`.

use clap::Args;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::GlobalArgs;
use super::context::DevContext;
use crate::model::text::sanitize;
use crate::services::signin::{self, Flow};

/// Options of `centry login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Use the device-code flow (works over SSH and without a local browser).
    #[arg(long, conflicts_with = "pkce")]
    pub device_code: bool,
    /// Use the browser flow (authorization code + PKCE) even where no browser was detected.
    #[arg(long)]
    pub pkce: bool,
    /// Print the URL instead of opening a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// Sign in again even if the cached sign-in is still valid.
    #[arg(long)]
    pub force: bool,
}

/// Human time left: `7h 59m`, `4m 10s`, `expired`.
pub fn time_left(until: OffsetDateTime, now: OffsetDateTime) -> String {
    let s = (until - now).whole_seconds();
    if s <= 0 {
        "expired".into()
    } else if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Run `centry login`.
pub async fn login(global: &GlobalArgs, args: LoginArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    if !args.force
        && let Some(t) = signin::usable_token(&ctx.svc, &ctx.target).await?
    {
        eprintln!(
            "Already signed in to {} — {} left (use --force to sign in again).",
            ctx.target.label(),
            time_left(t.expires_at, OffsetDateTime::now_utc())
        );
        return Ok(0);
    }
    let forced = if args.device_code {
        Some(Flow::DeviceCode)
    } else if args.pkce {
        Some(Flow::AuthCode)
    } else {
        None
    };
    let (flow, why) = Flow::choose(forced);
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        c.cancel();
    });
    match flow {
        Flow::DeviceCode => eprintln!(
            "Signing in to {} with a device code ({why}).",
            sanitize(&ctx.target.label())
        ),
        Flow::AuthCode => eprintln!(
            "Signing in to {} in the browser ({why}).",
            sanitize(&ctx.target.label())
        ),
    }
    let no_browser = args.no_browser;
    let started = move |s: signin::SignInStarted| match s {
        signin::SignInStarted::Device(start) => {
            eprintln!(
                "\nOpen:   {}\nCode:   {}\n(or open {} directly; the code expires in {})\n",
                sanitize(&start.verification_uri),
                sanitize(&start.user_code),
                sanitize(&start.verification_uri_complete),
                time_left(start.expires_at, OffsetDateTime::now_utc())
            );
            if !no_browser {
                let _ = webbrowser::open(&start.verification_uri_complete);
            }
        }
        signin::SignInStarted::Browser(url) => {
            if !no_browser && webbrowser::open(&url).is_ok() {
                eprintln!(
                    "A browser window was opened. If it did not appear, open:\n{}",
                    sanitize(&url)
                );
            } else {
                eprintln!(
                    "Open this URL in a browser on this machine:\n{}",
                    sanitize(&url)
                );
            }
        }
    };
    let token = signin::sign_in(&ctx.svc, &ctx.target, flow, started, &cancel).await?;
    eprintln!(
        "Signed in to {} — valid for {}.",
        ctx.target.label(),
        time_left(token.expires_at, OffsetDateTime::now_utc())
    );
    Ok(0)
}

/// Run `centry logout`.
pub async fn logout(global: &GlobalArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    if signin::logout(&ctx.svc, &ctx.target).await? {
        eprintln!(
            "Signed out of {} and removed the cached token.",
            ctx.target.label()
        );
    } else {
        eprintln!("Not signed in to {}.", sanitize(&ctx.target.label()));
    }
    Ok(0)
}

/// Run `centry status`.
pub async fn status(global: &GlobalArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let cached = signin::load_cached(&ctx.target)?;
    let now = OffsetDateTime::now_utc();
    let (state, expires, refreshable) = match &cached {
        None => ("signed-out", None, false),
        Some(t) if t.expires_at <= now => ("expired", Some(t.expires_at), t.refreshable(now)),
        Some(t) => ("signed-in", Some(t.expires_at), t.refreshable(now)),
    };
    if global.json {
        println!(
            "{}",
            serde_json::json!({
                "session": ctx.target.session,
                "startUrl": ctx.target.start_url,
                "region": ctx.target.region,
                "state": state,
                "expiresAt": expires.map(crate::emulator::wire::iso_s),
                "refreshable": refreshable,
            })
        );
    } else {
        println!("session:     {}", sanitize(&ctx.target.label()));
        println!("start URL:   {}", sanitize(&ctx.target.start_url));
        println!("region:      {}", sanitize(&ctx.target.region));
        match expires {
            None => println!("state:       signed out — run `centry login`"),
            Some(e) => println!(
                "state:       {state} ({} left{})",
                time_left(e, now),
                if refreshable { ", refreshable" } else { "" }
            ),
        }
    }
    Ok(if state == "signed-in" { 0 } else { 3 })
}
