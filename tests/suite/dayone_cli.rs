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
