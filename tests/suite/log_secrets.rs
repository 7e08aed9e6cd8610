//! No log level writes a secret: a real sign-in, listing and role credentials against the
//! emulator at every `CENTRY_LOG` level from `error` to `trace`, then every secret the run
//! produced (access and refresh tokens, the client secret, role keys and session token: the
//! canaries) is looked for in `centry.log`.

use std::path::Path;

use crate::common;
use crate::user_files::{Env, text};

/// Every secret value in the token cache files and in `creds` output.
fn canaries(e: &Env, creds: &str) -> Vec<String> {
    let mut found = Vec::new();
    let cache = e.home.path().join(".aws/sso/cache");
    for f in std::fs::read_dir(&cache).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for k in ["accessToken", "refreshToken", "clientSecret"] {
            if let Some(s) = v[k].as_str() {
                found.push(s.to_string());
            }
        }
    }
    let v: serde_json::Value = serde_json::from_str(creds).unwrap();
    for k in ["SecretAccessKey", "SessionToken"] {
        found.push(v[k].as_str().unwrap().to_string());
    }
    found
}

#[test]
fn no_level_logs_a_token_or_a_key() {
    for level in ["error", "warn", "info", "debug", "trace"] {
        let e = Env::new(|_| {});
        std::fs::write(e.config(), e.session_section("\n")).unwrap();
        let log = e.home.path().join("centry.log");
        let with_log = |args: &[&str]| {
            let out = e.run(
                env!("CARGO_BIN_EXE_centry"),
                args,
                &[("CENTRY_LOG", Path::new(level)), ("CENTRY_LOG_FILE", &log)],
            );
            assert!(out.status.success(), "{args:?} at {level}: {}", text(&out));
            String::from_utf8(out.stdout).unwrap()
        };
        with_log(&[
            "login",
            "--sso-session",
            "acme",
            "--device-code",
            "--no-browser",
        ]);
        with_log(&["accounts", "--sso-session", "acme"]);
        let creds = with_log(&[
            "creds",
            "--sso-session",
            "acme",
            "--account",
            common::MGMT,
            "--role",
            "IdentityCenterAuditor",
            "--format",
            "credential-process",
            "--no-cache",
        ]);
        let written = std::fs::read_to_string(&log).unwrap_or_default();
        if level == "trace" {
            assert!(
                written.len() > 10_000,
                "trace logs the calls: {}",
                written.len()
            );
        }
        let secrets = canaries(&e, &creds);
        assert!(secrets.len() >= 4, "{secrets:?}");
        for s in secrets {
            assert!(
                !written.contains(&s),
                "CENTRY_LOG={level} logs a secret ({}…):\n{}",
                &s[..8.min(s.len())],
                written
                    .lines()
                    .filter(|l| l.contains(&s))
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}
