//! The AWS CLI referee (`tests/referee/aws_cli.sh`) as part of the suite: botocore against the
//! emulator binary this build produced. Skipped, with a notice, where `aws` is not installed
//! (CI installs it).

use std::process::Command;

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

#[test]
fn the_aws_cli_accepts_every_emulated_answer() {
    if !on_path("aws") {
        eprintln!("referee skipped: the AWS CLI is not on PATH (pip install awscli)");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/referee/aws_cli.sh");
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
