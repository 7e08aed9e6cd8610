//! Snapshots of the events screen (6), fed with the updates the follower sends and driven with
//! the commands the keys send: the stream with its sparklines and highlights, a filter, one
//! person, one session, a raw event, paused with "▲ N new", loading, empty, error, no
//! credentials, and 80×24. And text from events carrying terminal escape sequences never
//! reaches the terminal as control characters — fed in by hand and through the emulator.

mod fixture;

use centry::model::credentials::RoleCredentials;
use centry::model::secret::Secret;
use centry::model::trail_event::TrailEvent;
use centry::services::trail::{SourceStatus, TrailUpdate};
use centry::services::{ErrorKind, ServiceError};
use centry::tui::action::Action;
use centry::tui::app::App;
use centry::tui::command::Command;
use centry::tui::effect::Effect;
use centry::tui::events::EventsMsg;
use centry::tui::shared::{AdminCredentials, ScreenId};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;

use crate::common::render;

const SOURCES: [&str; 5] = [
    "identitystore.amazonaws.com",
    "signin.amazonaws.com",
    "sso-directory.amazonaws.com",
    "sso-oauth.amazonaws.com",
    "sso.amazonaws.com",
];

fn admin() -> AdminCredentials {
    AdminCredentials {
        label: "IdentityCenterAuditor @ 381492058412".into(),
        creds: RoleCredentials {
            account_id: "381492058412".into(),
            role_name: "IdentityCenterAuditor".into(),
            access_key_id: "ASIATESTAUDITOR".into(),
            secret_access_key: Secret::new("secret"),
            session_token: Secret::new("token"),
            expiration: render::now() + time::Duration::hours(1),
        },
    }
}

/// The app on the events screen, as after pressing 6 with admin credentials.
fn events_app() -> App {
    let mut app = render::app(true);
    app.sh.session.admin = Some(admin());
    let effects = app.update(Action::Command(Command::ScreenEvents));
    assert_eq!(app.screen(), ScreenId::Events);
    assert!(
        matches!(effects.as_slice(), [Effect::Events(_)]),
        "entering the screen starts the follower"
    );
    app
}

fn send(app: &mut App, update: TrailUpdate) {
    let generation = app.views.events.generation;
    app.update(Action::Events(EventsMsg::Update { generation, update }));
}

/// Everything arrives, every source is read, the last poll was 4 s ago.
fn loaded(events: Vec<TrailEvent>) -> App {
    let mut app = events_app();
    send(&mut app, TrailUpdate::People(fixture::people()));
    // Two batches, out of order, as sources answer.
    let (a, b): (Vec<_>, Vec<_>) = events
        .into_iter()
        .partition(|e| e.event_source == "signin.amazonaws.com");
    send(&mut app, TrailUpdate::Events(b));
    send(&mut app, TrailUpdate::Events(a));
    for s in SOURCES {
        send(
            &mut app,
            TrailUpdate::Source {
                source: s.into(),
                status: SourceStatus::Done { events: 3 },
            },
        );
    }
    send(
        &mut app,
        TrailUpdate::WindowRead {
            until: render::now() - time::Duration::seconds(4),
        },
    );
    app
}

fn cmd(app: &mut App, c: Command) -> Vec<Effect> {
    app.update(Action::Command(c))
}

fn select(app: &mut App, id: &str) {
    let v = &mut app.views.events;
    let row = v
        .store
        .row_of(id)
        .unwrap_or_else(|| panic!("{id} is listed"));
    v.list.selected = row;
}

fn text(b: &TestBackend) -> String {
    format!("{b}")
}

#[test]
fn stream_with_sparklines_and_highlights() {
    let mut app = loaded(fixture::morning());
    let b = render::draw(&mut app, 120, 40);
    let s = text(&b);
    assert!(s.contains("◆ FAILED SIGN-IN"), "{s}");
    assert!(
        s.contains("◆ NEW IP"),
        "Priya's first sign-in from 198.18.7.9: {s}"
    );
    assert!(s.contains("◆ MFA DEVICE"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("FAIL") && l.contains("tomasz.nowak (unver")),
        "the failed step takes the chain's name: {s}"
    );
    assert!(
        !s.contains("u-tomasz"),
        "an id the directory would not resolve shows the name typed, unverified: {s}"
    );
    assert!(s.contains("(name hidden)"), "{s}");
    insta::assert_snapshot!("events_stream", b);
}

#[test]
fn the_consoles_own_directory_lookups_are_hidden_until_asked_for() {
    let mut app = loaded(fixture::morning());
    let s = text(&render::draw(&mut app, 120, 40));
    assert!(s.contains("m: 1 own call hidden"), "{s}");
    assert!(!s.contains("DescribeUser"), "{s}");
    cmd(&mut app, Command::ToggleOwnCalls);
    let s = text(&render::draw(&mut app, 120, 40));
    assert!(s.contains("m: showing 1 own call"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("DescribeUser") && l.contains("jordan.lee")),
        "{s}"
    );
}

/// `[events] max_events` bounds what the screen holds (the oldest fall off) and what the
/// follower remembers.
#[test]
fn the_configured_bound_holds_the_newest_events() {
    let mut app = render::app(true);
    app.sh.session.admin = Some(admin());
    app.sh.session.settings.max_events = 100;
    let effects = app.update(Action::Command(Command::ScreenEvents));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Events(centry::tui::events::EventsEffect::Follow {
                max_events: 100,
                ..
            })]
        ),
        "the follower is told the bound"
    );
    let template = fixture::morning().into_iter().next().unwrap();
    let many: Vec<TrailEvent> = (0..250)
        .map(|i| {
            let mut e = template.clone();
            e.event_id = format!("bulk-{i:03}");
            e.event_time = render::now() - time::Duration::seconds(i);
            e
        })
        .collect();
    send(&mut app, TrailUpdate::Events(many));
    let store = &app.views.events.store;
    assert_eq!(store.len(), 100);
    assert_eq!(store.dropped, 150);
    assert_eq!(store.all()[0].event_id, "bulk-000", "the newest stay");
    assert_eq!(store.all()[99].event_id, "bulk-099");
}

#[test]
fn stream_at_80x24() {
    let mut app = loaded(fixture::morning());
    insta::assert_snapshot!("events_stream_80x24", render::draw(&mut app, 80, 24));
}

#[test]
fn filter_bar_and_toggles() {
    let mut app = loaded(fixture::morning());
    cmd(&mut app, Command::Filter);
    for c in "user:tomasz.nowak".chars() {
        app.update(Action::TextKey(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    cmd(&mut app, Command::Open);
    cmd(&mut app, Command::ToggleFailures);
    let b = render::draw(&mut app, 120, 40);
    let s = text(&b);
    assert!(s.contains("1 event of "), "{s}");
    insta::assert_snapshot!("events_filtered", b);
    cmd(&mut app, Command::ClearFilters);
    assert!(!app.views.events.toggles.failures && app.views.events.bar.text.is_empty());
    // A bad term says so and keeps the last good filter.
    cmd(&mut app, Command::Filter);
    for c in "ip:10.0.0.0/99".chars() {
        app.update(Action::TextKey(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    let s = text(&render::draw(&mut app, 120, 40));
    assert!(s.contains("prefix must be 0..=32"), "{s}");
}

#[test]
fn one_person() {
    let mut app = loaded(fixture::morning());
    select(&mut app, "p20e");
    cmd(&mut app, Command::OpenPerson);
    let b = render::draw(&mut app, 120, 40);
    let s = text(&b);
    assert!(
        s.contains("priya.raman@acme.example") && s.contains("00u1priya"),
        "{s}"
    );
    assert!(s.contains("198.18.7.9") && s.contains("◆ NEW IP"), "{s}");
    assert!(s.contains("2 sessions"), "{s}");
    insta::assert_snapshot!("events_person", b);
}

#[test]
fn one_session_with_its_sign_in_chain() {
    let mut app = loaded(fixture::morning());
    select(&mut app, "p-creds");
    cmd(&mut app, Command::OpenSession);
    let b = render::draw(&mut app, 120, 40);
    let s = text(&b);
    assert!(s.contains("credentialId cred-priya-today"), "{s}");
    let chain = s.find("UserAuthentication").unwrap();
    assert!(
        s.find("GetRoleCredentials").unwrap() > chain,
        "a timeline, oldest first: {s}"
    );
    insta::assert_snapshot!("events_session", b);
    // The failed attempt's chain, joined by AuthWorkflowID.
    cmd(&mut app, Command::Back);
    select(&mut app, "t-2");
    cmd(&mut app, Command::OpenSession);
    let s = text(&render::draw(&mut app, 120, 40));
    assert!(
        s.contains("a sign-in with no session") && s.contains("FAIL"),
        "{s}"
    );
}

#[test]
fn raw_event() {
    let mut app = loaded(fixture::morning());
    select(&mut app, "p-creds");
    cmd(&mut app, Command::Open);
    let b = render::draw(&mut app, 120, 40);
    assert!(text(&b).contains("\"role_name\": \"ReadOnlyAccess\""));
    insta::assert_snapshot!("events_detail", b);
    let effects = cmd(&mut app, Command::Copy);
    assert!(
        matches!(effects.as_slice(), [Effect::Copy(t)] if t.text.contains("GetRoleCredentials"))
    );
    cmd(&mut app, Command::Back);
    assert_eq!(
        app.views.events.mode,
        centry::tui::events::view::Mode::Stream
    );
}

#[test]
fn paused_shows_what_is_waiting() {
    let mut app = loaded(fixture::morning());
    let effects = cmd(&mut app, Command::ToggleFollow);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Events(centry::tui::events::EventsEffect::Pause)]
    ));
    send(
        &mut app,
        TrailUpdate::Held {
            count: 3,
            dropped: 0,
        },
    );
    let b = render::draw(&mut app, 120, 40);
    assert!(text(&b).contains("▲ 3 new"));
    insta::assert_snapshot!("events_paused", b);
    let effects = cmd(&mut app, Command::ToggleFollow);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Events(centry::tui::events::EventsEffect::Resume)]
    ));
    assert_eq!(app.views.events.held, 0);
}

#[test]
fn loading_empty_error_and_no_credentials() {
    let mut app = events_app();
    send(
        &mut app,
        TrailUpdate::Source {
            source: "signin.amazonaws.com".into(),
            status: SourceStatus::Reading,
        },
    );
    send(
        &mut app,
        TrailUpdate::Source {
            source: "sso.amazonaws.com".into(),
            status: SourceStatus::Throttled { attempt: 2 },
        },
    );
    send(
        &mut app,
        TrailUpdate::Events(fixture::morning().into_iter().take(3).collect()),
    );
    insta::assert_snapshot!("events_loading", render::draw(&mut app, 120, 40));

    let mut app = events_app();
    send(
        &mut app,
        TrailUpdate::WindowRead {
            until: render::now(),
        },
    );
    let s = text(&render::draw(&mut app, 120, 40));
    assert!(
        s.contains("No Identity Center events in the last 24 h"),
        "{s}"
    );
    insta::assert_snapshot!("events_empty", render::draw(&mut app, 120, 40));

    let mut app = events_app();
    let denied = ServiceError {
        operation: "LookupEvents".into(),
        kind: ErrorKind::AccessDenied,
        code: Some("AccessDeniedException".into()),
        message: "User is not authorized to perform: cloudtrail:LookupEvents".into(),
    };
    for s in SOURCES {
        send(
            &mut app,
            TrailUpdate::Source {
                source: s.into(),
                status: SourceStatus::Failed(denied.clone()),
            },
        );
    }
    send(
        &mut app,
        TrailUpdate::WindowRead {
            until: render::now(),
        },
    );
    insta::assert_snapshot!("events_error", render::draw(&mut app, 120, 40));

    let mut app = render::app(true);
    cmd(&mut app, Command::ScreenEvents);
    let s = text(&render::draw(&mut app, 80, 24));
    assert!(
        s.contains("pick a role with admin access (a on a role)"),
        "{s}"
    );
}

#[test]
fn a_stale_run_is_ignored_and_a_new_window_restarts() {
    let mut app = loaded(fixture::morning());
    let before = app.views.events.store.len();
    let effects = cmd(&mut app, Command::Window1);
    assert!(matches!(effects.as_slice(), [Effect::Events(_)]));
    assert_eq!(app.views.events.window_label(), "1 h");
    assert!(
        app.views.events.store.is_empty(),
        "the new window starts afresh"
    );
    app.update(Action::Events(EventsMsg::Update {
        generation: app.views.events.generation - 1,
        update: TrailUpdate::Events(fixture::morning()),
    }));
    assert!(
        app.views.events.store.is_empty(),
        "late answers of the old run are dropped"
    );
    assert!(before > 10);
}

/// Cells holding a control character (escape, C1, bidi override) anywhere on screen.
pub fn control_cells(b: &TestBackend) -> Vec<String> {
    b.buffer()
        .content()
        .iter()
        .map(|c| c.symbol().to_string())
        .filter(|s| {
            s.chars().any(|c| {
                c.is_control()
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)
            })
        })
        .collect()
}

#[test]
fn escape_sequences_in_events_are_shown_harmlessly() {
    let evil_ua = "Mozilla/5.0 \u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m";
    let mut e = fixture::rec(
        "evil-1",
        3,
        "sso.amazonaws.com",
        "ListAccounts",
        fixture::user("u-evil", "cred-evil"),
        "203.0.113.66",
        evil_ua,
        serde_json::json!({}),
    );
    e.person = Some(centry::model::trail_event::Person {
        user_name: "mallory\u{1b}[31m".into(),
        display_name: Some("Mal\u{202e}lory \u{1b}]52;c;aGk=\u{7}".into()),
    });
    let mut app = loaded(vec![e]);
    for setup in [
        None,
        Some(Command::Open),
        Some(Command::OpenPerson),
        Some(Command::OpenSession),
    ] {
        app.views.events.mode = centry::tui::events::view::Mode::Stream;
        select(&mut app, "evil-1");
        if let Some(c) = setup {
            cmd(&mut app, c);
        }
        for (w, h) in [(120, 40), (80, 24)] {
            let b = render::draw(&mut app, w, h);
            assert!(
                control_cells(&b).is_empty(),
                "{setup:?}: {:?}",
                control_cells(&b)
            );
            assert!(
                text(&b).contains('␛') || setup == Some(Command::OpenSession),
                "{setup:?}: shown, neutralised"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_through_the_emulator_are_shown_harmlessly() {
    use std::sync::{Arc, Mutex};
    // A person whose directory entry and browser both carry terminal controls.
    let mut org = crate::common::trail::demo_without_history();
    let u = org
        .users
        .iter_mut()
        .find(|u| u.user_name == "priya.raman")
        .unwrap();
    u.display_name = "Priya \u{1b}]0;owned\u{7}\u{1b}[2J Raman\u{202e}".into();
    let emu = crate::common::with(org, |_| {}).await;
    let ua = "Mozilla/5.0 \u{9b}2J\u{9b}31m \u{202e}fdp.exe";
    crate::common::trail::sign_in_as(&emu, "priya.raman", ua.as_bytes()).await;
    let token = crate::common::trail::sign_in_as(&emu, "jordan.lee", b"Mozilla/5.0").await;
    let creds =
        crate::common::role_credentials(&emu, &token, crate::common::MGMT, "IdentityCenterAuditor")
            .await;
    let svc = crate::common::services(&emu).with_credentials(creds);
    let client = centry::services::trail::TrailClient::new(
        &svc,
        Arc::new(centry::services::limiter::Limiter::lookup_events()),
        Arc::new(centry::services::limiter::Limiter::identity_center()),
    );
    let updates = Mutex::new(Vec::new());
    let on = |u: TrailUpdate| updates.lock().unwrap().push(u);
    let now = time::OffsetDateTime::now_utc();
    client
        .read_window(
            &centry::services::trail::IDENTITY_CENTER_SOURCES,
            now - time::Duration::hours(1),
            now,
            None,
            &on,
        )
        .await;
    let mut app = events_app();
    app.sh.now = now;
    for u in updates.into_inner().unwrap() {
        send(&mut app, u);
    }
    send(&mut app, TrailUpdate::WindowRead { until: now });
    let row = {
        let v = &app.views.events;
        (0..v.store.visible.len())
            .find(|&r| {
                v.store.row(r).is_some_and(|e| {
                    e.event_name == "UserAuthentication"
                        && e.person
                            .as_ref()
                            .is_some_and(|p| p.user_name == "priya.raman")
                })
            })
            .expect("the sign-in is listed")
    };
    app.views.events.list.selected = row;
    let shown = app.views.events.selected().unwrap();
    assert_eq!(
        shown.user_agent.as_deref(),
        Some(ua),
        "recorded and read back as sent"
    );
    assert!(
        shown
            .person
            .as_ref()
            .unwrap()
            .display_name
            .as_deref()
            .unwrap()
            .contains('\u{1b}')
    );
    for c in [
        None,
        Some(Command::Open),
        Some(Command::OpenPerson),
        Some(Command::OpenSession),
    ] {
        app.views.events.mode = centry::tui::events::view::Mode::Stream;
        app.views.events.list.selected = row;
        if let Some(c) = c {
            cmd(&mut app, c);
        }
        let b = render::draw(&mut app, 120, 40);
        assert!(
            control_cells(&b).is_empty(),
            "{c:?}: {:?}",
            control_cells(&b)
        );
        assert!(
            text(&b).contains("Priya ␛]0;owned"),
            "{c:?}: the name is shown, neutralised"
        );
    }
}

#[test]
fn admin_credentials_arriving_on_the_screen_start_the_tail() {
    let mut app = render::app(true);
    cmd(&mut app, Command::ScreenEvents);
    assert_eq!(app.screen(), ScreenId::Events);
    let effects = app.update(Action::Dev(centry::tui::dev::DevMsg::Credentials {
        purpose: centry::tui::dev::CredPurpose::Admin,
        key: "381492058412/IdentityCenterAuditor".into(),
        result: Box::new(Ok(admin().creds)),
        user: None,
    }));
    assert!(
        matches!(effects.as_slice(), [Effect::Events(_)]),
        "the demo's auditor role arrives after sign-in; the open events screen starts at once"
    );
    send(&mut app, TrailUpdate::Events(fixture::morning()));
    assert!(text(&render::draw(&mut app, 120, 40)).contains("Priya Raman"));
}

#[test]
fn wide_terminals_give_the_spare_width_to_people_and_user_agents() {
    let mut app = loaded(fixture::morning());
    let narrow = text(&render::draw(&mut app, 120, 40));
    let wide = text(&render::draw(&mut app, 160, 40));
    assert!(narrow.contains("tomasz.nowak (unver…"), "{narrow}");
    assert!(
        wide.contains("tomasz.nowak (unverified)"),
        "the name is whole at 160 columns: {wide}"
    );
    assert!(
        wide.contains("◆ FAILED SIGN-IN"),
        "the highlight tag keeps its room: {wide}"
    );
}
