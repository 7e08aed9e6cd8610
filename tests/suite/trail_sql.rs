//! The trail's SQL engine over objects on disk: the Trino functions AWS's sample queries use
//! (each checked against the records it ran over), case-insensitive names, statements it
//! cannot run failing with the construct named, and partition pruning counted in bytes read.

use std::path::Path;

use centry::trail_sql::{self, Answer, TableDef, format, layout, schema};
use serde_json::{Value, json};
use time::macros::datetime;

const ORG: &str = "o-test";

/// A small trail: two accounts, two days, a few sign-ins and role-session calls.
fn write_trail(root: &Path) -> Vec<Value> {
    let mut rng = rand::rng();
    let mut all = Vec::new();
    let days = [
        datetime!(2026-12-01 09:00 UTC),
        datetime!(2026-12-02 09:00 UTC),
    ];
    for (d, day) in days.into_iter().enumerate() {
        for (a, account) in ["111111111111", "222222222222"].into_iter().enumerate() {
            let records: Vec<Value> = (0..6)
                .map(|i| {
                    let t = day + time::Duration::minutes(i);
                    json!({
                        "eventVersion": "1.11",
                        "userIdentity": {"type": "AssumedRole",
                            "arn": format!("arn:aws:sts::{account}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/user{i}"),
                            "onBehalfOf": {"userId": format!("u-{i}"), "identityStoreArn": "arn:aws:identitystore::1:identitystore/d-1"}},
                        "eventTime": t.format(&time::format_description::well_known::Rfc3339).unwrap(),
                        "eventSource": if i % 2 == 0 { "s3.amazonaws.com" } else { "signin.amazonaws.com" },
                        "eventName": if i % 2 == 0 { "GetObject" } else { "ConsoleLogin" },
                        "awsRegion": "us-east-1",
                        "sourceIPAddress": format!("10.0.{d}.{i}"),
                        "errorCode": if i == 3 { Value::from("AccessDenied") } else { Value::Null },
                        "requestParameters": {"bucketName": format!("b{a}"), "n": i},
                        "additionalEventData": {"MFAUsed": if i < 3 { "Yes" } else { "No" }},
                        "eventID": format!("e-{d}-{a}-{i}"),
                        "readOnly": i % 2 == 0,
                        "resources": [{"ARN": "arn:aws:s3:::b", "type": "AWS::S3::Bucket"}],
                        "recipientAccountId": account,
                    })
                })
                .collect();
            let texts: Vec<String> = records.iter().map(Value::to_string).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            centry::emulator::trail::write_object(
                root,
                ORG,
                account,
                "us-east-1",
                day + time::Duration::minutes(10),
                &refs,
                &mut rng,
            )
            .unwrap();
            all.extend(records);
        }
    }
    all
}

fn tables(root: &Path) -> Vec<TableDef> {
    vec![
        trail_sql::folder_table(root.to_path_buf(), "default", "athena_t", schema::athena()),
        trail_sql::folder_table(root.to_path_buf(), "default", "lake_t", schema::lake()),
    ]
}

async fn run(root: &Path, sql: &str) -> Answer {
    trail_sql::run(sql, "default", &tables(root))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn cells(root: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    format::cells(&run(root, sql).await).unwrap()
}

fn one(rows: &[Vec<Option<String>>]) -> &str {
    rows[0][0].as_deref().unwrap_or("NULL")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trino_functions_answer_as_the_records_say() {
    let tmp = tempfile::tempdir().unwrap();
    let records = write_trail(tmp.path());
    let root = tmp.path();
    let want_denied = records
        .iter()
        .filter(|r| r["errorCode"] == "AccessDenied")
        .count();
    let q = |sql: &'static str| cells(root, sql);
    assert_eq!(
        one(&q("SELECT count_if(errorcode = 'AccessDenied') FROM athena_t").await),
        want_denied.to_string()
    );
    let mfa_yes = records
        .iter()
        .filter(|r| r["additionalEventData"]["MFAUsed"] == "Yes")
        .count();
    assert_eq!(
        one(&q(
            "SELECT count(*) FROM lake_t WHERE element_at(additionalEventData, 'MFAUsed') = 'Yes'"
        )
        .await),
        mfa_yes.to_string()
    );
    assert_eq!(
        one(&q("SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM athena_t WHERE eventid = 'e-0-1-0'").await),
        "b1"
    );
    assert_eq!(
        one(&q(
            "SELECT json_extract(requestparameters, '$.n') FROM athena_t WHERE eventid = 'e-0-1-5'"
        )
        .await),
        "5"
    );
    // from_iso8601_timestamp on Athena's string eventtime; Lake's timestamp against a literal.
    assert_eq!(
        one(&q("SELECT count(*) FROM athena_t WHERE from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('2026-12-02T00:00:00Z')").await),
        "12"
    );
    assert_eq!(
        one(&q("SELECT count(*) FROM lake_t WHERE eventTime > '2026-12-02 09:02:30'").await),
        "6"
    );
    assert_eq!(
        one(&q("SELECT date_diff('minute', min(eventtime), max(eventtime)) FROM lake_t").await),
        (24 * 60 + 5).to_string()
    );
    assert_eq!(
        one(&q("SELECT max(date_add('day', 1, eventTime)) FROM lake_t").await),
        "2026-12-03 09:05:00.000"
    );
    assert_eq!(
        one(&q("SELECT count(DISTINCT date_trunc('day', eventTime)) FROM lake_t").await),
        "2"
    );
    assert_eq!(
        one(&q("SELECT approx_distinct(sourceipaddress) FROM lake_t").await),
        "12"
    );
    assert_eq!(
        one(&q("SELECT count(*) FROM athena_t WHERE regexp_like(useridentity.arn, 'AWSReservedSSO_[A-Za-z]+_[0-9a-f]{16}/user1$')").await),
        "4"
    );
    assert_eq!(
        one(&q(
            "SELECT split_part(useridentity.arn, '/', 3) FROM athena_t WHERE eventid = 'e-1-0-2'"
        )
        .await),
        "user2"
    );
    assert_eq!(
        one(&q("SELECT max(cardinality(resources)) FROM lake_t").await),
        "1"
    );
    assert_eq!(
        one(&q("SELECT max(cardinality(additionalEventData)) FROM lake_t").await),
        "1"
    );
    // Names are case-insensitive, quoted or not; struct fields too.
    assert_eq!(
        one(&q("SELECT \"EventName\" FROM Lake_T WHERE EVENTID = 'e-0-0-1'").await),
        "ConsoleLogin"
    );
    assert_eq!(
        one(
            &q("SELECT userIdentity.onBehalfOf.userId FROM lake_t WHERE eventID = 'e-0-0-4'").await
        ),
        "u-4"
    );
    assert_eq!(
        one(&q("SELECT count(*) FROM lake_t WHERE readOnly").await),
        "12"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_it_cannot_run_fails_naming_the_construct() {
    let tmp = tempfile::tempdir().unwrap();
    write_trail(tmp.path());
    for (sql, named) in [
        ("DELETE FROM athena_t", "DELETE"),
        ("CREATE TABLE x AS SELECT 1", "CREATE TABLE"),
        (
            "SELECT no_such_function(eventname) FROM athena_t",
            "no_such_function",
        ),
        ("SELECT nosuchcolumn FROM athena_t", "nosuchcolumn"),
        ("SELECT * FROM nosuchtable", "nosuchtable"),
        (
            "SELECT date_add('fortnight', 1, eventTime) FROM lake_t",
            "fortnight",
        ),
        (
            "SELECT from_iso8601_timestamp(eventname) FROM athena_t",
            "from_iso8601_timestamp",
        ),
    ] {
        let e = trail_sql::run(sql, "default", &tables(tmp.path()))
            .await
            .expect_err(sql)
            .to_string();
        assert!(
            e.to_lowercase().contains(&named.to_lowercase()),
            "{sql}: {e}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partition_filters_choose_the_objects_read() {
    let tmp = tempfile::tempdir().unwrap();
    write_trail(tmp.path());
    let objects = layout::list_objects(tmp.path());
    let total: u64 = objects.iter().map(|o| o.size).sum();
    let one_day_one_account: u64 = objects
        .iter()
        .filter(|o| o.partition.account == "111111111111" && o.partition.day_path() == "2026/12/02")
        .map(|o| o.size)
        .sum();
    let pruned = run(
        tmp.path(),
        "SELECT count(*) FROM athena_t WHERE account = '111111111111' AND \"timestamp\" = '2026/12/02'",
    )
    .await;
    assert_eq!(format::cells(&pruned).unwrap()[0][0].as_deref(), Some("6"));
    assert_eq!(pruned.bytes_scanned, one_day_one_account);
    assert_eq!(pruned.objects_read, 1);
    let ranged = run(
        tmp.path(),
        "SELECT count(*) FROM athena_t WHERE \"timestamp\" >= '2026/12/02'",
    )
    .await;
    assert_eq!(ranged.objects_read, 2);
    let all = run(
        tmp.path(),
        "SELECT count(*) FROM athena_t WHERE eventname = 'GetObject'",
    )
    .await;
    assert_eq!(
        all.bytes_scanned, total,
        "no partition filter: every object"
    );
    assert_eq!(all.records_scanned, 24);
}
