//! The admin console end to end: the real binary in tmux on `--demo`. Press 4, see the
//! inventory, drill into a person, see their access with the group path, export it.

use crate::common::tmux::{Tmux, centry_bin};

#[test]
fn demo_admin_inventory_person_access_with_group_path_and_export() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap().to_string();
    let script = format!("cd '{h}' && exec '{}' --demo", centry_bin());
    let t = Tmux::start(
        &["sh", "-c", &script],
        &[("HOME", &h), ("NO_COLOR", "1")],
        120,
        40,
    );
    t.wait_until("the developer's listing", |s| {
        s.contains("IdentityCenterAuditor") && s.contains("admin: IdentityCenterAuditor")
    });
    t.keys(&["4"]);
    let s = t.wait_for("298 assignments");
    assert!(s.contains("By account"), "{s}");
    assert!(
        s.contains("acme-management"),
        "the inventory by account:\n{s}"
    );
    t.keys(&["]"]);
    t.wait_for("VIA GROUPS");
    t.keys(&["/"]);
    t.type_text("jordan");
    t.wait_for("1 match");
    t.keys(&["Enter", "Enter"]);
    let s = t.wait_for("› By person › jordan.lee");
    assert!(
        s.contains("group Platform Engineering"),
        "their access shows the group path:\n{s}"
    );
    assert!(s.contains("direct"), "{s}");
    t.keys(&["j"]);
    let s = t.wait_for("jordan.lee → group Platform Engineering → PowerUserAccess → build-tools");
    assert!(s.contains("access window 12h"), "{s}");
    t.keys(&["e"]);
    let s = t.wait_for("wrote ");
    let line = s.lines().find(|l| l.contains("wrote ")).unwrap();
    assert!(line.contains("centry-jordan-lee-"), "{line}");
    let exported: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("centry-jordan-lee-")
        })
        .collect();
    assert_eq!(exported.len(), 1);
    let text = std::fs::read_to_string(exported[0].path()).unwrap();
    assert!(text.lines().count() > 10);
    assert!(
        text.contains("\"via\":\"group Platform Engineering\""),
        "{text}"
    );
}

/// `S` writes a snapshot; a later console started with `--baseline` on an edited copy shows
/// the difference on the Diff view; a baseline that cannot be read is a clear error.
#[test]
fn a_snapshot_file_is_the_diff_baseline_of_a_later_console() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap().to_string();
    let start = |extra: &str| {
        let script = format!("cd '{h}' && exec '{}' --demo {extra}", centry_bin());
        Tmux::start(
            &["sh", "-c", &script],
            &[("HOME", &h), ("NO_COLOR", "1")],
            120,
            40,
        )
    };
    let t = start("");
    t.wait_for("admin: IdentityCenterAuditor");
    t.keys(&["4"]);
    t.wait_for("298 assignments");
    t.keys(&["S"]);
    t.wait_for("wrote ");
    drop(t);
    let written = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("centry-snapshot-")
        })
        .expect("S wrote a snapshot");
    // Last week's snapshot: one grant fewer, so today's inventory has one added.
    let mut snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(written.path()).unwrap()).unwrap();
    let grants = snap["accountAssignments"].as_array_mut().unwrap();
    let gone = grants.remove(0);
    std::fs::write(home.path().join("last-week.json"), snap.to_string()).unwrap();

    let t = start("--baseline last-week.json");
    t.wait_for("admin: IdentityCenterAuditor");
    t.keys(&["4"]);
    t.wait_for("298 assignments");
    t.keys(&["[", "]"]);
    t.keys(&["["]);
    let s = t.wait_until("the diff against the file", |s| {
        s.lines().any(|l| l.contains("added"))
    });
    let row = s.lines().find(|l| l.contains("added")).unwrap();
    let account = gone["accountId"].as_str().unwrap();
    assert!(
        row.contains(account),
        "the grant missing from the file: {row}\n{s}"
    );

    assert!(s.contains("compared with last-week.json"), "{s}");

    let out = std::process::Command::new(centry_bin())
        .args(["--demo", "--baseline", "missing.json"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--baseline: cannot read missing.json"),
        "{err}"
    );
}
