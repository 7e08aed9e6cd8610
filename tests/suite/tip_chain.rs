//! The trusted-identity-propagation chain end to end against the in-process emulator: the
//! client signs in at the emulated IdP through a "browser" that follows the redirects to the
//! loopback listener, then runs the three AWS links. Each misconfiguration shows which link
//! failed and why, and leaves nothing cached.

use std::sync::{Arc, Mutex, OnceLock};

use centry::emulator::Emulator;
use centry::emulator::activity::Activity;
use centry::services::tip::{
    self, ChainError, ChainEvent, ChainOutcome, LinkId, LinkReport, RunOptions, TipConfig, cache,
};

use crate::common;

/// Every path centry uses goes under one throwaway folder for the whole test binary (cache
/// files are keyed by configuration, which includes each emulator's port, so tests never share).
pub fn sandbox() {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    centry::paths::sandbox(dir.path().to_path_buf());
}

/// The demo settings against this emulator.
pub fn config(emu: &Emulator) -> TipConfig {
    TipConfig::demo(&centry::emulator::Org::demo(), &emu.endpoint_url()).unwrap()
}

/// Follow an authorization URL like a browser would, to the loopback listener.
pub async fn browse(url: String) {
    let _ = reqwest::get(url).await;
}

/// Run the chain, playing the browser; returns the outcome and every event.
pub async fn run(
    cfg: &TipConfig,
    opts: RunOptions,
) -> (Result<ChainOutcome, ChainError>, Vec<ChainEvent>) {
    sandbox();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let mut report = move |ev: ChainEvent| {
        if let ChainEvent::Browser { url, .. } = &ev {
            tokio::spawn(browse(url.clone()));
        }
        seen.lock().unwrap().push(ev);
    };
    let svc = tip::services(cfg, None);
    let role = cfg.role(None).unwrap();
    let r = tip::run(&svc, cfg, &role, &opts, &mut report).await;
    let ev = events.lock().unwrap().clone();
    (r, ev)
}

fn login() -> RunOptions {
    RunOptions {
        allow_login: true,
        ..Default::default()
    }
}

fn cached(cfg: &TipConfig) -> bool {
    cache::path(&cfg.fingerprint()).unwrap().exists()
}

#[tokio::test]
async fn the_chain_ends_in_an_identity_enhanced_session_and_is_reused_from_the_cache() {
    let emu = common::demo().await;
    let cfg = config(&emu);
    let (r, events) = run(&cfg, login()).await;
    let out = r.unwrap();
    let done: Vec<LinkId> = events
        .iter()
        .filter_map(|e| match e {
            ChainEvent::Done(r) => Some(r.link()),
            _ => None,
        })
        .collect();
    assert_eq!(done, LinkId::ALL.to_vec(), "every link reports, in order");
    assert!(
        matches!(&out.links[0], LinkReport::Idp { email: Some(e), .. } if e == "jordan.lee@acme.example")
    );
    assert!(
        matches!(&out.links[2], LinkReport::IdentityCenter { user_id, identity_store_arn, .. }
        if user_id == "93db090b-48bc-4bb5-b725-ba34f8077468" && identity_store_arn.ends_with("identitystore/d-9067c3a2b1"))
    );

    let creds = out.credentials;
    let me = common::services(&emu)
        .with_role_credentials(&creds)
        .sts()
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.arn(),
        Some("arn:aws:sts::801555981578:assumed-role/AnalyticsReader/jordan.lee@acme.example")
    );
    assert!(cached(&cfg), "a whole chain is cached");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache::path(&cfg.fingerprint()).unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    {
        let st = emu.emu().state();
        let jordan = st.idx.user_by_name["jordan.lee"];
        assert!(st.activity.iter().any(|(_, a)| matches!(a,
            Activity::CreateTokenWithIam { user: Some(u), error: None, .. } if *u == jordan)));
    }

    // Again, without being allowed to sign in: everything comes from the cache.
    let (r, events) = run(&cfg, RunOptions::default()).await;
    let again = r.unwrap();
    assert_eq!(again.credentials.access_key_id, creds.access_key_id);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, ChainEvent::Browser { .. }))
    );
    assert!(again.links.iter().all(|l| matches!(
        l,
        LinkReport::Idp { reused: true, .. }
            | LinkReport::Bridge { reused: true, .. }
            | LinkReport::IdentityCenter { reused: true, .. }
            | LinkReport::Session { reused: true, .. }
    )));
}

#[tokio::test]
async fn an_expiring_idp_token_is_refreshed_without_a_browser() {
    let emu = common::demo().await;
    let cfg = config(&emu);
    run(&cfg, login()).await.0.unwrap();
    let mut chain = cache::load(&cfg.fingerprint()).unwrap();
    chain.idp.expires_at = time::OffsetDateTime::now_utc() + time::Duration::seconds(30);
    let old_bridge = chain.bridge.access_key_id.clone();
    cache::save(&chain).unwrap();
    let (r, events) = run(&cfg, RunOptions::default()).await;
    let out = r.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, ChainEvent::Browser { .. }))
    );
    assert!(matches!(
        &out.links[0],
        LinkReport::Idp { reused: false, .. }
    ));
    assert!(matches!(
        &out.links[1],
        LinkReport::Bridge { reused: false, .. }
    ));
    assert_ne!(
        cache::load(&cfg.fingerprint())
            .unwrap()
            .bridge
            .access_key_id,
        old_bridge
    );
}

/// Run with a broken setting: the chain must stop at `link`, say why, name the fix, and cache
/// nothing.
async fn fails_at(cfg: &TipConfig, link: LinkId, cause: &str, fix: &str) -> ChainError {
    let (r, events) = run(cfg, login()).await;
    let e = r.unwrap_err();
    assert_eq!(e.link, link, "{e}");
    assert!(e.cause.contains(cause), "cause: {e}");
    assert!(e.fix.contains(fix), "fix: {e}");
    assert_eq!(events.last(), Some(&ChainEvent::Failed(e.clone())));
    for l in LinkId::ALL.iter().filter(|l| **l < link) {
        assert!(
            events
                .iter()
                .any(|ev| matches!(ev, ChainEvent::Done(r) if r.link() == *l)),
            "link {l:?} stood before the failure"
        );
    }
    assert!(!cached(cfg), "nothing is cached from a failed attempt");
    e
}

#[tokio::test]
async fn a_wrong_audience_fails_at_the_exchange() {
    let emu = common::demo().await;
    let mut cfg = config(&emu);
    cfg.client_id = "acme-reports".into();
    let e = fails_at(
        &cfg,
        LinkId::TokenExchange,
        "aud acme-reports",
        "[tip] client_id",
    )
    .await;
    assert!(e.to_string().starts_with("link 3 of 4"), "{e}");
}

#[tokio::test]
async fn an_untrusted_issuer_fails_at_the_exchange() {
    let emu = common::demo().await;
    let mut cfg = config(&emu);
    cfg.issuer = format!("{}/idp/partners", emu.endpoint_url());
    fails_at(
        &cfg,
        LinkId::TokenExchange,
        "not a trusted token issuer",
        "[tip] issuer",
    )
    .await;
}

#[tokio::test]
async fn an_expired_idp_token_fails_at_the_sign_in() {
    let emu = common::demo().await;
    emu.emu().state().idp.token_ttl = -120;
    let cfg = config(&emu);
    fails_at(&cfg, LinkId::IdpSignIn, "already expired", "clock").await;
}

#[tokio::test]
async fn a_bridge_role_the_application_does_not_allow_fails_at_the_exchange() {
    let other = "arn:aws:iam::381492058412:role/BackstageTokenBridge";
    let mut org = centry::emulator::Org::demo();
    let backstage = org
        .applications
        .iter_mut()
        .find(|a| a.name == "Backstage Developer Portal")
        .unwrap();
    backstage.authorized_roles = vec![other.to_string()];
    let emu = common::with(org, |c| {
        c.settings.auto_approve = Some("jordan.lee".into());
        c.settings.auto_approve_delay_ms = 50;
    })
    .await;
    let mut cfg = config(&emu);
    cfg.bridge_role = other.into();
    fails_at(
        &cfg,
        LinkId::TokenExchange,
        "BackstageTokenBridge is not allowed",
        "[tip] bridge_role",
    )
    .await;
}

#[tokio::test]
async fn a_role_that_trusts_nothing_fails_at_the_bridge() {
    let emu = common::demo().await;
    let mut cfg = config(&emu);
    cfg.bridge_role = "arn:aws:iam::381492058412:role/NotABridge".into();
    fails_at(
        &cfg,
        LinkId::BridgeRole,
        "AccessDenied",
        "[tip] bridge_role",
    )
    .await;
}

#[tokio::test]
async fn the_loopback_listener_refuses_a_wrong_state_and_keeps_waiting() {
    sandbox();
    let emu = common::demo().await;
    let cfg = config(&emu);
    let refused = Arc::new(Mutex::new(None));
    let seen = refused.clone();
    let mut report = move |ev: ChainEvent| {
        if let ChainEvent::Browser { url, .. } = ev {
            let seen = seen.clone();
            tokio::spawn(async move {
                let u = url::Url::parse(&url).unwrap();
                let redirect = u
                    .query_pairs()
                    .find(|(k, _)| k == "redirect_uri")
                    .unwrap()
                    .1
                    .to_string();
                let forged = reqwest::get(format!("{redirect}?code=forged&state=wrong"))
                    .await
                    .unwrap();
                let status = forged.status().as_u16();
                let body = forged.text().await.unwrap();
                *seen.lock().unwrap() = Some((status, body));
                browse(url).await;
            });
        }
    };
    let svc = tip::services(&cfg, None);
    let role = cfg.role(None).unwrap();
    tip::run(&svc, &cfg, &role, &login(), &mut report)
        .await
        .unwrap();
    let (status, body) = refused.lock().unwrap().clone().unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("Sign-in refused"), "{body}");
}
