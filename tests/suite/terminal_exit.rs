//! Ways out of the console: in a terminal that never answers queries (a pty nobody reads
//! queries from), centry starts, and Ctrl-C leaves the alternate screen, mouse tracking and
//! bracketed paste off; and Ctrl-C quits from the help overlay and a confirm dialog, even with
//! a keymap that unbinds every way out.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use centry::tui::command::Command;
use centry::tui::event::Event;
use centry::tui::keymap::Keymap;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};

use crate::common::{self, headless::Headless, tmux::centry_bin};

/// A pty pair (master, slave) of 120×40.
fn pty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 40,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two fds we then own; the name and termios pointers may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both fds were just opened and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

fn last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn a_terminal_that_never_answers_is_used_and_restored() {
    let home = tempfile::tempdir().unwrap();
    let (master, slave) = pty();
    let mut child = Process::new(centry_bin())
        .arg("--demo")
        .env("HOME", home.path())
        .env("CENTRY_CACHE_DIR", home.path().join("cache"))
        .env("CENTRY_DATA_DIR", home.path().join("data"))
        .env("CENTRY_CONFIG_DIR", home.path().join("config"))
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap();
    let out = Arc::new(Mutex::new(Vec::new()));
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        // Queries (cursor position, device attributes) are read and never answered.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let started = Instant::now();
    let drew = loop {
        if out.lock().unwrap().windows(8).any(|w| w == b"EMULATOR") {
            break true;
        }
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(30) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut writer = std::fs::File::from(master);
    if drew {
        writer.write_all(b"\x03").unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let bytes = out.lock().unwrap().clone();
    let shown = String::from_utf8_lossy(&bytes).into_owned();
    assert!(
        drew,
        "the console drew its first screen: {status:?} {shown:?}"
    );
    assert_eq!(status.code(), Some(0), "Ctrl-C quits cleanly: {shown:?}");
    for (on, off) in [
        (&b"\x1b[?1049h"[..], &b"\x1b[?1049l"[..]),
        (b"\x1b[?1000h", b"\x1b[?1000l"),
        (b"\x1b[?2004h", b"\x1b[?2004l"),
    ] {
        let (on_at, off_at) = (last(&bytes, on), last(&bytes, off));
        assert!(on_at.is_some(), "{on:?} was turned on");
        assert!(off_at > on_at, "{off:?} is restored last: {shown:?}");
    }
}

fn ctrl_c() -> Event {
    Event::Term(TermEvent::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )))
}

/// Ctrl-C, translated and applied as the loop would: the console quits.
fn press_ctrl_c(h: &mut Headless) {
    for action in h.app.translate(ctrl_c()) {
        h.apply(action);
    }
    assert!(h.app.should_quit(), "Ctrl-C quits with an overlay open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_quits_from_overlays_whatever_the_keymap_says() {
    let emu = common::demo().await;
    let unbound = "[global]\n\"ctrl-c\" = \"none\"\n\"q\" = \"none\"\n\"esc\" = \"none\"\n";
    for keymap in [None, Some(unbound)] {
        let mut h = Headless::new(&emu, true);
        h.app.sh.keymap = Keymap::load(keymap).unwrap();
        h.press(Command::Help);
        assert!(h.app.overlay.is_some(), "help is open");
        press_ctrl_c(&mut h);

        let mut h = Headless::new(&emu, true);
        h.app.sh.keymap = Keymap::load(keymap).unwrap();
        h.press(Command::SignOut);
        assert!(h.app.overlay.is_some(), "the confirm dialog is open");
        press_ctrl_c(&mut h);

        let mut h = Headless::new(&emu, true);
        h.app.sh.keymap = Keymap::load(keymap).unwrap();
        h.press(Command::Palette);
        press_ctrl_c(&mut h);
    }
}
