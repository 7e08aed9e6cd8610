//! `centry events` as a user runs it: the binary against an in-process emulator with the
//! operator key in the environment (LookupEvents), and against the CloudTrail fixtures
//! (`--file`). JSON lines carry exactly the documented keys with `person` filled, CSV has
//! them as columns, the table names people, filters hold, and a missing file is reported.

use std::process::{Command, Output};

use centry::emulator::Emulator;
use serde_json::Value;

use crate::common::trail::{answer_device_page, demo_without_history, sign_in_as, start_device};
use crate::common::{self, tmux::centry_bin};

const UA: &[u8] =
    b"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0";

const KEYS: [&str; 19] = [
    "eventId",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIp",
    "userAgent",
    "identityType",
    "format",
    "userId",
    "identityStoreArn",
    "credentialId",
    "userName",
    "userNameSource",
    "credentialType",
    "outcome",
    "errorCode",
    "errorMessage",
    "person",
];

async fn centry(emu: Option<&Emulator>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(centry_bin());
    cmd.args(args)
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("credentials"),
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL");
    if let Some(emu) = emu {
        let (id, secret) = emu.operator_credentials();
        cmd.env("AWS_ENDPOINT_URL", emu.endpoint_url())
            .env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_REGION", emu.region());
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("centry runs"))
        .await
        .unwrap();
    drop(home);
    out
}

/// `user` signs in (with the browser's user agent) and lists their accounts.
async fn sign_in_and_list_accounts(emu: &Emulator, user: &str) {
    let token = sign_in_as(emu, user, UA).await;
    common::services(emu)
        .sso(true)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_events_as_json_lines_csv_and_a_table() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    let (_, _, _, code) = start_device(&emu).await;
    answer_device_page(&emu, &code, "priya.raman", "wrong", "approve", UA).await;
    sign_in_and_list_accounts(&emu, "priya.raman").await;

    let out = centry(Some(&emu), &["events", "--since", "1h", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = lines(&out);
    assert!(all.len() >= 6, "{}", all.len());
    for l in &all {
        let keys: Vec<&str> = l.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = KEYS.to_vec();
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want);
    }
    let times: Vec<&str> = all
        .iter()
        .map(|l| l["eventTime"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {times:?}"
    );
    let auth = all
        .iter()
        .find(|l| l["eventName"] == "UserAuthentication")
        .unwrap();
    assert_eq!(auth["format"], "new");
    assert_eq!(auth["identityType"], "IdentityCenterUser");
    assert_eq!(auth["person"]["userName"], "priya.raman");
    assert!(
        auth["person"]["displayName"]
            .as_str()
            .unwrap()
            .starts_with("Priya")
    );
    assert!(
        all.iter()
            .any(|l| l["eventName"] == "ListAccounts" && l["person"]["userName"] == "priya.raman")
    );

    let out = centry(
        Some(&emu),
        &[
            "events",
            "--since",
            "1h",
            "--json",
            "--failures",
            "--source",
            "signin",
        ],
    )
    .await;
    let failed = lines(&out);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["eventName"], "CredentialVerification");
    assert_eq!(failed[0]["outcome"], "failure");
    assert_eq!(failed[0]["format"], "unauthenticated");

    let out = centry(
        Some(&emu),
        &["events", "--since", "1h", "--user", "priya.raman", "--csv"],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(headers.get(0), Some("eventId"));
    assert_eq!(headers.iter().next_back(), Some("personDisplayName"));
    let n = rows
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.get(18) == Some("priya.raman"))
        .count();
    assert!(n >= 3, "{text}");

    let out = centry(Some(&emu), &["events", "--since", "1h"]).await;
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("TIME"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains("Priya") && l.contains("UserAuthentication")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains("FAILED") && l.contains("CredentialVerification")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains("Priya Raman") && l.contains("CredentialChallenge")),
        "the typed name of the attempt that failed is looked up in the directory: {table}"
    );
    assert!(!table.contains("(unverified)"), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_files_are_read_with_the_same_filters() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cloudtrail");
    let out = centry(None, &["events", "--file", dir, "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = lines(&out);
    assert!(all.len() > 30, "{}", all.len());
    assert!(
        all.iter().all(|l| l["person"].is_null()),
        "no directory lookups for files"
    );
    let out = centry(None, &["events", "--file", dir, "--json", "--failures"]).await;
    let failed = lines(&out);
    assert!(!failed.is_empty() && failed.len() < all.len());
    assert!(failed.iter().all(|l| l["outcome"] == "failure"));
    let out = centry(
        None,
        &["events", "--file", dir, "--json", "--source", "signin"],
    )
    .await;
    assert!(
        lines(&out)
            .iter()
            .all(|l| l["eventSource"] == "signin.amazonaws.com")
    );
    let out = centry(
        None,
        &[
            "events",
            "--file",
            dir,
            "--json",
            "--since",
            "2025-01-13T00:00:00Z",
        ],
    )
    .await;
    let recent = lines(&out);
    assert!(!recent.is_empty() && recent.len() < all.len());
    assert!(
        recent
            .iter()
            .all(|l| l["eventTime"].as_str().unwrap() >= "2025-01-13")
    );

    let out = centry(None, &["events", "--file", "/nonexistent/trail.json.gz"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/trail.json.gz"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_is_a_clear_error() {
    let out = centry(None, &["events", "--region", "us-east-1"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no AWS credentials") || err.contains("credentials"),
        "{err}"
    );
}

/// Log files name people only where the record does (portal calls carry a user id alone);
/// `--resolve` asks the identity store, and the person filter then finds those calls too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_files_resolve_people_when_asked() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    sign_in_and_list_accounts(&emu, "priya.raman").await;
    // The portal's records, as CloudTrail would deliver them to S3.
    let page = common::operator(&emu)
        .cloudtrail(true)
        .lookup_events()
        .lookup_attributes(
            aws_sdk_cloudtrail::types::LookupAttribute::builder()
                .attribute_key(aws_sdk_cloudtrail::types::LookupAttributeKey::EventSource)
                .attribute_value("sso.amazonaws.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let records: Vec<Value> = page
        .events()
        .iter()
        .map(|e| serde_json::from_str(e.cloud_trail_event().unwrap()).unwrap())
        .collect();
    assert!(records.iter().any(|r| r["eventName"] == "ListAccounts"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trail.json");
    std::fs::write(&file, serde_json::json!({ "Records": records }).to_string()).unwrap();
    let file = file.to_str().unwrap();

    let plain = centry(None, &["events", "--file", file, "--json"]).await;
    let listed = lines(&plain);
    let list = listed
        .iter()
        .find(|l| l["eventName"] == "ListAccounts")
        .unwrap();
    assert!(list["person"].is_null(), "{list}");
    assert!(
        list["userName"].is_null(),
        "the record names nobody: {list}"
    );
    let mine = centry(
        None,
        &["events", "--file", file, "--json", "--user", "priya.raman"],
    )
    .await;
    assert!(
        !lines(&mine)
            .iter()
            .any(|l| l["eventName"] == "ListAccounts"),
        "without names, the filter cannot know"
    );

    let resolved = centry(
        Some(&emu),
        &[
            "events",
            "--file",
            file,
            "--json",
            "--resolve",
            "--user",
            "priya.raman",
        ],
    )
    .await;
    assert!(
        resolved.status.success(),
        "{}",
        String::from_utf8_lossy(&resolved.stderr)
    );
    let found = lines(&resolved);
    let list = found
        .iter()
        .find(|l| l["eventName"] == "ListAccounts")
        .expect("the person filter finds her portal calls");
    assert_eq!(list["person"]["userName"], "priya.raman");
    assert!(
        found
            .iter()
            .all(|l| l["person"]["userName"] == "priya.raman")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn centrys_own_directory_lookups_are_hidden_unless_asked_for() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    sign_in_and_list_accounts(&emu, "priya.raman").await;
    // The first run names priya through the directory: those lookups land in the trail.
    let first = centry(Some(&emu), &["events", "--since", "1h", "--json"]).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let own = |out: &Output| {
        lines(out)
            .iter()
            .filter(|l| l["eventSource"] == "identitystore.amazonaws.com")
            .count()
    };
    let shown = centry(
        Some(&emu),
        &["events", "--since", "1h", "--json", "--own-calls"],
    )
    .await;
    assert!(
        own(&shown) > 0,
        "the lookups exist and --own-calls shows them"
    );
    let hidden = centry(Some(&emu), &["events", "--since", "1h", "--json"]).await;
    assert_eq!(own(&hidden), 0, "hidden by default");
    let stderr = String::from_utf8_lossy(&hidden.stderr);
    assert!(
        stderr.contains("centry made itself hidden (--own-calls shows them)"),
        "{stderr}"
    );
}
