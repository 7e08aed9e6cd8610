//! The emulator's CloudTrail records: what people and programs do to it becomes records in
//! AWS's current format, and every record parses with the one parser (`model::trail_event`)
//! into the format it should: `new` for Identity Center people, `unauthenticated` for failed
//! sign-in steps, `tip` for another principal acting on someone's behalf, `other` for IAM
//! principals on their own.

use std::collections::HashSet;

use centry::emulator::activity::{Activity, Caller, Origin};
use centry::model::trail_event::{EventFormat, Outcome, UserName, parse_record};
use serde_json::json;

use crate::common::trail::{
    answer_device_page, demo_without_history, records, sign_in_as, start_device,
};
use crate::common::{self, MGMT};

const FIREFOX: &[u8] = b"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_that_happens_becomes_records_in_the_current_format() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    let (jordan, store_arn) = {
        let st = emu.emu().state();
        let i = st.idx.user_by_name["jordan.lee"];
        (st.org.users[i].id.clone(), st.identity_store_arn())
    };
    // Two failed attempts, then a good one.
    let (_, _, _, code) = start_device(&emu).await;
    let s = answer_device_page(&emu, &code, "no.such.person", "x", "approve", FIREFOX).await;
    assert_eq!(s.as_u16(), 400);
    let s = answer_device_page(&emu, &code, "jordan.lee", "wrong", "approve", FIREFOX).await;
    assert_eq!(s.as_u16(), 401);
    let token = sign_in_as(&emu, "jordan.lee", FIREFOX).await;
    let sso = common::services(&emu).sso(true);
    sso.list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
    let creds = common::role_credentials(&emu, &token, MGMT, "IdentityCenterAuditor").await;
    let admin = common::services(&emu).with_credentials(creds);
    admin.sso_admin(true).list_instances().send().await.unwrap();
    // What the trusted-identity-propagation paths record (their own tests drive them for real).
    {
        let mut st = emu.emu().state();
        let origin = Origin {
            ip: "198.51.100.7".into(),
            user_agent: "aws-sdk-go-v2/1.36.3".into(),
        };
        let user = st.idx.user_by_name["jordan.lee"];
        st.record(Activity::AwsCall {
            caller: Caller::Role {
                user,
                account_id: MGMT.into(),
                pset: 0,
                access_key_id: "ASIAENHANCED".into(),
                credential_id: "c-enhanced".into(),
                role_arn: Some(format!(
                    "arn:aws:sts::{MGMT}:assumed-role/QBridge/jordan.lee"
                )),
                identity_enhanced: true,
            },
            origin: origin.clone(),
            event_source: "s3.amazonaws.com".into(),
            event_name: "ListBuckets".into(),
            read_only: true,
            request: json!(null),
            error: None,
        });
        st.record(Activity::CreateTokenWithIam {
            caller: Caller::WebIdentity {
                account_id: MGMT.into(),
                role_arn: format!("arn:aws:iam::{MGMT}:role/Bridge"),
                role_id: "AROABRIDGE".into(),
                session_name: "app".into(),
                access_key_id: "ASIABRIDGE".into(),
                issuer: "https://idp.example.com".into(),
                subject: "00u1".into(),
                created: time::OffsetDateTime::now_utc(),
            },
            origin,
            application_arn: "arn:aws:sso::1:application/ssoins-1/apl-1".into(),
            grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer".into(),
            scopes: vec!["sso:account:access".into()],
            user: Some(user),
            credential_id: Some("c-exchanged".into()),
            expires_in: 3600,
            error: None,
        });
    }

    let recs = records(&emu);
    let events: Vec<_> = recs
        .iter()
        .map(|r| parse_record(r).unwrap_or_else(|e| panic!("{e}: {r}")))
        .collect();
    let ids: HashSet<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
    for (e, r) in events.iter().zip(&recs) {
        for key in [
            "eventID",
            "eventTime",
            "awsRegion",
            "sourceIPAddress",
            "userAgent",
            "requestID",
            "recipientAccountId",
            "eventType",
            "readOnly",
            "managementEvent",
        ] {
            assert!(!r[key].is_null(), "{key} in {r}");
        }
        match r["userIdentity"]["type"].as_str() {
            Some("IdentityCenterUser") => {
                assert_eq!(e.format, EventFormat::New, "{r}");
                assert_eq!(e.user_id.as_deref(), Some(jordan.as_str()));
                assert_eq!(e.identity_store_arn.as_deref(), Some(store_arn.as_str()));
                assert!(r["userIdentity"].get("userName").is_none(), "{r}");
                assert!(r["userIdentity"].get("principalId").is_none(), "{r}");
            }
            Some("Unknown") => {
                assert_eq!(e.format, EventFormat::Unauthenticated, "{r}");
                assert_eq!(e.event_source, "signin.amazonaws.com");
            }
            _ if e.event_name == "CreateTokenWithIAM" || e.event_name == "ListBuckets" => {
                assert_eq!(e.format, EventFormat::Tip, "{r}");
                assert_eq!(e.user_id.as_deref(), Some(jordan.as_str()));
            }
            _ => assert_eq!(e.format, EventFormat::Other, "{r}"),
        }
    }
    let signin: Vec<_> = events
        .iter()
        .filter(|e| e.event_source == "signin.amazonaws.com")
        .collect();
    // The unknown name is masked, the wrong password keeps the (real) name, both fail.
    let unknown = signin
        .iter()
        .find(|e| matches!(e.user_name, Some(UserName::Masked(_))))
        .expect("a masked challenge");
    assert_eq!(unknown.event_name, "CredentialChallenge");
    let failed: Vec<_> = signin
        .iter()
        .filter(|e| e.outcome == Outcome::Failure)
        .collect();
    assert_eq!(failed.len(), 2, "one failed verification per bad attempt");
    assert!(
        failed
            .iter()
            .all(|e| e.event_name == "CredentialVerification" && e.user_id.is_none())
    );
    let named = signin
        .iter()
        .find(|e| e.clear_user_name() == Some("jordan.lee") && e.user_id.is_none())
        .expect("the wrong password's challenge names the person typed");
    assert_eq!(named.format, EventFormat::Unauthenticated);
    // The good sign-in: one AuthWorkflowID from challenge to UserAuthentication, the session
    // it started carried on into the portal.
    let ok = signin
        .iter()
        .find(|e| e.event_name == "UserAuthentication")
        .expect("UserAuthentication");
    let flow = ok.auth_workflow_id.clone().unwrap();
    let chain: Vec<&str> = signin
        .iter()
        .filter(|e| e.auth_workflow_id.as_deref() == Some(flow.as_str()))
        .map(|e| e.event_name.as_str())
        .collect();
    assert_eq!(chain.first(), Some(&"CredentialChallenge"));
    assert_eq!(chain.last(), Some(&"UserAuthentication"));
    assert!(chain.len() == 3 || chain.len() == 5, "{chain:?}");
    let session = ok.credential_id.clone().unwrap();
    let in_session: HashSet<&str> = events
        .iter()
        .filter(|e| e.credential_id.as_deref() == Some(session.as_str()))
        .map(|e| e.event_name.as_str())
        .collect();
    for name in [
        "Authenticate",
        "CreateToken",
        "ListAccounts",
        "GetRoleCredentials",
    ] {
        assert!(in_session.contains(name), "{name} in {in_session:?}");
    }
    assert_eq!(
        ok.user_agent.as_deref(),
        Some(std::str::from_utf8(FIREFOX).unwrap())
    );
    let grc = events
        .iter()
        .find(|e| e.event_name == "GetRoleCredentials")
        .unwrap();
    assert_eq!(grc.target.account_id.as_deref(), Some(MGMT));
    assert_eq!(
        grc.target.role_name.as_deref(),
        Some("IdentityCenterAuditor")
    );
    let admin_call = events
        .iter()
        .find(|e| e.event_name == "ListInstances")
        .unwrap();
    assert!(
        admin_call
            .principal_arn
            .as_deref()
            .unwrap()
            .contains("AWSReservedSSO_IdentityCenterAuditor"),
        "admin calls carry the caller's AssumedRole identity"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_agents_are_recorded_as_sent() {
    let emu = common::with(demo_without_history(), |_| {}).await;
    let token = sign_in_as(&emu, "jordan.lee", FIREFOX).await;
    // An 8-bit CSI (U+009B) and a right-to-left override, as UTF-8 bytes in the header.
    let evil = "Mozilla/5.0 \u{9b}2J\u{9b}31m \u{202e}gnp.exe";
    let status = reqwest::Client::new()
        .get(format!("{}/assignment/accounts", emu.endpoint_url()))
        .header("x-amz-sso_bearer_token", &token)
        .header(
            "user-agent",
            reqwest::header::HeaderValue::from_bytes(evil.as_bytes()).unwrap(),
        )
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
    let recs = records(&emu);
    let listed = recs
        .iter()
        .rev()
        .find(|r| r["eventName"] == "ListAccounts")
        .expect("ListAccounts recorded");
    assert_eq!(listed["userAgent"], evil);
    let e = parse_record(listed).unwrap();
    assert_eq!(e.user_agent.as_deref(), Some(evil));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_is_the_same_for_the_same_seed() {
    let ids = |emu: &centry::emulator::Emulator| -> (Vec<String>, i64) {
        let recs = records(emu);
        let started = emu.emu().state().trail.started();
        let first = recs
            .first()
            .and_then(|r| r["eventTime"].as_str().map(str::to_string))
            .unwrap();
        let first =
            time::OffsetDateTime::parse(&first, &time::format_description::well_known::Rfc3339)
                .unwrap();
        (
            recs.iter()
                .map(|r| r["eventID"].as_str().unwrap().to_string())
                .collect(),
            (started - first).whole_minutes(),
        )
    };
    let a = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let b = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let (ia, ago_a) = ids(&a);
    let (ib, ago_b) = ids(&b);
    assert!(ia.len() > 1000, "14 days of sign-ins: {}", ia.len());
    assert_eq!(ia, ib, "the same events, with the same ids");
    assert!(
        (ago_a - ago_b).abs() <= 1,
        "at the same distance from the start"
    );
    assert!(
        ago_a <= 14 * 24 * 60 && ago_a > 13 * 24 * 60,
        "{ago_a} minutes"
    );
    let recs = records(&a);
    let kinds: HashSet<&str> = recs
        .iter()
        .filter_map(|r| r["eventName"].as_str())
        .collect();
    for name in [
        "CredentialVerification",
        "UserAuthentication",
        "GetRoleCredentials",
        "CreateToken",
        "CompleteWebAuthnDeviceRegistration",
        "ListAccountRoles",
    ] {
        assert!(
            kinds.contains(name)
                || name == "CompleteWebAuthnDeviceRegistration"
                    && kinds.contains("CompleteVirtualMfaDeviceRegistration"),
            "{name}"
        );
    }
    assert!(
        recs.iter()
            .any(|r| r["serviceEventDetails"]["CredentialVerification"] == "Failure"),
        "failed passwords in the history"
    );
}
