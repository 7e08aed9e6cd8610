//! Everything that changes the app: user intents (from keys through the keymap) and results
//! of background work, grouped by area so each area owns its own message type.

use crossterm::event::{KeyEvent, MouseEvent};

use super::admin::AdminMsg;
use super::approvals::ApprovalsMsg;
use super::command::Command;
use super::dev::DevMsg;

/// A change to apply in `App::update`.
#[derive(Debug)]
pub enum Action {
    /// A user intent.
    Command(Command),
    /// A key typed into a text input (filter).
    TextKey(KeyEvent),
    /// Pasted text.
    Paste(String),
    /// Mouse input.
    Mouse(MouseEvent),
    /// Time passed.
    Tick,
    /// Developer-console results.
    Dev(DevMsg),
    /// Approval-teams results.
    Approvals(ApprovalsMsg),
    /// Events results.
    Events(super::events::EventsMsg),
    /// Trusted-identity-propagation results.
    Tip(super::tip::TipMsg),
    /// Admin-console results.
    Admin(AdminMsg),
    /// Something to tell the user (the outcome of a terminal-level effect, like a copy).
    Flash(super::widgets::Flash),
    /// A line centry logged through `tracing` (forwarded by `logging::ConsoleLayer`), for the
    /// logs screen.
    Log(String),
}
