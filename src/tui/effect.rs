//! Effects are data: what `App::update` wants done outside itself. The [`Runner`] spawns the
//! service calls and sends their results back as actions; the loop does the terminal-level
//! ones (clipboard, suspending for a shell, opening a browser).

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::action::Action;
use super::admin::{self, AdminEffect};
use super::approvals::{self, ApprovalsEffect};
use super::dev::{self, DevEffect};
use super::event::Event;
use crate::services::Services;
use crate::services::limiter::Limiter;

/// Something to do outside the app state.
#[derive(Debug)]
pub enum Effect {
    /// A developer-console service call.
    Dev(DevEffect),
    /// Approval-teams work.
    Approvals(ApprovalsEffect),
    /// Trusted-identity-propagation work.
    Tip(super::tip::TipEffect),
    /// Admin-console work.
    Admin(AdminEffect),
    /// Events work.
    Events(super::events::EventsEffect),
    /// Put text on the clipboard (system tool, or OSC 52), and say how it went.
    Copy(super::clipboard::Clip),
    /// Open a URL in the browser.
    OpenUrl(String),
    /// Leave the full screen and run a program with extra environment, then come back.
    RunInTerminal {
        /// Program and arguments.
        argv: Vec<String>,
        /// Extra environment.
        env: Vec<(String, String)>,
        /// What to say before starting.
        banner: String,
    },
}

/// What background tasks need.
#[derive(Clone)]
pub struct RunContext {
    /// Services for the current endpoint.
    pub svc: Services,
    /// The Identity Center limiter (shared by every task).
    pub limiter: Arc<Limiter>,
    /// Send results back.
    pub tx: UnboundedSender<Event>,
}

impl RunContext {
    /// Send an action back to the loop.
    pub fn send(&self, action: Action) {
        let _ = self.tx.send(Event::Done(action));
    }
}

/// Spawns service work and keeps one cancellation token per task key, so a newer request of
/// the same kind cancels the older one (latest wins).
pub struct Runner {
    /// Shared context for tasks.
    pub cx: RunContext,
    tasks: HashMap<&'static str, CancellationToken>,
}

impl Runner {
    /// A runner.
    pub fn new(cx: RunContext) -> Runner {
        Runner {
            cx,
            tasks: HashMap::new(),
        }
    }

    /// A fresh token for task `key`, cancelling the previous task of that key.
    pub fn token(&mut self, key: &'static str) -> CancellationToken {
        let t = CancellationToken::new();
        if let Some(old) = self.tasks.insert(key, t.clone()) {
            old.cancel();
        }
        t
    }

    /// Cancel the task of `key`, if any.
    pub fn cancel(&mut self, key: &'static str) {
        if let Some(t) = self.tasks.remove(key) {
            t.cancel();
        }
    }

    /// Start a service effect. Terminal-level effects are the loop's and are ignored here.
    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Dev(e) => dev::run(self, e),
            Effect::Approvals(e) => approvals::run(self, e),
            Effect::Tip(e) => super::tip::run(self, e),
            Effect::Admin(e) => admin::run(self, e),
            Effect::Events(e) => super::events::run(self, e),
            Effect::Copy(_) | Effect::OpenUrl(_) | Effect::RunInTerminal { .. } => {}
        }
    }
}
