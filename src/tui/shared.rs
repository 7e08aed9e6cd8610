//! What every view may read and a few things it may change: the session (who is signed in,
//! to what, for how long), preferences, the keymap, the theme, the flash line, and a request
//! to navigate. Owned by `App`; views get `&mut Shared` while handling a command.

use time::OffsetDateTime;

use super::keymap::Keymap;
use super::theme::Theme;
use super::widgets::Flash;
use crate::model::credentials::RoleCredentials;
use crate::model::secret::Secret;
use crate::services::local_store::Prefs;
use crate::services::signin::SignInTarget;

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenId {
    /// Sign-in (and choosing what to sign in to).
    SignIn,
    /// Accounts and roles.
    Accounts,
    /// One role's credentials and actions.
    Role,
    /// Applications.
    Apps,
    /// Amazon Q Developer profiles.
    Q,
    /// Multi-party approval teams, one team, its sessions.
    Approvals,
    /// The administrator's console.
    Admin,
    /// Identity Center's CloudTrail events, live.
    Events,
    /// What centry did.
    Logs,
    /// The trusted-identity-propagation chain of the signed-in person.
    TipChain,
    /// Applications and trusted token issuers, for trusted identity propagation.
    TipAdmin,
}

impl ScreenId {
    /// Screens reachable from the tab bar and the palette, in order.
    pub const TABS: &'static [ScreenId] = &[
        ScreenId::Accounts,
        ScreenId::Apps,
        ScreenId::Q,
        ScreenId::Admin,
        ScreenId::Approvals,
        ScreenId::Events,
        ScreenId::TipChain,
        ScreenId::TipAdmin,
        ScreenId::Logs,
    ];

    /// A short name for narrow terminals.
    pub fn short_title(self) -> &'static str {
        match self {
            ScreenId::Accounts => "Accts",
            ScreenId::Apps => "Apps",
            ScreenId::Q => "Q",
            ScreenId::Approvals => "Teams",
            ScreenId::Events => "Evts",
            ScreenId::TipChain => "TIP",
            ScreenId::TipAdmin => "Exch",
            other => other.title(),
        }
    }

    /// The command that switches to this screen.
    pub fn command(self) -> super::command::Command {
        use super::command::Command;
        match self {
            ScreenId::Accounts | ScreenId::Role | ScreenId::SignIn => Command::ScreenAccounts,
            ScreenId::Apps => Command::ScreenApps,
            ScreenId::Q => Command::ScreenQ,
            ScreenId::Admin => Command::ScreenAdmin,
            ScreenId::Approvals => Command::ScreenApprovals,
            ScreenId::Events => Command::ScreenEvents,
            ScreenId::TipChain => Command::ScreenTip,
            ScreenId::TipAdmin => Command::ScreenTipAdmin,
            ScreenId::Logs => Command::ScreenLogs,
        }
    }

    /// Name in tabs and the palette.
    pub fn title(self) -> &'static str {
        match self {
            ScreenId::SignIn => "Sign in",
            ScreenId::Accounts => "Accounts",
            ScreenId::Role => "Role",
            ScreenId::Apps => "Applications",
            ScreenId::Q => "Q Developer",
            ScreenId::Approvals => "Approval teams",
            ScreenId::Admin => "Admin",
            ScreenId::Events => "Events",
            ScreenId::Logs => "Logs",
            ScreenId::TipChain => "Propagation",
            ScreenId::TipAdmin => "Token exchange",
        }
    }
}

/// Navigation a view asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    /// Open a screen on top of this one (Esc comes back).
    Push(ScreenId),
    /// Close this screen.
    Pop,
    /// Switch to a top-level screen.
    Switch(ScreenId),
    /// Ask "are you sure?" before running a command again with confirmation.
    Confirm {
        /// The question.
        question: String,
        /// The command to re-run once confirmed.
        command: super::command::Command,
    },
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// The bearer token.
    pub access: Secret,
    /// When it expires.
    pub expires_at: OffsetDateTime,
    /// Whether it can be refreshed.
    pub refreshable: bool,
    /// When centry got it (refresh is due when half its life, at most ten minutes, is left).
    pub obtained_at: OffsetDateTime,
}

impl TokenInfo {
    /// Whether a background refresh is due at `now`.
    pub fn refresh_due(&self, now: OffsetDateTime) -> bool {
        let lifetime = self.expires_at - self.obtained_at;
        let threshold: time::Duration = (lifetime / 2_i32).min(time::Duration::minutes(10));
        self.refreshable && self.expires_at - now <= threshold
    }
}

/// Credentials chosen for the admin and events screens.
#[derive(Debug, Clone)]
pub struct AdminCredentials {
    /// Shown in the header (`IdentityCenterAuditor @ 381492058412`).
    pub label: String,
    /// The credentials.
    pub creds: RoleCredentials,
}

/// Session and context.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// Every place to sign in to.
    pub targets: Vec<SignInTarget>,
    /// The chosen one.
    pub target: Option<SignInTarget>,
    /// The current token.
    pub token: Option<TokenInfo>,
    /// The person, once known.
    pub user: Option<String>,
    /// Requests go to a custom endpoint (the emulator).
    pub emulator: bool,
    /// That endpoint, handed on with credentials (`AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// Running `--demo`.
    pub demo: bool,
    /// Hide everything that changes anything.
    pub read_only: bool,
    /// Credentials for admin and events.
    pub admin: Option<AdminCredentials>,
    /// centry's own settings (profile names, how many events to hold).
    pub settings: crate::services::settings::Settings,
    /// Why the endpoint is out of reach, since the last call that could not connect (cleared
    /// by the next call that gets an answer); the header shows it.
    pub disconnected: Option<String>,
}

/// Shared state views may read and touch.
pub struct Shared {
    /// Session.
    pub session: Session,
    /// Favourites and recent roles.
    pub prefs: Prefs,
    /// Key bindings.
    pub keymap: Keymap,
    /// Styles.
    pub theme: Theme,
    /// The flash line.
    pub flash: Option<Flash>,
    /// Navigation requested by the view handling a command.
    pub nav: Option<Nav>,
    /// Lines for the logs screen (newest last, bounded).
    pub log: std::collections::VecDeque<String>,
    /// The time views render against (set on every tick; fixed in tests).
    pub now: OffsetDateTime,
}

impl Shared {
    /// Show a flash.
    pub fn flash(&mut self, f: Flash) {
        self.log(f.text.clone());
        self.flash = Some(f);
    }

    /// Add a line to the logs screen (and the log file).
    pub fn log(&mut self, line: impl Into<String>) {
        let line = line.into();
        tracing::info!(target: crate::logging::CONSOLE_TARGET, "{line}");
        self.show_log_line(line);
    }

    /// Add a line to the logs screen only (it came from the log already).
    pub fn show_log_line(&mut self, line: String) {
        let now = self.now;
        self.log.push_back(format!(
            "{:02}:{:02}:{:02}  {}",
            now.hour(),
            now.minute(),
            now.second(),
            line
        ));
        while self.log.len() > 2000 {
            self.log.pop_front();
        }
    }

    /// The access token, if signed in.
    pub fn token(&self) -> Option<Secret> {
        self.session.token.as_ref().map(|t| t.access.clone())
    }
}
