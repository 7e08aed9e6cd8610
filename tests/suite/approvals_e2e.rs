//! The approval-teams screens end to end: the real binary in tmux on `--demo`, where the
//! admin credentials are picked automatically; 5 opens the teams, the broken team is marked,
//! enter opens it, s its sessions, esc walks back up the breadcrumbs.

use crate::common::tmux::{Tmux, centry_bin};

#[test]
fn demo_approval_teams_broken_team_and_its_sessions() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(
        &[centry_bin(), "--demo"],
        &[("HOME", home.path().to_str().unwrap()), ("NO_COLOR", "1")],
        120,
        40,
    );
    t.wait_for("admin: IdentityCenterAuditor");
    t.keys(&["5"]);
    let s = t.wait_until("the teams with their verdicts", |s| {
        s.contains("Approval teams (3)") && s.contains("HEALTHY")
    });
    let broken = s
        .lines()
        .find(|l| l.contains("Break Glass Approvers") && l.contains("3 of 4"))
        .unwrap_or_else(|| panic!("the break-glass team is listed:\n{s}"));
    assert!(broken.contains("BROKEN"), "{broken}");
    assert!(
        s.lines()
            .any(|l| l.contains("Data Recovery Approvers") && l.contains("MARGINAL")),
        "{s}"
    );
    assert!(
        s.contains("cannot reach its threshold: 2 usable of 4, needs 3"),
        "the selected team's verdict is explained:\n{s}"
    );

    t.keys(&["Enter"]);
    let s = t.wait_for("Approvers (4, needs 3)");
    assert!(s.contains("Approval teams › Break Glass Approvers"), "{s}");
    let ahmed = s.lines().find(|l| l.contains("ahmed.farouk")).unwrap();
    assert!(ahmed.contains("DISABLED"), "{ahmed}");
    let emeka = s.lines().find(|l| l.contains("emeka.nwosu")).unwrap();
    assert!(emeka.contains("INVALID"), "{emeka}");
    t.wait_for("Sessions: 1 pending of 3");

    t.keys(&["s"]);
    let s = t.wait_until("the sessions with responses", |s| {
        s.contains("Sessions (3, 1 pending)") && s.contains("NO_RESPONSE")
    });
    assert!(s.contains("Break Glass Approvers › Sessions"), "{s}");
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| l.contains(" of 3 ") && l.contains("ago"))
        .collect();
    assert!(
        rows.first().is_some_and(|r| r.contains("PENDING")),
        "pending first: {rows:?}"
    );
    assert!(s.contains("cannot pass: needs 1 more"), "{s}");

    t.keys(&["Escape"]);
    t.wait_for("Sessions: 1 pending of 3");
    t.keys(&["Escape"]);
    t.wait_for("Approval teams (3)");
}
