//! The events service against the emulator: LookupEvents stays within 2 requests per second
//! however many readers share the limiter (counted at the emulator, whose own 2 TPS bucket
//! throttles nothing); a throttled or failing source is reported as such while the others
//! stream; people are resolved, or left unverified when the directory refuses; the follower
//! catches late events once each, holds them while paused and stops when cancelled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use centry::emulator::Emulator;
use centry::emulator::faults::{FaultConfig, Service};
use centry::model::trail_event::EventGroup;
use centry::services::Services;
use centry::services::limiter::Limiter;
use centry::services::trail::{
    FollowOptions, IDENTITY_CENTER_SOURCES, Resolution, SourceStatus, TrailClient, TrailUpdate,
    follow_handle, sources_for,
};
use time::OffsetDateTime;

use crate::common::trail::{demo_with_trail_reader, demo_without_history, sign_in_as};
use crate::common::{self, MGMT};

const UA: &[u8] = b"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36";

type Log = Arc<Mutex<Vec<(Instant, TrailUpdate)>>>;

async fn role(emu: &Emulator, pset: &str) -> Services {
    let token = sign_in_as(emu, "jordan.lee", UA).await;
    let creds = common::role_credentials(emu, &token, MGMT, pset).await;
    common::services(emu).with_credentials(creds)
}

fn client(svc: &Services, limiter: &Arc<Limiter>) -> Arc<TrailClient> {
    Arc::new(TrailClient::new(
        svc,
        limiter.clone(),
        Arc::new(Limiter::identity_center()),
    ))
}

fn recorder() -> (Log, impl Fn(TrailUpdate) + Sync + Send + 'static) {
    let log: Log = Arc::default();
    let l = log.clone();
    (log, move |u| l.lock().unwrap().push((Instant::now(), u)))
}

fn statuses(log: &Log, source: &str) -> Vec<SourceStatus> {
    log.lock()
        .unwrap()
        .iter()
        .filter_map(|(_, u)| match u {
            TrailUpdate::Source { source: s, status } if s == source => Some(status.clone()),
            _ => None,
        })
        .collect()
}

fn event_ids(log: &Log) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .flat_map(|(_, u)| match u {
            TrailUpdate::Events(evs) => evs.iter().map(|e| e.event_id.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_requests_per_second_under_follow_and_a_concurrent_filtered_read() {
    let emu = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let auditor = role(&emu, "IdentityCenterAuditor").await;
    let mut faults = FaultConfig::default();
    faults.parse_rate_limit("cloudtrail=2").unwrap();
    emu.emu().faults.set(faults);
    emu.emu().faults.clear_hits();
    let limiter = Arc::new(Limiter::lookup_events());
    let (log, on) = recorder();
    let follower = client(&auditor, &limiter);
    let (handle, control) = follow_handle();
    let since = OffsetDateTime::now_utc() - time::Duration::days(3);
    let task = tokio::spawn(async move {
        let options = FollowOptions {
            poll: Duration::from_millis(300),
            ..FollowOptions::default()
        };
        follower
            .follow(&IDENTITY_CENTER_SOURCES, since, options, control, &on)
            .await;
    });
    // A second reader (a filter that wants sign-ins and approvals) on the same limiter.
    let reader = client(&auditor, &limiter);
    let (_, on2) = recorder();
    let sources = sources_for(&[EventGroup::Signin, EventGroup::Mpa]);
    let _ = tokio::time::timeout(Duration::from_secs(9), async {
        loop {
            reader
                .read_window(
                    &sources,
                    OffsetDateTime::now_utc() - time::Duration::days(7),
                    OffsetDateTime::now_utc(),
                    None,
                    &on2,
                )
                .await;
        }
    })
    .await;
    handle.cancel();
    let _ = task.await;
    let hits: Vec<_> = emu
        .emu()
        .faults
        .hits()
        .into_iter()
        .filter(|h| h.service == Service::CloudTrail)
        .collect();
    assert!(
        hits.len() >= 14,
        "the readers kept the limiter busy: {}",
        hits.len()
    );
    assert!(
        hits.iter().all(|h| !h.throttled),
        "the emulator's own 2 TPS bucket never had to refuse"
    );
    for w in hits.windows(3) {
        let gap = w[2].at.duration_since(w[0].at);
        assert!(
            gap >= Duration::from_millis(900),
            "three requests within {gap:?}"
        );
    }
    let span = hits
        .last()
        .unwrap()
        .at
        .duration_since(hits[0].at)
        .as_secs_f64();
    assert!(
        (hits.len() - 1) as f64 / span <= 2.05,
        "{} in {span:.1} s",
        hits.len()
    );
    assert!(
        !event_ids(&log).is_empty(),
        "the follower delivered events meanwhile"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_or_failing_source_is_reported_while_the_others_stream() {
    let emu = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let auditor = role(&emu, "IdentityCenterAuditor").await;
    {
        let mut st = emu.emu().state();
        st.trail
            .fault_source("signin.amazonaws.com", Some("InternalServerException"));
        st.trail
            .fault_source("sso-oauth.amazonaws.com", Some("ThrottlingException"));
    }
    let c = client(&auditor, &Arc::new(Limiter::lookup_events()));
    let (log, on) = recorder();
    let since = OffsetDateTime::now_utc() - time::Duration::days(2);
    let summary = c
        .read_window(
            &IDENTITY_CENTER_SOURCES,
            since,
            OffsetDateTime::now_utc(),
            None,
            &on,
        )
        .await;
    let mut failed = summary.failed.clone();
    failed.sort();
    assert_eq!(failed, ["signin.amazonaws.com", "sso-oauth.amazonaws.com"]);

    let signin = statuses(&log, "signin.amazonaws.com");
    assert!(
        signin
            .iter()
            .any(|s| matches!(s, SourceStatus::Retrying { .. })),
        "{signin:?}"
    );
    assert!(
        matches!(signin.last(), Some(SourceStatus::Failed(e)) if e.code.as_deref() == Some("InternalServerException"))
    );
    let oauth = statuses(&log, "sso-oauth.amazonaws.com");
    assert!(
        oauth
            .iter()
            .filter(|s| matches!(s, SourceStatus::Throttled { .. }))
            .count()
            >= 3,
        "{oauth:?}"
    );
    assert!(matches!(oauth.last(), Some(SourceStatus::Failed(_))));
    let sso = statuses(&log, "sso.amazonaws.com");
    assert!(
        matches!(sso.last(), Some(SourceStatus::Done { events }) if *events > 0),
        "{sso:?}"
    );

    // Portal events kept arriving after the sign-in source first went wrong.
    let entries: Vec<TrailUpdate> = log.lock().unwrap().iter().map(|(_, u)| u.clone()).collect();
    let first_trouble = entries
        .iter()
        .position(|u| matches!(u, TrailUpdate::Source { source, status } if source == "signin.amazonaws.com" && status.is_trouble()))
        .unwrap();
    let portal_after = entries[first_trouble..].iter().any(|u| {
        matches!(u, TrailUpdate::Events(evs) if evs.iter().any(|e| e.event_source == "sso.amazonaws.com"))
    });
    assert!(portal_after, "the portal source streamed on");
    assert!(
        entries.iter().all(|u| !matches!(u, TrailUpdate::Events(evs) if evs.iter().any(|e| e.event_source == "signin.amazonaws.com"))),
        "nothing from the failing source"
    );

    // Healed, the same read has every source.
    {
        let mut st = emu.emu().state();
        st.trail.fault_source("signin.amazonaws.com", None);
        st.trail.fault_source("sso-oauth.amazonaws.com", None);
    }
    let (_, on) = recorder();
    let again = c
        .read_window(
            &IDENTITY_CENTER_SOURCES,
            since,
            OffsetDateTime::now_utc(),
            None,
            &on,
        )
        .await;
    assert!(again.failed.is_empty());
    assert!(again.events > summary.events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_and_a_new_sign_in_still_arrives() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    let auditor = role(&emu, "IdentityCenterAuditor").await;
    emu.emu().faults.set(FaultConfig {
        error_rate: 0.3,
        ..FaultConfig::default()
    });
    let c = client(&auditor, &Arc::new(Limiter::lookup_events()));
    let (log, on) = recorder();
    let (handle, control) = follow_handle();
    let since = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let task = tokio::spawn(async move {
        let options = FollowOptions {
            poll: Duration::from_millis(200),
            ..FollowOptions::default()
        };
        c.follow(&IDENTITY_CENTER_SOURCES, since, options, control, &on)
            .await;
    });
    // Server errors are met (a 30 % rate at 2 calls a second: soon), reported and retried.
    let retried = || {
        log.lock().unwrap().iter().any(|(_, u)| {
            matches!(
                u,
                TrailUpdate::Source {
                    status: SourceStatus::Retrying { .. },
                    ..
                }
            )
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !retried() {
        assert!(
            Instant::now() < deadline,
            "no server error was reported as retried"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    emu.emu().faults.set(FaultConfig::default());
    let token = sign_in_as(&emu, "valentina.cruz", UA).await;
    emu.emu().faults.set(FaultConfig {
        error_rate: 0.3,
        ..FaultConfig::default()
    });
    let ana = emu
        .emu()
        .state()
        .org
        .users
        .iter()
        .find(|u| u.user_name == "valentina.cruz")
        .map(|u| u.id.clone());
    assert!(!token.is_empty() && ana.is_some());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = log.lock().unwrap().iter().any(|(_, u)| {
            matches!(u, TrailUpdate::Events(evs) if evs.iter().any(|e| e.event_name == "UserAuthentication" && e.user_id == ana))
        });
        if got {
            break;
        }
        assert!(Instant::now() < deadline, "the sign-in never arrived");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    handle.cancel();
    let _ = task.await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_resolved_or_left_unverified_when_the_directory_refuses() {
    let mut org = demo_with_trail_reader();
    org.history.days = 1;
    let emu = common::with(org, |_| {}).await;
    let auditor = role(&emu, "IdentityCenterAuditor").await;
    let since = OffsetDateTime::now_utc() - time::Duration::days(1);
    let sources = ["signin.amazonaws.com"];
    let (log, on) = recorder();
    let c = client(&auditor, &Arc::new(Limiter::lookup_events()));
    c.read_window(&sources, since, OffsetDateTime::now_utc(), None, &on)
        .await;
    let events: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .flat_map(|(_, u)| match u {
            TrailUpdate::Events(evs) => evs.clone(),
            _ => Vec::new(),
        })
        .collect();
    let jordan = events
        .iter()
        .find(|e| {
            e.event_name == "UserAuthentication"
                && e.person
                    .as_ref()
                    .is_some_and(|p| p.user_name == "jordan.lee")
        })
        .expect("jordan.lee's sign-in, resolved");
    assert_eq!(
        jordan.person.as_ref().unwrap().display_name.as_deref(),
        Some("Jordan Lee")
    );
    let resolved: HashMap<String, Resolution> = log
        .lock()
        .unwrap()
        .iter()
        .flat_map(|(_, u)| match u {
            TrailUpdate::People(p) => p.clone(),
            _ => Vec::new(),
        })
        .collect();
    match &resolved[jordan.user_id.as_ref().unwrap()] {
        Resolution::Verified(d) => assert!(d.emails.iter().any(|m| m.contains('@')), "{d:?}"),
        other => panic!("{other:?}"),
    }

    // CloudTrail read without the directory: names stay the events' own, unverified, and the
    // store is asked once.
    emu.emu().faults.clear_hits();
    let reader = role(&emu, "TrailReader").await;
    let (log, on) = recorder();
    let c = client(&reader, &Arc::new(Limiter::lookup_events()));
    c.read_window(&sources, since, OffsetDateTime::now_utc(), None, &on)
        .await;
    let entries = log.lock().unwrap();
    let mut unverified = 0;
    for (_, u) in entries.iter() {
        match u {
            TrailUpdate::Events(evs) => assert!(evs.iter().all(|e| e.person.is_none())),
            TrailUpdate::People(p) => {
                for (_, r) in p {
                    assert!(
                        matches!(r, Resolution::Unverified(e) if e.code.as_deref() == Some("AccessDeniedException")),
                        "{r:?}"
                    );
                    unverified += 1;
                }
            }
            _ => {}
        }
    }
    assert!(unverified > 1, "every user id marked unverified");
    let asked = emu
        .emu()
        .faults
        .hits()
        .iter()
        .filter(|h| h.service == Service::IdentityStore)
        .count();
    assert_eq!(asked, 1, "a refusing store is not asked again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_catches_late_events_once_holds_them_while_paused_and_stops() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    let auditor = role(&emu, "IdentityCenterAuditor").await;
    let c = client(&auditor, &Arc::new(Limiter::lookup_events()));
    let (log, on) = recorder();
    let (handle, control) = follow_handle();
    let since = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let task = tokio::spawn(async move {
        let options = FollowOptions {
            poll: Duration::from_millis(200),
            ..FollowOptions::default()
        };
        c.follow(&IDENTITY_CENTER_SOURCES, since, options, control, &on)
            .await;
    });
    let windows = |log: &Log| {
        log.lock()
            .unwrap()
            .iter()
            .filter(|(_, u)| matches!(u, TrailUpdate::WindowRead { .. }))
            .count()
    };
    let wait_windows = |n: usize| {
        let log = log.clone();
        async move {
            let start = windows(&log);
            let deadline = Instant::now() + Duration::from_secs(30);
            while windows(&log) < start + n {
                assert!(Instant::now() < deadline, "polls stalled");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    wait_windows(1).await;
    // Other people's sessions, dated up to 45 s before they become visible.
    for _ in 0..3 {
        centry::emulator::cloudtrail::activity_generator::one_session(emu.emu());
    }
    let expected: Vec<String> = {
        let mut st = emu.emu().state();
        centry::emulator::cloudtrail::absorb(&mut st);
        st.trail
            .events()
            .iter()
            .filter(|e| IDENTITY_CENTER_SOURCES.contains(&e.event_source.as_str()))
            .map(|e| e.event_id.clone())
            .collect()
    };
    wait_windows(3).await;
    let got = event_ids(&log);
    for id in &expected {
        assert_eq!(
            got.iter().filter(|g| *g == id).count(),
            1,
            "{id} delivered exactly once"
        );
    }

    // Paused: polls go on, new events are only counted.
    handle.pause();
    wait_windows(1).await;
    let before = event_ids(&log).len();
    centry::emulator::cloudtrail::activity_generator::one_session(emu.emu());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let held = log.lock().unwrap().iter().rev().find_map(|(_, u)| match u {
            TrailUpdate::Held { count, .. } => Some(*count),
            _ => None,
        });
        if held.is_some_and(|n| n > 0) {
            break;
        }
        assert!(Instant::now() < deadline, "nothing held");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        event_ids(&log).len(),
        before,
        "nothing delivered while paused"
    );
    handle.resume();
    let deadline = Instant::now() + Duration::from_secs(5);
    while event_ids(&log).len() == before {
        assert!(Instant::now() < deadline, "resuming delivers what was held");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    handle.cancel();
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .expect("the follower stops when cancelled")
        .unwrap();
}
