//! Trusted identity propagation in the console: the chain screen (IdP subject and email →
//! Identity Center user → identity-enhanced role session, filled in link by link) and the
//! token-exchange admin screen (applications and trusted token issuers). This module holds the
//! area's messages and effects and runs the effects as background tasks.

pub mod admin;
pub mod chain;

use super::action::Action;
use super::app::Views;
use super::effect::Runner;
use super::shared::Shared;
use crate::model::credentials::RoleCredentials;
use crate::services::ServiceError;
use crate::services::tip::{self, ChainEvent, RunOptions, TipConfig};
use crate::services::tip_admin::{self, TipApp, TrustedIssuer};

/// Results of trusted-identity-propagation work.
#[derive(Debug)]
pub enum TipMsg {
    /// The settings the chain runs with (or why there are none).
    Config(Result<chain::ConfigSummary, String>),
    /// Progress of the chain.
    Chain(ChainEvent),
    /// Applications for the admin screen.
    Apps(Result<Vec<TipApp>, ServiceError>),
    /// Trusted token issuers for the admin screen.
    Issuers(Result<Vec<TrustedIssuer>, ServiceError>),
}

/// Trusted-identity-propagation work to do.
#[derive(Debug)]
pub enum TipEffect {
    /// Run the chain: from the cache where it can, signing in at the IdP when `sign_in`.
    RunChain {
        /// Sign in at the IdP even when a cached token is valid (and allow a browser sign-in).
        sign_in: bool,
        /// Running `--demo`: use the demo settings and let the emulator's IdP approve.
        demo: bool,
        /// Open a browser for the sign-in.
        open_browser: bool,
        /// Which of the configured target roles (the first when out of range).
        role: usize,
    },
    /// Load applications and trusted token issuers with admin credentials.
    LoadAdmin(Box<RoleCredentials>),
}

/// The settings: the demo ones on `--demo`, else centry's `config.toml`.
fn settings(demo: bool, endpoint: Option<&str>) -> Result<TipConfig, String> {
    if demo {
        let endpoint = endpoint.ok_or("the demo emulator has no endpoint")?;
        return TipConfig::demo(&crate::emulator::Org::demo(), endpoint).ok_or_else(|| {
            "the demo organisation has no application with trusted identity propagation".into()
        });
    }
    TipConfig::load().map_err(|e| e.to_string())
}

/// Follow an authorization URL like a browser, to the loopback listener (`--demo` only: the
/// emulator's IdP approves by itself, so nobody needs to click).
async fn follow(url: String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::custom(|a| {
            let loopback = matches!(a.url().host_str(), Some("127.0.0.1" | "localhost"));
            if loopback && a.previous().len() < 5 {
                a.follow()
            } else {
                a.stop()
            }
        }))
        .build();
    if let Ok(c) = client {
        let _ = c.get(url).send().await;
    }
}

/// Start a trusted-identity-propagation effect.
pub fn run(r: &mut Runner, effect: TipEffect) {
    let cx = r.cx.clone();
    match effect {
        TipEffect::RunChain {
            sign_in,
            demo,
            open_browser,
            role,
        } => {
            let cancel = r.token("tip-chain");
            tokio::spawn(async move {
                let cfg = match settings(demo, cx.svc.endpoint.url.as_deref()) {
                    Ok(c) => c,
                    Err(e) => {
                        cx.send(Action::Tip(TipMsg::Config(Err(e))));
                        return;
                    }
                };
                let role = cfg
                    .target_roles
                    .get(role)
                    .or(cfg.target_roles.first())
                    .cloned()
                    .unwrap_or_default();
                cx.send(Action::Tip(TipMsg::Config(Ok(chain::ConfigSummary::of(
                    &cfg, &role,
                )))));
                let svc = tip::services(&cfg, None);
                let opts = RunOptions {
                    force_login: sign_in,
                    allow_login: sign_in,
                    open_browser: open_browser && !demo,
                    cancel: cancel.clone(),
                };
                let tx = cx.clone();
                let stop = cancel.clone();
                let mut report = move |ev: ChainEvent| {
                    if stop.is_cancelled() {
                        return;
                    }
                    if let (true, ChainEvent::Browser { url, .. }) = (demo, &ev) {
                        tokio::spawn(follow(url.clone()));
                    }
                    tx.send(Action::Tip(TipMsg::Chain(ev)));
                };
                let _ = tip::run(&svc, &cfg, &role, &opts, &mut report).await;
            });
        }
        TipEffect::LoadAdmin(creds) => {
            tokio::spawn(async move {
                let svc = cx.svc.with_role_credentials(&creds);
                let apps = tip_admin::load_applications(&svc, cx.limiter.clone()).await;
                cx.send(Action::Tip(TipMsg::Apps(apps)));
                let issuers = tip_admin::load_issuers(&svc, cx.limiter.clone()).await;
                cx.send(Action::Tip(TipMsg::Issuers(issuers)));
            });
        }
    }
}

/// Apply a result to the views.
pub fn update(views: &mut Views, sh: &mut Shared, msg: TipMsg) -> Vec<super::effect::Effect> {
    match msg {
        TipMsg::Config(c) => views.tip.on_config(c),
        TipMsg::Chain(ev) => {
            if let ChainEvent::Failed(e) = &ev {
                sh.log(format!(
                    "trusted identity propagation: link {} failed: {}",
                    e.link.number(),
                    e.cause
                ));
            }
            views.tip.on_event(ev);
        }
        TipMsg::Apps(r) => views.tip_admin.on_apps(r),
        TipMsg::Issuers(r) => views.tip_admin.on_issuers(r),
    }
    vec![]
}
