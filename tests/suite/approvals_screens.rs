//! Snapshots of the approval-teams screens, fed with what the services read from the demo
//! organisation and driven with the same commands the keys send: the teams list with the
//! broken team selected, a broken, a marginal (pending update) and a healthy team, a team's
//! sessions with the pending one first, loading, empty and error states, ids unverified when
//! the directory is denied, and an 80×24 terminal.

use std::sync::Arc;

use centry::model::credentials::RoleCredentials;
use centry::model::secret::Secret;
use centry::services::approvals::{Approvals, TeamOverview, mpa_limiter};
use centry::services::limiter::Limiter;
use centry::services::{ErrorKind, ServiceError};
use centry::tui::action::Action;
use centry::tui::app::App;
use centry::tui::approvals::ApprovalsMsg;
use centry::tui::approvals::view::Level;
use centry::tui::command::Command;
use centry::tui::effect::Effect;
use centry::tui::shared::{AdminCredentials, ScreenId};
use time::macros::datetime;

use crate::common::{self, render};

/// The teams and every session (with responses) of the demo organisation, as the screens get
/// them.
struct Demo {
    teams: Vec<TeamOverview>,
    sessions: Vec<(String, Vec<centry::model::team_session::Session>)>,
    directory: Option<ServiceError>,
}

async fn demo(directory_denied: bool) -> Demo {
    let emu = common::demo().await;
    let mut a = Approvals::new(
        &common::operator(&emu),
        Arc::new(mpa_limiter()),
        Arc::new(Limiter::identity_center()),
    );
    if directory_denied {
        let token = common::device_sign_in(&emu).await;
        let outside =
            common::role_credentials(&emu, &token, "898781089880", "ReadOnlyAccess").await;
        a = a.with_directory(&common::services(&emu).with_credentials(outside));
    }
    let teams = a.overview().await.unwrap();
    let mut sessions = Vec::new();
    for t in &teams {
        let listed = a.list_sessions(&t.team.arn, None).await.unwrap();
        let detailed = a
            .with_responses(listed)
            .await
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        sessions.push((t.team.arn.clone(), detailed));
    }
    let directory = a.directory_problem();
    emu.stop().await;
    Demo {
        teams,
        sessions,
        directory,
    }
}

fn admin() -> AdminCredentials {
    AdminCredentials {
        label: "IdentityCenterAuditor @ 381492058412".into(),
        creds: RoleCredentials {
            account_id: "381492058412".into(),
            role_name: "IdentityCenterAuditor".into(),
            access_key_id: "ASIATESTAUDITOR".into(),
            secret_access_key: Secret::new("secret"),
            session_token: Secret::new("token"),
            expiration: datetime!(2026-11-22 10:00 UTC),
        },
    }
}

/// The app at 2026-11-22 09:00 UTC (after the demo's pending sessions started), with the
/// sign-in good for hours more.
fn at_demo_time(mut app: App) -> App {
    let now = datetime!(2026-11-22 09:00 UTC);
    app.sh.now = now;
    if let Some(t) = &mut app.sh.session.token {
        t.expires_at = now + time::Duration::minutes(7 * 60 + 42);
    }
    app
}

/// The app on the approval-teams screen at 2026-11-22 09:00 UTC, as after pressing 5.
fn app() -> App {
    let mut app = at_demo_time(render::app(true));
    app.sh.session.admin = Some(admin());
    let effects = app.update(Action::Command(Command::ScreenApprovals));
    assert_eq!(app.screen(), ScreenId::Approvals);
    assert!(
        matches!(effects.as_slice(), [Effect::Approvals(_)]),
        "entering the screen loads the teams"
    );
    app
}

fn show(app: &mut App, d: &Demo) {
    app.update(Action::Approvals(ApprovalsMsg::Teams {
        result: Ok(d.teams.clone()),
        directory: d.directory.clone(),
    }));
}

/// Select the team called `name` and run `cmd` on it, then deliver its sessions.
fn open(app: &mut App, d: &Demo, name: &str, cmd: Command) {
    let row = d.teams.iter().position(|t| t.team.name == name).unwrap();
    app.update(Action::Command(Command::Top));
    for _ in 0..row {
        app.update(Action::Command(Command::Down));
    }
    let effects = app.update(Action::Command(cmd));
    assert_eq!(effects.len(), 1, "opening a team loads its sessions");
    let (arn, sessions) = d
        .sessions
        .iter()
        .find(|(arn, _)| d.teams[row].team.arn == *arn)
        .unwrap();
    let listed = sessions
        .iter()
        .map(|s| centry::model::team_session::Session {
            responses: None,
            ..s.clone()
        })
        .collect();
    app.update(Action::Approvals(ApprovalsMsg::Sessions {
        team_arn: arn.clone(),
        result: Ok(listed),
    }));
    for s in sessions {
        app.update(Action::Approvals(ApprovalsMsg::SessionDetail {
            team_arn: arn.clone(),
            arn: s.arn.clone(),
            result: Ok(Box::new(s.clone())),
            directory: d.directory.clone(),
        }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_team_screens() {
    let d = demo(false).await;

    let mut a = app();
    insta::assert_snapshot!("approvals_loading", render::draw(&mut a, 120, 40));
    show(&mut a, &d);
    insta::assert_snapshot!(
        "approvals_teams_broken_selected",
        render::draw(&mut a, 120, 40)
    );
    insta::assert_snapshot!("approvals_teams_80x24", render::draw(&mut a, 80, 24));

    open(&mut a, &d, "Break Glass Approvers", Command::Open);
    assert_eq!(a.views.approvals.level, Level::Team);
    insta::assert_snapshot!("approvals_team_broken", render::draw(&mut a, 120, 40));
    a.update(Action::Command(Command::OpenSessions));
    assert_eq!(a.views.approvals.level, Level::Sessions);
    insta::assert_snapshot!(
        "approvals_sessions_broken_team",
        render::draw(&mut a, 120, 40)
    );
    insta::assert_snapshot!("approvals_sessions_80x24", render::draw(&mut a, 80, 24));
    a.update(Action::Command(Command::Down));
    let s = render::draw(&mut a, 120, 40).to_string();
    assert!(
        s.contains("FAILED (REJECTED) · 1 of 3 approvals, 1 rejected"),
        "{s}"
    );

    a.update(Action::Command(Command::Back));
    a.update(Action::Command(Command::Back));
    assert_eq!(a.views.approvals.level, Level::Teams);
    open(&mut a, &d, "Data Recovery Approvers", Command::Open);
    insta::assert_snapshot!(
        "approvals_team_marginal_pending_update",
        render::draw(&mut a, 120, 40)
    );
    a.update(Action::Command(Command::Back));
    open(&mut a, &d, "Prod Vault Guardians", Command::OpenSessions);
    insta::assert_snapshot!(
        "approvals_sessions_healthy_team",
        render::draw(&mut a, 120, 40)
    );
    a.update(Action::Command(Command::Back));
    insta::assert_snapshot!("approvals_team_healthy", render::draw(&mut a, 120, 40));

    // The filter narrows the teams and Esc clears it.
    a.update(Action::Command(Command::Back));
    a.update(Action::Command(Command::Filter));
    a.update(Action::Paste("guardians".into()));
    let s = render::draw(&mut a, 120, 40).to_string();
    assert!(s.contains("Approval teams (1 of 3)"), "{s}");
    assert!(!s.contains("Break Glass Approvers"), "{s}");
    a.update(Action::Command(Command::Back));
    a.update(Action::Command(Command::Back));
    let s = render::draw(&mut a, 120, 40).to_string();
    assert!(s.contains("Approval teams (3)"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_error_and_unverified_states() {
    let mut a = app();
    a.update(Action::Approvals(ApprovalsMsg::Teams {
        result: Ok(vec![]),
        directory: None,
    }));
    insta::assert_snapshot!("approvals_empty", render::draw(&mut a, 120, 24));

    let mut a = app();
    let mut denied = ServiceError::new(
        "ListApprovalTeams",
        ErrorKind::AccessDenied,
        "User: arn:aws:sts::381492058412:assumed-role/AWSReservedSSO_DataEngineer_0a520d4352830857/jordan.lee is not authorized to perform: mpa:ListApprovalTeams",
    );
    denied.code = Some("AccessDeniedException".into());
    a.update(Action::Approvals(ApprovalsMsg::Teams {
        result: Err(denied),
        directory: None,
    }));
    insta::assert_snapshot!("approvals_error", render::draw(&mut a, 120, 24));

    // Text from AWS never reaches the terminal as control sequences.
    let mut a = app();
    let evil = TeamOverview {
        team: centry::model::team::Team {
            arn: "arn:aws:mpa:us-east-1:381492058412:approval-team/evil".into(),
            name: "Evil\u{1b}]52;c;aGk=\u{7} team".into(),
            description: Some("line\nbreak \u{1b}[2J".into()),
            status: Some(centry::model::team::TeamStatus::from_wire(
                "HIJACKED\u{1b}[31m",
            )),
            ..Default::default()
        },
        detail_error: None,
        pending_sessions: Ok(0),
    };
    a.update(Action::Approvals(ApprovalsMsg::Teams {
        result: Ok(vec![evil]),
        directory: None,
    }));
    let s = render::draw(&mut a, 120, 24).to_string();
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
    assert!(s.contains("Evil␛]52;c;aGk=␇ team"), "{s}");
    assert!(s.contains("HIJACKED␛[31m"), "{s}");

    let mut a = at_demo_time(render::app(true));
    a.update(Action::Command(Command::ScreenApprovals));
    let s = render::draw(&mut a, 120, 24).to_string();
    assert!(
        s.contains("pick a role with admin access (a on a role)"),
        "{s}"
    );

    let d = demo(true).await;
    assert!(d.directory.is_some());
    let mut a = app();
    show(&mut a, &d);
    open(&mut a, &d, "Break Glass Approvers", Command::Open);
    insta::assert_snapshot!("approvals_team_unverified", render::draw(&mut a, 120, 40));
}
