//! The developer's console end to end: the real binary in tmux on `--demo`, driven with the
//! default keys, through the device flow and through the browser (PKCE) flow.

use crate::common::tmux::{Tmux, centry_bin};

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn demo_device_sign_in_lists_filters_opens_a_role_and_masks_credentials() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = home();
    let h = home.path().to_str().unwrap();
    let t = Tmux::start(
        &[centry_bin(), "--demo"],
        &[("HOME", h), ("NO_COLOR", "1")],
        120,
        40,
    );
    t.wait_for("Using a device code");
    let s = t.wait_until("the listing", |s| {
        s.contains("IdentityCenterAuditor") && s.contains("network") && !s.contains("listing ")
    });
    assert!(
        s.contains("EMULATOR"),
        "the header shows the emulator badge:\n{s}"
    );
    assert!(
        s.contains("session 7h"),
        "the header shows the session's remaining time:\n{s}"
    );

    t.keys(&["/"]);
    t.type_text("network netadm");
    let s = t.wait_for("1 match");
    assert!(s.contains("NetworkAdmin"), "{s}");
    assert!(
        !s.contains("acme-management"),
        "filtered out rows are gone:\n{s}"
    );
    t.keys(&["Enter", "Enter"]);
    let s = t.wait_for("Secret access key");
    let secret_line = s.lines().find(|l| l.contains("Secret access key")).unwrap();
    assert!(
        secret_line.contains("••••••••"),
        "masked until revealed: {secret_line}"
    );
    assert!(s.contains("Access key id       ASIA"), "{s}");
    t.keys(&["v"]);
    let s = t.wait_for("Secrets are shown");
    let secret_line = s.lines().find(|l| l.contains("Secret access key")).unwrap();
    assert!(
        !secret_line.contains("••••"),
        "revealed on request: {secret_line}"
    );
    t.keys(&["Escape"]);
    t.wait_for("1 match");
    t.keys(&["Escape", "q"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while t.alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!t.alive(), "q on the home screen quits");
}

#[test]
fn demo_browser_sign_in_follows_the_authorize_redirect_to_the_loopback_listener() {
    if !crate::common::tmux::usable() {
        return;
    }
    let home = home();
    let h = home.path().to_str().unwrap();
    // A "browser" that follows the emulator's redirect to centry's loopback listener.
    let browser = home.path().join("browser.sh");
    std::fs::write(
        &browser,
        "#!/bin/sh\npython3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\" >/dev/null 2>&1 &\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let t = Tmux::start(
        &[centry_bin(), "--demo", "--pkce"],
        &[
            ("HOME", h),
            ("BROWSER", browser.to_str().unwrap()),
            ("NO_COLOR", "1"),
        ],
        120,
        40,
    );
    let s = t.wait_until("signed in by the browser flow", |s| {
        s.contains("IdentityCenterAuditor") && s.contains("session 7h")
    });
    assert!(s.contains("accounts ·"), "{s}");
    t.keys(&["/"]);
    t.type_text("acme-management");
    t.wait_for("1 match");
    t.keys(&["Enter", "Enter"]);
    let s = t.wait_for("Secret access key");
    assert!(
        s.lines()
            .any(|l| l.contains("Secret access key") && l.contains("••••••••")),
        "{s}"
    );
}
