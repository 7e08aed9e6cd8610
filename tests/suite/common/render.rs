//! Render the app (or one view) to a ratatui `TestBackend` for insta snapshots, with a fixed
//! clock and no colours.

use centry::services::local_store::Prefs;
use centry::services::signin::{Flow, SignInTarget};
use centry::tui::app::App;
use centry::tui::keymap::Keymap;
use centry::tui::shared::Session;
use centry::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;

/// The fixed "now" of every snapshot: 2026-03-02T10:00:00Z.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_772_445_600).unwrap()
}

/// The demo target.
pub fn target() -> SignInTarget {
    SignInTarget {
        session: Some("acme".into()),
        start_url: "https://acme.awsapps.com/start".into(),
        region: "us-east-1".into(),
        configured_scopes: vec![],
    }
}

/// An app with a session on the emulator, at the fixed clock.
pub fn app(signed_in: bool) -> App {
    let session = Session {
        targets: vec![target()],
        target: Some(target()),
        emulator: true,
        user: signed_in.then(|| "jordan.lee".to_string()),
        token: signed_in.then(|| centry::tui::shared::TokenInfo {
            access: centry::model::secret::Secret::new("aoaTEST"),
            expires_at: now() + time::Duration::minutes(7 * 60 + 42),
            refreshable: true,
            obtained_at: now(),
        }),
        ..Default::default()
    };
    let mut app = App::new(
        session,
        Prefs::default(),
        Keymap::load(None).unwrap(),
        Theme::plain(),
        Some(Flow::DeviceCode),
        false,
    );
    app.sh.now = now();
    app
}

/// Draw the app at `w`×`h` and return the backend for `insta::assert_snapshot!`.
pub fn draw(app: &mut App, w: u16, h: u16) -> TestBackend {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.render(f)).unwrap();
    term.backend().clone()
}
