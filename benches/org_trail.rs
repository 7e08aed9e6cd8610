//! The organisation trail at scale (issue 15): how fast `--generate …,trail-days,trail-events`
//! writes a trail, and a one-day, one-person question over it through the emulator's Athena
//! (wall time and `DataScannedInBytes`) on a table with partition projection and on one
//! without, against `centry events --file`'s reader scanning the same folder in the same run.
//!
//! Run: `cargo bench --bench org_trail`. `ORG_TRAIL_EVENTS` (default 5000000), `ORG_TRAIL_DAYS`
//! (default 30) and `ORG_TRAIL_ACCOUNTS` (default 500) size it; `ORG_TRAIL_DIR` reuses a trail
//! generated before (written there when empty).

use std::time::{Duration, Instant};

use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState as S};
use centry::emulator::generate::{self, GenerateSpec};
use centry::emulator::{Emulator, EmulatorConfig};
use centry::model::trail_event::EventFilter;
use centry::services::trail_files::{ReadOptions, TrailSource, read_trail};
use centry::services::{Endpoint, Services};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run(client: &aws_sdk_athena::Client, sql: &str) -> (Duration, u64, String) {
    let clock = Instant::now();
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
    loop {
        let q = client
            .get_query_execution()
            .query_execution_id(&id)
            .send()
            .await
            .unwrap();
        let q = q.query_execution().unwrap();
        match q.status().and_then(|s| s.state()) {
            Some(S::Succeeded) => {
                let scanned = q.statistics().unwrap().data_scanned_in_bytes().unwrap_or(0) as u64;
                let r = client
                    .get_query_results()
                    .query_execution_id(&id)
                    .send()
                    .await
                    .unwrap();
                let rows = r
                    .result_set()
                    .map_or(0, |s| s.rows().len().saturating_sub(1));
                return (clock.elapsed(), scanned, format!("{rows} rows"));
            }
            Some(S::Failed | S::Cancelled) => panic!("{sql}: {:?}", q.status()),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let (events, days, accounts) = (
        env("ORG_TRAIL_EVENTS", 5_000_000),
        env("ORG_TRAIL_DAYS", 30) as u32,
        env("ORG_TRAIL_ACCOUNTS", 500) as usize,
    );
    let spec = GenerateSpec {
        accounts,
        users: 2_000,
        permission_sets: 20,
        ..GenerateSpec::default()
    };
    let org = generate::generate(&spec);
    let keep = std::env::var_os("ORG_TRAIL_DIR").map(std::path::PathBuf::from);
    let tmp = tempfile::tempdir()?;
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    if centry::trail_sql::layout::list_objects(&dir).is_empty() {
        let clock = Instant::now();
        let w = generate::trail::write(&org, days, events, spec.seed, &dir)?;
        let s = clock.elapsed().as_secs_f64();
        println!(
            "generate: {} records, {} objects, {:.1} MB in {s:.1} s = {:.0} records/s",
            w.records,
            w.objects,
            w.bytes as f64 / 1e6,
            w.records as f64 / s
        );
    }
    let mut cfg = EmulatorConfig::demo();
    cfg.org = org.clone();
    cfg.trail_dir = Some(dir.clone());
    let emu = Emulator::start(cfg).await?;
    let (id, secret) = emu.operator_credentials();
    let svc = Services::new(Endpoint {
        url: Some(emu.endpoint_url()),
        sso_region: emu.region(),
        region: None,
    })
    .with_credentials(aws_credential_types::Credentials::new(
        id, secret, None, None, "bench",
    ));
    let client = aws_sdk_athena::Client::new(&svc.sdk_config(&emu.region(), false));
    let (bucket, org_id) = {
        let st = emu.emu().state();
        (
            st.settings.trail.bucket.clone(),
            st.org.organization.id.clone(),
        )
    };
    let ids: Vec<String> = org.accounts.iter().map(|a| a.id.clone()).collect();
    let ddl = include_str!("../tests/suite/fixtures/athena/cloudtrail_org_projected.sql")
        .replace("BUCKET", &bucket)
        .replace("ORG_ID", &org_id)
        .replace("ACCOUNTS", &ids.join(","))
        .replace("REGIONS", "us-east-1,eu-west-1,ap-southeast-2");
    run(&client, "CREATE DATABASE trail").await;
    run(&client, &ddl).await;
    let flat = ddl.replace("cloudtrail_logs_pp", "flat").replace(
        "PARTITIONED BY (\n   `account` string, `region` string, `timestamp` string)",
        "",
    );
    let flat = flat[..flat.find("TBLPROPERTIES").unwrap()].to_string();
    run(&client, &flat).await;

    let account = &ids[0];
    let user = &org.users[0].user_name;
    let day = time::OffsetDateTime::now_utc().date() - time::Duration::days(2);
    let day_path = centry::trail_sql::layout::day_path(day);
    let projected = format!(
        "SELECT eventtime, eventname FROM cloudtrail_logs_pp WHERE account = '{account}' AND \"timestamp\" = '{day_path}' AND useridentity.arn LIKE '%/{user}'"
    );
    let (t, scanned, rows) = run(&client, &projected).await;
    println!(
        "athena projected: {:.2} s, DataScannedInBytes {scanned}, {rows}",
        t.as_secs_f64()
    );
    let unprojected = format!(
        "SELECT eventtime, eventname FROM flat WHERE recipientaccountid = '{account}' AND eventtime LIKE '{}%' AND useridentity.arn LIKE '%/{user}'",
        day
    );
    let (t, scanned, rows) = run(&client, &unprojected).await;
    println!(
        "athena without projection: {:.2} s, DataScannedInBytes {scanned}, {rows}",
        t.as_secs_f64()
    );

    let clock = Instant::now();
    let options = ReadOptions {
        filter: EventFilter::default(),
        keep_raw: false,
        ..Default::default()
    };
    let mut reader = read_trail(vec![TrailSource::Path(dir.clone())], options);
    let mut n = 0u64;
    while let Some(batch) = reader.next_batch() {
        n += batch.len() as u64;
    }
    println!(
        "events --file reader: {n} events in {:.2} s",
        clock.elapsed().as_secs_f64()
    );
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        });
    println!(
        "peak memory (this process, emulator included): {}",
        peak.unwrap_or_default()
    );
    emu.stop().await;
    Ok(())
}
