//! `centry admin` as scripts use it: the real binary against an in-process emulator with the
//! operator's credentials in the environment (as after `centry emulator serve`). JSON lines
//! carry exactly the promised keys, partial answers exit 3 with warnings, and restore never
//! changes anything without confirmation.

use std::collections::BTreeSet;

use centry::emulator::Emulator;
use serde_json::Value;

use super::denied::DenyDirectory;
use crate::common;
use crate::common::tmux::centry_bin;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<serde_json::Map<String, Value>> {
        self.stdout
            .lines()
            .map(|l| match serde_json::from_str(l) {
                Ok(Value::Object(m)) => m,
                other => panic!("not a JSON object: {l} ({other:?})"),
            })
            .collect()
    }
}

async fn centry(emu: &Emulator, endpoint: &str, home: &std::path::Path, args: &[&str]) -> Run {
    let (id, secret) = emu.operator_credentials();
    let out = tokio::process::Command::new(centry_bin())
        .args(args)
        .args(["--tps", "200"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("CENTRY_CACHE_DIR", home.join("cache"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", emu.region())
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("centry runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn keys(m: &serde_json::Map<String, Value>) -> BTreeSet<&str> {
    m.keys().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_and_who_print_exactly_the_promised_keys() {
    let emu = common::demo().await;
    let home = tempfile::tempdir().unwrap();
    let url = emu.endpoint_url();
    let r = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "access", "jordan.lee", "--json"],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.lines();
    assert!(rows.len() > 10, "{}", r.stdout);
    for row in &rows {
        assert_eq!(
            keys(row),
            BTreeSet::from([
                "accountId",
                "accountName",
                "permissionSetArn",
                "permissionSetName",
                "sessionDuration",
                "via"
            ])
        );
    }
    let audit = rows
        .iter()
        .find(|r| r["permissionSetName"] == "IdentityCenterAuditor")
        .expect("jordan.lee holds IdentityCenterAuditor");
    assert_eq!(audit["accountId"], common::MGMT);
    assert_eq!(audit["via"], serde_json::json!(["direct"]));
    assert!(
        rows.iter().any(|r| r["via"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.as_str().unwrap().starts_with("group:"))),
        "group paths are named group:DISPLAYNAME"
    );
    // By email too, same answer.
    let by_email = centry(
        &emu,
        &url,
        home.path(),
        &[
            "admin",
            "access",
            "--refresh",
            "jordan.lee@acme.example",
            "--json",
        ],
    )
    .await;
    assert_eq!(by_email.stdout, r.stdout, "{}", by_email.stderr);

    let who = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "who", common::MGMT, "--json"],
    )
    .await;
    assert_eq!(who.code, 0, "{}", who.stderr);
    let rows = who.lines();
    assert!(rows.len() > 5);
    for row in &rows {
        assert_eq!(
            keys(row),
            BTreeSet::from(["userId", "userName", "permissionSetName", "via"])
        );
    }
    let only = centry(
        &emu,
        &url,
        home.path(),
        &[
            "admin",
            "who",
            "acme-management",
            "--permission-set",
            "IdentityCenterAuditor",
            "--csv",
        ],
    )
    .await;
    assert_eq!(only.code, 0, "{}", only.stderr);
    let mut lines = only.stdout.lines();
    assert_eq!(lines.next(), Some("USER,USER ID,PERMISSION SET,VIA"));
    assert!(lines.all(|l| l.contains("IdentityCenterAuditor")));

    // Unknown accounts and permission sets are errors naming the closest (issue 12).
    let unknown = centry(&emu, &url, home.path(), &["admin", "who", "000000000000"]).await;
    assert_ne!(unknown.code, 0, "{}", unknown.stdout);
    assert!(
        unknown.stderr.contains("no account 000000000000"),
        "{}",
        unknown.stderr
    );
    let typo = centry(&emu, &url, home.path(), &["admin", "who", "platfrom-dev"]).await;
    assert_ne!(typo.code, 0);
    assert!(
        typo.stderr.contains("closest: platform-dev (622874654824)"),
        "{}",
        typo.stderr
    );
    let nope = centry(
        &emu,
        &url,
        home.path(),
        &[
            "admin",
            "who",
            "acme-management",
            "--permission-set",
            "Nope",
        ],
    )
    .await;
    assert_ne!(nope.code, 0, "{}", nope.stdout);
    assert!(
        nope.stderr.contains("no permission set Nope"),
        "{}",
        nope.stderr
    );

    let nobody = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "access", "no.such.person"],
    )
    .await;
    assert_eq!(nobody.code, 1);
    assert!(
        nobody.stderr.contains("no user no.such.person"),
        "{}",
        nobody.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_directory_is_a_partial_answer_not_an_empty_one() {
    let emu = common::demo().await;
    let proxy = DenyDirectory::start(&emu).await;
    let home = tempfile::tempdir().unwrap();
    let r = centry(
        &emu,
        &proxy.url,
        home.path(),
        &["admin", "who", common::MGMT, "--json"],
    )
    .await;
    assert_eq!(r.code, 3, "partial: {}", r.stderr);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
    let rows = r.lines();
    assert!(!rows.is_empty(), "never an empty answer");
    let unknown: Vec<_> = rows.iter().filter(|r| r["userId"].is_null()).collect();
    assert!(
        !unknown.is_empty(),
        "group grants with unknown members are listed"
    );
    for row in &unknown {
        let via = row["via"][0].as_str().unwrap();
        assert!(
            via.starts_with("group:") && via.ends_with("(unverified)"),
            "{via}"
        );
    }
    let table = centry(&emu, &proxy.url, home.path(), &["admin", "assignments"]).await;
    assert_eq!(table.code, 3);
    assert!(table.stdout.contains("(unverified)"), "{}", table.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_diff_and_restore_plan_from_the_command_line() {
    let emu = common::demo().await;
    let home = tempfile::tempdir().unwrap();
    let url = emu.endpoint_url();
    let file = home.path().join("before.json");
    let f = file.to_str().unwrap();
    let r = centry(&emu, &url, home.path(), &["admin", "snapshot", "-o", f]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("wrote 298 account"), "{}", r.stderr);

    // Remove one grant from the instance, then plan and (refuse to) apply.
    let snap =
        centry::model::snapshot::Snapshot::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let g = &snap.account_assignments[0];
    let sso = common::operator(&emu).sso_admin(true);
    sso.delete_account_assignment()
        .instance_arn(&snap.instance_arn)
        .target_id(&g.account_id)
        .target_type(aws_sdk_ssoadmin::types::TargetType::AwsAccount)
        .permission_set_arn(&g.permission_set_arn)
        .principal_type(aws_sdk_ssoadmin::types::PrincipalType::from(
            g.principal.kind.as_str(),
        ))
        .principal_id(&g.principal.id)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;

    let plan = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "restore", f, "--plan", "--json"],
    )
    .await;
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let rows = plan.lines();
    assert_eq!(rows.len(), 1, "{}", plan.stdout);
    assert_eq!(rows[0]["action"], "CreateAccountAssignment");
    assert_eq!(rows[0]["accountId"], g.account_id.as_str());
    assert_eq!(rows[0]["principalId"], g.principal.id.as_str());

    let refused = centry(&emu, &url, home.path(), &["admin", "restore", f, "--apply"]).await;
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("confirmation"),
        "{}",
        refused.stderr
    );
    let ro = centry(
        &emu,
        &url,
        home.path(),
        &["--read-only", "admin", "restore", f, "--apply", "--yes"],
    )
    .await;
    assert_eq!(ro.code, 1);
    assert!(ro.stderr.contains("read-only"), "{}", ro.stderr);

    let after = home.path().join("after.json");
    let a = after.to_str().unwrap();
    assert_eq!(
        centry(&emu, &url, home.path(), &["admin", "snapshot", "-o", a])
            .await
            .code,
        0
    );
    let diff = centry(&emu, &url, home.path(), &["admin", "diff", f, a, "--json"]).await;
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let rows = diff.lines();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["change"], "removed");

    let applied = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "restore", f, "--apply", "--yes", "--json"],
    )
    .await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert_eq!(applied.lines()[0]["action"], "created");
    let again = centry(&emu, &url, home.path(), &["admin", "snapshot", "-o", a]).await;
    assert_eq!(again.code, 0);
    let diff = centry(&emu, &url, home.path(), &["admin", "diff", f, a]).await;
    assert!(
        diff.stderr.contains("0 added, 0 removed, 0 changed"),
        "{}",
        diff.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_commands_show_details_paths_and_assignments() {
    let emu = common::demo().await;
    let home = tempfile::tempdir().unwrap();
    let url = emu.endpoint_url();
    let ps = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "permission-sets", "NetworkAdmin"],
    )
    .await;
    assert_eq!(ps.code, 0, "{}", ps.stderr);
    assert!(
        ps.stdout.contains("Session duration  PT4H"),
        "{}",
        ps.stdout
    );
    assert!(
        ps.stdout
            .contains("Boundary          /boundaries/AcmeNetworkAdminBoundary (customer managed)"),
        "{}",
        ps.stdout
    );
    assert!(
        ps.stdout
            .contains("Inline policy\n  {\n    \"Statement\": ["),
        "the inline policy is pretty-printed:\n{}",
        ps.stdout
    );
    let dev = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "permission-sets", "DeveloperAccess", "--json"],
    )
    .await;
    let v: Value = serde_json::from_str(dev.stdout.trim()).unwrap();
    let outdated: Vec<&Value> = v["provisioned"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["current"] == false)
        .collect();
    assert_eq!(
        outdated.len(),
        2,
        "two accounts run an outdated DeveloperAccess: {v}"
    );

    let accts = centry(&emu, &url, home.path(), &["admin", "accounts", "--json"]).await;
    assert_eq!(accts.code, 0, "{}", accts.stderr);
    let rows = accts.lines();
    assert_eq!(rows.len(), 40);
    let mgmt = rows
        .iter()
        .find(|r| r["accountId"] == common::MGMT)
        .unwrap();
    assert_eq!(mgmt["ouPath"], "");
    assert!(
        rows.iter().any(|r| r["ouPath"] == "Workloads/Prod"),
        "{}",
        accts.stdout
    );

    let by = centry(
        &emu,
        &url,
        home.path(),
        &["admin", "assignments", "--by", "principal", "--csv"],
    )
    .await;
    assert_eq!(by.code, 0, "{}", by.stderr);
    let lines: Vec<&str> = by.stdout.lines().collect();
    assert_eq!(lines[0], "ACCOUNT,ACCOUNT ID,PERMISSION SET,TYPE,PRINCIPAL");
    assert_eq!(lines.len(), 299, "a header and 298 assignments");
    let principals: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    let mut sorted = principals.clone();
    sorted.sort();
    assert_eq!(principals, sorted, "ordered by principal");
}
