//! The AWS CLI referees (`tests/referee/aws_cli.sh`, `tests/referee/athena_lake.sh`) as part of the suite: botocore against the
//! emulator binary this build produced. Skipped, with a notice, where `aws` is not installed
//! (CI installs it).

use std::process::Command;

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

#[test]
fn the_aws_cli_accepts_every_emulated_answer() {
    referee("aws_cli.sh");
}

#[test]
fn the_aws_cli_runs_athena_ddl_and_queries_on_the_trail() {
    referee("athena_lake.sh");
}

/// Run one referee script from `tests/referee/` and check it passed every check.
fn referee(name: &str) {
    if !on_path("aws") {
        assert!(
            std::env::var_os("CENTRY_REQUIRE_AWSCLI").is_none(),
            "CENTRY_REQUIRE_AWSCLI is set but the AWS CLI is not on PATH"
        );
        eprintln!("referee skipped: the AWS CLI is not on PATH (pip install awscli; .ci/run does)");
        return;
    }
    let script = format!("{}/tests/referee/{name}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(script)
        .env("CENTRY_BIN", env!("CARGO_BIN_EXE_centry"))
        .output()
        .expect("bash runs the referee");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the referee failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
