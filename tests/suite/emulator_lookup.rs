//! CloudTrail LookupEvents against the emulator through the Rust SDK: one lookup attribute per
//! call and each of the eight working, newest first across pages with no repeats, the modeled
//! errors AWS answers with, tokens bound to their parameters, and each caller seeing only its
//! own account's event history (the Identity Center events live in the management account).

use std::collections::HashSet;

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey as Key};
use aws_smithy_types::DateTime;

use crate::common::trail::{demo_without_history, lookup_all, sign_in_as};
use crate::common::{self, MGMT};

const UA: &[u8] = b"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0 Safari/537.36";

fn attr(k: Key, v: &str) -> LookupAttribute {
    LookupAttribute::builder()
        .attribute_key(k)
        .attribute_value(v)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lookup_attribute_pages_newest_first() {
    let emu = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let op = common::operator(&emu);
    let all = lookup_all(&op, None).await;
    assert!(all.len() > 1000, "{}", all.len());
    let times: Vec<i64> = all.iter().map(|e| e.event_time().unwrap().secs()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let ids: HashSet<&str> = all.iter().map(|e| e.event_id().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "pages neither repeat nor skip");
    let e = all
        .iter()
        .find(|e| e.event_name() == Some("GetRoleCredentials"))
        .unwrap();
    assert!(
        matches!(e.read_only(), Some("true")),
        "ReadOnly is a string"
    );
    let record: serde_json::Value = serde_json::from_str(e.cloud_trail_event().unwrap()).unwrap();
    assert_eq!(record["eventID"], e.event_id().unwrap());

    let by = |k: Key, v: String| {
        let op = op.clone();
        async move { lookup_all(&op, Some((k, v.as_str()))).await }
    };
    let signin = by(Key::EventSource, "signin.amazonaws.com".into()).await;
    assert!(
        !signin.is_empty()
            && signin
                .iter()
                .all(|e| e.event_source() == Some("signin.amazonaws.com"))
    );
    let one = by(Key::EventId, e.event_id().unwrap().into()).await;
    assert_eq!(one.len(), 1);
    let named = by(Key::EventName, "GetRoleCredentials".into()).await;
    assert!(
        named
            .iter()
            .all(|x| x.event_name() == Some("GetRoleCredentials"))
    );
    let writes = by(Key::ReadOnly, "false".into()).await;
    assert!(!writes.is_empty() && writes.iter().all(|x| x.read_only() == Some("false")));
    let user_id = record["userIdentity"]["onBehalfOf"]["userId"]
        .as_str()
        .unwrap()
        .to_string();
    let theirs = by(Key::Username, user_id.clone()).await;
    assert!(
        !theirs.is_empty()
            && theirs
                .iter()
                .all(|x| x.username() == Some(user_id.as_str()))
    );
    let tokens = by(Key::ResourceType, "IdentityStoreId".into()).await;
    assert!(!tokens.is_empty() && tokens.iter().all(|x| x.event_name() == Some("CreateToken")));
    let store = emu.emu().state().org.instance.identity_store_id.clone();
    assert_eq!(by(Key::ResourceName, store).await.len(), tokens.len());

    // AccessKeyId: the operator's own calls so far (these lookups are events too).
    let (akid, _) = emu.operator_credentials();
    let mine = by(Key::AccessKeyId, akid.clone()).await;
    assert!(
        !mine.is_empty()
            && mine
                .iter()
                .all(|x| x.access_key_id() == Some(akid.as_str()))
    );
    assert!(mine.iter().all(|x| x.event_name() == Some("LookupEvents")));

    // A time range.
    let newest = times[0];
    let window = op
        .cloudtrail(true)
        .lookup_events()
        .start_time(DateTime::from_secs(newest - 3600))
        .end_time(DateTime::from_secs(newest))
        .send()
        .await
        .unwrap();
    assert!(window.events().iter().all(|e| {
        let t = e.event_time().unwrap().secs();
        t >= newest - 3600 && t <= newest
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_the_modeled_errors() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    let ct = common::operator(&emu).cloudtrail(false);
    let e = ct
        .lookup_events()
        .lookup_attributes(attr(Key::EventName, "A"))
        .lookup_attributes(attr(Key::EventSource, "B"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_lookup_attributes_exception(), "{e:?}");
    for n in [0, 51] {
        let e = ct
            .lookup_events()
            .max_results(n)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(e.is_invalid_max_results_exception(), "{n}: {e:?}");
    }
    let e = ct
        .lookup_events()
        .start_time(DateTime::from_secs(2_000_000_000))
        .end_time(DateTime::from_secs(1_900_000_000))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_time_range_exception(), "{e:?}");

    // Enough events for two pages, then a token reused with another attribute.
    let token = sign_in_as(&emu, "jordan.lee", UA).await;
    for _ in 0..3 {
        common::services(&emu)
            .sso(true)
            .list_accounts()
            .access_token(&token)
            .send()
            .await
            .unwrap();
    }
    let page = ct
        .lookup_events()
        .lookup_attributes(attr(Key::EventSource, "sso.amazonaws.com"))
        .max_results(2)
        .send()
        .await
        .unwrap();
    let next = page.next_token().expect("more than one page").to_string();
    let e = ct
        .lookup_events()
        .lookup_attributes(attr(Key::EventSource, "signin.amazonaws.com"))
        .next_token(&next)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_next_token_exception(), "{e:?}");
    let e = ct
        .lookup_events()
        .next_token("garbage")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_next_token_exception(), "{e:?}");
    let second = ct
        .lookup_events()
        .lookup_attributes(attr(Key::EventSource, "sso.amazonaws.com"))
        .max_results(2)
        .next_token(&next)
        .send()
        .await
        .unwrap();
    let first_ids: HashSet<&str> = page.events().iter().filter_map(|e| e.event_id()).collect();
    assert!(
        second
            .events()
            .iter()
            .all(|e| !first_ids.contains(e.event_id().unwrap()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_see_their_own_accounts_history() {
    let mut org = demo_without_history();
    let mut net = org.account_assignments[0].clone();
    net.account = "898781089880".into();
    net.permission_set = "NetworkAdmin".into();
    net.principal_type = centry::emulator::org::PrincipalKind::User;
    net.principal = "jordan.lee".into();
    org.account_assignments.push(net);
    let emu = common::with(org, |_| {}).await;
    let token = sign_in_as(&emu, "jordan.lee", UA).await;
    // Jordan's ReadOnlyAccess in a member account: its own account only.
    let member = "898781089880";
    let creds = common::role_credentials(&emu, &token, member, "ReadOnlyAccess").await;
    let there = common::services(&emu).with_credentials(creds);
    there.sts().get_caller_identity().send().await.unwrap();
    let seen = lookup_all(&there, None).await;
    assert!(!seen.is_empty());
    for e in &seen {
        let r: serde_json::Value = serde_json::from_str(e.cloud_trail_event().unwrap()).unwrap();
        assert_eq!(r["recipientAccountId"], member, "{r}");
    }
    assert!(
        seen.iter()
            .any(|e| e.event_name() == Some("GetCallerIdentity"))
    );
    // The auditor role in the management account sees the Identity Center events.
    let creds = common::role_credentials(&emu, &token, MGMT, "IdentityCenterAuditor").await;
    let auditor = common::services(&emu).with_credentials(creds);
    let idc = lookup_all(&auditor, Some((Key::EventSource, "signin.amazonaws.com"))).await;
    assert!(
        idc.iter()
            .any(|e| e.event_name() == Some("UserAuthentication"))
    );
    // A role without CloudTrail read is refused.
    let creds = common::role_credentials(&emu, &token, member, "NetworkAdmin").await;
    let e = common::services(&emu)
        .with_credentials(creds)
        .cloudtrail(false)
        .lookup_events()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e),
        Some("AccessDeniedException")
    );
}
