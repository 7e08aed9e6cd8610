//! The live tail end to end: `centry emulator serve` as its own process, the console in tmux
//! signed in as jordan.lee with the auditor role picked for the admin screens, and another
//! person signing in from a second process (`centry login`, approved on the device page from a
//! Firefox) and listing their accounts. Their sign-in chain and portal calls appear in the
//! events screen, resolved to the person, without pressing anything.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common::tmux::{Tmux, centry_bin};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// `centry emulator serve` as a child process, stopped (by its own pid) when dropped.
struct Served {
    child: Child,
    endpoint: String,
    start_url: String,
}

impl Served {
    fn start() -> Served {
        let mut child = Command::new(centry_bin())
            .args(["emulator", "serve"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("centry emulator serve starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut endpoint = String::new();
        let mut start_url = String::new();
        for line in lines.by_ref().map_while(Result::ok) {
            if let Some(e) = line.strip_prefix("export AWS_ENDPOINT_URL=") {
                endpoint = e.to_string();
            }
            if let Some(u) = line.strip_prefix("# start URL: ") {
                start_url = u.to_string();
                break;
            }
        }
        std::thread::spawn(move || lines.for_each(drop));
        assert!(!endpoint.is_empty() && !start_url.is_empty());
        Served {
            child,
            endpoint,
            start_url,
        }
    }

    fn global_args(&self) -> Vec<String> {
        vec![
            "--endpoint-url".into(),
            self.endpoint.clone(),
            "--start-url".into(),
            self.start_url.clone(),
            "--sso-region".into(),
            "us-east-1".into(),
        ]
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env(dir: &Path) -> Vec<(String, String)> {
    let d = |s: &str| dir.join(s).display().to_string();
    vec![
        ("HOME".into(), d("home")),
        ("CENTRY_CONFIG_DIR".into(), d("config")),
        ("CENTRY_CACHE_DIR".into(), d("cache")),
        ("CENTRY_DATA_DIR".into(), d("data")),
        ("NO_COLOR".into(), "1".into()),
        ("BROWSER".into(), "true".into()),
    ]
}

/// Approve a device code on the emulator's page as `user`, from a browser with `user_agent`.
fn approve(endpoint: &str, code: &str, user: &str, user_agent: &str) {
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.request, urllib.parse\n\
             data = urllib.parse.urlencode({'user_code': sys.argv[2], 'user': sys.argv[3], 'password': 'demo', 'decision': 'approve'}).encode()\n\
             req = urllib.request.Request(sys.argv[1] + '/device', data=data, headers={'User-Agent': sys.argv[4]})\n\
             urllib.request.urlopen(req).read()",
            endpoint,
            code,
            user,
            user_agent,
        ])
        .status()
        .expect("python3 runs");
    assert!(status.success(), "the device page approved {user}");
}

/// The `XXXX-XXXX` code on a line starting with `Code`.
fn code_in(text: &str) -> Option<String> {
    text.lines()
        .map(|l| l.trim_start_matches(|c: char| c == '│' || c.is_whitespace()))
        .find(|l| l.starts_with("Code"))
        .and_then(|l| l.split_whitespace().nth(1))
        .filter(|c| c.len() == 9 && c.as_bytes()[4] == b'-')
        .map(str::to_string)
}

#[test]
fn another_persons_sign_in_appears_live_in_the_events_screen() {
    if !crate::common::tmux::usable() {
        return;
    }
    let served = Served::start();
    let dir = tempfile::tempdir().unwrap();
    let console_env = env(&dir.path().join("console"));
    let env_refs: Vec<(&str, &str)> = console_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut argv: Vec<String> = vec![centry_bin().to_string()];
    argv.extend(served.global_args());
    argv.extend(["--device-code".to_string(), "--no-browser".to_string()]);
    let argv_refs: Vec<&str> = argv.iter().map(String::as_str).collect();
    let t = Tmux::start(&argv_refs, &env_refs, 140, 45);

    // Sign the console in as jordan.lee, then pick the auditor role for the admin screens.
    let screen = t.wait_until("the device code", |s| code_in(s).is_some());
    approve(
        &served.endpoint,
        &code_in(&screen).unwrap(),
        "jordan.lee",
        "Mozilla/5.0 (Macintosh) Chrome/131.0.0.0",
    );
    t.wait_until("the listing", |s| {
        s.contains("IdentityCenterAuditor") && !s.contains("listing ")
    });
    t.keys(&["/"]);
    t.type_text("acme-management identitycenterauditor");
    t.wait_for("1 match");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Secret access key");
    t.keys(&["a"]);
    t.wait_for("admin: IdentityCenterAuditor @ 381492058412");
    t.keys(&["Escape", "6"]);
    t.wait_until("the events of the last day", |s| {
        s.contains("● live") && s.contains("signin: ok")
    });
    t.keys(&["/"]);
    t.type_text("user:priya.raman");
    t.keys(&["Enter"]);

    // Someone else signs in from another process and lists their accounts.
    let login_env = env(&dir.path().join("login"));
    let mut login = Command::new(centry_bin())
        .args(served.global_args())
        .args(["login", "--device-code", "--no-browser"])
        .envs(login_env.iter().cloned())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("centry login starts");
    let mut err = BufReader::new(login.stderr.take().unwrap()).lines();
    let code = err
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| code_in(&l))
        .expect("centry login prints a code");
    std::thread::spawn(move || err.for_each(drop));
    approve(&served.endpoint, &code, "priya.raman", FIREFOX);
    assert!(login.wait().unwrap().success(), "centry login signed in");
    let accounts = Command::new(centry_bin())
        .args(served.global_args())
        .arg("accounts")
        .envs(login_env.iter().cloned())
        .output()
        .unwrap();
    assert!(
        accounts.status.success(),
        "{}",
        String::from_utf8_lossy(&accounts.stderr)
    );

    let s = t.wait_until("priya's sign-in and portal calls, resolved", |s| {
        let rows: Vec<&str> = s.lines().filter(|l| l.contains("Priya Raman")).collect();
        [
            "CredentialChallenge",
            "CredentialVerification",
            "UserAuthentication",
            "Authenticate",
            "CreateToken",
            "ListAccounts",
            "ListAccountRoles",
        ]
        .iter()
        .all(|name| rows.iter().any(|r| r.contains(name)))
    });
    let auth = s
        .lines()
        .find(|l| l.contains("UserAuthentication") && l.contains("Priya Raman"))
        .unwrap();
    assert!(
        auth.contains("Firefox 133") && auth.contains("127.0.0.1"),
        "{auth}"
    );
    assert!(s.contains("● live"), "{s}");
    // Her session as a timeline.
    t.keys(&["c"]);
    let s = t.wait_for("Events › Session › Priya Raman");
    assert!(s.contains("PASSWORD") && s.contains("ListAccounts"), "{s}");
}

/// The visible rows naming `person` with `event`.
fn rows(screen: &str, person: &str, event: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.contains(person) && l.contains(event))
        .count()
}

/// Show only the events the bar's `text` lets through.
fn filter_to(t: &Tmux, text: &str) {
    t.keys(&["/", "C-u"]);
    t.type_text(text);
    t.keys(&["Enter"]);
    t.wait_for(&format!("/{text} "));
}

#[test]
fn a_second_demo_joins_the_first_and_its_sign_in_appears_live() {
    if !crate::common::tmux::usable() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Both consoles share the user's cache folder, where the first demo says where it listens.
    let cache = dir.path().join("cache").display().to_string();
    let env: Vec<(&str, &str)> = vec![
        ("CENTRY_CACHE_DIR", &cache),
        ("NO_COLOR", "1"),
        ("BROWSER", "true"),
    ];
    // Tall enough for both consoles' portal calls (each lists 17 accounts' roles).
    let first = Tmux::start(&[centry_bin(), "--demo"], &env, 140, 90);
    first.wait_until("the first demo's listing", |s| {
        s.contains("IdentityCenterAuditor") && !s.contains("listing ")
    });
    first.keys(&["6"]);
    first.wait_until("the events of the last day", |s| {
        s.contains("● live") && s.contains("sso-oauth: ok")
    });
    filter_to(&first, "user:jordan.lee g:oidc");
    let before = rows(&first.screen(), "Jordan Lee", "CreateToken");
    assert!(before >= 1, "the first console's own sign-in is listed");
    // Its own directory lookups are hidden, and say so (once a poll has brought them back).
    first.wait_for("own calls hidden");

    let second = Tmux::start(&[centry_bin(), "--demo"], &env, 120, 30);
    second.wait_for("joined the demo running in another terminal");
    second.wait_until("the second demo's listing", |s| {
        s.contains("acme-management") && !s.contains("listing ")
    });

    first.wait_until("the second console's CreateToken", |s| {
        rows(s, "Jordan Lee", "CreateToken") == before + 1
    });
    filter_to(&first, "user:jordan.lee g:signin");
    let chain = first.wait_until("both sign-in chains", |s| {
        rows(s, "Jordan Lee", "UserAuthentication") >= 2
    });
    assert!(
        rows(&chain, "Jordan Lee", "CredentialChallenge") >= 2,
        "{chain}"
    );
    filter_to(&first, "user:jordan.lee g:portal");
    first.wait_until("both consoles' ListAccounts", |s| {
        rows(s, "Jordan Lee", "ListAccounts") >= 2
    });
    assert!(first.alive() && second.alive());
}
