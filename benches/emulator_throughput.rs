//! The emulator's own throughput, so client benchmarks know it is not their bottleneck:
//! ListAccountRoles requests per second on a 2,000-account organisation, from one client and
//! from 32 concurrent clients, over loopback HTTP in the same process.
//!
//! Run: `cargo bench --bench emulator_throughput` (release mode). Each phase runs for a fixed
//! time (`CENTRY_BENCH_SECONDS`, default 5) and stops by itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use centry::emulator::org::{AccountAssignment, PrincipalKind};
use centry::emulator::{Emulator, EmulatorConfig, Org};

/// Accounts in the benchmark organisation.
const ACCOUNTS: usize = 2_000;

/// The demo organisation grown to [`ACCOUNTS`] accounts, each assigned to a group the signed-in
/// person belongs to, so every account has a role to list.
fn big_org() -> (Org, String) {
    let mut org = Org::demo();
    let template = org.accounts[org.accounts.len() - 1].clone();
    let group = org.groups[0].display_name.clone();
    let member = org.groups[0].members[0].clone();
    let pset = org.permission_sets[0].name.clone();
    let mut n = 0u64;
    while org.accounts.len() < ACCOUNTS {
        let id = format!("{:012}", 700_000_000_000u64 + n);
        n += 1;
        let mut a = template.clone();
        a.name = format!("bench-{n:04}");
        a.email = format!("aws+bench-{n:04}@example.test");
        a.id = id.clone();
        org.accounts.push(a);
        org.account_assignments.push(AccountAssignment {
            account: id,
            permission_set: pset.clone(),
            principal_type: PrincipalKind::Group,
            principal: group.clone(),
        });
    }
    (org, member)
}

/// Device sign-in over HTTP as the auto-approved person; returns the access token.
async fn sign_in(emu: &Emulator) -> anyhow::Result<String> {
    let http = reqwest::Client::new();
    let base = emu.endpoint_url();
    let reg: serde_json::Value = http
        .post(format!("{base}/client/register"))
        .json(&serde_json::json!({"clientName": "bench", "clientType": "public", "scopes": ["sso:account:access"]}))
        .send()
        .await?
        .json()
        .await?;
    let (id, secret) = (reg["clientId"].clone(), reg["clientSecret"].clone());
    let dev: serde_json::Value = http
        .post(format!("{base}/device_authorization"))
        .json(&serde_json::json!({"clientId": id, "clientSecret": secret, "startUrl": emu.start_url()}))
        .send()
        .await?
        .json()
        .await?;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let r: serde_json::Value = http
            .post(format!("{base}/token"))
            .json(&serde_json::json!({
                "clientId": id, "clientSecret": secret, "deviceCode": dev["deviceCode"],
                "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            }))
            .send()
            .await?
            .json()
            .await?;
        if let Some(t) = r["accessToken"].as_str() {
            return Ok(t.to_string());
        }
    }
    anyhow::bail!("the sign-in was never approved")
}

/// Run `clients` concurrent request loops for `secs`; returns requests per second. Every
/// answer is checked to list the expected role, so errors cannot inflate the rate.
async fn measure(
    emu: &Emulator,
    token: &str,
    accounts: &[String],
    clients: usize,
    secs: f64,
) -> anyhow::Result<f64> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, done, failed) = (http.clone(), done.clone(), failed.clone());
        let url = format!("{}/assignment/roles", emu.endpoint_url());
        let token = token.to_string();
        let accounts = accounts.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut i = c * 61;
            while Instant::now() < deadline {
                let account = &accounts[i % accounts.len()];
                i += 1;
                let ok = match http
                    .get(&url)
                    .query(&[("account_id", account.as_str())])
                    .header("x-amz-sso_bearer_token", &token)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => r
                        .json::<serde_json::Value>()
                        .await
                        .is_ok_and(|v| v["roleList"].as_array().is_some_and(|l| !l.is_empty())),
                    _ => false,
                };
                if ok {
                    done.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let bad = failed.load(Ordering::Relaxed);
    anyhow::ensure!(bad == 0, "{bad} requests failed");
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
}

fn main() -> anyhow::Result<()> {
    let secs: f64 = std::env::var("CENTRY_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let (org, member) = big_org();
        let mut cfg = EmulatorConfig::demo();
        cfg.org = org;
        cfg.settings.auto_approve = Some(member);
        cfg.settings.auto_approve_delay_ms = 50;
        let emu = Emulator::start(cfg).await?;
        let token = sign_in(&emu).await?;
        let accounts: Vec<String> = (0..ACCOUNTS as u64 - 2)
            .map(|n| format!("{:012}", 700_000_000_000u64 + n))
            .collect();
        // Warm up connections and the reach cache.
        measure(&emu, &token, &accounts, 32, 0.5).await?;
        let one = measure(&emu, &token, &accounts, 1, secs).await?;
        let many = measure(&emu, &token, &accounts, 32, secs).await?;
        println!("emulator_throughput: ListAccountRoles on a {ACCOUNTS}-account organisation, {secs} s per phase");
        println!("  1 client:    {one:>9.0} requests/s");
        println!("  32 clients:  {many:>9.0} requests/s  ({:.2}x the single client)", many / one);
        emu.stop().await;
        Ok(())
    })
}
