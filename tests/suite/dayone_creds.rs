//! Everything centry hands out works in the AWS CLI as it is (issue 12): `creds --format env`
//! evaluated in a shell, `exec`, and the console's `x` shell, each running
//! `aws sts get-caller-identity` against the emulator with no AWS settings of its own.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common::tmux::{Tmux, centry_bin};
use crate::common::{self, MGMT};

/// The AWS CLI: the CI venv's when there is one, else `aws` on PATH; `None` (skip, with a
/// notice) when neither exists, unless `CENTRY_REQUIRE_AWSCLI` is set.
fn aws_cli() -> Option<PathBuf> {
    let venv = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/centry-ci/venv/bin/aws"))
        .filter(|p| p.is_file());
    let found = venv.or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("aws"))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CENTRY_REQUIRE_AWSCLI").is_none(),
            "CENTRY_REQUIRE_AWSCLI is set but the AWS CLI is missing"
        );
        eprintln!("skipped: the AWS CLI is not installed");
    }
    found
}

/// A shell command line's environment with no AWS settings and a fresh home.
fn clean(cmd: &mut Command, home: &std::path::Path, aws: &std::path::Path) {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let path = format!(
        "{}:{}",
        aws.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("HOME", home)
        .env("PATH", path)
        .env("CENTRY_CACHE_DIR", home.join("centry-cache"))
        .env("CENTRY_DATA_DIR", home.join("centry-data"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn creds_env_lines_and_exec_work_in_the_aws_cli_as_they_are() {
    let Some(aws) = aws_cli() else { return };
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
    let centry = |args: &[&str]| {
        let mut c = Command::new(centry_bin());
        clean(&mut c, home.path(), &aws);
        c.arg("--endpoint-url").arg(&url).args(args);
        c.output().unwrap()
    };
    let login = centry(&[
        "login",
        "--sso-session",
        "acme",
        "--device-code",
        "--no-browser",
    ]);
    assert!(login.status.success(), "{}", text(&login));

    let role = [
        "--sso-session",
        "acme",
        "--account",
        MGMT,
        "--role",
        "IdentityCenterAuditor",
    ];
    let env_lines = centry(&[&["creds"][..], &role, &["--format", "env"]].concat());
    assert!(env_lines.status.success(), "{}", text(&env_lines));
    let lines = String::from_utf8_lossy(&env_lines.stdout).into_owned();
    for var in ["AWS_REGION=", "AWS_DEFAULT_REGION=", "AWS_ENDPOINT_URL="] {
        assert!(lines.contains(&format!("export {var}")), "{var}:\n{lines}");
    }
    let mut sh = Command::new("sh");
    clean(&mut sh, home.path(), &aws);
    let evald = sh
        .arg("-c")
        .arg(format!(
            "{lines}\naws sts get-caller-identity --output json"
        ))
        .output()
        .unwrap();
    assert!(
        evald.status.success(),
        "eval'd export lines:\n{}",
        text(&evald)
    );
    assert!(text(&evald).contains(MGMT), "{}", text(&evald));

    let exec = centry(
        &[
            &["exec"][..],
            &role,
            &[
                "--",
                "aws",
                "sts",
                "get-caller-identity",
                "--output",
                "json",
            ],
        ]
        .concat(),
    );
    assert!(exec.status.success(), "centry exec:\n{}", text(&exec));
    assert!(text(&exec).contains(MGMT), "{}", text(&exec));
}

#[test]
fn the_consoles_role_shell_works_in_the_aws_cli_as_it_is() {
    let Some(aws) = aws_cli() else { return };
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap();
    let path = format!(
        "{}:{}",
        aws.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let t = Tmux::start(
        &[centry_bin(), "--demo"],
        &[
            ("HOME", h),
            ("NO_COLOR", "1"),
            ("SHELL", "/bin/sh"),
            ("PATH", &path),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
        120,
        40,
    );
    t.wait_until("the listing", |s| {
        s.contains("IdentityCenterAuditor") && s.contains("network") && !s.contains("listing ")
    });
    t.keys(&["Enter"]);
    t.wait_for("Secret access key");
    t.keys(&["x"]);
    t.wait_for("exit to return");
    t.type_text("aws sts get-caller-identity --query Account --output text; echo rc=$?");
    t.keys(&["Enter"]);
    let s = t.wait_until("the call's outcome", |s| {
        s.lines().any(|l| l.starts_with("rc="))
    });
    assert!(s.lines().any(|l| l == "rc=0"), "the call succeeded:\n{s}");
    assert!(
        s.lines().any(|l| l.trim() == MGMT),
        "the emulator answered with the role's account:\n{s}"
    );
}

#[test]
fn accounts_are_named_by_id_or_name_and_unknown_ones_name_the_closest() {
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
    let centry = |args: &[&str]| {
        let mut c = Command::new(centry_bin());
        c.env("HOME", home.path())
            .env("CENTRY_CACHE_DIR", home.path().join("centry-cache"))
            .env("CENTRY_DATA_DIR", home.path().join("centry-data"))
            .env_remove("AWS_PROFILE")
            .arg("--endpoint-url")
            .arg(&url)
            .args(["--sso-session", "acme"])
            .args(args);
        c.output().unwrap()
    };
    let login = centry(&["login", "--device-code", "--no-browser"]);
    assert!(login.status.success(), "{}", text(&login));

    let by_name = centry(&["roles", "platform-dev", "--csv"]);
    assert!(by_name.status.success(), "{}", text(&by_name));
    let out = String::from_utf8_lossy(&by_name.stdout);
    assert!(out.contains("622874654824,DeveloperAccess"), "{out}");

    let typo = centry(&["roles", "platfrom-dev"]);
    assert!(!typo.status.success(), "an unknown account fails");
    assert!(
        text(&typo).contains("no account platfrom-dev — closest: platform-dev (622874654824)"),
        "{}",
        text(&typo)
    );
    let unknown_id = centry(&["roles", "999999999999"]);
    assert!(!unknown_id.status.success());
    assert!(
        text(&unknown_id).contains("no account 999999999999"),
        "{}",
        text(&unknown_id)
    );

    let creds = centry(&[
        "creds",
        "--account",
        "acme-management",
        "--role",
        "IdentityCenterAuditor",
        "--format",
        "json",
    ]);
    assert!(creds.status.success(), "{}", text(&creds));
    let v: serde_json::Value = serde_json::from_slice(&creds.stdout).unwrap();
    assert_eq!(v["accountId"], MGMT);
}
