//! Trusted identity propagation with the real binary: `centry emulator serve` in the
//! background, `centry tip config --demo`, `centry tip login` in a real terminal (tmux) with a
//! "browser" that follows the IdP's redirect to the loopback listener, and the AWS CLI using
//! `credential_process = centry tip creds` to call `sts get-caller-identity` as the person.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common::tmux::{Tmux, centry_bin};

/// `centry emulator serve` as a child process, stopped (by its own pid) when dropped.
struct Served {
    child: Child,
    endpoint: String,
}

impl Served {
    fn start() -> Served {
        let mut child = Command::new(centry_bin())
            .args(["emulator", "serve", "--auto-approve", "jordan.lee"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("centry emulator serve starts");
        let out = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(out).lines();
        let endpoint = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                l.strip_prefix("export AWS_ENDPOINT_URL=")
                    .map(str::to_string)
            })
            .expect("the emulator prints its endpoint");
        // Keep reading, so the server never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Served { child, endpoint }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A "browser" that follows the authorization URL's redirects to the loopback listener.
fn browser(dir: &Path) -> String {
    let path = dir.join("browser.sh");
    std::fs::write(
        &path,
        "#!/bin/sh\npython3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\" >/dev/null 2>&1 &\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

/// The environment that keeps centry's files and the AWS CLI's in `dir`.
fn env(dir: &Path) -> Vec<(String, String)> {
    let d = |s: &str| dir.join(s).display().to_string();
    vec![
        ("HOME".into(), d("home")),
        ("CENTRY_CONFIG_DIR".into(), d("config")),
        ("CENTRY_CACHE_DIR".into(), d("cache")),
        ("CENTRY_DATA_DIR".into(), d("data")),
        ("BROWSER".into(), browser(dir)),
        ("NO_COLOR".into(), "1".into()),
    ]
}

fn centry(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(centry_bin())
        .args(args)
        .envs(env(dir))
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("centry runs")
}

fn configure(dir: &Path, served: &Served) {
    let out = centry(
        dir,
        &[
            "--endpoint-url",
            &served.endpoint,
            "tip",
            "config",
            "--demo",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tip_login_in_a_terminal_shows_the_chain_link_by_link() {
    if !crate::common::tmux::usable() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start();
    configure(dir.path(), &served);
    let env = env(dir.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start(
        &[
            "sh",
            "-c",
            &format!("{} tip login; echo EXIT=$?; sleep 30", centry_bin()),
        ],
        &env,
        160,
        30,
    );
    let s = t.wait_for("EXIT=");
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(s.contains("Sign in at the IdP"), "{s}");
    for n in 1..=4 {
        assert!(s.contains(&format!("✓ {n}.")), "link {n} is shown:\n{s}");
    }
    assert!(
        s.contains("jordan.lee@acme.example (subject 00u9G9jWY12IKpIUwldm)"),
        "{s}"
    );
    assert!(
        s.contains("user 93db090b-48bc-4bb5-b725-ba34f8077468"),
        "{s}"
    );
    assert!(
        s.contains("assumed-role/AnalyticsReader/jordan.lee@acme.example"),
        "{s}"
    );

    let status = centry(dir.path(), &["tip", "status"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert_eq!(text.lines().count(), 5, "a header and four links:\n{text}");
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

#[test]
fn the_aws_cli_calls_sts_as_the_person_through_credential_process() {
    if !on_path("aws") {
        assert!(
            std::env::var_os("CENTRY_REQUIRE_AWSCLI").is_none(),
            "CENTRY_REQUIRE_AWSCLI is set but the AWS CLI is not on PATH"
        );
        eprintln!(
            "AWS CLI test skipped: the AWS CLI is not on PATH (pip install awscli; .ci/run does)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start();
    configure(dir.path(), &served);
    let login = centry(dir.path(), &["tip", "login"]);
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let aws_config = dir.path().join("aws-config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile tip]\ncredential_process = {} tip creds\nregion = us-east-1\n",
            centry_bin()
        ),
    )
    .unwrap();
    let out = Command::new("aws")
        .args([
            "sts",
            "get-caller-identity",
            "--profile",
            "tip",
            "--output",
            "json",
        ])
        .envs(env(dir.path()))
        .env("AWS_CONFIG_FILE", &aws_config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("AWS_ENDPOINT_URL", &served.endpoint)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("aws runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        v["Arn"],
        "arn:aws:sts::801555981578:assumed-role/AnalyticsReader/jordan.lee@acme.example"
    );
    assert_eq!(v["Account"], "801555981578");
}

#[test]
fn demo_chain_screen_fills_in_link_by_link_after_signing_in_at_the_idp() {
    if !crate::common::tmux::usable() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().to_str().unwrap();
    let t = Tmux::start(
        &[centry_bin(), "--demo"],
        &[("HOME", h), ("NO_COLOR", "1")],
        130,
        40,
    );
    t.wait_until("the demo signed in", |s| {
        s.contains("session 7h") && s.contains("admin:")
    });
    t.keys(&["7"]);
    let s = t.wait_for("not signed in to the IdP");
    assert!(s.contains("press s to sign in at the IdP"), "{s}");
    assert!(
        s.contains("· 2  bridge role"),
        "later links are not reached:\n{s}"
    );
    t.keys(&["s"]);
    let s = t.wait_for("✓ 4");
    for needle in [
        "✓ 1  IdP sign-in",
        "jordan.lee@acme.example   subject 00u9G9jWY12IKpIUwldm",
        "✓ 3  Identity Center token",
        "user 93db090b-48bc-4bb5-b725-ba34f8077468   in arn:aws:identitystore::381492058412:identitystore/d-9067c3a2b1",
        "assumed-role/AnalyticsReader/jordan.lee@acme.example",
    ] {
        assert!(
            s.contains(needle),
            "{needle:?} is on the chain screen:\n{s}"
        );
    }
    t.keys(&["8"]);
    let s = t.wait_for("Acme Analytics Portal JWT bearer");
    assert!(s.contains("Who may exchange tokens for it"), "{s}");

    // The security console shows the exchange, attributed to the person.
    t.keys(&["6", "/"]);
    t.type_text("user:jordan.lee");
    t.keys(&["Enter"]);
    t.wait_until("the token exchange, as Jordan Lee", |s| {
        s.lines()
            .any(|l| l.contains("Jordan Lee") && l.contains("CreateTokenWithIAM"))
    });
}
