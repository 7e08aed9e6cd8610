//! The app without a terminal: `App` and the real `Runner` wired to a channel, against an
//! in-process emulator. Tests press commands and pump results until a condition holds.
//! Terminal-level effects (clipboard, browser, shells) are recorded instead of performed.

use std::sync::Arc;
use std::time::Duration;

use centry::emulator::Emulator;
use centry::services::limiter::Limiter;
use centry::services::local_store::Prefs;
use centry::services::signin::{Flow, SignInTarget};
use centry::services::{Endpoint, Services};
use centry::tui::action::Action;
use centry::tui::app::App;
use centry::tui::command::Command;
use centry::tui::effect::{Effect, RunContext, Runner};
use centry::tui::event::Event;
use centry::tui::keymap::Keymap;
use centry::tui::shared::Session;
use centry::tui::theme::Theme;
use tokio::sync::mpsc;

/// A headless console.
pub struct Headless {
    /// The app.
    pub app: App,
    runner: Runner,
    rx: mpsc::UnboundedReceiver<Event>,
    /// Terminal-level effects that would have been performed.
    pub performed: Vec<Effect>,
}

impl Headless {
    /// A console signed in to the emulator's instance (sso-session `acme`), as `--demo` is.
    pub fn new(emu: &Emulator, demo: bool) -> Headless {
        let target = SignInTarget {
            session: Some(format!("acme-{}", emu.addr().port())),
            start_url: emu.start_url(),
            region: emu.region(),
            configured_scopes: vec![],
        };
        let session = Session {
            targets: vec![target.clone()],
            target: Some(target),
            emulator: true,
            demo,
            ..Default::default()
        };
        let app = App::new(
            session,
            Prefs::default(),
            Keymap::load(None).unwrap(),
            Theme::plain(),
            Some(Flow::DeviceCode),
            false,
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let svc = Services::new(Endpoint {
            url: Some(emu.endpoint_url()),
            sso_region: emu.region(),
            region: None,
        });
        let runner = Runner::new(RunContext {
            svc,
            limiter: Arc::new(Limiter::identity_center()),
            tx,
        });
        Headless {
            app,
            runner,
            rx,
            performed: Vec::new(),
        }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Copy(_) | Effect::OpenUrl(_) | Effect::RunInTerminal { .. } => {
                    self.performed.push(e)
                }
                other => self.runner.run(other),
            }
        }
    }

    /// Start as the console does.
    pub fn start(&mut self) {
        let effects = self.app.start();
        self.run(effects);
    }

    /// Press a command.
    pub fn press(&mut self, cmd: Command) {
        let effects = self.app.update(Action::Command(cmd));
        self.run(effects);
    }

    /// Apply an action directly.
    pub fn apply(&mut self, action: Action) {
        let effects = self.app.update(action);
        self.run(effects);
    }

    /// Process results until `pred` holds (panics after the test timeout).
    pub async fn until(&mut self, what: &str, pred: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + super::tmux::timeout();
        while !pred(&self.app) {
            let ev = tokio::time::timeout_at(deadline, self.rx.recv()).await;
            match ev {
                Ok(Some(ev)) => {
                    for a in self.app.translate(ev) {
                        let effects = self.app.update(a);
                        self.run(effects);
                    }
                }
                Ok(None) => panic!("channel closed while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; log:\n{}",
                    self.app
                        .sh
                        .log
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    /// Let pending results arrive for a moment.
    pub async fn settle(&mut self, d: Duration) {
        let deadline = tokio::time::Instant::now() + d;
        while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            for a in self.app.translate(ev) {
                let effects = self.app.update(a);
                self.run(effects);
            }
        }
    }
}
