//! Scanning CloudTrail log files (issue 5): events per second and bytes per second reading a
//! generated set of 1,000,000 events in `.json.gz` files (S3 delivery layout), with and without a
//! filter (failed sign-in steps), and the peak memory of each scan — against `jq` doing the same
//! selection on the same files in the same run (skipped with a notice where jq is absent).
//!
//! Each scan runs in a child process (this binary again, told what to do by
//! `EVENTS_SCAN_MODE`), so its peak memory is its own: centry's scans read `VmHWM` from
//! `/proc/self/status`; the jq runner reports the largest of its children (gzip and jq).
//!
//! Run: `cargo bench --bench events_scan`. `EVENTS_SCAN_EVENTS` (default 1000000) sizes the
//! set; `EVENTS_SCAN_DIR` reuses a set generated before (it is written there when missing).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use centry::model::trail_event::{EventFilter, EventGroup, Outcome};
use centry::services::trail_files::{ReadOptions, TrailSource, read_trail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const PER_FILE: usize = 10_000;
const ACCOUNT: &str = "381492058412";
const STORE: &str = "arn:aws:identitystore::381492058412:identitystore/d-9067c3a2b1";

/// The selection both tools make: failed steps on signin.amazonaws.com.
const JQ_FILTER: &str = r#".Records[] | select(.eventSource == "signin.amazonaws.com" and (.errorCode != null or ((.serviceEventDetails // {}) | to_entries | any(.value == "Failure")) or ((.responseElements // {}) | to_entries | any(.value == "Failure")))) | .eventID"#;
const JQ_ALL: &str = ".Records[] | .eventID";

fn centry_filter() -> EventFilter {
    EventFilter {
        groups: vec![EventGroup::Signin],
        outcome: Some(Outcome::Failure),
        ..Default::default()
    }
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// One record as CloudTrail writes it (a mix of sign-in steps, portal calls, admin calls by
/// roles and other services' events).
fn record(rng: &mut StdRng, n: usize) -> String {
    let t = 1_772_409_600 + (n as i64) * 3;
    let time = time::OffsetDateTime::from_unix_timestamp(t)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let user = format!(
        "{:08x}-1111-4a4a-9b9b-{:012x}",
        rng.random_range(0..400u32),
        n % 977
    );
    let ip = format!(
        "198.51.{}.{}",
        rng.random_range(0..255),
        rng.random_range(1..255)
    );
    let idc = format!(
        r#"{{"type":"IdentityCenterUser","accountId":"{ACCOUNT}","onBehalfOf":{{"userId":"{user}","identityStoreArn":"{STORE}"}},"credentialId":"{}"}}"#,
        uuid(rng)
    );
    let head = |source: &str, name: &str, who: &str, ua: &str| {
        format!(
            r#""eventVersion":"1.11","userIdentity":{who},"eventTime":"{time}","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":"{ua}""#
        )
    };
    let tail = |rng: &mut StdRng, kind: &str| {
        format!(
            r#""requestID":"{}","eventID":"{}","readOnly":false,"eventType":"{kind}","managementEvent":true,"recipientAccountId":"{ACCOUNT}","eventCategory":"Management""#,
            uuid(rng),
            uuid(rng)
        )
    };
    let chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    match rng.random_range(0..100) {
        0..40 => {
            let failed = rng.random_bool(0.08);
            let (name, who) = if failed {
                (
                    "CredentialVerification",
                    format!(
                        r#"{{"type":"Unknown","principalId":"{ACCOUNT}","arn":"","accountId":"{ACCOUNT}","accessKeyId":""}}"#
                    ),
                )
            } else {
                (
                    [
                        "CredentialChallenge",
                        "CredentialVerification",
                        "UserAuthentication",
                    ][n % 3],
                    idc.clone(),
                )
            };
            format!(
                r#"{{{},"requestParameters":null,"responseElements":null,"additionalEventData":{{"AuthWorkflowID":"{}","CredentialType":"PASSWORD","UserName":"user{}"}},{},"serviceEventDetails":{{"{name}":"{}"}}}}"#,
                head("signin.amazonaws.com", name, &who, chrome),
                uuid(rng),
                n % 400,
                tail(rng, "AwsServiceEvent"),
                if failed { "Failure" } else { "Success" }
            )
        }
        40..75 => {
            let name = [
                "ListAccounts",
                "ListAccountRoles",
                "GetRoleCredentials",
                "Authenticate",
            ][n % 4];
            format!(
                r#"{{{},"requestParameters":null,"responseElements":null,{},"serviceEventDetails":{{"role_name":"ReadOnlyAccess","account_id":"2000000{:05}"}}}}"#,
                head("sso.amazonaws.com", name, &idc, chrome),
                tail(rng, "AwsServiceEvent"),
                n % 99_999
            )
        }
        75..88 => {
            let role = format!(
                r#"{{"type":"AssumedRole","principalId":"AROAEXAMPLE:ops","arn":"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_IdentityCenterAdmin_abc/ops","accountId":"{ACCOUNT}","accessKeyId":"ASIA{:016}"}}"#,
                n
            );
            format!(
                r#"{{{},"requestParameters":{{"instanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","maxResults":100}},"responseElements":null,{}}}"#,
                head(
                    "sso.amazonaws.com",
                    "ListPermissionSets",
                    &role,
                    "aws-cli/2.22.20 md/awscrt#0.23.4"
                ),
                tail(rng, "AwsApiCall")
            )
        }
        _ => {
            let role = format!(
                r#"{{"type":"AssumedRole","principalId":"AROAAPP:i-0abc","arn":"arn:aws:sts::{ACCOUNT}:assumed-role/app/i-0abc","accountId":"{ACCOUNT}","accessKeyId":"ASIA{:016}"}}"#,
                n
            );
            let mut r = format!(
                r#"{{{},"requestParameters":{{"bucketName":"logs-{}","Host":"s3.amazonaws.com"}},"responseElements":null,{}"#,
                head(
                    "s3.amazonaws.com",
                    "GetBucketAcl",
                    &role,
                    "aws-sdk-java/2.46.14"
                ),
                n % 50,
                tail(rng, "AwsApiCall")
            );
            if rng.random_bool(0.05) {
                r.push_str(r#","errorCode":"AccessDenied","errorMessage":"Access Denied""#);
            }
            r.push('}');
            r
        }
    }
}

/// Write `events` records as gzip files of 10,000 in the S3 delivery layout.
fn generate(dir: &Path, events: usize) {
    let day = dir.join(format!("AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/03/02"));
    std::fs::create_dir_all(&day).expect("create the log tree");
    let mut rng = StdRng::seed_from_u64(5);
    let mut n = 0;
    let mut file = 0;
    while n < events {
        let path = day.join(format!(
            "{ACCOUNT}_CloudTrail_us-east-1_20260302T{:04}Z_{file:05}.json.gz",
            file % 2400
        ));
        let out = std::fs::File::create(&path).expect("create a log file");
        let mut gz = flate2::write::GzEncoder::new(
            std::io::BufWriter::new(out),
            flate2::Compression::default(),
        );
        gz.write_all(b"{\"Records\":[").unwrap();
        for i in 0..PER_FILE.min(events - n) {
            if i > 0 {
                gz.write_all(b",").unwrap();
            }
            gz.write_all(record(&mut rng, n).as_bytes()).unwrap();
            n += 1;
        }
        gz.write_all(b"]}").unwrap();
        gz.finish().unwrap().flush().unwrap();
        file += 1;
    }
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn children_peak_kb() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0 {
        usage.ru_maxrss as u64
    } else {
        0
    }
}

/// Child mode: one measurement, printed as `events bytes_compressed bytes_json seconds peak_kb`.
fn child(mode: &str, dir: &Path) {
    let start = Instant::now();
    let (events, compressed, json, peak) = match mode {
        "centry-all" | "centry-filtered" => {
            let filter = if mode == "centry-filtered" {
                centry_filter()
            } else {
                EventFilter::default()
            };
            let options = ReadOptions {
                filter,
                keep_raw: false,
                ..Default::default()
            };
            let mut reader = read_trail(vec![TrailSource::Path(dir.to_path_buf())], options);
            let mut n = 0u64;
            while let Some(batch) = reader.next_batch() {
                n += batch.len() as u64;
            }
            let s = reader.finish();
            assert!(s.file_errors.is_empty() && s.malformed == 0, "{s:?}");
            (n, s.bytes_read, s.bytes_decoded, peak_kb())
        }
        "jq-all" | "jq-filtered" => {
            let program = if mode == "jq-filtered" {
                JQ_FILTER
            } else {
                JQ_ALL
            };
            let script = format!(
                "find {} -name '*.json.gz' | sort | xargs gzip -dc | jq -r '{}' | wc -l",
                dir.display(),
                program.replace('\'', r"'\''")
            );
            let out = Command::new("sh")
                .arg("-c")
                .arg(&script)
                .output()
                .expect("sh runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let n: u64 = String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .expect("a count");
            (n, 0, 0, children_peak_kb())
        }
        other => panic!("unknown mode {other}"),
    };
    println!(
        "{events} {compressed} {json} {:.3} {peak}",
        start.elapsed().as_secs_f64()
    );
}

struct Run {
    events: u64,
    compressed: u64,
    json: u64,
    seconds: f64,
    peak_kb: u64,
}

fn measure(mode: &str, dir: &Path) -> Run {
    let out = Command::new(std::env::current_exe().expect("this binary"))
        .env("EVENTS_SCAN_MODE", mode)
        .env("EVENTS_SCAN_DIR", dir)
        .output()
        .expect("the child runs");
    assert!(
        out.status.success(),
        "{mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = line.split_whitespace().collect();
    Run {
        events: f[0].parse().unwrap(),
        compressed: f[1].parse().unwrap(),
        json: f[2].parse().unwrap(),
        seconds: f[3].parse().unwrap(),
        peak_kb: f[4].parse().unwrap(),
    }
}

fn main() {
    let dir_env = std::env::var_os("EVENTS_SCAN_DIR").map(PathBuf::from);
    if let Ok(mode) = std::env::var("EVENTS_SCAN_MODE") {
        child(&mode, dir_env.as_deref().expect("EVENTS_SCAN_DIR"));
        return;
    }
    let events: usize = std::env::var("EVENTS_SCAN_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let temp = tempfile::tempdir().expect("a temp dir");
    let dir = dir_env.unwrap_or_else(|| temp.path().to_path_buf());
    if !dir.join("AWSLogs").exists() {
        let t = Instant::now();
        generate(&dir, events);
        eprintln!(
            "generated {events} events in {:.1} s into {}",
            t.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("events_scan: {events} events in .json.gz files of {PER_FILE}, {cores} cores");
    println!(
        "{:<18} {:>10} {:>8} {:>12} {:>11} {:>11} {:>10}",
        "scan", "events", "seconds", "events/s", "gz MB/s", "json MB/s", "peak MB"
    );
    let mut results = Vec::new();
    let has_jq = Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut modes = vec!["centry-all", "centry-filtered"];
    if has_jq {
        modes.extend(["jq-all", "jq-filtered"]);
    } else {
        println!("(jq is not installed: the jq comparison is skipped — apt-get install jq)");
    }
    let mut sizes = (0, 0);
    for mode in modes {
        let r = measure(mode, &dir);
        if r.compressed > 0 {
            sizes = (r.compressed, r.json);
        }
        let (gz, json) = if mode.starts_with("jq") {
            sizes
        } else {
            (r.compressed, r.json)
        };
        let mb = |b: u64| b as f64 / 1e6 / r.seconds;
        let scanned = if mode.starts_with("jq") || mode.ends_with("filtered") {
            events as f64
        } else {
            r.events as f64
        };
        println!(
            "{mode:<18} {:>10} {:>8.2} {:>12.0} {:>11.1} {:>11.1} {:>10.1}",
            r.events,
            r.seconds,
            scanned / r.seconds,
            mb(gz),
            mb(json),
            r.peak_kb as f64 / 1024.0
        );
        results.push((mode, r));
    }
    let count = |m: &str| results.iter().find(|(k, _)| *k == m).map(|(_, r)| r.events);
    assert_eq!(count("centry-all"), Some(events as u64), "every event read");
    if has_jq {
        assert_eq!(
            count("jq-all"),
            count("centry-all"),
            "jq and centry see the same events"
        );
        assert_eq!(
            count("jq-filtered"),
            count("centry-filtered"),
            "and select the same ones"
        );
        let secs = |m: &str| {
            results
                .iter()
                .find(|(k, _)| *k == m)
                .map(|(_, r)| r.seconds)
                .unwrap_or(1.0)
        };
        println!(
            "centry is {:.1}× jq unfiltered, {:.1}× filtered",
            secs("jq-all") / secs("centry-all"),
            secs("jq-filtered") / secs("centry-filtered")
        );
    }
}
