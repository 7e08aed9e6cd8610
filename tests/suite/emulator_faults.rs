//! Faults on demand against the real SDK clients: injected throttling, 5xx answers and dropped
//! connections are retried away and the answers stay complete; a rate limit answers each
//! service's own throttling error.
//!
//! The clients here keep the SDK's standard retry mode but allow more attempts with short
//! backoff than `Services` does (4): with a 35% fault rate, four attempts still fail about one
//! request in a hundred, which would make a test that pages dozens of times fail by chance.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::retry::ErrorKind;
use centry::emulator::faults::FaultConfig;

use crate::admin_fixture::{self as fx, INSTANCE, STORE};
use crate::common;

/// A retry configuration patient enough to ride out heavy injected faults quickly.
fn patient() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(12)
        .with_initial_backoff(Duration::from_millis(2))
        .with_max_backoff(Duration::from_millis(20))
}

/// Everything the admin console pages through, as sets, plus how many items came back in all
/// (so a duplicate across pages would show).
async fn snapshot(
    emu: &centry::emulator::Emulator,
    retry: RetryConfig,
) -> (Vec<BTreeSet<String>>, usize) {
    let org = fx::org();
    let svc = common::operator(emu);
    let conf = svc
        .sdk_config(&emu.region(), true)
        .into_builder()
        .retry_config(retry.clone())
        .build();
    let admin = aws_sdk_ssoadmin::Client::new(&conf);
    let ids = aws_sdk_identitystore::Client::new(&conf);
    let org_conf = svc
        .sdk_config("us-east-1", true)
        .into_builder()
        .retry_config(retry)
        .build();
    let orgs = aws_sdk_organizations::Client::new(&org_conf);

    let psets: Vec<String> = admin
        .list_permission_sets()
        .instance_arn(INSTANCE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .expect("ListPermissionSets");
    let holders: Vec<String> = admin
        .list_account_assignments()
        .instance_arn(INSTANCE)
        .account_id("200000000000")
        .permission_set_arn(fx::pset_arn(&org, "DeveloperAccess"))
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListAccountAssignments")
        .into_iter()
        .filter_map(|a| a.principal_id().map(str::to_string))
        .collect();
    let users: Vec<String> = ids
        .list_users()
        .identity_store_id(STORE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListUsers")
        .into_iter()
        .map(|u| u.user_id().to_string())
        .collect();
    let accounts: Vec<String> = orgs
        .list_accounts()
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListAccounts")
        .iter()
        .flat_map(|page| page.accounts())
        .filter_map(|a| a.id().map(str::to_string))
        .collect();
    let total = psets.len() + holders.len() + users.len() + accounts.len();
    let sets = [psets, holders, users, accounts]
        .into_iter()
        .map(|v| v.into_iter().collect())
        .collect();
    (sets, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_hide_throttling_and_server_errors() {
    let emu = fx::start(|c| c.settings.page_cap = Some(2)).await;
    let clean = snapshot(&emu, RetryConfig::disabled()).await;
    assert!(clean.1 > 30, "enough pages to meet faults: {}", clean.1);

    emu.emu().faults.clear_hits();
    emu.emu().faults.set(FaultConfig {
        throttle_rate: 0.25,
        error_rate: 0.1,
        ..FaultConfig::default()
    });
    for round in 0..4 {
        let faulty = snapshot(&emu, patient()).await;
        assert_eq!(faulty, clean, "round {round}");
    }
    let hits = emu.emu().faults.hits();
    let throttled = hits.iter().filter(|h| h.throttled).count();
    assert!(
        throttled > 5,
        "faults were injected: {throttled} of {}",
        hits.len()
    );
    assert!(
        hits.len() > 4 * 20,
        "retries show up at the server: {}",
        hits.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried_by_the_sdk() {
    let emu = fx::start(|c| c.settings.page_cap = Some(2)).await;
    let clean = snapshot(&emu, RetryConfig::disabled()).await;
    emu.emu().faults.set(FaultConfig {
        drop_rate: 0.3,
        ..FaultConfig::default()
    });
    for round in 0..3 {
        assert_eq!(snapshot(&emu, patient()).await, clean, "round {round}");
    }

    // Without retries, the drop shows what the SDK sees: the connection closes before a whole
    // response arrived (hyper's IncompleteMessage), reported as a dispatch failure that the
    // connector marks transient, so the standard retry strategy retries it.
    emu.emu().faults.set(FaultConfig {
        drop_rate: 1.0,
        ..FaultConfig::default()
    });
    let admin = common::operator(&emu).sso_admin(false);
    let e = admin.list_instances().send().await.unwrap_err();
    let SdkError::DispatchFailure(failure) = &e else {
        panic!("a dispatch failure, got {e:?}");
    };
    assert_eq!(failure.as_other(), Some(ErrorKind::TransientError), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_answers_each_services_own_throttling_error() {
    let emu = fx::start(|_| {}).await;
    emu.emu().faults.set(FaultConfig {
        rate_limit: Some(2.0),
        ..FaultConfig::default()
    });
    let svc = common::operator(&emu);

    let admin = svc.sso_admin(false);
    let mut codes = Vec::new();
    for _ in 0..6 {
        codes.push(match admin.list_instances().send().await {
            Ok(_) => "ok".to_string(),
            Err(e) => e
                .into_service_error()
                .meta()
                .code()
                .unwrap_or("?")
                .to_string(),
        });
    }
    assert_eq!(codes[0], "ok");
    assert!(
        codes.iter().any(|c| c == "ThrottlingException"),
        "{codes:?}"
    );

    let ids = svc.identity_store(false);
    let mut retry_after = None;
    for _ in 0..6 {
        if let Err(e) = ids.list_groups().identity_store_id(STORE).send().await {
            match e.into_service_error() {
                aws_sdk_identitystore::operation::list_groups::ListGroupsError::ThrottlingException(t) => {
                    retry_after = Some(t.retry_after_seconds());
                }
                other => panic!("expected ThrottlingException, got {other:?}"),
            }
        }
    }
    assert_eq!(retry_after, Some(1));

    let orgs = svc.organizations(false);
    let mut throttled = false;
    for _ in 0..6 {
        if let Err(e) = orgs.list_roots().send().await {
            let e = e.into_service_error();
            assert!(e.is_too_many_requests_exception(), "{e:?}");
            throttled = true;
        }
    }
    assert!(throttled);

    let mpa = svc.mpa(false);
    let mut status = None;
    for _ in 0..6 {
        if let Err(e) = mpa.list_approval_teams().send().await {
            status = e.raw_response().map(|r| r.status().as_u16());
            let e = e.into_service_error();
            assert!(e.is_throttling_exception(), "{e:?}");
        }
    }
    assert_eq!(status, Some(429));

    // With retries on, the SDK waits out the limit and every call succeeds. (Paced at about
    // twice the limit: a burst would exhaust the SDK's three attempts on a loaded machine.)
    let patient_admin = svc.sso_admin(true);
    for _ in 0..8 {
        patient_admin
            .list_permission_sets()
            .instance_arn(INSTANCE)
            .send()
            .await
            .expect("retried past the rate limit");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}
