//! Day one in the real terminal (issue 12): the console as people used to k9s and lazygit
//! expect it, driven in tmux on `--demo`.

use std::time::{Duration, Instant};

use crate::common::tmux::{Tmux, centry_bin};

/// Start `centry --demo` in a fresh home and wait for the accounts list.
fn demo(home: &std::path::Path, extra_env: &[(&str, &str)]) -> Tmux {
    let h = home.to_str().unwrap();
    let mut env = vec![("HOME", h), ("NO_COLOR", "1"), ("SHELL", "/bin/sh")];
    env.extend_from_slice(extra_env);
    let t = Tmux::start(&[centry_bin(), "--demo"], &env, 120, 40);
    t.wait_until("the listing", |s| {
        s.contains("IdentityCenterAuditor") && s.contains("network") && !s.contains("listing ")
    });
    t
}

/// Whether the program leaves within a few seconds.
fn quits(t: &Tmux) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    !t.alive()
}

#[test]
fn leaving_the_role_shell_repaints_the_whole_console() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = demo(home.path(), &[]);
    t.keys(&["Enter"]);
    t.wait_for("Secret access key");
    t.keys(&["x"]);
    t.wait_for("exit to return");
    t.type_text("exit");
    t.keys(&["Enter"]);
    // No key pressed after the shell: the header, tabs, body and footer all come back.
    let s = t.wait_until("the role screen, repainted", |s| {
        s.contains("Secret access key") && s.contains("1 Accts") && s.contains("EMULATOR")
    });
    assert!(
        s.contains("shell with these credentials"),
        "the footer is back too:\n{s}"
    );
}

#[test]
fn keys_typed_into_the_role_shell_reach_the_shell_and_the_console_comes_back() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = demo(home.path(), &[]);
    t.keys(&["Enter"]);
    t.wait_for("Secret access key");
    t.keys(&["x"]);
    t.wait_for("exit to return");
    // Every keystroke goes to the shell, none to the paused console: the command runs whole.
    for _ in 0..3 {
        t.type_text("echo typed-$((6*7))-ok");
        t.keys(&["Enter"]);
    }
    let s = t.wait_until("the three commands ran", |s| {
        s.matches("typed-42-ok").count() == 3
    });
    assert!(!s.contains("1 Accts"), "the console stayed away:\n{s}");
    t.type_text("exit");
    t.keys(&["Enter"]);
    t.wait_until("the console, repainted", |s| {
        s.contains("Secret access key") && s.contains("1 Accts")
    });
    // And it reads the keyboard again.
    t.keys(&["?"]);
    t.wait_for("Keys");
}

#[test]
fn esc_never_quits_at_the_top_and_q_does() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = demo(home.path(), &[]);
    // Filter, then the reflexive Esc Esc Esc: done, clear, and one more.
    t.keys(&["/"]);
    t.type_text("network");
    t.wait_for("match");
    t.keys(&["Escape"]);
    t.wait_for("esc clear");
    t.keys(&["Escape"]);
    t.wait_until("the filter cleared", |s| !s.contains("esc clear"));
    t.keys(&["Escape"]);
    let s = t.wait_for("nothing to close here");
    assert!(s.contains(" q "), "says which key quits:\n{s}");
    assert!(t.alive(), "Esc at the top level does not quit:\n{s}");
    assert!(
        s.contains("acme-management"),
        "the filter was cleared:\n{s}"
    );
    t.keys(&["q"]);
    assert!(quits(&t), "q quits");
}

#[test]
fn digits_switch_screens_on_the_events_screen_and_t_changes_its_window() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = demo(home.path(), &[]);
    t.keys(&["6"]);
    // The footer says how to change the window.
    t.wait_until("the window and its key", |s| {
        s.contains("last 24 h") && s.contains("t longer time window")
    });
    t.keys(&["t"]);
    t.wait_for("last 3 days");
    t.keys(&["T", "T"]);
    t.wait_for("last 6 h");
    t.keys(&["1"]);
    let s = t.wait_for("accounts ·");
    assert!(
        !s.contains("last 1 h"),
        "1 went to the accounts screen:\n{s}"
    );
}

/// A fake `xclip` that keeps what it was given in `$HOME/clip`.
fn fake_xclip(home: &std::path::Path) -> std::path::PathBuf {
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let tool = bin.join("xclip");
    std::fs::write(&tool, "#!/bin/sh\ncat > \"$HOME/clip\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn copying_uses_the_system_clipboard_tool_and_says_so() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let bin = fake_xclip(home.path());
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let t = demo(
        home.path(),
        &[("PATH", &path), ("DISPLAY", ":42"), ("WAYLAND_DISPLAY", "")],
    );
    t.keys(&["y"]);
    t.wait_for("to the clipboard (xclip)");
    let clip = std::fs::read_to_string(home.path().join("clip")).unwrap();
    assert_eq!(clip, "381492058412 IdentityCenterAuditor");
}

#[test]
fn copying_never_claims_a_copy_tmux_drops_and_uses_tmux_when_it_accepts() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // No display, so no clipboard tool; tmux as configured by default drops OSC 52.
    let t = demo(home.path(), &[("DISPLAY", ""), ("WAYLAND_DISPLAY", "")]);
    t.keys(&["y"]);
    let s = t.wait_for("not copied");
    assert!(s.contains("set-clipboard on"), "says how to fix it:\n{s}");
    assert!(!s.contains("copied the"), "no claim of a copy:\n{s}");

    t.command(&["set-option", "-g", "set-clipboard", "on"]);
    t.keys(&["j", "y"]);
    t.wait_for("to tmux's clipboard");
    let buffer = t.command(&["show-buffer"]);
    assert_eq!(buffer, "557363352963 PowerUserAccess");
}

#[test]
fn the_events_filter_matches_what_the_rows_show() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = demo(home.path(), &[]);
    t.keys(&["6"]);
    t.wait_for("● live");
    // An event name and an address fragment, as they appear on screen.
    t.keys(&["/"]);
    t.type_text("GetRole 198.51");
    t.wait_for("/GetRole 198.51");
    let s = t.wait_for("GetRoleCredentials        198.51.");
    let table: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.starts_with("TIME"))
        .skip(1)
        .filter(|l| l.get(2..3) == Some("-"))
        .collect();
    assert!(!table.is_empty(), "{s}");
    assert!(
        table
            .iter()
            .all(|l| l.contains("GetRole") && l.contains("198.51")),
        "only matching rows:\n{s}"
    );
    // A person's name, as the person column shows it.
    t.keys(&["Escape", "x"]);
    t.keys(&["/"]);
    t.type_text("noah");
    let s = t.wait_for("/noah");
    let table: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.starts_with("TIME"))
        .skip(1)
        .filter(|l| l.get(2..3) == Some("-"))
        .collect();
    assert!(!table.is_empty(), "{s}");
    assert!(
        table.iter().all(|l| l.contains("Noah Williams")),
        "only Noah's rows:\n{s}"
    );
    // A typo still finds the rows, fuzzily, when no row has the exact fragment.
    t.keys(&["Escape", "x"]);
    t.keys(&["/"]);
    t.type_text("GetRoleCrdentials");
    let s = t.wait_for("/GetRoleCrdentials");
    assert!(s.contains("GetRoleCredentials"), "{s}");
}
