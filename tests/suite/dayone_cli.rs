//! Day one from the shell (issue 12): completions and a man page generated from the clap
//! definition.

use std::process::Command;

use crate::common::tmux::centry_bin;

#[test]
fn bash_completion_completes_subcommands_and_their_flags() {
    let script = Command::new(centry_bin())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(script.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("centry.bash");
    std::fs::write(&file, &script.stdout).unwrap();
    let run = |words: &str, cword: usize| {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; \
                 COMP_POINT=${{#COMP_LINE}}; _centry centry \"${{COMP_WORDS[$COMP_CWORD]}}\" \
                 \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
                file.display()
            ))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(run("centry ev", 1), "events");
    assert_eq!(run("centry events --own", 2), "--own-calls");
    assert!(run("centry completions ", 2).contains("zsh"));
}

#[test]
fn the_man_page_names_every_subcommand() {
    let out = Command::new(centry_bin()).arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH centry 1"),
        "{page}"
    );
    for sub in ["login", "creds", "events", "completions"] {
        assert!(page.contains(sub), "{sub} in the man page");
    }
}

#[test]
fn emulator_serve_prints_export_lines_a_shell_can_eval() {
    use std::io::{BufRead, BufReader};
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(centry_bin())
        .args(["emulator", "serve"])
        .env("HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref().map_while(Result::ok) {
        if line.starts_with("# start URL") {
            break;
        }
        printed.push(line);
    }
    std::thread::spawn(move || lines.for_each(drop));
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    assert!(
        printed.iter().all(|l| l.starts_with("export AWS_")),
        "{printed:?}"
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{}\necho \"$AWS_ENDPOINT_URL $AWS_DEFAULT_REGION\"",
            printed.join("\n")
        ))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("http://127.0.0.1:"), "{said}");
    assert!(said.trim().ends_with("us-east-1"), "{said}");
}
