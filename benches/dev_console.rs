//! Benchmarks for the developer's console (issue 3). Numbers are reported against baselines
//! measured in the same run.
//!
//! 1. Listing 2,000 accounts × 3 roles with 150 ms injected latency while the emulator enforces
//!    a rate limit of 10, 20 and 50 TPS: wall time against the floor (useful calls ÷ limit), time to
//!    the first rows, throttling errors that reached the user, throttles absorbed — and a
//!    strictly sequential client (one request at a time, SDK retries) as the baseline.
//! 2. Start to first interactive frame from a cached listing of 10,000 account-roles, against
//!    the first frame with no cache.
//! 3. Filter latency per keystroke over 100,000 rows (nucleo), against a plain lowercase
//!    substring filter over the same rows.
//!
//! Run: `cargo bench --bench dev_console` (release). `CENTRY_BENCH_ACCOUNTS` (default 2000)
//! and `CENTRY_BENCH_LIMITS` (default `10,20,50`) shrink the listing part; `CENTRY_BENCH_ONLY`
//! = `listing`, `frame` or `filter` runs one part.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use centry::emulator::{Emulator, EmulatorConfig, generate};
use centry::model::account::{AccountEntry, Listing};
use centry::model::fuzzy::{FuzzyIndex, IncrementalFilter};
use centry::services::limiter::Limiter;
use centry::services::portal::{self, ListingEvent};
use centry::services::signin::{self, Flow, SignInTarget};
use centry::services::{Endpoint, ServiceError, Services};

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_string())
}

fn wants(part: &str) -> bool {
    std::env::var("CENTRY_BENCH_ONLY")
        .map(|v| v == part)
        .unwrap_or(true)
}

async fn emulator(accounts: usize, limit: Option<f64>, latency_ms: u64) -> Emulator {
    let spec = format!("accounts={accounts},users=300,groups=12,permission-sets=12,seed=11");
    let mut cfg = EmulatorConfig::demo();
    cfg.org = generate::generate(&spec.parse().expect("spec"));
    cfg.settings.auto_approve = Some("dev.user".into());
    cfg.settings.auto_approve_delay_ms = 10;
    cfg.faults.latency_ms = latency_ms;
    cfg.faults.rate_limit = limit;
    Emulator::start(cfg).await.expect("emulator")
}

async fn token(emu: &Emulator, svc: &Services) -> centry::model::secret::Secret {
    let target = SignInTarget {
        session: Some(format!("bench-{}", emu.addr().port())),
        start_url: emu.start_url(),
        region: emu.region(),
        configured_scopes: vec![],
    };
    signin::sign_in(svc, &target, Flow::DeviceCode, |_| {}, &Default::default())
        .await
        .expect("sign-in")
        .access_token
}

fn services(emu: &Emulator) -> Services {
    Services::new(Endpoint {
        url: Some(emu.endpoint_url()),
        sso_region: emu.region(),
        region: None,
    })
}

struct Run {
    wall: f64,
    first_rows: f64,
    calls: u64,
    user_errors: u64,
    throttles: u64,
    roles: usize,
}

async fn centry_listing(emu: &Emulator) -> Run {
    let svc = services(emu);
    let tok = token(emu, &svc).await;
    let limiter = Arc::new(Limiter::identity_center());
    let first = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let f = first.clone();
    let report = move |ev: ListingEvent| {
        if let ListingEvent::Accounts(a) = ev
            && !a.is_empty()
        {
            let _ = f.compare_exchange(
                0,
                start.elapsed().as_micros() as u64,
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    };
    let result =
        portal::list_accounts_and_roles(&svc, limiter.clone(), &tok, report, Default::default())
            .await;
    let wall = start.elapsed().as_secs_f64();
    let stats = limiter.stats();
    let (roles, user_errors) = match &result {
        Ok(l) => (l.role_count(), 0),
        Err(_) => (0, 1),
    };
    Run {
        wall,
        first_rows: first.load(Ordering::SeqCst) as f64 / 1e6,
        calls: stats.calls,
        user_errors,
        throttles: stats.throttles,
        roles,
    }
}

async fn sequential_listing(emu: &Emulator) -> Run {
    let svc = services(emu);
    let tok = token(emu, &svc).await;
    let sso = svc.sso(true);
    let start = Instant::now();
    let mut first_rows = 0.0;
    let mut calls = 0u64;
    let mut errors = 0u64;
    let mut roles = 0usize;
    let mut accounts = Vec::new();
    let mut next: Option<String> = None;
    loop {
        calls += 1;
        match sso
            .list_accounts()
            .access_token(tok.expose())
            .max_results(100)
            .set_next_token(next.clone())
            .send()
            .await
        {
            Ok(p) => {
                if first_rows == 0.0 {
                    first_rows = start.elapsed().as_secs_f64();
                }
                accounts.extend(
                    p.account_list()
                        .iter()
                        .filter_map(|a| a.account_id().map(str::to_string)),
                );
                next = p.next_token().map(str::to_string);
                if next.is_none() {
                    break;
                }
            }
            Err(e) => {
                let _ = ServiceError::from_sdk("ListAccounts", e);
                errors += 1;
                break;
            }
        }
    }
    for a in &accounts {
        calls += 1;
        match sso
            .list_account_roles()
            .access_token(tok.expose())
            .account_id(a)
            .send()
            .await
        {
            Ok(p) => roles += p.role_list().len(),
            Err(_) => errors += 1,
        }
    }
    Run {
        wall: start.elapsed().as_secs_f64(),
        first_rows,
        calls,
        user_errors: errors,
        throttles: 0,
        roles,
    }
}

async fn listing_bench() {
    let accounts: usize = env_or("CENTRY_BENCH_ACCOUNTS", "2000")
        .parse()
        .expect("CENTRY_BENCH_ACCOUNTS");
    let limits: Vec<f64> = env_or("CENTRY_BENCH_LIMITS", "10,20,50")
        .split(',')
        .map(|s| s.trim().parse().expect("limit"))
        .collect();
    println!("## Listing {accounts} accounts × 3 roles, 150 ms latency per request\n");
    println!(
        "| client | limit (TPS) | requests sent | useful calls | wall (s) | floor = useful ÷ limit (s) | wall ÷ floor | first rows (s) | errors reaching the user | throttles absorbed | roles |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let row = |who: &str, limit: f64, r: &Run| {
        let useful = r.calls - r.throttles;
        let floor = useful as f64 / limit;
        println!(
            "| {who} | {limit} | {} | {useful} | {:.1} | {:.1} | {:.2} | {:.2} | {} | {} | {} |",
            r.calls,
            r.wall,
            floor,
            r.wall / floor,
            r.first_rows,
            r.user_errors,
            r.throttles,
            r.roles
        );
    };
    for limit in &limits {
        let emu = emulator(accounts, Some(*limit), 150).await;
        row(
            "centry (adaptive limiter)",
            *limit,
            &centry_listing(&emu).await,
        );
        emu.stop().await;
    }
    let base_limit = limits.iter().copied().fold(f64::NAN, f64::max);
    let emu = emulator(accounts, Some(base_limit), 150).await;
    row(
        "sequential baseline (SDK retries)",
        base_limit,
        &sequential_listing(&emu).await,
    );
    emu.stop().await;
    println!();
}

fn big_listing(roles_total: usize) -> Listing {
    let mut l = Listing::empty(time::OffsetDateTime::now_utc());
    let names = [
        "payments",
        "checkout",
        "data-lake",
        "search",
        "identity",
        "network",
        "platform",
        "observability",
    ];
    let envs = ["prod", "staging", "dev", "sandbox"];
    let role_names = [
        "AdministratorAccess",
        "DeveloperAccess",
        "ReadOnlyAccess",
        "ViewOnlyAccess",
        "DataEngineer",
    ];
    let per = 4;
    for i in 0..roles_total.div_ceil(per) {
        let id = format!("{:012}", 100_000_000_000u64 + i as u64 * 7919);
        let name = format!(
            "{}-{}-{i}",
            names[i % names.len()],
            envs[(i / 8) % envs.len()]
        );
        l.accounts.insert(
            id.clone(),
            AccountEntry {
                account_id: id,
                email_address: format!("aws+{name}@acme.example"),
                account_name: name,
                roles: Some(
                    (0..per)
                        .map(|r| role_names[(i + r) % role_names.len()].to_string())
                        .collect(),
                ),
            },
        );
    }
    l
}

fn frame_bench() {
    use centry::tui::app::App;
    use centry::tui::keymap::Keymap;
    use centry::tui::shared::Session;
    use centry::tui::theme::Theme;
    use ratatui::{Terminal, backend::TestBackend};
    let dir = tempfile::tempdir().expect("tempdir");
    centry::paths::sandbox(dir.path().to_path_buf());
    let url = "https://bench.awsapps.com/start";
    let listing = big_listing(10_000);
    centry::services::local_store::save_listing(url, &listing).expect("save");
    let first_frame = |with_cache: bool| {
        let start = Instant::now();
        let mut app = App::new(
            Session::default(),
            Default::default(),
            Keymap::load(None).expect("keymap"),
            Theme::from_env(),
            None,
            false,
        );
        if with_cache {
            let l = centry::services::local_store::load_listing(url)
                .expect("load")
                .expect("cached");
            let prefs = app.sh.prefs.clone();
            app.views.accounts.show_cached(l, &prefs);
        }
        let mut term = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
        term.draw(|f| app.render(f)).expect("draw");
        start.elapsed().as_secs_f64() * 1000.0
    };
    let runs = 15;
    let mut cold: Vec<f64> = (0..runs).map(|_| first_frame(false)).collect();
    let mut cached: Vec<f64> = (0..runs).map(|_| first_frame(true)).collect();
    cold.sort_by(f64::total_cmp);
    cached.sort_by(f64::total_cmp);
    println!("## First interactive frame (median of {runs})\n");
    println!("| start | first frame (ms) | ratio to no cache |");
    println!("|---|---|---|");
    println!("| no cache (baseline) | {:.2} | 1.00 |", cold[runs / 2]);
    println!(
        "| cached listing, {} account-roles | {:.2} | {:.1} |\n",
        listing.role_count(),
        cached[runs / 2],
        cached[runs / 2] / cold[runs / 2]
    );
}

fn filter_bench() {
    let rows: Vec<String> = {
        let l = big_listing(100_000);
        l.accounts
            .values()
            .flat_map(|a| {
                a.roles
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |r| {
                        format!(
                            "{} {} {} {r}",
                            a.account_name, a.account_id, a.email_address
                        )
                    })
            })
            .collect()
    };
    let index = FuzzyIndex::new(rows.clone());
    let lower: Vec<String> = rows.iter().map(|r| r.to_lowercase()).collect();
    let query = "pay prod dev";
    let mut fuzzy_ms = Vec::new();
    let mut narrow_ms = Vec::new();
    let mut plain_ms = Vec::new();
    let mut hits = 0;
    let mut inc = IncrementalFilter::default();
    for n in 1..=query.len() {
        let q = &query[..n];
        let t = Instant::now();
        hits = index.filter(q).len();
        fuzzy_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let narrowed = inc.apply(&index, q).len();
        narrow_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(narrowed, hits);
        let t = Instant::now();
        let ql = q.to_lowercase();
        let words: Vec<&str> = ql.split_whitespace().collect();
        let plain = lower
            .iter()
            .filter(|r| words.iter().all(|w| r.contains(w)))
            .count();
        plain_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(plain);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "## Filter latency per keystroke over {} rows (typing {query:?}, {} keystrokes)\n",
        rows.len(),
        query.len()
    );
    println!("| filter | mean per keystroke (ms) | worst (ms) | ratio to baseline |");
    println!("|---|---|---|---|");
    println!(
        "| plain substring (baseline) | {:.2} | {:.2} | 1.00 |",
        mean(&plain_ms),
        max(&plain_ms)
    );
    println!(
        "| nucleo fuzzy, full scan each keystroke | {:.2} | {:.2} | {:.1} |",
        mean(&fuzzy_ms),
        max(&fuzzy_ms),
        mean(&fuzzy_ms) / mean(&plain_ms)
    );
    println!(
        "| nucleo fuzzy, narrowing as you type (what the console does) | {:.2} | {:.2} | {:.1} |",
        mean(&narrow_ms),
        max(&narrow_ms),
        mean(&narrow_ms) / mean(&plain_ms)
    );
    println!("\n({hits} rows match the full query)\n");
}

fn main() {
    if wants("frame") {
        frame_bench();
    }
    if wants("filter") {
        filter_bench();
    }
    if wants("listing") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        centry::paths::sandbox(dir.path().to_path_buf());
        rt.block_on(listing_bench());
    }
    let _ = Duration::ZERO;
}
