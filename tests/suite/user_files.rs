//! The user's own files, as separate processes: `centry profiles populate` and `centry tip
//! config` keep every byte they do not own (comments, key case, CRLF, other sections, a
//! symlinked dotfile), and the AWS CLI reads what centry wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;

/// An emulator, a home folder and helpers to run centry and the AWS CLI there.
pub struct Env {
    _rt: tokio::runtime::Runtime,
    /// The emulator.
    pub emu: centry::emulator::Emulator,
    /// `$HOME`.
    pub home: tempfile::TempDir,
}

impl Env {
    /// The demo organisation (as `tweak` changes it) with an empty `~/.aws`.
    pub fn new(tweak: impl FnOnce(&mut centry::emulator::Org)) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut org = centry::emulator::Org::demo();
        tweak(&mut org);
        let emu = rt.block_on(common::with(org, |c| {
            c.settings.auto_approve = Some("jordan.lee".into());
            c.settings.auto_approve_delay_ms = 50;
        }));
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        Env { _rt: rt, emu, home }
    }

    /// `~/.aws/config`.
    pub fn config(&self) -> PathBuf {
        self.home.path().join(".aws/config")
    }

    /// The `[sso-session acme]` section for this emulator, with line ending `eol`.
    pub fn session_section(&self, eol: &str) -> String {
        format!(
            "[sso-session acme]{eol}sso_start_url = {}{eol}sso_region = us-east-1{eol}",
            self.emu.start_url()
        )
    }

    /// Run `program` in this home.
    pub fn run(&self, program: &str, args: &[&str], extra: &[(&str, &Path)]) -> Output {
        Command::new(program)
            .args(args)
            .envs(extra.iter().map(|(k, v)| (*k, *v)))
            .env("HOME", self.home.path())
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CONFIG_FILE")
            .env("AWS_ENDPOINT_URL", self.emu.endpoint_url())
            .env("CENTRY_CACHE_DIR", self.home.path().join("centry-cache"))
            .env("CENTRY_DATA_DIR", self.home.path().join("centry-data"))
            .env("CENTRY_CONFIG_DIR", self.home.path().join("centry-config"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"))
    }

    /// Run centry.
    pub fn centry(&self, args: &[&str]) -> Output {
        self.run(env!("CARGO_BIN_EXE_centry"), args, &[])
    }

    /// Sign in to the `acme` session with the device code the emulator approves.
    pub fn login(&self) {
        let out = self.centry(&[
            "login",
            "--sso-session",
            "acme",
            "--device-code",
            "--no-browser",
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }

    /// `profiles populate --sso-session acme` with more arguments.
    pub fn populate(&self, more: &[&str]) -> Output {
        let mut args = vec!["profiles", "populate", "--sso-session", "acme"];
        args.extend_from_slice(more);
        self.centry(&args)
    }

    /// The AWS CLI, where it is installed (`None` and a notice where it is not).
    pub fn aws(&self, args: &[&str]) -> Option<Output> {
        if !aws_available() {
            return None;
        }
        Some(self.run("aws", args, &[]))
    }
}

/// stdout and stderr together.
pub fn text(o: &Output) -> String {
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
        eprintln!("the AWS CLI check skipped: aws is not installed");
    }
    ok
}

#[cfg(unix)]
#[test]
fn populate_keeps_every_byte_of_a_symlinked_crlf_config_it_does_not_own() {
    use std::os::unix::fs::PermissionsExt;
    let e = Env::new(|_| {});
    let mine = format!(
        "# work laptop\r\n; managed by my dotfiles\r\n[default]\r\nRegion = eu-west-1\r\nOutput = json\r\n\r\n\
         {}\r\n[profile dev]\r\nsso_session = acme\r\nsso_account_id = {}\r\nsso_role_name = IdentityCenterAuditor\r\n\
         ; my region\r\nRegion = eu-central-1\r\n\r\n[services local]\r\nsts =\r\n  endpoint_url = http://127.0.0.1:1\r\n",
        e.session_section("\r\n"),
        common::MGMT,
    );
    let dotfiles = e.home.path().join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    let target = dotfiles.join("aws-config");
    std::fs::write(&target, &mine).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&target, e.config()).unwrap();
    e.login();

    let out = e.populate(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let link = std::fs::symlink_metadata(e.config()).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the dotfile link stays a link"
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        written.starts_with(&format!("{mine}\r\n[profile ")),
        "the user's bytes come first, unchanged, then centry's profiles:\n{written:?}"
    );
    assert!(
        !written.replace("\r\n", "").contains('\n'),
        "CRLF throughout"
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "the file keeps its mode");

    // Pruning every profile centry wrote gives the file back as it was.
    let out = e.populate(&["--template", "gone.{account_id}.{role_name}", "--prune"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = e.populate(&["--template", "{account_id}.{role_name}", "--prune"]);
    assert!(out.status.success(), "{}", text(&out));
    let again = std::fs::read_to_string(&target).unwrap();
    assert!(
        again.starts_with(&format!("{mine}\r\n[profile ")),
        "{again:?}"
    );

    if let Some(out) = e.aws(&["configure", "get", "region", "--profile", "dev"]) {
        assert_eq!(text(&out).trim(), "eu-central-1", "{}", text(&out));
        let name = format!("{}.IdentityCenterAuditor", common::MGMT);
        let got = e.aws(&["configure", "get", "sso_role_name", "--profile", &name]);
        let got = got.unwrap();
        assert_eq!(text(&got).trim(), "IdentityCenterAuditor", "{}", text(&got));
    }
}

#[test]
fn tip_config_keeps_the_comments_and_sections_of_config_toml() {
    let e = Env::new(|_| {});
    let dir = e.home.path().join("centry-config");
    std::fs::create_dir_all(&dir).unwrap();
    let mine = "# centry settings (mine)\n[profiles]\ntemplate = \"{account_id}-{role_name}\"   # short\n\n\
                [events]\nmax_events = 500 # plenty\n";
    std::fs::write(dir.join("config.toml"), mine).unwrap();
    let endpoint = e.emu.endpoint_url();
    let out = e.centry(&["--endpoint-url", &endpoint, "tip", "config", "--demo"]);
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        written.starts_with(&format!("{mine}\n[tip]\n")),
        "{written}"
    );
    // Writing again changes nothing.
    let out = e.centry(&["--endpoint-url", &endpoint, "tip", "config", "--demo"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        written
    );
}

#[test]
fn a_duplicate_sso_session_is_named_with_both_lines_as_the_aws_cli_refuses_it() {
    let e = Env::new(|_| {});
    let config = format!(
        "{}\n[sso-session acme]\nsso_start_url = https://other.awsapps.com/start\nsso_region = eu-west-1\n",
        e.session_section("\n")
    );
    std::fs::write(e.config(), &config).unwrap();
    let out = e.centry(&["status", "--sso-session", "acme"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("config:5: [sso-session acme] appears twice (lines 1 and 5)"),
        "{}",
        text(&out)
    );
    let out = e.populate(&[]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("appears twice"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(e.config()).unwrap(), config);
    if let Some(out) = e.aws(&["configure", "get", "sso_region", "--profile", "x"]) {
        assert!(
            text(&out).contains("Unable to parse config file"),
            "{}",
            text(&out)
        );
    }
}

/// A permission set name that, written raw, would plant a profile with a command in it.
const EVIL_ROLE: &str = "ReadOnlyAccess\r[profile planted]\rcredential_process = touch PLANTED";

/// An account name that tries the same through the profile name.
const EVIL_ACCOUNT: &str =
    "network\r[profile planted2]\u{1c}\u{2028}credential_process = touch PLANTED";

#[test]
fn hostile_names_cannot_plant_a_section_the_aws_cli_would_read() {
    let e = Env::new(|org| {
        for a in &mut org.accounts {
            if a.name == "network" {
                a.name = EVIL_ACCOUNT.into();
            }
        }
    });
    std::fs::write(e.config(), e.session_section("\n")).unwrap();
    e.login();
    let out = e.populate(&["--template", "{account_name}.{account_id}.{role_name}"]);
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(e.config()).unwrap();
    assert!(
        !written.contains(['\r', '\u{1c}', '\u{2028}']),
        "nothing in the file breaks a line: {written:?}"
    );
    let safe = "network--profile-planted2---credential_process---touch-PLANTED.966858285191.ReadOnlyAccess";
    assert!(
        written.contains(&format!("[profile {safe}]\n")),
        "{written}"
    );
    if let Some(out) = e.aws(&["configure", "get", "sso_role_name", "--profile", safe]) {
        assert_eq!(text(&out).trim(), "ReadOnlyAccess", "{}", text(&out));
    }
    if let Some(out) = e.aws(&[
        "configure",
        "get",
        "credential_process",
        "--profile",
        "planted2",
    ]) {
        assert!(!out.status.success(), "no planted profile: {}", text(&out));
        assert!(!text(&out).contains("touch"), "{}", text(&out));
    }
}

#[test]
fn a_hostile_role_name_is_refused_and_the_file_is_left_alone() {
    let e = Env::new(|org| {
        for p in &mut org.permission_sets {
            if p.name == "ReadOnlyAccess" {
                p.name = EVIL_ROLE.into();
            }
        }
        for a in &mut org.account_assignments {
            if a.permission_set == "ReadOnlyAccess" {
                a.permission_set = EVIL_ROLE.into();
            }
        }
    });
    let before = e.session_section("\n");
    std::fs::write(e.config(), &before).unwrap();
    e.login();
    let out = e.populate(&["--template", "{account_id}.{role_name}"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("role name \"ReadOnlyAccess␍[profile planted]␍"),
        "{said}"
    );
    assert!(said.contains("nothing was written"), "{said}");
    assert!(!said.contains('\r'), "the message itself is sanitised");
    assert_eq!(std::fs::read_to_string(e.config()).unwrap(), before);
    if let Some(out) = e.aws(&[
        "configure",
        "get",
        "credential_process",
        "--profile",
        "planted",
    ]) {
        assert!(!out.status.success(), "no planted profile: {}", text(&out));
    }
}
