//! Snapshots of the trusted-identity-propagation screens at a fixed clock: the chain screen in
//! progress, complete, and failed at each link; the token-exchange applications and trusted
//! token issuers. The admin data comes from the emulator through the real service calls.

use centry::services::tip::{ChainError, ChainEvent, LinkId, LinkReport};
use centry::tui::shared::{AdminCredentials, ScreenId};
use centry::tui::tip::chain::ConfigSummary;
use time::Duration;

use crate::common::{self, render};

fn chain_app() -> centry::tui::app::App {
    let mut app = render::app(true);
    app.stack = vec![ScreenId::TipChain];
    app.views.tip.started = true;
    app.views.tip.on_config(Ok(ConfigSummary {
        issuer: "https://acme.okta.com/oauth2/default".into(),
        client_id: "centry-demo".into(),
        bridge_role: "arn:aws:iam::381492058412:role/AcmeAnalyticsTokenBridge".into(),
        application_arn:
            "arn:aws:sso::381492058412:application/ssoins-7223a8c1f5e4b903/apl-f1d9f67a2cc20534"
                .into(),
        role: "arn:aws:iam::801555981578:role/AnalyticsReader".into(),
        roles: vec![
            "arn:aws:iam::801555981578:role/AnalyticsReader".into(),
            "arn:aws:iam::801555981578:role/AnalyticsEngineer".into(),
        ],
    }));
    app
}

fn reports() -> Vec<LinkReport> {
    let now = render::now();
    vec![
        LinkReport::Idp {
            issuer: "https://acme.okta.com/oauth2/default".into(),
            subject: "00u9G9jWY12IKpIUwldm".into(),
            email: Some("jordan.lee@acme.example".into()),
            expires_at: now + Duration::minutes(58),
            reused: false,
        },
        LinkReport::Bridge {
            arn: "arn:aws:sts::381492058412:assumed-role/AcmeAnalyticsTokenBridge/jordan.lee@acme.example".into(),
            expires_at: now + Duration::minutes(59),
            reused: false,
        },
        LinkReport::IdentityCenter {
            user_id: "93db090b-48bc-4bb5-b725-ba34f8077468".into(),
            identity_store_arn: "arn:aws:identitystore::381492058412:identitystore/d-9067c3a2b1"
                .into(),
            expires_at: now + Duration::minutes(60),
            reused: true,
        },
        LinkReport::Session {
            role_arn: "arn:aws:iam::801555981578:role/AnalyticsReader".into(),
            arn: "arn:aws:sts::801555981578:assumed-role/AnalyticsReader/jordan.lee@acme.example"
                .into(),
            expires_at: now + Duration::minutes(45),
            reused: false,
        },
    ]
}

/// Feed the first `done` links, then `then` (if any).
fn feed(app: &mut centry::tui::app::App, done: usize, then: Option<ChainEvent>) {
    for r in reports().into_iter().take(done) {
        app.views.tip.on_event(ChainEvent::Started(r.link()));
        app.views.tip.on_event(ChainEvent::Done(r));
    }
    if let Some(ev) = then {
        app.views.tip.on_event(ev);
    }
}

#[test]
fn chain_in_progress_waiting_for_the_browser_and_then_at_the_bridge() {
    let mut app = chain_app();
    app.views
        .tip
        .on_event(ChainEvent::Started(LinkId::IdpSignIn));
    app.views.tip.on_event(ChainEvent::Browser {
        url: "https://acme.okta.com/oauth2/default/v1/authorize?client_id=centry-demo&state=abc"
            .into(),
        opened: true,
    });
    insta::assert_snapshot!("tip_chain_browser", render::draw(&mut app, 120, 40));
    let mut app = chain_app();
    feed(&mut app, 1, Some(ChainEvent::Started(LinkId::BridgeRole)));
    insta::assert_snapshot!("tip_chain_in_progress", render::draw(&mut app, 120, 40));
}

#[test]
fn chain_complete() {
    let mut app = chain_app();
    feed(&mut app, 4, None);
    assert!(!app.views.tip.running);
    insta::assert_snapshot!("tip_chain_complete", render::draw(&mut app, 120, 40));
}

#[test]
fn t_runs_the_chain_again_into_the_next_target_role() {
    use centry::tui::action::Action;
    use centry::tui::command::Command;
    use centry::tui::effect::Effect;
    use centry::tui::tip::TipEffect;
    let mut app = chain_app();
    feed(&mut app, 4, None);
    let s = format!("{}", render::draw(&mut app, 120, 40));
    assert!(s.contains("AnalyticsReader   (1 of 2 · t next)"), "{s}");
    let effects = app.update(Action::Command(Command::NextRole));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Tip(TipEffect::RunChain {
                role: 1,
                sign_in: false,
                ..
            })]
        ),
        "the chain runs again, into the second role, without a new IdP sign-in"
    );
    assert!(app.views.tip.running);
    // A single configured role says where to add more.
    let mut one = chain_app();
    if let Some(c) = one.views.tip.config.as_mut() {
        c.roles.truncate(1);
    }
    assert!(one.update(Action::Command(Command::NextRole)).is_empty());
    let s = format!("{}", render::draw(&mut one, 120, 40));
    assert!(s.contains("[tip] target_roles"), "{s}");
}

#[test]
fn chain_failed_at_each_link() {
    let failures = [
        ChainError::new(
            LinkId::IdpSignIn,
            "the IdP handed out an ID token that has already expired",
            "check this computer's clock; if it is right, the IdP's token lifetime is misconfigured",
        ),
        ChainError::new(
            LinkId::BridgeRole,
            "STS refused the IdP's token (InvalidIdentityToken): Incorrect token audience",
            "the IAM OIDC provider for https://acme.okta.com/oauth2/default must list [tip] client_id centry-demo as a client ID (audience)",
        ),
        ChainError::new(
            LinkId::TokenExchange,
            "Identity Center refused the exchange (InvalidGrantException): The assertion's aud acme-reports is not an audience application Acme Analytics Portal accepts from Acme Okta (accepted: centry-demo)",
            "[tip] client_id acme-reports is not an audience the application accepts from this issuer",
        ),
        ChainError::new(
            LinkId::RoleSession,
            "STS refused the identity-enhanced session (AccessDenied): not authorized to perform sts:AssumeRole",
            "the trust policy of arn:aws:iam::801555981578:role/AnalyticsReader must allow the bridge role sts:AssumeRole and sts:SetContext",
        ),
    ];
    for (i, e) in failures.into_iter().enumerate() {
        let mut app = chain_app();
        feed(&mut app, i, Some(ChainEvent::Failed(e)));
        let screen = render::draw(&mut app, 120, 40);
        insta::assert_snapshot!(format!("tip_chain_failed_at_link_{}", i + 1), screen);
    }
}

#[test]
fn chain_without_settings_says_how_to_set_up() {
    let mut app = chain_app();
    app.views.tip.config = None;
    app.views.tip.on_config(Err(
        "/home/me/.config/centry/config.toml: [tip] bridge_role: `AcmeBridge` is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)".into(),
    ));
    insta::assert_snapshot!("tip_chain_not_configured", render::draw(&mut app, 120, 40));
}

/// The admin screen with data read from the emulator through the real service calls.
async fn admin_app() -> centry::tui::app::App {
    let emu = common::demo().await;
    let token = common::device_sign_in(&emu).await;
    let creds = common::role_credentials(&emu, &token, common::MGMT, "IdentityCenterAuditor").await;
    let svc = common::services(&emu).with_credentials(creds);
    let limiter = std::sync::Arc::new(centry::services::limiter::Limiter::identity_center());
    let apps = centry::services::tip_admin::load_applications(&svc, limiter.clone())
        .await
        .unwrap();
    let mut issuers = centry::services::tip_admin::load_issuers(&svc, limiter)
        .await
        .unwrap();
    // The issuer URL carries the emulator's random port: pin it for the snapshot.
    for t in &mut issuers {
        t.issuer_url = t
            .issuer_url
            .replace(&emu.endpoint_url(), "http://127.0.0.1:PORT");
    }
    let mut app = render::app(true);
    app.sh.session.admin = Some(AdminCredentials {
        label: "IdentityCenterAuditor @ 381492058412".into(),
        creds: centry::model::credentials::RoleCredentials {
            account_id: common::MGMT.into(),
            role_name: "IdentityCenterAuditor".into(),
            access_key_id: "ASIATEST".into(),
            secret_access_key: centry::model::secret::Secret::new("x"),
            session_token: centry::model::secret::Secret::new("y"),
            expiration: render::now() + Duration::hours(1),
        },
    });
    app.stack = vec![ScreenId::TipAdmin];
    app.views.tip_admin.on_apps(Ok(apps));
    app.views.tip_admin.on_issuers(Ok(issuers));
    app
}

#[tokio::test]
async fn token_exchange_applications_and_issuers() {
    let mut app = admin_app().await;
    let i = app
        .views
        .tip_admin
        .apps
        .as_ref()
        .unwrap()
        .iter()
        .position(|a| a.name == "Acme Analytics Portal")
        .unwrap();
    app.views.tip_admin.list.selected = i;
    let screen = render::draw(&mut app, 140, 40);
    insta::assert_snapshot!("tip_admin_application", screen);
    let q = app
        .views
        .tip_admin
        .apps
        .as_ref()
        .unwrap()
        .iter()
        .position(|a| a.name == "Amazon Q Developer")
        .unwrap();
    app.views.tip_admin.list.selected = q;
    insta::assert_snapshot!("tip_admin_aws_managed", render::draw(&mut app, 140, 40));
    app.update(centry::tui::action::Action::Command(
        centry::tui::command::Command::ToggleIssuers,
    ));
    insta::assert_snapshot!("tip_admin_issuers", render::draw(&mut app, 140, 40));
}

#[test]
fn token_exchange_without_admin_credentials_says_what_to_do() {
    let mut app = render::app(true);
    app.stack = vec![ScreenId::TipAdmin];
    let screen = format!("{:?}", render::draw(&mut app, 120, 20));
    assert!(
        screen.contains("pick a role with admin access (a on a role)"),
        "{screen}"
    );
}
