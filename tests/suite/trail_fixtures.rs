//! Every record in `tests/fixtures/cloudtrail/` (real public CloudTrail events, see SOURCES.md
//! there) parsed, with every extracted field checked event by event.

use std::path::PathBuf;

mod seen;

use centry::model::trail_event::{
    EventFormat, EventGroup, TrailEvent, TrailEventError, parse_record, short_user_agent,
};
use seen::Seen;
use serde_json::Value;

use EventFormat::{New, Old, Other, Tip, Unauthenticated};
use EventGroup::{Admin, Directory, Oidc, Portal, Signin};

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cloudtrail")
}

/// The records of one fixture file.
pub fn records(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixture_dir().join(file)).expect("fixture exists");
    let mut value: Value = serde_json::from_str(&text).expect("fixture is JSON");
    match value["Records"].take() {
        Value::Array(records) => records,
        other => panic!("{file}: Records is {other}"),
    }
}

/// Parses every record of `file` and compares it with `expected`, one by one; also checks that
/// the raw record is kept verbatim and that the JSON line is well formed.
fn check(file: &str, expected: &[Seen]) -> Vec<TrailEvent> {
    let records = records(file);
    assert_eq!(
        records.len(),
        expected.len(),
        "{file}: every record has an expectation"
    );
    let mut events = Vec::new();
    for (index, (record, want)) in records.iter().zip(expected).enumerate() {
        let event = parse_record(record).unwrap_or_else(|e| panic!("{file} #{index}: {e}"));
        assert_eq!(Seen::of(&event), *want, "{file} #{index}");
        let raw: Value = serde_json::from_str(event.raw.as_ref().expect("raw kept").get()).unwrap();
        assert_eq!(&raw, record, "{file} #{index}: raw record kept");
        let line: Value = serde_json::from_str(&event.to_json_line()).unwrap();
        assert_eq!(line["eventId"], want.id.as_str());
        assert_eq!(line["format"], serde_json::to_value(want.format).unwrap());
        events.push(event);
    }
    events
}

const OLD_UA_FILE: &str = "awsdocs-aws-single-sign-on-user-guide_understanding-sign-in-events.json";

#[test]
fn old_sign_in_events_from_the_identity_center_guide() {
    let old = |id: &str, name: &str, credential: &str, workflow: &str| {
        Seen::new(id, name, Old, Signin)
            .identity("Unknown")
            .named("user1")
            .at("us-east-1", "203.0.113.0")
            .sign_in(credential, workflow)
    };
    let w1 = "9de74b32-8362-4a01-a524-de21df59fd83";
    let w2 = "303486b5-fce1-4d59-ba1d-eb3acb790729";
    let w3 = "76d8a26d-ad9c-41a4-90c3-d607cdd7155c";
    let w4 = "adbf67c4-8188-4e2b-8527-fe539e328fa7";
    let mut enrolled = old(
        "a15bf257-7f37-46c0-b67c-fea5fa6166be",
        "UserAuthentication",
        "PASSWORD",
        w3,
    );
    enrolled.mfa.device_enrollment_required = Some(true);
    let events = check(
        OLD_UA_FILE,
        &[
            old(
                "27ea7725-c1fd-4355-bdba-d0e628e0e604",
                "CredentialChallenge",
                "PASSWORD",
                w1,
            ),
            old(
                "c49640f6-0c8a-43d3-a6e0-900e3bb188d4",
                "CredentialVerification",
                "PASSWORD",
                w1,
            ),
            old(
                "e959a95a-2b33-478d-906c-4fe303e8a9f1",
                "UserAuthentication",
                "PASSWORD",
                w1,
            ),
            old(
                "e959a95a-2b33-478d-906c-4fe303e8a9f1",
                "UserAuthentication",
                "EXTERNAL_IDP",
                w1,
            ),
            old(
                "d89cc0b5-a23a-4b88-843a-89329aeaef2e",
                "CredentialChallenge",
                "PASSWORD",
                w2,
            ),
            old(
                "4533fd49-6669-4d0b-b272-a0b2139309a8",
                "CredentialVerification",
                "PASSWORD",
                w2,
            ),
            old(
                "29202f08-f240-40cc-b789-c0cea8a27847",
                "CredentialChallenge",
                "TOTP",
                w2,
            ),
            old(
                "e889ff1d-fcaf-454f-805d-7132cf2362a4",
                "CredentialVerification",
                "TOTP",
                w2,
            ),
            old(
                "7a8c8725-db2f-488d-a43e-788dc6c73a4a",
                "UserAuthentication",
                "PASSWORD,TOTP",
                w2,
            ),
            old(
                "8c707b0f-e45a-4a9c-bee2-ff68638d2f1b",
                "CredentialChallenge",
                "PASSWORD",
                w3,
            ),
            old(
                "783b0c89-7142-4942-8b84-6ee0de1b992e",
                "CredentialVerification",
                "PASSWORD",
                w3,
            ),
            enrolled,
            old(
                "d96f1d6c-dbd9-4a0b-9a45-6a2b66078c78",
                "CredentialChallenge",
                "PASSWORD",
                w4,
            ),
            old(
                "9160fe06-fc2a-474f-9b78-000ee067a09d",
                "CredentialVerification",
                "PASSWORD",
                w4,
            )
            .failed(),
        ],
    );
    assert_eq!(
        events[8].mfa.factors,
        ["TOTP"],
        "PASSWORD,TOTP has one second factor"
    );
    assert_eq!(
        events[0].event_time.unix_timestamp(),
        1_607_373_238,
        "2020-12-07T20:33:58Z"
    );
    let ua = events[0].user_agent.as_deref().unwrap();
    assert_eq!(short_user_agent(ua), "Chrome 87");
}

#[test]
fn new_and_tip_events_from_a_real_account() {
    let user = "976710cc5d-9d976f61-3b89-4b98-88db-2ea3bbc1f3fa";
    let store = "arn:aws:identitystore::607481581596:identitystore/d-976710cc5d";
    let session =
        "AAAAAGpEaIMIfeJrfG3s_yDz-3PQWeDwT9i9d62beJKyBZzks4jkECDTgbezwS8Wx7V8mHW9RyhiUxluexutOs";
    let portal = |id: &str, name: &str| {
        Seen::new(id, name, New, Portal)
            .identity("IdentityCenterUser")
            .idc_user(user, store)
            .credential(session)
            .at("ap-southeast-2", "54.79.161.228")
    };
    let events = check(
        "aidansteele-github-io_apps-can-now-impersonate-human-access-via-idc.json",
        &[
            // The app's role exchanges a token for the user: the user is named only in
            // additionalEventData.
            Seen::new("4ad42b1e-b4e0-41f2-b461-6c46021d5120", "CreateTokenWithIAM", Tip, Oidc)
                .identity("AssumedRole")
                .idc_user(user, store)
                .credential(session)
                .arn("arn:aws:sts::607481581596:assumed-role/iic-tti-poc-AppFunctionRole-lntyS7rJFEAS/iic-tti-poc-AppFunction-3irLZkLQGPhb")
                .at("ap-southeast-2", "54.79.161.228")
                .session_mfa(false),
            portal("b59049be-1afe-4d3e-9abb-9483592a6829", "ListAccounts"),
            portal("9c48f37a-c7ae-416b-85a0-55ab40ae38df", "ListAccountRoles").target("950363612855", None),
            portal("049a5a98-7ad4-4399-b735-eedddb45aa0f", "GetRoleCredentials")
                .target("950363612855", Some("AdministratorAccess")),
            // The SAML federation into the account is an STS event by a SAML user.
            Seen::new("423fa918-3e60-4161-812c-8ccb1afbd672", "AssumeRoleWithSAML", Other, EventGroup::Other)
                .identity("SAMLUser")
                .named("aidan.steele@glassechidna.com.au")
                .at("ap-southeast-2", "13.239.101.254"),
            // The permission-set role acting on behalf of the user: trusted identity propagation.
            Seen::new("962b63aa-0b29-444a-89a8-d5d72cd8248b", "GetCallerIdentity", Tip, EventGroup::Other)
                .identity("AssumedRole")
                .idc_user(user, store)
                .arn("arn:aws:sts::950363612855:assumed-role/AWSReservedSSO_AdministratorAccess_7243976e43c75fc5/aidan.steele@glassechidna.com.au")
                .at("ap-southeast-2", "54.79.161.228")
                .session_mfa(false),
        ],
    );
    let session_events = events
        .iter()
        .filter(|e| e.credential_id.as_deref() == Some(session))
        .count();
    assert_eq!(
        session_events, 4,
        "one portal session joins the token exchange and the portal calls"
    );
    assert_eq!(
        short_user_agent(events[1].user_agent.as_deref().unwrap()),
        "aws-sdk-go-v2/1.36"
    );
    assert_eq!(
        short_user_agent(events[4].user_agent.as_deref().unwrap()),
        "aws-sdk-java/2.46"
    );
}

#[test]
fn scim_events_with_placeholder_times_are_rejected_and_otherwise_read() {
    let file = "aws-docs-singlesignon_scim-logging-using-cloudtrail.json";
    let mut records = records(file);
    for record in &records {
        assert_eq!(
            parse_record(record).unwrap_err(),
            TrailEventError::BadEventTime("\"xxxx\"".into()),
            "a documentation placeholder is not a time"
        );
    }
    // With a real time in place of the placeholder, the rest of each record reads as follows.
    for record in &mut records {
        record["eventTime"] = "2024-10-10T13:23:45Z".into();
    }
    let scim = |name: &str| {
        Seen::new("xxxx", name, Other, Directory)
            .identity("Unknown")
            .at("us-east-1", "xxx.xxx.xxx.xxx")
    };
    let expected = [
        Seen::new("xxxx", "CreateUser", Other, Directory)
            .identity("WebIdentityUser")
            .at("us-east-1", "xx.xxx.xxx.xxx"),
        scim("PatchGroup").error("ValidationException", "Missing path in PATCH request"),
        scim("CreateGroup").error("ConflictException", "Duplicate GroupDisplayName"),
        scim("PatchUser").error(
            "ValidationException",
            "List attribute emails exceeds allowed limit of 1",
        ),
    ];
    for (index, (record, want)) in records.iter().zip(&expected).enumerate() {
        let event = parse_record(record).unwrap();
        assert_eq!(Seen::of(&event), *want, "{file} #{index}");
        assert_eq!(
            event.clear_user_name(),
            None,
            "HIDDEN values in the request are not the user"
        );
    }
}

#[test]
fn workspaces_smart_card_sign_ins_only_look_alike() {
    let smartcard = |id: &str, name: &str, workflow: &str| {
        Seen::new(id, name, Other, Signin)
            .identity("Unknown")
            .at("us-east-1", "AWS Internal")
            .sign_in("SMARTCARD", workflow)
    };
    let w1 = "6602f256-3b76-4977-96dc-306a7283269e";
    let w2 = "73dfd26b-f812-4bd2-82e9-0b2abb358cdb";
    let mut no_region = smartcard(
        "f30a50ec-71cf-415a-a5ab-e287edc800da",
        "CredentialChallenge",
        w2,
    );
    no_region.region = None; // the source's "awaRegion" typo, kept
    check(
        "awsdocs-amazon-workspaces-administration-guide_signin-events.json",
        &[
            smartcard(
                "fb603838-f119-4304-9fdc-c0f947a82116",
                "CredentialChallenge",
                w1,
            ),
            smartcard(
                "84c0a2ff-413f-4d0f-9108-f72c90a41b6c",
                "CredentialVerification",
                w1,
            ),
            smartcard(
                "acc0dba8-8e8b-414b-a52d-6b7cd51d38f6",
                "UserAuthentication",
                w1,
            ),
            no_region,
            smartcard(
                "4e6fbfc7-0479-48da-b7dc-e875155a8177",
                "CredentialVerification",
                w2,
            )
            .failed(),
        ],
    );
}

#[test]
fn legacy_portal_and_oidc_entries() {
    let bob = |id: &str, name: &str, format, group| {
        Seen::new(id, name, format, group)
            .identity("Unknown")
            .named("bobsmith@example.com")
            .at("us-east-1", "203.0.113.0")
    };
    check(
        "awsdocs-aws-single-sign-on-user-guide_understanding-sso-entries.json",
        &[
            Seen::new(
                "a93a952b-13dd-4ae5-a156-d3ad6220b071",
                "DescribePermissionsPolicies",
                Other,
                Admin,
            )
            .identity("IAMUser")
            .named("samadams")
            .arn("arn:aws:iam::08966example:user/samadams")
            .at("us-east-1", "203.0.113.0"),
            bob(
                "e6e1f3df-9528-4c6d-a877-6b2b895d1f91",
                "https://portal.sso.us-east-1.amazonaws.com/instance/appinstances",
                Old,
                Portal,
            ),
            bob(
                "09a6e1a9-50e5-45c0-9f08-e6ef5089b262",
                "CreateToken",
                Old,
                Oidc,
            ),
        ],
    );
    let events = check(
        "drbarnz-blog_aws-sso-deep-dive.json",
        &[Seen::new(
            "b02878f9-a936-4027-9338-16fdba509113",
            "ListAccountRoles",
            Old,
            Portal,
        )
        .identity("Unknown")
        .named("user@example.com")
        .at("ap-southeast-2", "8.8.8.8")
        .target("000000000000", None)],
    );
    assert_eq!(
        short_user_agent(events[0].user_agent.as_deref().unwrap()),
        "boto3/1.17"
    );
}

#[test]
fn siem_test_records_with_space_separated_times() {
    let mut console = Seen::new("1111111111", "ConsoleLogin", Other, Signin)
        .identity("AssumedRole")
        .arn("arn:aws:sts::xxx:assumed-role/AWSReservedSSO_developer_admin_asdf/foo@bar.com")
        .at("us-east-2", "1.2.3.4")
        .session_mfa(false);
    console.mfa.mfa_used = Some(false);
    let mut authenticate = Seen::new(
        "8cb05708-9764-4774-a048-59a4c8e1684d",
        "Authenticate",
        Unauthenticated,
        Portal,
    );
    authenticate.region = Some("us-east-1".into());
    let events = check(
        "panther-analysis_rule-test-logs.json",
        &[console, authenticate],
    );
    assert_eq!(
        events[0].event_time,
        time::macros::datetime!(2022-03-16 19:17:41 UTC)
    );
    assert_eq!(
        events[1].event_time,
        time::macros::datetime!(2024-06-03 15:23:22 UTC)
    );
}

#[test]
fn administrative_events_by_root_and_the_service_role() {
    let root = |id: &str, name: &str, group, ip: &str| {
        Seen::new(id, name, Other, group)
            .identity("Root")
            .arn("arn:aws:iam::<MANAGEMENT_ACCT_ID>:root")
            .at("us-east-1", ip)
            .session_mfa(true)
    };
    let service_role = |id: &str, name: &str| {
        Seen::new(id, name, Other, EventGroup::Other)
            .identity("AssumedRole")
            .arn("arn:aws:sts::<MANAGEMENT_ACCT_ID>:assumed-role/AWSServiceRoleForSSO/AWS-SSO")
            .at("us-east-1", "sso.amazonaws.com")
            .session_mfa(false)
    };
    let iam = EventGroup::Other;
    let events = check(
        "unattributed-github-markdown_identity-center-admin-events.json",
        &[
            root(
                "836af158-a7eb-4c76-8004-dec47393e571",
                "CreateGroup",
                Directory,
                "<REDACTED>",
            ),
            root(
                "28507fe9-d1f8-499f-ac6d-ec78003fa1f0",
                "AddMemberToGroup",
                Directory,
                "<REDACTED>",
            ),
            root(
                "12d9425b-0114-4550-b2e4-71a7047ab92f",
                "CreatePermissionSet",
                Admin,
                "<REDACTED>",
            ),
            root(
                "bea150ce-12b4-4417-9983-7be8c28a7a3a",
                "CreateAccountAssignment",
                Admin,
                "<REDACTED>",
            ),
            root(
                "fb43cde3-485e-4128-afdd-04bec12211a7",
                "CreateRole",
                iam,
                "sso.amazonaws.com",
            ),
            root(
                "d42a8333-0688-4782-b01a-4885dae831ee",
                "AttachRolePolicy",
                iam,
                "sso.amazonaws.com",
            ),
            root(
                "7dbd28aa-25a8-404c-a45b-af7184ba9129",
                "CreateAccountAssignment",
                Admin,
                "<REDACTED>",
            ),
            root(
                "0d4fb26b-af27-420b-9f83-007d21080745",
                "DeleteAccountAssignment",
                Admin,
                "<REDACTED>",
            ),
            service_role("d4be97d6-7eb7-48d6-af90-bf93f81e0608", "DetachRolePolicy"),
            service_role("a44c8c21-9a8f-491f-bbdb-d33260a92f05", "DeleteRole"),
        ],
    );
    assert_eq!(
        short_user_agent(events[2].user_agent.as_deref().unwrap()),
        "AWS Internal"
    );
}

#[test]
fn every_fixture_file_is_covered() {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "aidansteele-github-io_apps-can-now-impersonate-human-access-via-idc.json",
            "aws-docs-singlesignon_scim-logging-using-cloudtrail.json",
            "awsdocs-amazon-workspaces-administration-guide_signin-events.json",
            OLD_UA_FILE,
            "awsdocs-aws-single-sign-on-user-guide_understanding-sso-entries.json",
            "drbarnz-blog_aws-sso-deep-dive.json",
            "panther-analysis_rule-test-logs.json",
            "unattributed-github-markdown_identity-center-admin-events.json",
        ],
        "a new fixture needs its own test above"
    );
    let total: usize = files.iter().map(|f| records(f).len()).sum();
    assert_eq!(total, 45);
}
