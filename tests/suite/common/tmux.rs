//! Drive the real `centry` binary in tmux, as a person would: send keys, read the screen.
//! Each session gets its own tmux server socket and is killed when the handle drops.
//! `CENTRY_TEST_TIMEOUT` (seconds, default 30) bounds every wait.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A tmux session running one command.
pub struct Tmux {
    socket: String,
}

/// How long waits may take.
pub fn timeout() -> Duration {
    let secs = std::env::var("CENTRY_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

/// Whether tmux is installed.
pub fn available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether end-to-end tests can run here. Without tmux they are skipped with a notice, unless
/// `CENTRY_REQUIRE_TMUX` is set (as `.ci/run` does), in which case they fail.
pub fn usable() -> bool {
    if available() {
        return true;
    }
    assert!(
        std::env::var_os("CENTRY_REQUIRE_TMUX").is_none(),
        "CENTRY_REQUIRE_TMUX is set but tmux is not installed"
    );
    eprintln!(
        "end-to-end test skipped: tmux is not installed (apt-get install tmux; .ci/run does)"
    );
    false
}

impl Tmux {
    /// Start `argv` in a `width`×`height` terminal with extra environment.
    pub fn start(argv: &[&str], env: &[(&str, &str)], width: u16, height: u16) -> Tmux {
        assert!(
            available(),
            "tmux is needed for the end-to-end tests (apt-get install tmux)"
        );
        let socket = format!(
            "centry-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut shell = String::new();
        for (k, v) in env {
            shell.push_str(&format!("{k}={} ", shell_quote(v)));
        }
        shell.push_str("exec ");
        shell.push_str(
            &argv
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "sh",
                "-c",
                &shell,
            ])
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { socket }
    }

    /// Send keys (tmux key names: `Enter`, `Escape`, `C-c`, or literal text with `-l`).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let _ = Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "0", k])
                .status();
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Type literal text.
    pub fn type_text(&self, text: &str) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0", "-l", text])
            .status();
        std::thread::sleep(Duration::from_millis(100));
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "0"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until the screen contains `needle`; panics with the screen on timeout.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |s| s.contains(needle))
    }

    /// Wait until `pred` holds for the screen.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what:?}; screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Run a tmux command against this session's server; its stdout.
    pub fn command(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Whether the program is still running.
    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The centry binary under test.
pub fn centry_bin() -> &'static str {
    env!("CARGO_BIN_EXE_centry")
}
