//! Bursts of `credential_process` runs, as the AWS CLI and SDKs start them in parallel: twenty
//! cold `centry creds --format credential-process` processes for one role make exactly one
//! GetRoleCredentials call between them and all succeed with the same credentials, also when
//! the portal is rate-limited to one request per second.

use std::process::{Command, Output};

use centry::emulator::faults::{FaultConfig, Service};

use crate::common::{self, MGMT};

const RUNS: usize = 20;

fn centry(home: &std::path::Path, endpoint: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_centry"));
    cmd.args(args)
        .env("HOME", home)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONFIG_FILE")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("CENTRY_CACHE_DIR", home.join("centry-cache"))
        .env("CENTRY_DATA_DIR", home.join("centry-data"))
        .env("CENTRY_CONFIG_DIR", home.join("centry-config"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Twenty parallel runs after a fresh login: their outputs and the portal requests they made
/// (those the emulator served, those it throttled).
fn burst(rate_limited: bool) -> (Vec<Output>, usize, usize) {
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
    let url = emu.endpoint_url();
    let login = centry(
        home.path(),
        &url,
        &[
            "login",
            "--sso-session",
            "acme",
            "--device-code",
            "--no-browser",
        ],
    )
    .output()
    .unwrap();
    assert!(login.status.success(), "{}", text(&login));
    let faults = &emu.emu().faults;
    if rate_limited {
        let mut config = FaultConfig::default();
        config.parse_rate_limit("portal=1").unwrap();
        faults.set(config);
    }
    faults.clear_hits();
    let args = [
        "creds",
        "--sso-session",
        "acme",
        "--account",
        MGMT,
        "--role",
        "IdentityCenterAuditor",
        "--format",
        "credential-process",
    ];
    let children: Vec<_> = (0..RUNS)
        .map(|_| {
            centry(home.path(), &url, &args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let portal: Vec<_> = faults
        .hits()
        .into_iter()
        .filter(|h| h.service == Service::Portal)
        .collect();
    let served = portal.iter().filter(|h| !h.throttled).count();
    (outputs, served, portal.len() - served)
}

fn assert_one_fetch_for_all(rate_limited: bool) {
    let (outputs, served, throttled) = burst(rate_limited);
    let failed: Vec<String> = outputs
        .iter()
        .filter(|o| !o.status.success())
        .map(text)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {RUNS} failed: {failed:?}",
        failed.len()
    );
    assert_eq!(served, 1, "one GetRoleCredentials for {RUNS} runs");
    assert_eq!(throttled, 0, "no run was throttled");
    let keys: std::collections::BTreeSet<String> = outputs
        .iter()
        .map(|o| {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            v["AccessKeyId"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(keys.len(), 1, "every run hands out the same credentials");
}

#[test]
fn a_burst_of_credential_processes_makes_one_fetch() {
    assert_one_fetch_for_all(false);
}

#[test]
fn a_burst_under_a_portal_rate_limit_all_succeed() {
    assert_one_fetch_for_all(true);
}
