//! Athena against the emulator through the Rust SDK: DDL as AWS's CloudTrail documentation
//! writes it (partition projection honoured; partitions added by hand otherwise), queries that
//! run asynchronously with Athena's states, statistics and paged results, answers equal to a
//! direct computation over the records, pruning shown by `DataScannedInBytes`, statements the
//! engine cannot run ending FAILED with the construct named, and the two workgroups.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState as S};
use centry::emulator::Emulator;
use centry::trail_sql::layout;
use serde_json::Value;

use crate::common::trail::records;
use crate::common::{self, MGMT};

const PROJECTED: &str = include_str!("fixtures/athena/cloudtrail_org_projected.sql");

fn athena(emu: &Emulator) -> aws_sdk_athena::Client {
    aws_sdk_athena::Client::new(&common::operator(emu).sdk_config(&emu.region(), false))
}

/// Run a statement to its end; returns (id, final execution).
async fn run(
    client: &aws_sdk_athena::Client,
    sql: &str,
) -> (String, aws_sdk_athena::types::QueryExecution) {
    let id = client
        .start_query_execution()
        .query_string(sql)
        .query_execution_context(QueryExecutionContext::builder().database("trail").build())
        .send()
        .await
        .expect("StartQueryExecution")
        .query_execution_id()
        .unwrap()
        .to_string();
    for _ in 0..600 {
        let q = client
            .get_query_execution()
            .query_execution_id(&id)
            .send()
            .await
            .expect("GetQueryExecution")
            .query_execution
            .unwrap();
        let state = q.status().and_then(|s| s.state()).cloned().unwrap();
        if matches!(state, S::Succeeded | S::Failed | S::Cancelled) {
            return (id, q);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{sql} did not finish");
}

async fn ok(client: &aws_sdk_athena::Client, sql: &str) -> (String, u64) {
    let (id, q) = run(client, sql).await;
    let status = q.status().unwrap();
    assert_eq!(
        status.state(),
        Some(&S::Succeeded),
        "{sql}: {:?}",
        status.state_change_reason()
    );
    (
        id,
        q.statistics().unwrap().data_scanned_in_bytes().unwrap() as u64,
    )
}

/// Every row of a result through every page of `page` rows (header first).
async fn rows(client: &aws_sdk_athena::Client, id: &str, page: i32) -> Vec<Vec<Option<String>>> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let r = client
            .get_query_results()
            .query_execution_id(id)
            .max_results(page)
            .set_next_token(token)
            .send()
            .await
            .expect("GetQueryResults");
        let set = r.result_set().unwrap();
        assert!(set.rows().len() <= page as usize);
        for row in set.rows() {
            out.push(
                row.data()
                    .iter()
                    .map(|d| d.var_char_value().map(str::to_string))
                    .collect(),
            );
        }
        match r.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => return out,
        }
    }
}

fn ddl(emu: &Emulator, name: &str, projected: bool) -> String {
    let st = emu.emu().state();
    let org = st.org.organization.id.clone();
    let bucket = st.settings.trail.bucket.clone();
    let accounts: Vec<String> = st.org.accounts.iter().map(|a| a.id.clone()).collect();
    let region = st.org.instance.region.clone();
    let mut sql = PROJECTED
        .replace("cloudtrail_logs_pp", name)
        .replace("BUCKET", &bucket)
        .replace("ORG_ID", &org)
        .replace("ACCOUNTS", &accounts.join(","))
        .replace("REGIONS", &region);
    if !projected {
        let cut = sql.find("TBLPROPERTIES").unwrap();
        sql.truncate(cut);
    }
    sql
}

/// Failed sign-in steps of one person, by event id, computed directly over the records. A
/// failed step is not authenticated (`userIdentity` is `Unknown`); the name the person typed is
/// on the chain's password challenge, and the chain's steps share an `AuthWorkflowID`.
fn failed_sign_ins(records: &[Value]) -> (String, BTreeSet<String>) {
    let workflow = |r: &Value| {
        r["additionalEventData"]["AuthWorkflowID"]
            .as_str()
            .map(str::to_string)
    };
    let failed = |r: &&Value| {
        r["eventSource"] == "signin.amazonaws.com"
            && r["serviceEventDetails"][r["eventName"].as_str().unwrap_or_default()] == "Failure"
    };
    let failed_flows: BTreeSet<String> =
        records.iter().filter(failed).filter_map(workflow).collect();
    let typed = |r: &Value| {
        r["additionalEventData"]["UserName"]
            .as_str()
            .map(str::to_string)
    };
    let person = records
        .iter()
        .filter(|r| workflow(r).is_some_and(|w| failed_flows.contains(&w)))
        .filter_map(typed)
        .find(|n| n != "HIDDEN_DUE_TO_SECURITY_REASONS")
        .expect("the history holds a failed sign-in");
    let flows: BTreeSet<String> = records
        .iter()
        .filter(|r| typed(r).as_deref() == Some(person.as_str()))
        .filter_map(workflow)
        .collect();
    let ids = records
        .iter()
        .filter(failed)
        .filter(|r| workflow(r).is_some_and(|w| flows.contains(&w)))
        .map(|r| r["eventID"].as_str().unwrap().to_string())
        .collect();
    (person, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_tables_answer_as_the_records_say_and_prune_by_partition() {
    let emu = common::demo().await;
    let client = athena(&emu);
    let held = records(&emu);
    emu.deliver_trail();
    ok(&client, "CREATE DATABASE trail").await;
    ok(&client, &ddl(&emu, "ct_projected", true)).await;
    ok(&client, &ddl(&emu, "ct_manual", false)).await;
    let flat = ddl(&emu, "ct_flat", false).replace(
        "PARTITIONED BY (\n   `account` string, `region` string, `timestamp` string)",
        "",
    );
    ok(&client, &flat).await;
    let (id, _) = ok(&client, "SHOW TABLES IN trail").await;
    let tables: Vec<String> = rows(&client, &id, 10)
        .await
        .into_iter()
        .filter_map(|r| r[0].clone())
        .collect();
    assert_eq!(tables, ["ct_flat", "ct_manual", "ct_projected"]);

    // A person's failed sign-ins, paged 2 rows at a time.
    let (person, want) = failed_sign_ins(&held);
    let (id, _) = ok(
        &client,
        &format!(
            "SELECT eventid, eventtime FROM ct_projected \
             WHERE eventsource = 'signin.amazonaws.com' \
               AND json_extract_scalar(serviceeventdetails, concat('$.', eventname)) = 'Failure' \
               AND json_extract_scalar(additionaleventdata, '$.AuthWorkflowID') IN ( \
                 SELECT json_extract_scalar(additionaleventdata, '$.AuthWorkflowID') FROM ct_projected \
                 WHERE json_extract_scalar(additionaleventdata, '$.UserName') = '{person}') \
             ORDER BY eventtime"
        ),
    )
    .await;
    let got = rows(&client, &id, 2).await;
    assert_eq!(
        got[0],
        [Some("eventid".to_string()), Some("eventtime".to_string())],
        "the header leads"
    );
    let ids: BTreeSet<String> = got[1..].iter().map(|r| r[0].clone().unwrap()).collect();
    assert_eq!(ids, want);

    // One day, one account: only that day's objects are read on the projected table.
    let org = emu.emu().state().org.organization.id.clone();
    let objects: Vec<_> = layout::list_objects(&emu.trail_dir())
        .into_iter()
        .filter(|o| o.partition.org == org)
        .collect();
    let day = objects
        .iter()
        .find(|o| o.partition.account == MGMT)
        .unwrap()
        .partition
        .day_path();
    let day_bytes: u64 = objects
        .iter()
        .filter(|o| o.partition.account == MGMT && o.partition.day_path() == day)
        .map(|o| o.size)
        .sum();
    let all_bytes: u64 = objects.iter().map(|o| o.size).sum();
    let question = |t: &str| {
        format!("SELECT count(*) FROM {t} WHERE account = '{MGMT}' AND \"timestamp\" = '{day}'")
    };
    let (pid, scanned) = ok(&client, &question("ct_projected")).await;
    assert_eq!(scanned, day_bytes);
    assert!(day_bytes < all_bytes);
    let count = rows(&client, &pid, 10).await[1][0].clone().unwrap();
    let in_day: usize = objects
        .iter()
        .filter(|o| o.partition.account == MGMT && o.partition.day_path() == day)
        .map(|o| {
            let mut s = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(std::fs::File::open(&o.path).unwrap()),
                &mut s,
            )
            .unwrap();
            serde_json::from_str::<Value>(&s).unwrap()["Records"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(count, in_day.to_string());
    // Without projection or partitions: the same question on all columns reads everything.
    let (_, flat_scanned) = ok(
        &client,
        &format!("SELECT count(*) FROM ct_flat WHERE recipientaccountid = '{MGMT}'"),
    )
    .await;
    // (Each query first delivers what the emulator recorded since: the Athena calls too.)
    let all_now: u64 = layout::list_objects(&emu.trail_dir())
        .into_iter()
        .filter(|o| o.partition.org == org)
        .map(|o| o.size)
        .sum();
    assert_eq!(flat_scanned, all_now);
    // Partitioned without projection: nothing until a partition is added.
    let (mid, manual_scanned) = ok(&client, &question("ct_manual")).await;
    assert_eq!(
        (
            rows(&client, &mid, 10).await[1][0].clone().unwrap(),
            manual_scanned
        ),
        ("0".into(), 0)
    );
    let bucket = emu.emu().state().settings.trail.bucket.clone();
    let region = emu.region();
    ok(&client, &format!(
        "ALTER TABLE ct_manual ADD PARTITION (account='{MGMT}', region='{region}', timestamp='{day}') LOCATION 's3://{bucket}/AWSLogs/{org}/{MGMT}/CloudTrail/{region}/{day}/'"
    )).await;
    let (mid, manual_scanned) = ok(&client, &question("ct_manual")).await;
    assert_eq!(rows(&client, &mid, 10).await[1][0].clone().unwrap(), count);
    assert_eq!(manual_scanned, day_bytes);

    // Statements the engine cannot run end FAILED naming the construct.
    let (_, q) = run(
        &client,
        "SELECT no_such_function(eventname) FROM ct_projected",
    )
    .await;
    let status = q.status().unwrap();
    assert_eq!(status.state(), Some(&S::Failed));
    assert!(
        status
            .state_change_reason()
            .unwrap()
            .contains("no_such_function")
    );
    assert!(
        status
            .athena_error()
            .unwrap()
            .error_message()
            .unwrap()
            .contains("no_such_function")
    );
    let err = client
        .get_query_results()
        .query_execution_id(q.query_execution_id().unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_request_exception());

    ok(&client, "DROP TABLE ct_flat").await;
    let (id, _) = ok(&client, "SHOW TABLES").await;
    assert_eq!(rows(&client, &id, 10).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_workgroups_and_query_listing() {
    let emu = common::demo().await;
    let client = athena(&emu);
    ok(&client, "CREATE DATABASE trail").await;
    ok(&client, &ddl(&emu, "ct", true)).await;
    let wgs = client.list_work_groups().send().await.unwrap();
    let names: Vec<&str> = wgs.work_groups().iter().filter_map(|w| w.name()).collect();
    assert_eq!(names, ["primary", "identity-center"]);
    let wg = client
        .get_work_group()
        .work_group("identity-center")
        .send()
        .await
        .unwrap();
    let idc = wg
        .work_group()
        .unwrap()
        .configuration()
        .unwrap()
        .identity_center_configuration()
        .unwrap();
    assert_eq!(idc.enable_identity_center(), Some(true));
    let err = client
        .start_query_execution()
        .query_string("SELECT 1")
        .work_group("identity-center")
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_invalid_request_exception(), "{err:?}");
    assert!(
        err.to_string().contains("identity-enhanced")
            || format!("{err:?}").contains("identity-enhanced")
    );

    let cats = client.list_data_catalogs().send().await.unwrap();
    assert_eq!(
        cats.data_catalogs_summary()[0].catalog_name(),
        Some("AwsDataCatalog")
    );
    let dbs = client
        .list_databases()
        .catalog_name("AwsDataCatalog")
        .send()
        .await
        .unwrap();
    let dbs: Vec<&str> = dbs.database_list().iter().map(|d| d.name()).collect();
    assert_eq!(dbs, ["default", "trail"]);
    let t = client
        .get_table_metadata()
        .catalog_name("AwsDataCatalog")
        .database_name("trail")
        .table_name("ct")
        .send()
        .await
        .unwrap();
    let t = t.table_metadata().unwrap();
    assert!(
        t.columns()
            .iter()
            .any(|c| c.name() == "useridentity" && c.r#type() == Some("row"))
    );
    let keys: Vec<&str> = t.partition_keys().iter().map(|c| c.name()).collect();
    assert_eq!(keys, ["account", "region", "timestamp"]);
    assert_eq!(t.parameters().unwrap()["projection.enabled"], "true");
    let listed = client
        .list_table_metadata()
        .catalog_name("AwsDataCatalog")
        .database_name("trail")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.table_metadata_list().len(), 1);
    let err = client
        .list_table_metadata()
        .catalog_name("AwsDataCatalog")
        .database_name("nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_metadata_exception());

    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(ok(&client, "SELECT 1").await.0);
    }
    let page = client
        .list_query_executions()
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.query_execution_ids().len(), 2);
    assert_eq!(page.query_execution_ids()[0], ids[2], "newest first");
    let rest = client
        .list_query_executions()
        .max_results(2)
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.query_execution_ids().len(), 2);
    assert!(rest.next_token().is_some(), "five queries: a third page");
    let batch = client
        .batch_get_query_execution()
        .query_execution_ids(&ids[0])
        .query_execution_ids("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(batch.query_executions().len(), 1);
    assert_eq!(batch.unprocessed_query_execution_ids().len(), 1);
    client
        .stop_query_execution()
        .query_execution_id(&ids[0])
        .send()
        .await
        .unwrap();
    let q = client
        .get_query_execution()
        .query_execution_id(&ids[0])
        .send()
        .await
        .unwrap();
    assert_eq!(
        q.query_execution().unwrap().status().unwrap().state(),
        Some(&S::Succeeded),
        "a finished query stays as it ended"
    );
    let err = client
        .get_query_execution()
        .query_execution_id("nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_request_exception());
}
