//! Shared test helpers: start the emulator in-process, build services pointed at it, and
//! sign in through the real OAuth flows over HTTP.

#![allow(dead_code)]

pub mod headless;
pub mod render;
pub mod tmux;
pub mod trail;

use aws_credential_types::Credentials;
use centry::emulator::{Emulator, EmulatorConfig, Org};
use centry::services::{Endpoint, Services};

static INSTANCE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A start URL unique to this emulator, so tests running in parallel never share token or
/// listing caches (centry keys them by start URL and session).
fn unique_start_url(org: &mut Org) {
    let n = INSTANCE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    org.instance.start_url = format!("https://acme-{}-{n}.awsapps.com/start", std::process::id());
}

/// Start the demo organisation with auto-approval as `jordan.lee` (fast).
pub async fn demo() -> Emulator {
    let mut cfg = EmulatorConfig::demo();
    unique_start_url(&mut cfg.org);
    cfg.settings.auto_approve = Some("jordan.lee".into());
    cfg.settings.auto_approve_delay_ms = 50;
    Emulator::start(cfg).await.expect("emulator starts")
}

/// Start an emulator with a custom configuration tweak.
pub async fn with(org: Org, tweak: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut cfg = EmulatorConfig::demo();
    cfg.org = org;
    unique_start_url(&mut cfg.org);
    tweak(&mut cfg);
    Emulator::start(cfg).await.expect("emulator starts")
}

/// Services pointed at the emulator, without credentials.
pub fn services(emu: &Emulator) -> Services {
    Services::new(Endpoint {
        url: Some(emu.endpoint_url()),
        sso_region: emu.region(),
        region: None,
    })
}

/// Services pointed at the emulator with its operator credentials.
pub fn operator(emu: &Emulator) -> Services {
    let (id, secret) = emu.operator_credentials();
    services(emu).with_credentials(Credentials::new(
        id,
        secret,
        None,
        None,
        "emulator-operator",
    ))
}

/// Sign in with the device flow as whoever the emulator auto-approves; returns the access token.
pub async fn device_sign_in(emu: &Emulator) -> String {
    let oidc = services(emu).oidc();
    let reg = oidc
        .register_client()
        .client_name("centry-test")
        .client_type("public")
        .scopes("sso:account:access")
        .scopes("codewhisperer:completions")
        .send()
        .await
        .expect("register");
    let dev = oidc
        .start_device_authorization()
        .client_id(reg.client_id().unwrap())
        .client_secret(reg.client_secret().unwrap())
        .start_url(emu.start_url())
        .send()
        .await
        .expect("device authorization");
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let r = oidc
            .create_token()
            .client_id(reg.client_id().unwrap())
            .client_secret(reg.client_secret().unwrap())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(dev.device_code().unwrap())
            .send()
            .await;
        match r {
            Ok(t) => return t.access_token().unwrap().to_string(),
            Err(e) => {
                let se = e.into_service_error();
                assert!(
                    se.is_authorization_pending_exception() || se.is_slow_down_exception(),
                    "unexpected error while polling: {se:?}"
                );
            }
        }
    }
    panic!("device sign-in was never approved");
}

/// Role credentials for an account and role, through the portal.
pub async fn role_credentials(
    emu: &Emulator,
    token: &str,
    account: &str,
    role: &str,
) -> Credentials {
    let out = services(emu)
        .sso(true)
        .get_role_credentials()
        .access_token(token)
        .account_id(account)
        .role_name(role)
        .send()
        .await
        .expect("role credentials");
    let c = out.role_credentials().unwrap();
    Credentials::new(
        c.access_key_id().unwrap(),
        c.secret_access_key().unwrap(),
        c.session_token().map(str::to_string),
        None,
        "portal",
    )
}

/// The management (Identity Center) account of the demo organisation.
pub const MGMT: &str = "381492058412";
