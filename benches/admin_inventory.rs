//! The admin inventory against a generated organisation of 500 accounts × 40 permission sets ×
//! 2,000 people, with 100 ms of added latency per request and the emulator enforcing 20 TPS
//! per service (as Identity Center does): centry's pruned walk, the naive every-pair walk and
//! a strictly serial walk, then one person's and one account's access answered cold. For each:
//! wall time, API calls (as centry counts them and as the emulator saw them, with throttled
//! answers), and wall time against the floor the quota sets (calls ÷ 20 TPS).
//!
//! Run: `cargo bench --bench admin_inventory` (release mode; about 25 minutes in all, 17 of
//! them for the naive walk's 21,000 calls at 20 TPS). `CENTRY_BENCH_NAIVE=0` skips it.

use std::sync::Arc;
use std::time::Instant;

use aws_credential_types::Credentials;
use centry::emulator::faults::FaultConfig;
use centry::emulator::generate::{GenerateSpec, generate};
use centry::emulator::org::{Org, PrincipalKind};
use centry::emulator::{Emulator, EmulatorConfig};
use centry::model::inventory::Inventory;
use centry::services::admin::assignments::PairStrategy;
use centry::services::admin::inventory::{self, Options};
use centry::services::admin::{Admin, instances, targeted};
use centry::services::limiter::Limiter;
use centry::services::{Endpoint, Services};

/// The quota the emulator enforces, per service.
const TPS: f64 = 20.0;

struct Outcome {
    name: String,
    seconds: f64,
    calls: u64,
    seen: usize,
    throttled: usize,
}

impl Outcome {
    fn print(&self) {
        let floor = self.calls as f64 / TPS;
        println!(
            "{:<34} {:>9.1} s {:>7} calls {:>7} seen {:>6} throttled   floor {:>7.1} s   wall/floor {:>5.2}",
            self.name,
            self.seconds,
            self.calls,
            self.seen,
            self.throttled,
            floor,
            self.seconds / floor.max(0.001)
        );
    }
}

fn services(emu: &Emulator) -> Services {
    let (id, secret) = emu.operator_credentials();
    Services::new(Endpoint {
        url: Some(emu.endpoint_url()),
        sso_region: emu.region(),
        region: None,
    })
    .with_credentials(Credentials::new(id, secret, None, None, "bench"))
}

async fn measure<T>(
    emu: &Emulator,
    name: &str,
    concurrency: usize,
    work: impl AsyncFnOnce(&Admin) -> T,
) -> (T, Outcome) {
    emu.emu().faults.clear_hits();
    let admin = Admin::new(
        &services(emu),
        Arc::new(Limiter::identity_center()),
        Default::default(),
    )
    .with_concurrency(concurrency);
    let started = Instant::now();
    let out = work(&admin).await;
    let seconds = started.elapsed().as_secs_f64();
    let hits = emu.emu().faults.hits();
    let o = Outcome {
        name: name.to_string(),
        seconds,
        calls: admin.calls(),
        seen: hits.len(),
        throttled: hits.iter().filter(|h| h.throttled).count(),
    };
    o.print();
    (out, o)
}

async fn walk(emu: &Emulator, name: &str, strategy: PairStrategy, concurrency: usize) -> Inventory {
    let (inv, _) = measure(emu, name, concurrency, async |a: &Admin| {
        let all = instances::list_instances(a).await.expect("instances");
        let inst = instances::choose(&all, None).expect("one instance");
        inventory::full(
            a,
            &inst,
            Options {
                strategy,
                applications: true,
            },
        )
        .await
        .expect("inventory")
    })
    .await;
    println!(
        "    {} assignments, {} people, {} memberships read, strategy: {}",
        inv.assignments.len(),
        inv.users.len(),
        inv.members.len(),
        inv.stats.strategy
    );
    inv
}

/// The person in the most groups, and the account with the most assignments.
fn subjects(org: &Org) -> (String, String) {
    let person = org
        .users
        .iter()
        .max_by_key(|u| {
            org.groups
                .iter()
                .filter(|g| g.members.contains(&u.user_name))
                .count()
        })
        .map(|u| u.user_name.clone())
        .unwrap_or_default();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for a in &org.account_assignments {
        *counts.entry(a.account.as_str()).or_default() += match a.principal_type {
            PrincipalKind::User => 1,
            PrincipalKind::Group => 2,
        };
    }
    let account = counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(a, _)| a.to_string())
        .unwrap_or_default();
    (person, account)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let spec = GenerateSpec {
        accounts: 500,
        users: 2_000,
        groups: 40,
        permission_sets: 40,
        seed: 1,
        ..GenerateSpec::default()
    };
    let org = generate(&spec);
    let (person, account) = subjects(&org);
    println!(
        "organisation: {} accounts, {} permission sets, {} people, {} groups, {} assignments in the seed",
        org.accounts.len(),
        org.permission_sets.len(),
        org.users.len(),
        org.groups.len(),
        org.account_assignments.len()
    );
    let mut cfg = EmulatorConfig::demo();
    cfg.org = org;
    cfg.faults = FaultConfig {
        latency_ms: 100,
        rate_limit: Some(TPS),
        ..Default::default()
    };
    let emu = Emulator::start(cfg).await?;
    println!("faults: 100 ms latency per request, {TPS} TPS per service\n");

    let pruned = walk(
        &emu,
        "full inventory, pruned (centry)",
        PairStrategy::Auto,
        32,
    )
    .await;
    let serial = walk(&emu, "full inventory, serial walk", PairStrategy::Auto, 1).await;
    assert_eq!(
        serial.assignments, pruned.assignments,
        "the serial walk finds the same"
    );
    if std::env::var("CENTRY_BENCH_NAIVE").as_deref() != Ok("0") {
        let naive = walk(
            &emu,
            "full inventory, every pair (naive)",
            PairStrategy::EveryPair,
            32,
        )
        .await;
        assert_eq!(
            naive.assignments, pruned.assignments,
            "the naive walk finds the same"
        );
    }
    let inst = pruned.instance.clone();
    let (p, _) = measure(
        &emu,
        &format!("one person cold ({person})"),
        32,
        async |a: &Admin| {
            targeted::person(a, &inst, &person, false)
                .await
                .expect("person")
                .expect("found")
        },
    )
    .await;
    println!(
        "    {} grants (direct + through {} groups)",
        p.assignments.len(),
        p.members.len()
    );
    let (acct, _) = measure(
        &emu,
        &format!("one account cold ({account})"),
        32,
        async |a: &Admin| {
            targeted::account(a, &inst, &account, None)
                .await
                .expect("account")
        },
    )
    .await;
    println!(
        "    {} assignments, {} people named, {} permission sets provisioned",
        acct.assignments.len(),
        acct.users.len(),
        acct.permission_sets.len()
    );
    emu.stop().await;
    Ok(())
}
