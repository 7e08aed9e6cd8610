//! A morning of Identity Center events at the snapshot clock (2026-03-02 10:00 UTC), built as
//! CloudTrail records and parsed with the one parser: Priya signs in with TOTP (yesterday from
//! home, today from a new address) and takes role credentials and a CLI token; Tomasz mistypes
//! his password, then signs in; someone types a name nobody has; Aisha registers a security key;
//! the auditor role resolves a user.

use centry::model::trail_event::{Person, TrailEvent, parse_record};
use centry::services::ServiceError;
use centry::services::trail::{PersonDetails, Resolution};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::common::render;

pub const STORE: &str = "arn:aws:identitystore::381492058412:identitystore/d-9067c3a2b1";
pub const CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CLI: &str = "aws-cli/2.22.20 md/awscrt#0.23.4 ua/2.0 os/macos#24.2.0 md/command#sso.login";

fn at(minutes_ago: i64) -> String {
    (render::now() - time::Duration::minutes(minutes_ago))
        .format(&Rfc3339)
        .unwrap()
}

pub fn user(id: &str, cred: &str) -> Value {
    json!({"type": "IdentityCenterUser", "accountId": "381492058412", "credentialId": cred,
           "onBehalfOf": {"userId": id, "identityStoreArn": STORE}})
}

fn unknown() -> Value {
    json!({"type": "Unknown", "principalId": "381492058412", "arn": "", "accountId": "381492058412"})
}

/// One record, `ago` minutes before the snapshot clock.
#[allow(clippy::too_many_arguments)]
pub fn rec(
    id: &str,
    ago: i64,
    source: &str,
    name: &str,
    who: Value,
    ip: &str,
    ua: &str,
    extra: Value,
) -> TrailEvent {
    let mut r = json!({"eventVersion": "1.11", "eventID": id, "eventTime": at(ago),
        "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
        "sourceIPAddress": ip, "userAgent": ua, "userIdentity": who,
        "recipientAccountId": "381492058412"});
    if let Value::Object(m) = extra {
        for (k, v) in m {
            r[k] = v;
        }
    }
    parse_record(&r).unwrap()
}

fn step(name: &str, kind: &str, flow: &str, ok: bool, typed: Option<&str>) -> Value {
    let mut extra = json!({"additionalEventData": {"AuthWorkflowID": flow, "CredentialType": kind},
                           "serviceEventDetails": {name: if ok { "Success" } else { "Failure" }}});
    if let Some(t) = typed {
        extra["additionalEventData"]["UserName"] = json!(t);
    }
    extra
}

/// A successful chain with TOTP and the portal's Authenticate, `ago` minutes ago.
#[allow(clippy::too_many_arguments)]
fn sign_in(
    out: &mut Vec<TrailEvent>,
    p: &str,
    uid: &str,
    typed: &str,
    cred: &str,
    ago: i64,
    ip: &str,
    ua: &str,
) {
    let s = "signin.amazonaws.com";
    let flow = format!("wf-{p}-{ago}");
    let who = || user(uid, cred);
    out.push(rec(
        &format!("{p}{ago}a"),
        ago,
        s,
        "CredentialChallenge",
        who(),
        ip,
        ua,
        step("CredentialChallenge", "PASSWORD", &flow, true, Some(typed)),
    ));
    out.push(rec(
        &format!("{p}{ago}b"),
        ago,
        s,
        "CredentialVerification",
        who(),
        ip,
        ua,
        step("CredentialVerification", "PASSWORD", &flow, true, None),
    ));
    out.push(rec(
        &format!("{p}{ago}c"),
        ago,
        s,
        "CredentialChallenge",
        who(),
        ip,
        ua,
        step("CredentialChallenge", "TOTP", &flow, true, None),
    ));
    out.push(rec(
        &format!("{p}{ago}d"),
        ago,
        s,
        "CredentialVerification",
        who(),
        ip,
        ua,
        step("CredentialVerification", "TOTP", &flow, true, None),
    ));
    out.push(rec(
        &format!("{p}{ago}e"),
        ago,
        s,
        "UserAuthentication",
        who(),
        ip,
        ua,
        step("UserAuthentication", "PASSWORD,TOTP", &flow, true, None),
    ));
    out.push(rec(
        &format!("{p}{ago}f"),
        ago,
        "sso.amazonaws.com",
        "Authenticate",
        who(),
        ip,
        ua,
        json!({}),
    ));
}

fn person(user_name: &str, display: &str) -> Person {
    Person {
        user_name: user_name.into(),
        display_name: Some(display.into()),
    }
}

/// The morning's events (any order: the screen sorts them).
pub fn morning() -> Vec<TrailEvent> {
    let mut v = Vec::new();
    sign_in(
        &mut v,
        "p",
        "u-priya",
        "priya.raman",
        "cred-priya-yesterday",
        19 * 60,
        "203.0.113.10",
        CHROME,
    );
    sign_in(
        &mut v,
        "p",
        "u-priya",
        "priya.raman",
        "cred-priya-today",
        20,
        "198.18.7.9",
        CHROME,
    );
    let today = || user("u-priya", "cred-priya-today");
    v.push(rec(
        "p-accounts",
        19,
        "sso.amazonaws.com",
        "ListAccounts",
        today(),
        "198.18.7.9",
        CHROME,
        json!({}),
    ));
    v.push(rec(
        "p-roles",
        19,
        "sso.amazonaws.com",
        "ListAccountRoles",
        today(),
        "198.18.7.9",
        CHROME,
        json!({"serviceEventDetails": {"account_id": "898781089880"}}),
    ));
    v.push(rec("p-creds", 18, "sso.amazonaws.com", "GetRoleCredentials", today(), "198.18.7.9", CHROME,
        json!({"serviceEventDetails": {"account_id": "898781089880", "role_name": "ReadOnlyAccess"}})));
    v.push(rec(
        "p-cli",
        17,
        "sso-oauth.amazonaws.com",
        "CreateToken",
        today(),
        "198.18.7.9",
        CLI,
        json!({}),
    ));
    // Tomasz: a wrong password, then in.
    let s = "signin.amazonaws.com";
    v.push(rec(
        "t-1",
        12,
        s,
        "CredentialChallenge",
        unknown(),
        "192.0.2.44",
        FIREFOX,
        step(
            "CredentialChallenge",
            "PASSWORD",
            "wf-t-bad",
            true,
            Some("tomasz.nowak"),
        ),
    ));
    v.push(rec(
        "t-2",
        12,
        s,
        "CredentialVerification",
        unknown(),
        "192.0.2.44",
        FIREFOX,
        step(
            "CredentialVerification",
            "PASSWORD",
            "wf-t-bad",
            false,
            None,
        ),
    ));
    sign_in(
        &mut v,
        "t",
        "u-tomasz",
        "tomasz.nowak",
        "cred-tomasz",
        11,
        "192.0.2.44",
        FIREFOX,
    );
    // A name nobody has.
    v.push(rec(
        "x-1",
        30,
        s,
        "CredentialChallenge",
        unknown(),
        "203.0.113.200",
        FIREFOX,
        step(
            "CredentialChallenge",
            "PASSWORD",
            "wf-x",
            true,
            Some("HIDDEN_DUE_TO_SECURITY_REASONS"),
        ),
    ));
    v.push(rec(
        "x-2",
        30,
        s,
        "CredentialVerification",
        unknown(),
        "203.0.113.200",
        FIREFOX,
        step("CredentialVerification", "PASSWORD", "wf-x", false, None),
    ));
    // Aisha registers a security key.
    let aisha = || user("u-aisha", "cred-aisha");
    v.push(rec(
        "a-1",
        40,
        "sso-directory.amazonaws.com",
        "StartWebAuthnDeviceRegistration",
        aisha(),
        "198.51.100.23",
        CHROME,
        json!({}),
    ));
    v.push(rec(
        "a-2",
        39,
        "sso-directory.amazonaws.com",
        "CompleteWebAuthnDeviceRegistration",
        aisha(),
        "198.51.100.23",
        CHROME,
        json!({}),
    ));
    // The auditor role looking someone up.
    v.push(rec("j-1", 5, "identitystore.amazonaws.com", "DescribeUser",
        json!({"type": "AssumedRole", "arn": "arn:aws:sts::381492058412:assumed-role/AWSReservedSSO_IdentityCenterAuditor_0123456789abcdef/jordan.lee",
               "accessKeyId": "ASIATESTAUDITOR"}),
        "127.0.0.1", "aws-sdk-rust/1.3.9 os/linux lang/rust/1.94.0", json!({"readOnly": true})));
    for e in &mut v {
        e.person = match e.user_id.as_deref() {
            Some("u-priya") => Some(person("priya.raman", "Priya Raman")),
            Some("u-aisha") => Some(person("aisha.bello", "Aisha Bello")),
            _ => None,
        };
    }
    v
}

/// What the directory said.
pub fn people() -> Vec<(String, Resolution)> {
    vec![
        (
            "u-priya".into(),
            Resolution::Verified(PersonDetails {
                user_name: "priya.raman".into(),
                display_name: Some("Priya Raman".into()),
                emails: vec!["priya.raman@acme.example".into()],
                external_ids: vec![("https://acme.okta.com".into(), "00u1priya".into())],
            }),
        ),
        (
            "u-tomasz".into(),
            Resolution::Unverified(ServiceError {
                operation: "DescribeUser".into(),
                kind: centry::services::ErrorKind::AccessDenied,
                code: Some("AccessDeniedException".into()),
                message: "not authorized to perform identitystore:DescribeUser".into(),
            }),
        ),
    ]
}
