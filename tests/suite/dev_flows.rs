//! The developer console headless against the emulator: sign-in, streamed listing, a role,
//! and what happens when the sign-in expires mid-listing, when AWS throttles hard, and when
//! the listing is refreshed while a cached one is on screen.

use std::time::Duration;

use centry::emulator::EmulatorConfig;
use centry::services::ErrorKind;
use centry::tui::command::Command;
use centry::tui::overlay::Overlay;
use centry::tui::shared::ScreenId;

use crate::common::{self, headless::Headless};

fn sandbox() -> tempfile::TempDir {
    // Token and listing caches go under the sandbox for every headless test (process-wide).
    let dir = tempfile::tempdir().unwrap();
    centry::paths::sandbox(
        std::env::temp_dir().join(format!("centry-suite-{}", std::process::id())),
    );
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_signs_in_lists_and_opens_a_role_with_admin_credentials_picked() {
    let _s = sandbox();
    let emu = common::demo().await;
    let mut h = Headless::new(&emu, true);
    h.start();
    h.until("the listing", |a| {
        a.views
            .accounts
            .listing
            .as_ref()
            .is_some_and(|l| l.role_count() > 0)
            && a.views.accounts.loading.is_none()
    })
    .await;
    h.until("admin credentials", |a| a.sh.session.admin.is_some())
        .await;
    assert_eq!(h.app.sh.session.user.as_deref(), Some("jordan.lee"));
    assert_eq!(h.app.screen(), ScreenId::Accounts);
    h.app.views.accounts.filter.text = "network netadmin".into();
    h.app.views.accounts.refilter();
    assert_eq!(h.app.views.accounts.visible.len(), 1);
    h.press(Command::Open);
    assert_eq!(h.app.screen(), ScreenId::Role);
    h.until("credentials", |a| a.views.role.creds.is_some())
        .await;
    h.press(Command::CopyEnv);
    assert!(
        matches!(h.performed.last(), Some(centry::tui::effect::Effect::Copy(t)) if t.text.contains("export AWS_SESSION_TOKEN="))
    );
    h.press(Command::Back);
    assert_eq!(h.app.screen(), ScreenId::Accounts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_expiring_mid_listing_prompts_again_and_keeps_the_listing() {
    let _s = sandbox();
    let org = centry::emulator::generate::generate(
        &"accounts=120,users=50,groups=5,permission-sets=6,seed=3"
            .parse()
            .unwrap(),
    );
    let emu = common::with(org, |c: &mut EmulatorConfig| {
        c.settings.auto_approve = Some("dev.user".into());
        c.settings.auto_approve_delay_ms = 10;
        c.settings.token_ttl = 3;
        c.faults.latency_ms = 120;
    })
    .await;
    let mut h = Headless::new(&emu, false);
    h.start();
    h.until("some accounts", |a| a.views.accounts.rows.len() > 10)
        .await;
    h.until("the listing to end", |a| a.views.accounts.loading.is_none())
        .await;
    let err = h.app.views.accounts.error.clone().unwrap_or_else(|| {
        panic!(
            "the listing failed when the token expired; log: {:?}, rows {}",
            h.app.sh.log,
            h.app.views.accounts.rows.len()
        )
    });
    assert_eq!(err.kind, ErrorKind::SignInExpired);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Error { .. })),
        "a modal asks to sign in again"
    );
    assert!(
        h.app.views.accounts.rows.len() > 10,
        "what was listed stays on screen"
    );
    assert!(h.app.sh.session.token.is_none());
    h.press(Command::SignIn);
    assert_eq!(h.app.screen(), ScreenId::SignIn);
    h.until("signed in again", |a| a.sh.session.token.is_some())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_storm_never_reaches_the_user_and_the_pace_stays_near_the_limit() {
    let _s = sandbox();
    let org = centry::emulator::generate::generate(
        &"accounts=150,users=40,groups=4,permission-sets=6,seed=5"
            .parse()
            .unwrap(),
    );
    let emu = common::with(org, |c: &mut EmulatorConfig| {
        c.settings.auto_approve = Some("dev.user".into());
        c.settings.auto_approve_delay_ms = 10;
        c.faults.rate_limit = Some(25.0);
        c.faults.throttle_rate = 0.15;
    })
    .await;
    let token = common::device_sign_in(&emu).await;
    emu.emu().faults.clear_hits();
    let svc = common::services(&emu);
    let limiter = std::sync::Arc::new(centry::services::limiter::Limiter::identity_center());
    let listing = centry::services::portal::list_accounts_and_roles(
        &svc,
        limiter.clone(),
        &centry::model::secret::Secret::new(token),
        |_| {},
        Default::default(),
    )
    .await
    .expect("the listing completes despite throttling");
    assert_eq!(listing.accounts.len(), 150);
    assert!(
        listing
            .accounts
            .values()
            .all(|a| a.roles.as_ref().is_some_and(|r| r.len() == 3)),
        "every account has its 3 roles"
    );
    let hits = emu.emu().faults.hits();
    let throttled = hits.iter().filter(|h| h.throttled).count();
    assert!(throttled > 0, "the storm happened");
    // Requests per one-second window at the server: paced near the limit, never a burst of
    // everything at once (a naive client would send its 300 requests in well under a second).
    let start = hits[0].at;
    let mut per_second = std::collections::BTreeMap::<u64, usize>::new();
    for h in &hits {
        *per_second
            .entry(h.at.duration_since(start).as_secs())
            .or_default() += 1;
    }
    let peak = per_second.values().copied().max().unwrap_or(0);
    assert!(
        peak <= 45,
        "peak {peak} requests in a second against a 25 TPS limit: {per_second:?}"
    );
    assert!(limiter.stats().throttles > 0);
    let _ = Duration::from_secs(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_listing_shows_at_once_and_the_refresh_marks_what_changed() {
    let _s = sandbox();
    let emu = common::demo().await;
    // First run: list and cache.
    let mut h = Headless::new(&emu, false);
    h.start();
    h.until("the listing", |a| {
        a.views.accounts.loading.is_none()
            && a.views.accounts.listing.is_some()
            && !a.views.accounts.from_cache
    })
    .await;
    h.settle(Duration::from_millis(300)).await;
    // The administrator removes one of jordan.lee's direct grants.
    let admin = common::operator(&emu).sso_admin(true);
    let instance = "arn:aws:sso:::instance/ssoins-7223a8c1f5e4b903";
    let sets = admin
        .list_permission_sets_provisioned_to_account()
        .instance_arn(instance)
        .account_id(common::MGMT)
        .send()
        .await
        .unwrap();
    let mut auditor = None;
    for ps in sets.permission_sets() {
        let d = admin
            .describe_permission_set()
            .instance_arn(instance)
            .permission_set_arn(ps)
            .send()
            .await
            .unwrap();
        if d.permission_set().and_then(|p| p.name()) == Some("IdentityCenterAuditor") {
            auditor = Some(ps.clone());
        }
    }
    let auditor = auditor.expect("IdentityCenterAuditor is provisioned to the management account");
    let uid = common::operator(&emu)
        .identity_store(true)
        .get_user_id()
        .identity_store_id("d-9067c3a2b1")
        .alternate_identifier(
            aws_sdk_identitystore::types::AlternateIdentifier::UniqueAttribute(
                aws_sdk_identitystore::types::UniqueAttribute::builder()
                    .attribute_path("UserName")
                    .attribute_value(aws_smithy_types::Document::String("jordan.lee".into()))
                    .build()
                    .unwrap(),
            ),
        )
        .send()
        .await
        .unwrap()
        .user_id()
        .to_string();
    admin
        .delete_account_assignment()
        .instance_arn(instance)
        .target_id(common::MGMT)
        .target_type(aws_sdk_ssoadmin::types::TargetType::AwsAccount)
        .permission_set_arn(&auditor)
        .principal_type(aws_sdk_ssoadmin::types::PrincipalType::User)
        .principal_id(&uid)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    // Second run: the cache shows at once, then the refresh marks the removal.
    let mut h2 = Headless::new(&emu, false);
    h2.start();
    h2.until("the cached listing", |a| a.views.accounts.from_cache)
        .await;
    assert!(
        h2.app
            .views
            .accounts
            .rows
            .iter()
            .any(|r| r.role.as_deref() == Some("IdentityCenterAuditor"))
    );
    h2.until("the revalidated listing", |a| {
        !a.views.accounts.from_cache && a.views.accounts.loading.is_none()
    })
    .await;
    let removed: Vec<_> = h2
        .app
        .views
        .accounts
        .rows
        .iter()
        .filter(|r| {
            r.change == centry::tui::dev::accounts::Change::Removed
                || r.role.as_deref() == Some("IdentityCenterAuditor")
        })
        .collect();
    assert!(
        !h2.app.views.accounts.diff.is_empty(),
        "the change is reported"
    );
    assert!(
        h2.app
            .views
            .accounts
            .diff
            .roles_removed
            .iter()
            .any(|(a, r)| a == common::MGMT && r == "IdentityCenterAuditor")
            || h2.app.views.accounts.diff.removed.contains(common::MGMT),
        "{:?}",
        h2.app.views.accounts.diff
    );
    let _ = removed;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_is_refreshed_ahead_of_expiry_without_interrupting_anything() {
    let _s = sandbox();
    let emu = common::with(centry::emulator::Org::demo(), |c: &mut EmulatorConfig| {
        c.settings.auto_approve = Some("jordan.lee".into());
        c.settings.auto_approve_delay_ms = 10;
        c.settings.token_ttl = 4;
    })
    .await;
    let mut h = Headless::new(&emu, false);
    h.start();
    h.until("signed in", |a| a.sh.session.token.is_some()).await;
    let first = h.app.sh.session.token.as_ref().unwrap().expires_at;
    // Ticks drive the refresh; after half the (4 s) lifetime a new token arrives.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h
        .app
        .sh
        .session
        .token
        .as_ref()
        .is_none_or(|t| t.expires_at <= first)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "no refresh happened: {:?}",
            h.app.sh.log
        );
        h.apply(centry::tui::action::Action::Tick);
        h.settle(Duration::from_millis(250)).await;
    }
    assert_eq!(
        h.app.screen(),
        ScreenId::Accounts,
        "refreshing did not send the user back to sign-in"
    );
    assert!(
        h.app
            .sh
            .log
            .iter()
            .any(|l| l.contains("refreshed the sign-in"))
    );
    // The refreshed token works: list again.
    h.press(Command::Refresh);
    h.until("a listing with the new token", |a| {
        a.views.accounts.loading.is_none()
            && a.views.accounts.error.is_none()
            && a.views.accounts.listing.is_some()
    })
    .await;
}
