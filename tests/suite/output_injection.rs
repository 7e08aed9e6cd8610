//! Every output format goes through the one sanitiser: an account name built to attack a
//! terminal (OSC 52, BEL, a one-byte C1 CSI, a bidi override) and a spreadsheet (a formula)
//! comes out of tables, `--csv`, `--json` and exported snapshot files shown, never obeyed —
//! and JSON still round-trips to the exact name.

use std::process::Output;

use crate::user_files::{Env, text};

const EVIL: &str = "=cmd|' /C calc'!A0\u{1b}]52;c;aGk=\u{7}\u{9b}31m\u{202e}gnp.exe";

fn env() -> Env {
    Env::new(|org| {
        for a in &mut org.accounts {
            if a.name == "network" {
                a.name = EVIL.into();
            }
        }
    })
}

/// No byte that drives a terminal or reorders text.
fn assert_inert(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|&c| centry::model::text::is_dangerous(c) && c != '\n' && c != '\r')
        .collect();
    assert!(bad.is_empty(), "{what} passes {bad:?} raw:\n{out}");
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", text(o));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn dev_listings_are_inert_in_every_format() {
    let e = env();
    std::fs::write(e.config(), e.session_section("\n")).unwrap();
    e.login();
    let table = stdout(&e.centry(&["accounts", "--sso-session", "acme"]));
    assert_inert("the table", &table);
    assert!(table.contains("=cmd|' /C calc'!A0␛]52;c;aGk=␇"), "{table}");

    let csv = stdout(&e.centry(&["accounts", "--sso-session", "acme", "--csv"]));
    assert_inert("--csv", &csv);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let cells: Vec<String> = rows
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(
        cells.iter().any(|c| c.starts_with("'=cmd|")),
        "the formula is shown as text: {csv}"
    );
    assert!(
        !cells.iter().any(|c| c.starts_with(['=', '+', '-', '@'])),
        "{csv}"
    );

    let json = stdout(&e.centry(&["accounts", "--sso-session", "acme", "--json"]));
    assert_inert("--json", &json);
    let names: Vec<String> = json
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| v["accountName"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.iter().any(|n| n == EVIL),
        "JSON round-trips: {names:?}"
    );
}

/// `centry admin …` with the emulator's operator credentials.
fn admin(e: &Env, args: &[&str]) -> Output {
    let (id, secret) = e.emu.operator_credentials();
    std::process::Command::new(env!("CARGO_BIN_EXE_centry"))
        .args(args)
        .env("HOME", e.home.path())
        .env("CENTRY_CACHE_DIR", e.home.path().join("centry-cache"))
        .env("AWS_ENDPOINT_URL", e.emu.endpoint_url())
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", e.emu.region())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .unwrap()
}

#[test]
fn admin_listings_and_snapshot_files_are_inert() {
    let e = env();
    for format in [None, Some("--csv"), Some("--json")] {
        let mut args = vec!["admin", "accounts"];
        args.extend(format);
        let out = stdout(&admin(&e, &args));
        assert_inert(&format!("admin accounts {format:?}"), &out);
        assert!(out.contains("calc"), "{out}");
        if format == Some("--csv") {
            assert!(out.contains("'=cmd|"), "{out}");
        }
    }
    let file = e.home.path().join("snap.json");
    let out = admin(&e, &["admin", "snapshot", "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_inert("the snapshot file", &saved);
    let snap = centry::model::snapshot::Snapshot::parse(&saved).unwrap();
    assert!(
        snap.to_json().contains("\\u009b31m\\u202egnp.exe"),
        "names survive, escaped"
    );
    let value: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert!(holds(&value, EVIL), "and read back exactly");
}

/// Whether `v` holds the string `s` anywhere.
fn holds(v: &serde_json::Value, s: &str) -> bool {
    match v {
        serde_json::Value::String(x) => x == s,
        serde_json::Value::Array(a) => a.iter().any(|x| holds(x, s)),
        serde_json::Value::Object(m) => m.values().any(|x| holds(x, s)),
        _ => false,
    }
}
