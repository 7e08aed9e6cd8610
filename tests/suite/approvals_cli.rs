//! `centry approvals teams|sessions` as a script would run them: the real binary against the
//! in-process emulator, IAM credentials from the environment (the operator key pair that
//! `centry emulator serve` prints), `--json` one camelCase object per line, `--csv`.

use serde_json::Value;

use crate::common;

async fn centry(emu: &centry::emulator::Emulator, args: &[&str]) -> (i32, String, String) {
    let (id, secret) = emu.operator_credentials();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_centry"));
    cmd.args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", emu.endpoint_url())
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", emu.region());
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("centry runs"))
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teams_and_sessions_for_scripts_and_people() {
    let emu = common::demo().await;

    let (code, out, err) = centry(&emu, &["approvals", "teams", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let teams: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let by_name = |n: &str| {
        teams
            .iter()
            .find(|t| t["name"] == n)
            .unwrap_or_else(|| panic!("{n} listed: {out}"))
            .clone()
    };
    let bg = by_name("Break Glass Approvers");
    assert_eq!(bg["health"], "broken");
    assert_eq!(bg["usable"], 2);
    assert_eq!(bg["minApprovals"], 3);
    assert_eq!(bg["pendingSessions"], 1);
    assert_eq!(bg["reasons"].as_array().unwrap().len(), 2);
    let data = by_name("Data Recovery Approvers");
    assert_eq!(data["health"], "marginal");
    assert_eq!(
        data["pendingUpdate"]["added"][0],
        "Valentina Cruz (valentina.cruz)"
    );
    assert_eq!(by_name("Prod Vault Guardians")["health"], "healthy");

    let (code, out, _) = centry(&emu, &["approvals", "teams"]).await;
    assert_eq!(code, 0);
    let header = out.lines().next().unwrap();
    for col in [
        "NAME",
        "STATUS",
        "M-OF-N",
        "USABLE",
        "HEALTH",
        "PENDING SESSIONS",
    ] {
        assert!(header.contains(col), "{header}");
    }
    assert!(out.contains("BROKEN: cannot reach its threshold"), "{out}");
    assert!(out.contains("emeka.nwosu): identity INVALID"), "{out}");

    let arn = bg["arn"].as_str().unwrap();
    let (code, out, err) = centry(&emu, &["approvals", "sessions", arn, "--csv"]).await;
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[0].starts_with("TEAM,STATUS,VOTES,REQUESTER"), "{out}");
    assert_eq!(rows.len(), 4, "header and three sessions: {out}");
    assert!(rows[1].contains("PENDING,2 of 3,noah.williams"), "{out}");
    assert!(rows[2].contains("FAILED (REJECTED),1 of 3"), "{out}");

    let (code, out, _) = centry(
        &emu,
        &["approvals", "sessions", "prod vault guardians", "--json"],
    )
    .await;
    assert_eq!(code, 0);
    let first: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["status"], "PENDING");
    assert_eq!(first["approvals"], 1);
    let responses = first["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 4);
    assert!(responses.iter().all(|r| r["verified"] == true));

    let (code, _, err) = centry(&emu, &["approvals", "sessions", "No Such Team"]).await;
    assert_ne!(code, 0);
    assert!(err.contains("no approval team named"), "{err}");
    emu.stop().await;
}
