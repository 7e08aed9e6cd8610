//! Bad input from flags and files, as a user meets it through the binary: numbers beyond range
//! are refused with a clear message (they used to panic), log files with nothing readable in
//! them exit non-zero, and huge files are refused by size instead of being read whole.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::tmux::centry_bin;

/// Run centry in an empty home, without AWS settings, killed after 20 s if it is still running.
fn centry_in(home: &std::path::Path, args: &[&str]) -> Output {
    let mut child = Command::new(centry_bin())
        .args(args)
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("CENTRY_CACHE_DIR", home.join("centry-cache"))
        .env("CENTRY_DATA_DIR", home.join("centry-data"))
        .env("CENTRY_CONFIG_DIR", home.join("centry-config"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("centry runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn centry(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    centry_in(home.path(), args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Failed with a clear message, not a panic (101) nor a kill (no code).
fn assert_clear_failure(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{:?}: {err}",
        out.status
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "wanted {needle:?} in: {err}");
}

#[test]
fn durations_beyond_range_are_refused_not_panics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cloudtrail");
    for flag in ["--since", "--until"] {
        for value in ["100000000d", "9223372036854775807d", "9223372036854775808s"] {
            let out = centry(&["events", "--file", dir, flag, value]);
            assert_clear_failure(&out, "too far back");
            assert!(stderr(&out).contains(flag), "{}", stderr(&out));
        }
    }
    let out = centry(&["events", "--file", dir, "--since", "36500d", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!out.stdout.is_empty());
}

#[test]
fn emulator_numbers_beyond_range_are_refused_at_start() {
    for args in [
        ["--token-ttl", "9223372036854775807"],
        ["--token-ttl", "0"],
        ["--latency-ms", "18446744073709551615"],
        ["--page-size", "0"],
    ] {
        let mut argv = vec!["emulator", "serve", "--addr", "127.0.0.1:0"];
        argv.extend(args);
        let out = centry(&argv);
        assert_clear_failure(&out, args[0]);
    }
}

#[test]
fn log_files_with_nothing_readable_exit_non_zero_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("empty.json", ""),
        ("null.json", "{\"Records\":null}"),
        ("malformed.json", "{\"Records\":[{\"eventID\":1},42,\"x\"]}"),
    ];
    for (name, body) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let out = centry(&["events", "--file", path.to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{name}");
        assert!(
            stderr(&out).contains("no CloudTrail records found"),
            "{name}: {}",
            stderr(&out)
        );
    }
    // A filter that matches nothing in a readable log is still a success.
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cloudtrail");
    let out = centry(&["events", "--file", fixtures, "--user", "nobody-at-all"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn huge_files_are_refused_by_size() {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    std::fs::write(
        aws.join("config"),
        "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    // Sparse files: the size is what a reader sees, without using the disk.
    let sparse = |path: &std::path::Path, size: u64| {
        std::fs::File::create(path).unwrap().set_len(size).unwrap();
    };
    let token = aws
        .join("sso/cache")
        .join(centry::services::token_cache::CacheKey::Session("acme".into()).file_name());
    sparse(&token, 300 << 20);
    let out = centry_in(home.path(), &["accounts", "--sso-session", "acme"]);
    assert_clear_failure(&out, "at most 1 MiB");
    assert_eq!(
        std::fs::metadata(&token).unwrap().len(),
        300 << 20,
        "left alone"
    );

    let snap = home.path().join("big-snapshot.json");
    sparse(&snap, 181 << 20);
    let small = home.path().join("small.json");
    std::fs::write(&small, "{}").unwrap();
    let out = centry_in(
        home.path(),
        &[
            "admin",
            "diff",
            snap.to_str().unwrap(),
            small.to_str().unwrap(),
        ],
    );
    assert_clear_failure(&out, "at most 64 MiB");
}
