//! CloudTrail Lake against the emulator through the Rust SDK: the organisation event data
//! store, queries that name it in `FROM` and answer as a direct computation over the records
//! says (maps with `element_at`, struct fields), results as Lake pages them (rows of
//! single-key maps), and Lake's modeled errors and limits.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_cloudtrail::types::QueryStatus;
use centry::emulator::Emulator;

use crate::common::trail::records;
use crate::common::{self};

async fn finish(
    ct: &aws_sdk_cloudtrail::Client,
    id: &str,
) -> aws_sdk_cloudtrail::operation::describe_query::DescribeQueryOutput {
    for _ in 0..600 {
        let d = ct
            .describe_query()
            .query_id(id)
            .send()
            .await
            .expect("DescribeQuery");
        if !matches!(
            d.query_status(),
            Some(QueryStatus::Queued | QueryStatus::Running)
        ) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("query {id} did not finish");
}

async fn start(ct: &aws_sdk_cloudtrail::Client, sql: &str) -> String {
    ct.start_query()
        .query_statement(sql)
        .send()
        .await
        .expect("StartQuery")
        .query_id()
        .unwrap()
        .to_string()
}

/// Every result row as (column → value) through pages of `page`.
async fn rows(ct: &aws_sdk_cloudtrail::Client, id: &str, page: i32) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let r = ct
            .get_query_results()
            .query_id(id)
            .max_query_results(page)
            .set_next_token(token)
            .send()
            .await
            .expect("GetQueryResults");
        assert!(r.query_result_rows().len() <= page as usize);
        for row in r.query_result_rows() {
            out.push(
                row.iter()
                    .map(|cell| {
                        assert_eq!(cell.len(), 1, "each cell a single-key map");
                        let (k, v) = cell.iter().next().unwrap();
                        (k.clone(), v.clone())
                    })
                    .collect(),
            );
        }
        match r.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => return out,
        }
    }
}

fn store(emu: &Emulator) -> String {
    centry::emulator::cloudtrail::lake::store_id(&emu.emu().state())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lake_queries_answer_as_the_records_say() {
    let emu = common::demo().await;
    let ct = common::operator(&emu).cloudtrail(false);
    let held = records(&emu);
    let stores = ct.list_event_data_stores().send().await.unwrap();
    let s = &stores.event_data_stores()[0];
    let id = store(&emu);
    assert!(s.event_data_store_arn().unwrap().ends_with(&id));
    let got = ct
        .get_event_data_store()
        .event_data_store(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.organization_enabled(), Some(true));
    let err = ct
        .get_event_data_store()
        .event_data_store("nope")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_event_data_store_not_found_exception()
    );

    // A portal session's events by its credentialId.
    let credential = held
        .iter()
        .find_map(|r| r["userIdentity"]["credentialId"].as_str())
        .expect("a credentialId in the history")
        .to_string();
    let want: BTreeSet<String> = held
        .iter()
        .filter(|r| r["userIdentity"]["credentialId"] == credential.as_str())
        .map(|r| r["eventID"].as_str().unwrap().to_string())
        .collect();
    let q = start(&ct, &format!(
        "SELECT eventID, eventTime, element_at(serviceEventDetails, 'role_name') AS role FROM {id} \
         WHERE userIdentity.credentialId = '{credential}' AND eventTime > '2000-01-01 00:00:00' ORDER BY eventTime"
    )).await;
    let d = finish(&ct, &q).await;
    assert_eq!(
        d.query_status(),
        Some(&QueryStatus::Finished),
        "{:?}",
        d.error_message()
    );
    let stats = d.query_statistics().unwrap();
    assert!(stats.bytes_scanned().unwrap() > 0);
    assert_eq!(stats.events_matched().unwrap() as usize, want.len());
    let got = rows(&ct, &q, 2).await;
    let ids: BTreeSet<String> = got
        .iter()
        .map(|r| r.iter().find(|(k, _)| k == "eventID").unwrap().1.clone())
        .collect();
    assert_eq!(ids, want, "named eventID as Lake spells it");

    // Maps: element_at returns the value.
    let password: usize = held
        .iter()
        .filter(|r| r["additionalEventData"]["CredentialType"] == "PASSWORD")
        .count();
    let q = start(&ct, &format!(
        "SELECT count(*) AS n FROM {id} WHERE element_at(additionalEventData, 'CredentialType') = 'PASSWORD'"
    )).await;
    finish(&ct, &q).await;
    assert_eq!(
        rows(&ct, &q, 10).await[0][0],
        ("n".to_string(), password.to_string())
    );

    // Lake refuses anything but SELECT: FAILED with the reason.
    let q = start(&ct, &format!("DELETE FROM {id}")).await;
    let d = finish(&ct, &q).await;
    assert_eq!(d.query_status(), Some(&QueryStatus::Failed));
    assert!(d.error_message().unwrap().contains("DELETE"));

    let err = ct.cancel_query().query_id(&q).send().await.unwrap_err();
    assert!(err.into_service_error().is_inactive_query_exception());
    let err = ct
        .describe_query()
        .query_id("nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_query_id_not_found_exception());
    let err = ct
        .get_query_results()
        .query_id(&q)
        .max_query_results(0)
        .send()
        .await
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("Validation") || format!("{err:?}").contains("max"),
        "{err:?}"
    );

    let listed = ct
        .list_queries()
        .event_data_store(&id)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.queries()[0].query_id(),
        Some(q.as_str()),
        "newest first"
    );
    assert!(listed.next_token().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_ten_queries_run_at_once() {
    let emu = common::demo().await;
    let ct = common::operator(&emu).cloudtrail(false);
    {
        let mut st = emu.emu().state();
        for i in 0..10 {
            let id = format!("busy-{i}");
            st.lake.order.push(id.clone());
            st.lake.queries.insert(
                id.clone(),
                centry::emulator::cloudtrail::lake::LakeQuery {
                    id,
                    statement: "SELECT 1".into(),
                    status: "RUNNING",
                    error: None,
                    created: time::OffsetDateTime::now_utc(),
                    elapsed_ms: 0,
                    bytes: 0,
                    scanned: 0,
                    rows: Vec::new(),
                    abort: None,
                },
            );
        }
    }
    let err = ct
        .start_query()
        .query_statement("SELECT 1")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_max_concurrent_queries_exception()
    );
    let c = ct.cancel_query().query_id("busy-3").send().await.unwrap();
    assert_eq!(c.query_status(), &QueryStatus::Cancelled);
    let q = start(&ct, "SELECT 1 AS one").await;
    let d = finish(&ct, &q).await;
    assert_eq!(d.query_status(), Some(&QueryStatus::Finished));
}
