//! What a person can ask for with a key: the names used in `assets/keymap.toml`, with a
//! description for the generated help and hints, and whether the command changes anything
//! (such commands confirm first and vanish under `--read-only`).

use serde::Deserialize;

/// A user intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Leave centry.
    Quit,
    /// Go back / close / cancel.
    Back,
    /// Show the keys.
    Help,
    /// Jump to a screen by name.
    Palette,
    /// Start typing a filter.
    Filter,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Open / drill in.
    Open,
    /// Reload from AWS.
    Refresh,
    /// Copy what is selected.
    Copy,
    /// Next screen.
    NextScreen,
    /// Previous screen.
    PrevScreen,
    /// Accounts and roles.
    ScreenAccounts,
    /// Applications.
    ScreenApps,
    /// Amazon Q Developer profiles.
    ScreenQ,
    // The screens stay in tab order: help lists them in this order.
    /// The administrator's console.
    ScreenAdmin,
    /// Multi-party approval teams.
    ScreenApprovals,
    /// Identity Center's CloudTrail events.
    ScreenEvents,
    /// The trusted-identity-propagation chain.
    ScreenTip,
    /// Applications and trusted token issuers for trusted identity propagation.
    ScreenTipAdmin,
    /// Logs.
    ScreenLogs,
    /// An approval team's sessions.
    OpenSessions,
    /// Sign in at the company IdP and run the chain again.
    TipSignIn,
    /// Switch between applications and trusted token issuers.
    ToggleIssuers,
    /// The next view of a screen with several.
    NextView,
    /// The previous view.
    PrevView,
    /// Write what is shown as JSON lines to a file.
    ExportJson,
    /// Write what is shown as CSV to a file.
    ExportCsv,
    /// Write a snapshot of every assignment and compare later ones with it.
    TakeSnapshot,
    /// Stop what is loading.
    Cancel,
    /// Sign in again.
    SignIn,
    /// Sign out.
    SignOut,
    /// Use the device-code flow instead.
    UseDeviceCode,
    /// Use the browser flow instead.
    UseBrowser,
    /// Mark or unmark a favourite.
    ToggleFavourite,
    /// Select or unselect a row (multi-select).
    ToggleSelect,
    /// Change the sort order.
    CycleSort,
    /// Show or hide secrets.
    Reveal,
    /// Copy `export` lines.
    CopyEnv,
    /// Copy `credential_process` JSON.
    CopyCredentialProcess,
    /// Copy an ini profile.
    CopyIni,
    /// Open a shell with these credentials.
    ExecShell,
    /// Open the AWS console.
    OpenConsole,
    /// Print the console URL.
    CopyConsoleUrl,
    /// Write this role as an AWS CLI profile.
    WriteProfile,
    /// Write every role as AWS CLI profiles.
    WriteAllProfiles,
    /// Use these credentials for the admin and events screens.
    UseForAdmin,
    /// Yes.
    Confirm,
    /// Follow new events, or pause.
    ToggleFollow,
    /// The next longer time window (after the longest, the shortest).
    LongerWindow,
    /// The next shorter time window.
    ShorterWindow,
    /// Events of the last 15 minutes.
    Window0,
    /// Events of the last hour.
    Window1,
    /// Events of the last 6 hours.
    Window2,
    /// Events of the last 24 hours.
    Window3,
    /// Events of the last 3 days.
    Window4,
    /// Events of the last 7 days.
    Window5,
    /// Events of the last 14 days.
    Window6,
    /// The person behind the event.
    OpenPerson,
    /// The session the event belongs to.
    OpenSession,
    /// Only failures, or everything.
    ToggleFailures,
    /// End the propagation chain in the next configured target role.
    NextRole,
    /// Read a permission set's whole detail (its inline policy uncut).
    ReadPolicy,
    /// Show or hide the calls this console made itself.
    ToggleOwnCalls,
    /// The next event group.
    CycleGroup,
    /// Clear the filter and toggles.
    ClearFilters,
}

impl Command {
    /// One line for help and hints.
    pub fn describe(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "quit",
            Back => "back",
            Help => "keys",
            Palette => "go to screen",
            Filter => "filter",
            Up => "up",
            Down => "down",
            PageUp => "page up",
            PageDown => "page down",
            Top => "first",
            Bottom => "last",
            Open => "open",
            Refresh => "refresh",
            Copy => "copy",
            NextScreen => "next screen",
            PrevScreen => "previous screen",
            ScreenAccounts => "accounts",
            ScreenApps => "applications",
            ScreenQ => "Q Developer",
            ScreenLogs => "logs",
            ScreenApprovals => "approval teams",
            OpenSessions => "sessions",
            ScreenTip => "identity propagation",
            ScreenTipAdmin => "token exchange apps & issuers",
            TipSignIn => "sign in at the IdP",
            ToggleIssuers => "apps ↔ trusted issuers",
            ScreenAdmin => "admin",
            NextView => "next view",
            PrevView => "previous view",
            ExportJson => "export JSON",
            ExportCsv => "export CSV",
            TakeSnapshot => "snapshot (diff baseline)",
            Cancel => "cancel loading",
            ScreenEvents => "events",
            ToggleFollow => "follow / pause",
            LongerWindow => "longer time window",
            ShorterWindow => "shorter time window",
            Window0 => "last 15 min",
            Window1 => "last hour",
            Window2 => "last 6 h",
            Window3 => "last 24 h",
            Window4 => "last 3 days",
            Window5 => "last 7 days",
            Window6 => "last 14 days",
            OpenPerson => "person",
            OpenSession => "session",
            ToggleFailures => "failures only",
            ToggleOwnCalls => "this console's own calls",
            ReadPolicy => "read the policy",
            NextRole => "next target role",
            CycleGroup => "event group",
            ClearFilters => "clear filters",
            SignIn => "sign in again",
            SignOut => "sign out",
            UseDeviceCode => "use a device code",
            UseBrowser => "use the browser",
            ToggleFavourite => "favourite",
            ToggleSelect => "select",
            CycleSort => "sort",
            Reveal => "reveal secrets",
            CopyEnv => "copy export lines",
            CopyCredentialProcess => "copy credential_process JSON",
            CopyIni => "copy ini profile",
            ExecShell => "shell with these credentials",
            OpenConsole => "open AWS console",
            CopyConsoleUrl => "copy console URL",
            WriteProfile => "write AWS CLI profile",
            WriteAllProfiles => "write profiles for all roles",
            UseForAdmin => "use for admin & events",
            Confirm => "confirm",
        }
    }

    /// Whether it changes something outside centry (confirms first; hidden when read-only).
    pub fn is_dangerous(self) -> bool {
        matches!(
            self,
            Command::WriteProfile | Command::WriteAllProfiles | Command::SignOut
        )
    }
}
