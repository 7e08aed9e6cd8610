//! The local CloudTrail log reader: plain and gzip files, the S3 delivery layout, streams,
//! truncated and corrupt files, malformed records, filters and early stops.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use centry::model::trail_event::{EventFilter, EventGroup, Outcome, TrailEventError, parse_record};
use centry::services::trail_files::{ReadOptions, ReadSummary, TrailSource, read_trail};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use super::trail_fixtures::{fixture_dir, records};

const SCIM: &str = "aws-docs-singlesignon_scim-logging-using-cloudtrail.json";

/// Reads `sources`, returning the delivered event ids (sorted) and the summary.
fn read(sources: Vec<TrailSource>, options: ReadOptions) -> (Vec<String>, ReadSummary) {
    let mut reader = read_trail(sources, options);
    let mut ids: Vec<String> = reader.by_ref().map(|e| e.event_id).collect();
    ids.sort();
    (ids, reader.finish())
}

fn path(p: &Path) -> TrailSource {
    TrailSource::Path(p.to_owned())
}

/// A record with a given id, for files built by the tests.
fn record(id: &str, error: bool) -> Value {
    let mut r = json!({
        "eventVersion": "1.11", "eventID": id, "eventTime": "2025-02-03T04:05:06Z",
        "eventSource": "signin.amazonaws.com", "eventName": "CredentialVerification",
        "awsRegion": "eu-west-1", "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "IdentityCenterUser",
            "onBehalfOf": {"userId": "u-1", "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1"},
            "credentialId": "c-1"},
        "additionalEventData": {"CredentialType": "PASSWORD", "AuthWorkflowID": "w-1", "padding": "x".repeat(200)},
        "serviceEventDetails": {"CredentialVerification": if error { "Failure" } else { "Success" }}
    });
    r["requestID"] = json!(id);
    r
}

fn log_text(records: &[Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "Records": records })).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The ids of every parsable fixture record.
fn fixture_ids() -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".json"))
        .flat_map(|f| records(&f))
        .filter_map(|r| parse_record(&r).ok())
        .map(|e| e.event_id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_fixture_directory_reads_whole_with_the_scim_placeholders_counted() {
    let (ids, summary) = read(vec![path(&fixture_dir())], ReadOptions::default());
    assert_eq!(ids, fixture_ids());
    assert_eq!(ids.len(), 41);
    assert_eq!(summary.files_read, 8, "SOURCES.md is not a log file");
    assert_eq!(
        (summary.records, summary.matched, summary.malformed),
        (41, 41, 4)
    );
    assert!(summary.file_errors.is_empty(), "{:?}", summary.file_errors);
    assert_eq!(summary.malformed_samples.len(), 4);
    for sample in &summary.malformed_samples {
        assert!(sample.source.ends_with(SCIM), "{}", sample.source);
        assert_eq!(
            sample.error,
            TrailEventError::BadEventTime("\"xxxx\"".into())
        );
    }
    let indexes: BTreeSet<u64> = summary.malformed_samples.iter().map(|s| s.index).collect();
    assert_eq!(indexes, BTreeSet::from([0, 1, 2, 3]));
    assert_eq!(
        summary.bytes_read, summary.bytes_decoded,
        "plain JSON is not decoded"
    );
}

#[test]
fn a_gzip_file_gives_the_same_events_as_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let plain = fixture_dir()
        .join("awsdocs-aws-single-sign-on-user-guide_understanding-sign-in-events.json");
    let bytes = fs::read(&plain).unwrap();
    let gz = dir.path().join("events.json.gz");
    fs::write(&gz, gzip(&bytes)).unwrap();
    let (from_plain, _) = read(vec![path(&plain)], ReadOptions::default());
    let (from_gz, summary) = read(vec![path(&gz)], ReadOptions::default());
    assert_eq!(from_gz, from_plain);
    assert_eq!(from_gz.len(), 14);
    assert_eq!(summary.bytes_decoded, bytes.len() as u64);
    assert_eq!(summary.bytes_read, fs::metadata(&gz).unwrap().len());
}

#[test]
fn a_directory_in_the_s3_delivery_layout() {
    let root = tempfile::tempdir().unwrap();
    let account = "111122223333";
    let mut expected = Vec::new();
    for (day, region) in [
        ("2025/01/02", "us-east-1"),
        ("2025/01/03", "us-east-1"),
        ("2025/01/03", "eu-west-1"),
    ] {
        let dir = root
            .path()
            .join(format!("AWSLogs/{account}/CloudTrail/{region}/{day}"));
        fs::create_dir_all(&dir).unwrap();
        for n in 0..3 {
            let ids: Vec<String> = (0..5)
                .map(|i| format!("{region}-{}-{n}-{i}", day.replace('/', "")))
                .collect();
            let recs: Vec<Value> = ids.iter().map(|id| record(id, false)).collect();
            let name = format!(
                "{account}_CloudTrail_{region}_{}T0{n}00Z_abc{n}.json.gz",
                day.replace('/', "")
            );
            fs::write(dir.join(name), gzip(&log_text(&recs))).unwrap();
            expected.extend(ids);
        }
    }
    let digest = root.path().join(format!(
        "AWSLogs/{account}/CloudTrail-Digest/us-east-1/2025/01/02"
    ));
    fs::create_dir_all(&digest).unwrap();
    let digest_text = json!({"awsAccountId": account, "logFiles": []}).to_string();
    fs::write(digest.join("digest.json.gz"), gzip(digest_text.as_bytes())).unwrap();
    fs::write(root.path().join("AWSLogs/README.txt"), b"not a log").unwrap();
    expected.sort();

    let options = ReadOptions {
        workers: 3,
        batch_size: 4,
        ..Default::default()
    };
    let (ids, summary) = read(vec![path(root.path())], options);
    assert_eq!(ids, expected);
    assert_eq!(summary.files_read, 9);
    assert_eq!(
        (summary.records, summary.malformed),
        (45, 0),
        "the digest is skipped"
    );
    assert!(summary.file_errors.is_empty());
    assert!(summary.bytes_decoded > summary.bytes_read);
}

#[test]
fn a_truncated_gzip_is_named_and_the_other_files_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let whole: Vec<Value> = (0..400)
        .map(|i| record(&format!("whole-{i:03}"), false))
        .collect();
    fs::write(dir.path().join("a-whole.json.gz"), gzip(&log_text(&whole))).unwrap();
    let cut: Vec<Value> = (0..400)
        .map(|i| record(&format!("cut-{i:03}"), false))
        .collect();
    let compressed = gzip(&log_text(&cut));
    let truncated = dir.path().join("b-truncated.json.gz");
    fs::write(&truncated, &compressed[..compressed.len() / 2]).unwrap();
    fs::write(
        dir.path().join("c-plain.json"),
        log_text(&[record("plain-1", false)]),
    )
    .unwrap();

    let (ids, summary) = read(
        vec![path(dir.path())],
        ReadOptions {
            workers: 2,
            ..Default::default()
        },
    );
    assert_eq!(summary.file_errors.len(), 1, "{:?}", summary.file_errors);
    let error = &summary.file_errors[0];
    assert_eq!(error.source, truncated.display().to_string());
    assert!(error.message.contains("truncated"), "{}", error.message);
    assert!(
        error
            .to_string()
            .starts_with(&truncated.display().to_string())
    );
    let from_cut = ids.iter().filter(|id| id.starts_with("cut-")).count() as u64;
    assert!(
        from_cut > 0 && from_cut < 400,
        "records before the break are delivered: {from_cut}"
    );
    assert_eq!(error.records_before, from_cut);
    assert_eq!(
        ids.iter().filter(|id| id.starts_with("whole-")).count(),
        400
    );
    assert!(ids.contains(&"plain-1".to_owned()));
    assert_eq!(summary.files_read, 2);
}

#[test]
fn unreadable_and_foreign_files_are_errors_that_stop_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.json"), b"<html>Access Denied</html>").unwrap();
    fs::write(
        dir.path().join("b.json"),
        br#"{"Records": {"not": "an array"}}"#,
    )
    .unwrap();
    fs::write(dir.path().join("c.json"), log_text(&[record("ok", false)])).unwrap();
    let missing = dir.path().join("missing.json");
    let (ids, summary) = read(
        vec![path(dir.path()), path(&missing)],
        ReadOptions::default(),
    );
    assert_eq!(ids, ["ok"]);
    let messages: Vec<String> = summary
        .file_errors
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].ends_with("a.json: not a CloudTrail log: expected JSON records, found '<'"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].ends_with("b.json: not a CloudTrail log: \"Records\" is not an array"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("missing.json: cannot read"),
        "{}",
        messages[2]
    );
}

#[test]
fn malformed_records_are_counted_with_their_position() {
    let mut no_time = record("no-time", false);
    no_time.as_object_mut().unwrap().remove("eventTime");
    let recs = vec![
        record("r0", false),
        json!("a string"),
        no_time,
        json!(null),
        record("r4", false),
    ];
    let source = TrailSource::Reader {
        name: "memory".into(),
        reader: Box::new(std::io::Cursor::new(log_text(&recs))),
    };
    let (ids, summary) = read(vec![source], ReadOptions::default());
    assert_eq!(ids, ["r0", "r4"]);
    assert_eq!((summary.records, summary.malformed), (2, 3));
    let samples: Vec<(u64, TrailEventError)> = summary
        .malformed_samples
        .iter()
        .map(|s| (s.index, s.error.clone()))
        .collect();
    assert_eq!(
        samples,
        [
            (1, TrailEventError::NotAnObject),
            (2, TrailEventError::MissingField("eventTime")),
            (3, TrailEventError::NotAnObject)
        ]
    );
    assert!(
        summary
            .malformed_samples
            .iter()
            .all(|s| s.source == "memory")
    );
}

#[test]
fn the_filter_runs_in_the_workers() {
    let filter = EventFilter {
        outcome: Some(Outcome::Failure),
        groups: vec![EventGroup::Signin],
        ..Default::default()
    };
    let (ids, summary) = read(
        vec![path(&fixture_dir())],
        ReadOptions {
            filter,
            ..Default::default()
        },
    );
    // The two failed credential verifications (IdC guide and WorkSpaces); the failed SCIM calls
    // are identity-store events.
    assert_eq!(
        ids,
        [
            "4e6fbfc7-0479-48da-b7dc-e875155a8177",
            "9160fe06-fc2a-474f-9b78-000ee067a09d"
        ]
    );
    assert_eq!((summary.records, summary.matched), (41, 2));

    let by_user = EventFilter {
        user: Some("user1".into()),
        ..Default::default()
    };
    let (ids, _) = read(
        vec![path(&fixture_dir())],
        ReadOptions {
            filter: by_user,
            ..Default::default()
        },
    );
    assert_eq!(ids.len(), 14, "the old sign-in events name user1");
}

#[test]
fn concatenated_gzip_members_and_json_lines_on_a_stream() {
    // What `cat a.json.gz b.json.gz` and `jq -c '.Records[]'` produce.
    let mut bytes = gzip(&log_text(&[record("m1", false)]));
    bytes.extend(gzip(&log_text(&[record("m2", false), record("m3", true)])));
    let members = TrailSource::Reader {
        name: "members".into(),
        reader: Box::new(std::io::Cursor::new(bytes)),
    };
    let lines = format!("{}\n{}\n", record("l1", false), record("l2", false));
    let lines = TrailSource::Reader {
        name: "lines".into(),
        reader: Box::new(std::io::Cursor::new(lines)),
    };
    let (ids, summary) = read(vec![members, lines], ReadOptions::default());
    assert_eq!(ids, ["l1", "l2", "m1", "m2", "m3"]);
    assert_eq!(summary.files_read, 2);
}

#[test]
fn events_keep_their_raw_record_only_when_asked() {
    let file = fixture_dir().join("drbarnz-blog_aws-sso-deep-dive.json");
    let with_raw: Vec<_> = read_trail(vec![path(&file)], ReadOptions::default()).collect();
    let raw: Value = serde_json::from_str(with_raw[0].raw.as_ref().unwrap().get()).unwrap();
    assert_eq!(raw, records("drbarnz-blog_aws-sso-deep-dive.json")[0]);
    let without: Vec<_> = read_trail(
        vec![path(&file)],
        ReadOptions {
            keep_raw: false,
            ..Default::default()
        },
    )
    .collect();
    assert!(without[0].raw.is_none());
    assert_eq!(without[0].to_json_line(), with_raw[0].to_json_line());
}

#[test]
fn finishing_early_stops_the_workers() {
    let recs: Vec<Value> = (0..5000).map(|i| record(&format!("r{i}"), false)).collect();
    let source = TrailSource::Reader {
        name: "big".into(),
        reader: Box::new(std::io::Cursor::new(log_text(&recs))),
    };
    let mut reader = read_trail(
        vec![source],
        ReadOptions {
            workers: 1,
            batch_size: 10,
            ..Default::default()
        },
    );
    assert_eq!(reader.next().map(|e| e.event_id).as_deref(), Some("r0"));
    let summary = reader.finish();
    assert!(
        summary.records < 5000,
        "the bounded channel holds the worker back: {}",
        summary.records
    );
    assert!(summary.file_errors.is_empty(), "stopping is not an error");
}

#[test]
fn one_stream_on_the_calling_thread() {
    let bytes = gzip(&log_text(&[
        record("s1", false),
        json!(42),
        record("s2", true),
    ]));
    let mut ids = Vec::new();
    let filter = EventFilter {
        outcome: Some(Outcome::Failure),
        ..Default::default()
    };
    let summary = centry::services::trail_files::read_stream(
        "inline",
        bytes.as_slice(),
        &ReadOptions {
            filter,
            ..Default::default()
        },
        &mut |e| ids.push(e.event_id),
    );
    assert_eq!(ids, ["s2"]);
    assert_eq!(
        (
            summary.files_read,
            summary.records,
            summary.matched,
            summary.malformed
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(summary.bytes_read, bytes.len() as u64);

    let broken = &bytes[..bytes.len() - 12];
    let summary = centry::services::trail_files::read_stream(
        "inline",
        broken,
        &ReadOptions::default(),
        &mut |_| {},
    );
    assert_eq!(summary.file_errors.len(), 1);
    assert!(
        summary.file_errors[0]
            .to_string()
            .starts_with("inline: truncated"),
        "{}",
        summary.file_errors[0]
    );
}
