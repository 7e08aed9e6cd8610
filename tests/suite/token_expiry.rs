//! An access token that expires in the middle of a listing, while its refresh token is still
//! good: the CLI refreshes it and lists again once, instead of failing.

use std::process::Command;
use std::time::Duration;

use crate::common;

#[test]
fn a_token_expiring_mid_listing_is_refreshed_and_the_listing_retried() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(common::demo());
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[sso-session acme]\nsso_start_url = {}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
            emu.start_url()
        ),
    )
    .unwrap();
    let centry = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_centry"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CONFIG_FILE")
            .env("AWS_ENDPOINT_URL", emu.endpoint_url())
            .env("CENTRY_CACHE_DIR", home.path().join("centry-cache"))
            .env("CENTRY_DATA_DIR", home.path().join("centry-data"))
            .env("CENTRY_CONFIG_DIR", home.path().join("centry-config"))
            .output()
            .unwrap()
    };
    let login = centry(&[
        "login",
        "--sso-session",
        "acme",
        "--device-code",
        "--no-browser",
    ]);
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let before = centry(&["accounts", "--sso-session", "acme", "--json"]);
    assert!(before.status.success());
    let all = String::from_utf8_lossy(&before.stdout).lines().count();
    // A slow, finely paged portal, and the signed-in token's life cut to about a second: the
    // listing outlives it (the cached file still says hours, so centry starts with it).
    {
        let mut st = emu.emu().state();
        st.settings.page_cap = Some(1);
        let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(1);
        for t in st.tokens.values_mut() {
            t.expires = soon;
        }
    }
    emu.emu().faults.set(centry::emulator::faults::FaultConfig {
        latency_ms: 60,
        ..Default::default()
    });
    let out = centry(&["accounts", "--sso-session", "acme", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let accounts = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(accounts, all, "every account is listed");
    let refreshed = emu
        .emu()
        .state()
        .tokens
        .values()
        .filter(|t| t.expires > time::OffsetDateTime::now_utc() + Duration::from_secs(600))
        .count();
    assert!(refreshed >= 1, "a new token was issued by refreshing");
}
