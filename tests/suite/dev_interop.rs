//! The developer commands as separate processes, sharing files with the AWS CLI: a centry
//! login serves the AWS CLI's SSO profiles, an AWS CLI-format cache serves centry, and
//! `centry creds --format credential-process` works as `credential_process`. Also the clear
//! errors for corrupt caches and configs, which are left as they were.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{self, MGMT};

struct Env {
    _rt: tokio::runtime::Runtime,
    emu: centry::emulator::Emulator,
    home: tempfile::TempDir,
}

fn env() -> Env {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(common::demo());
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    let config = format!(
        "[sso-session acme]\nsso_start_url = {url}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n\
         [profile audit]\nsso_session = acme\nsso_account_id = {MGMT}\nsso_role_name = IdentityCenterAuditor\nregion = us-east-1\n\n\
         [profile cp]\ncredential_process = {bin} creds --sso-session acme --account {MGMT} --role IdentityCenterAuditor --format credential-process\nregion = us-east-1\n",
        url = emu.start_url(),
        bin = env!("CARGO_BIN_EXE_centry"),
    );
    std::fs::write(home.path().join(".aws/config"), config).unwrap();
    Env { _rt: rt, emu, home }
}

impl Env {
    fn run(&self, program: &str, args: &[&str]) -> Output {
        self.run_with(program, args, &[])
    }

    /// Run with extra environment variables.
    fn run_with(&self, program: &str, args: &[&str], extra: &[(&str, &Path)]) -> Output {
        Command::new(program)
            .args(args)
            .envs(extra.iter().map(|(k, v)| (*k, *v)))
            .env("HOME", self.home.path())
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CONFIG_FILE")
            .env("AWS_ENDPOINT_URL", self.emu.endpoint_url())
            .env("CENTRY_CACHE_DIR", self.home.path().join("centry-cache"))
            .env("CENTRY_DATA_DIR", self.home.path().join("centry-data"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"))
    }

    fn centry(&self, args: &[&str]) -> Output {
        self.run(env!("CARGO_BIN_EXE_centry"), args)
    }

    /// `centry login` to the `acme` session with the device code the emulator approves.
    fn login(&self) -> Output {
        self.centry(&[
            "login",
            "--sso-session",
            "acme",
            "--device-code",
            "--no-browser",
        ])
    }

    fn token_file(&self) -> std::path::PathBuf {
        // SHA-1 of the sso-session name, as the AWS CLI names it.
        self.home
            .path()
            .join(".aws/sso/cache")
            .join(centry::services::token_cache::CacheKey::Session("acme".into()).file_name())
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn aws_available() -> bool {
    let ok = Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CENTRY_REQUIRE_AWSCLI").is_none(),
            "CENTRY_REQUIRE_AWSCLI is set but the AWS CLI is missing"
        );
        eprintln!("interop with the AWS CLI skipped: aws is not installed");
    }
    ok
}

#[test]
fn a_centry_login_serves_the_aws_cli_and_credential_process() {
    let e = env();
    let out = e.login();
    assert!(out.status.success(), "{}", text(&out));
    let token = e.token_file();
    assert!(
        token.exists(),
        "the token is cached where the AWS CLI looks"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&token).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let status = e.centry(&["status", "--sso-session", "acme", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["state"], "signed-in");
    let accounts = e.centry(&["accounts", "--sso-session", "acme", "--json"]);
    assert!(accounts.status.success(), "{}", text(&accounts));
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&accounts.stdout)
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    for key in ["accountId", "accountName", "emailAddress", "roles"] {
        assert!(
            first.get(key).is_some(),
            "accounts --json has {key}: {first}"
        );
    }
    let roles = e.centry(&["roles", MGMT, "--sso-session", "acme", "--json"]);
    let r: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&roles.stdout)
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(r["accountId"], MGMT);
    assert_eq!(r["roleName"], "IdentityCenterAuditor");
    if !aws_available() {
        return;
    }
    let who = e.run(
        "aws",
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "audit",
            "--output",
            "json",
        ],
    );
    assert!(
        who.status.success(),
        "the AWS CLI used centry's cached token: {}",
        text(&who)
    );
    let v: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    assert!(
        v["Arn"]
            .as_str()
            .unwrap()
            .contains("AWSReservedSSO_IdentityCenterAuditor_"),
        "{v}"
    );
    let who = e.run(
        "aws",
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "cp",
            "--output",
            "json",
        ],
    );
    assert!(
        who.status.success(),
        "credential_process works: {}",
        text(&who)
    );
    let v: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    assert_eq!(v["Account"], MGMT);
}

#[test]
fn a_token_cached_in_the_aws_cli_format_serves_centry() {
    let e = env();
    // A real token, written the way the AWS CLI's SSO token fetcher writes it.
    let access = e._rt.block_on(common::device_sign_in(&e.emu));
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let body = format!(
        "{{\"startUrl\": \"{}\", \"region\": \"us-east-1\", \"accessToken\": \"{access}\", \"expiresAt\": \"{}\"}}",
        e.emu.start_url(),
        centry::emulator::wire::iso_s(expires)
    );
    std::fs::create_dir_all(e.token_file().parent().unwrap()).unwrap();
    std::fs::write(e.token_file(), body).unwrap();
    let out = e.centry(&["accounts", "--sso-session", "acme", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"accountId\":\"381492058412\""));
}

#[test]
fn corrupt_token_caches_and_configs_get_clear_errors_and_are_left_alone() {
    let e = env();
    std::fs::create_dir_all(e.token_file().parent().unwrap()).unwrap();
    std::fs::write(e.token_file(), "{\"accessToken\": tru").unwrap();
    let out = e.centry(&["accounts", "--sso-session", "acme"]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains("not a valid token cache file") && msg.contains("left as it is"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read_to_string(e.token_file()).unwrap(),
        "{\"accessToken\": tru"
    );
    assert!(!msg.contains("panicked"), "{msg}");

    let config = e.home.path().join(".aws/config");
    let broken = "[sso-session acme]\nsso_start_url = x\nthis line is not ini\n";
    std::fs::write(&config, broken).unwrap();
    let out = e.centry(&["accounts"]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains("config:3:") && msg.contains("was not changed"),
        "{msg}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), broken);
    let _ = Path::new("");
}

#[test]
fn logout_revokes_and_removes_the_token() {
    let e = env();
    assert!(e.login().status.success());
    let out = e.centry(&["logout", "--sso-session", "acme"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!e.token_file().exists());
    let status = e.centry(&["status", "--sso-session", "acme", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["state"], "signed-out");
}

#[test]
fn role_credentials_are_reused_between_runs_until_logout() {
    let e = env();
    let login = e.login();
    assert!(login.status.success(), "{}", text(&login));
    let faults = &e.emu.emu().faults;
    // One `credential_process` run: the output, and the portal calls it cost.
    let creds = |extra: &[&str]| -> (serde_json::Value, usize) {
        faults.clear_hits();
        let mut args = vec![
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
        args.extend_from_slice(extra);
        let out = e.centry(&args);
        assert!(out.status.success(), "{}", text(&out));
        let portal = faults
            .hits()
            .iter()
            .filter(|h| h.service == centry::emulator::faults::Service::Portal)
            .count();
        (serde_json::from_slice(&out.stdout).unwrap(), portal)
    };
    let (first, calls) = creds(&[]);
    assert_eq!(calls, 1, "the first run asks the portal");
    let (again, calls) = creds(&[]);
    assert_eq!(calls, 0, "the next run uses the cached credentials");
    assert_eq!(again, first);
    let (fresh, calls) = creds(&["--no-cache"]);
    assert_eq!(calls, 1, "--no-cache asks the portal");
    assert_ne!(fresh["AccessKeyId"], first["AccessKeyId"]);

    let folder = e.home.path().join("centry-cache/role-credentials");
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&files[0]), 0o600);
        assert_eq!(mode(&folder), 0o700);
    }
    // A damaged cache file is fetched again and replaced, not an error.
    std::fs::write(&files[0], "{\"AccessKeyId\": ").unwrap();
    let (_, calls) = creds(&[]);
    assert_eq!(calls, 1);

    let out = e.centry(&["logout", "--sso-session", "acme"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "logout forgets the role credentials"
    );
}

#[test]
fn profiles_populate_names_profiles_by_the_configured_template_and_prunes_its_own() {
    let e = env();
    assert!(e.login().status.success());
    let config = e.home.path().join(".aws/config");
    let before = std::fs::read_to_string(&config).unwrap();
    let dry = e.centry(&["profiles", "populate", "--sso-session", "acme", "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(text(&dry).contains("would add"), "{}", text(&dry));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    // The template from centry's own config.toml.
    let centry_config = e.home.path().join("centry-config");
    std::fs::create_dir_all(&centry_config).unwrap();
    std::fs::write(
        centry_config.join("config.toml"),
        "[profiles]\ntemplate = \"{account_id}-{role_name}\"\n",
    )
    .unwrap();
    let with_config = |args: &[&str]| {
        e.run_with(
            env!("CARGO_BIN_EXE_centry"),
            args,
            &[("CENTRY_CONFIG_DIR", &centry_config)],
        )
    };
    let out = with_config(&["profiles", "populate", "--sso-session", "acme"]);
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(&config).unwrap();
    let name = format!("[profile {MGMT}-IdentityCenterAuditor]");
    assert!(written.contains(&name), "{written}");
    assert!(written.contains("centry_managed = true"), "{written}");
    assert!(
        written.contains("[profile audit]"),
        "hand-written profiles stay: {written}"
    );

    // Another template with --prune replaces centry's own profiles, and only those.
    let out = e.centry(&[
        "profiles",
        "populate",
        "--sso-session",
        "acme",
        "--template",
        "acme.{account_name}.{role_name}",
        "--prune",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let pruned = std::fs::read_to_string(&config).unwrap();
    assert!(!pruned.contains(&name), "{pruned}");
    assert!(
        pruned.contains("[profile acme.acme-management.IdentityCenterAuditor]"),
        "{pruned}"
    );
    assert!(pruned.contains("[profile audit]") && pruned.contains("[profile cp]"));

    // A template that would name every role the same is refused before anything is written.
    let out = e.centry(&[
        "profiles",
        "populate",
        "--sso-session",
        "acme",
        "--template",
        "{acount_name}",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("unknown placeholder"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), pruned);

    if aws_available() {
        let who = e.run(
            "aws",
            &[
                "sts",
                "get-caller-identity",
                "--profile",
                "acme.acme-management.IdentityCenterAuditor",
                "--output",
                "json",
            ],
        );
        assert!(who.status.success(), "{}", text(&who));
    }
}
