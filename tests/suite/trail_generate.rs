//! The generated organisation trail (`--generate …,trail-days=N,trail-events=M`): exactly M
//! records over N days in CloudTrail's S3 layout, the same for the same seed, people a minority
//! beside service traffic, and each role session followable from the portal's
//! GetRoleCredentials to its calls in the member account under the AWS role-session names.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use centry::emulator::generate::{self, GenerateSpec};
use centry::trail_sql::layout;
use serde_json::Value;

fn all(root: &Path) -> Vec<(layout::Partition, Value)> {
    let mut out = Vec::new();
    for o in layout::list_objects(root) {
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&o.path).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        let doc: Value = serde_json::from_str(&s).expect("each object is JSON");
        for r in doc["Records"].as_array().unwrap() {
            out.push((o.partition.clone(), r.clone()));
        }
    }
    out
}

#[test]
fn a_generated_trail_is_exact_deterministic_and_followable() {
    let spec: GenerateSpec =
        "accounts=12,users=40,groups=4,permission-sets=6,seed=7,trail-days=3,trail-events=6000"
            .parse()
            .unwrap();
    assert_eq!((spec.trail_days, spec.trail_events), (3, 6000));
    let org = generate::generate(&spec);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let w = generate::trail::write(&org, 3, 6000, 7, a.path()).unwrap();
    generate::trail::write(&org, 3, 6000, 7, b.path()).unwrap();
    assert_eq!(w.records, 6000);
    let records = all(a.path());
    assert_eq!(records.len(), 6000);
    let ids = |rs: &[(layout::Partition, Value)]| -> BTreeSet<String> {
        rs.iter()
            .map(|(_, r)| r["eventID"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&records),
        ids(&all(b.path())),
        "the same seed writes the same records"
    );
    assert_eq!(ids(&records).len(), 6000, "event ids are unique");

    let accounts: BTreeSet<&str> = records.iter().map(|(p, _)| p.account.as_str()).collect();
    assert!(accounts.len() > 6, "across the accounts: {accounts:?}");
    for (p, r) in &records {
        assert_eq!(p.org, org.organization.id);
        assert_eq!(r["recipientAccountId"], p.account.as_str());
        assert_eq!(r["awsRegion"], p.region.as_str());
    }
    let people = records
        .iter()
        .filter(|(_, r)| {
            matches!(
                r["eventSource"].as_str(),
                Some("signin.amazonaws.com" | "sso.amazonaws.com")
            )
        })
        .count();
    assert!(
        people * 3 < records.len(),
        "sign-ins are a minority: {people}"
    );
    let failures = records
        .iter()
        .filter(|(_, r)| r["serviceEventDetails"]["CredentialVerification"] == "Failure")
        .count();
    assert!(failures > 0);

    // A role session: GetRoleCredentials names account and role; the member account's records
    // carry AWSReservedSSO_<set>_<16 hex>/<user name>.
    let grc = records
        .iter()
        .find(|(_, r)| r["eventName"] == "GetRoleCredentials")
        .map(|(_, r)| r)
        .unwrap();
    let account = grc["serviceEventDetails"]["account_id"].as_str().unwrap();
    let role = grc["serviceEventDetails"]["role_name"].as_str().unwrap();
    let user_id = grc["userIdentity"]["onBehalfOf"]["userId"]
        .as_str()
        .unwrap();
    let user = org.users.iter().find(|u| u.id == user_id).unwrap();
    let prefix = format!("arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_");
    let session: Vec<&Value> = records
        .iter()
        .map(|(_, r)| r)
        .filter(|r| {
            r["userIdentity"]["arn"].as_str().is_some_and(|a| {
                a.starts_with(&prefix) && a.ends_with(&format!("/{}", user.user_name))
            })
        })
        .collect();
    assert!(
        !session.is_empty(),
        "the session's calls are in {account}'s trail"
    );
    let arn = session[0]["userIdentity"]["arn"].as_str().unwrap();
    let hex = arn.rsplit('/').nth(1).unwrap().rsplit('_').next().unwrap();
    assert!(
        hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "{arn}"
    );
    assert!(session.iter().all(|r| r["recipientAccountId"] == account));
    assert!(
        records
            .iter()
            .any(|(_, r)| r["errorCode"] == "AccessDenied")
    );
    assert!(
        records
            .iter()
            .any(|(_, r)| r["userIdentity"]["type"] == "AssumedRole"
                && r["userIdentity"]["onBehalfOf"]["userId"].is_string()),
        "identity-enhanced sessions"
    );
    assert!("trail-days=4000".parse::<GenerateSpec>().is_err());
}
