//! The approval-teams screen's state: three levels (every team → one team → its sessions)
//! with breadcrumbs, each with its own cursor and `/` fuzzy filter; loading, empty and error
//! states per section; and the commands that move between them. Drawing is in `teams.rs`,
//! `team.rs` and `sessions.rs`.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{ApprovalsEffect, ApprovalsMsg, Load};
use crate::model::fuzzy::FuzzyIndex;
use crate::model::team_session::{Session, order_sessions};
use crate::model::text::sanitize;
use crate::services::ServiceError;
use crate::services::approvals::TeamOverview;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::{FilterInput, Flash, ListState};

/// Which level is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// Every team.
    #[default]
    Teams,
    /// One team: approvers, pending update, protected resources.
    Team,
    /// One team's sessions.
    Sessions,
}

/// A filterable list: cursor, filter text, fuzzy index and the visible rows.
#[derive(Debug, Default)]
pub struct Pane {
    /// Cursor over `visible`.
    pub list: ListState,
    /// The `/` filter.
    pub filter: FilterInput,
    index: FuzzyIndex,
    /// Visible rows: indexes into the underlying list.
    pub visible: Vec<usize>,
}

impl Pane {
    /// Index one searchable string per row and re-apply the filter.
    pub fn rebuild(&mut self, rows: impl IntoIterator<Item = String>) {
        self.index = FuzzyIndex::new(rows);
        self.refilter();
    }

    /// Re-apply the filter.
    pub fn refilter(&mut self) {
        self.visible = self
            .index
            .filter(&self.filter.text)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        if !self.filter.is_active() {
            self.visible.sort_unstable();
        }
        self.list.clamp(self.visible.len());
    }

    /// The underlying index of the selected row.
    pub fn current(&self) -> Option<usize> {
        self.visible.get(self.list.selected).copied()
    }

    fn on_move(&mut self, cmd: Command) -> bool {
        let len = self.visible.len();
        match cmd {
            Command::Down => self.list.move_by(1, len),
            Command::Up => self.list.move_by(-1, len),
            Command::PageDown => self.list.move_by(10, len),
            Command::PageUp => self.list.move_by(-10, len),
            Command::Top => self.list.top(),
            Command::Bottom => self.list.bottom(len),
            _ => return false,
        }
        true
    }
}

/// The approval-teams screen.
#[derive(Debug, Default)]
pub struct ApprovalsView {
    /// Shown level.
    pub level: Level,
    /// Every team.
    pub teams: Load<Vec<TeamOverview>>,
    /// Why people could not be looked up.
    pub directory_problem: Option<ServiceError>,
    /// The credentials label the teams were loaded with.
    pub loaded_with: Option<String>,
    /// The teams list.
    pub team_pane: Pane,
    /// The open team's ARN.
    pub open_team: Option<String>,
    /// The open team's approvers.
    pub approver_pane: Pane,
    /// The open team's sessions.
    pub sessions: Load<Vec<Session>>,
    /// Sessions whose detail could not be read.
    pub session_errors: HashMap<String, ServiceError>,
    /// The sessions list.
    pub session_pane: Pane,
}

impl ApprovalsView {
    /// The open team's overview.
    pub fn team(&self) -> Option<&TeamOverview> {
        let arn = self.open_team.as_ref()?;
        self.teams.value()?.iter().find(|t| &t.team.arn == arn)
    }

    /// The team under the cursor on the teams level.
    pub fn selected_team(&self) -> Option<&TeamOverview> {
        self.teams.value()?.get(self.team_pane.current()?)
    }

    /// The session under the cursor.
    pub fn selected_session(&self) -> Option<&Session> {
        self.sessions.value()?.get(self.session_pane.current()?)
    }

    fn pane(&mut self) -> &mut Pane {
        match self.level {
            Level::Teams => &mut self.team_pane,
            Level::Team => &mut self.approver_pane,
            Level::Sessions => &mut self.session_pane,
        }
    }

    fn pane_ref(&self) -> &Pane {
        match self.level {
            Level::Teams => &self.team_pane,
            Level::Team => &self.approver_pane,
            Level::Sessions => &self.session_pane,
        }
    }

    /// Load the teams (when credentials are set), forgetting cached people when `fresh`.
    pub fn load(&mut self, sh: &Shared, fresh: bool) -> Vec<Effect> {
        let Some(admin) = &sh.session.admin else {
            return vec![];
        };
        self.teams.start();
        self.loaded_with = Some(admin.label.clone());
        let mut effects = vec![Effect::Approvals(ApprovalsEffect::LoadTeams {
            creds: Box::new(admin.creds.clone()),
            fresh,
        })];
        if let (Some(arn), Level::Team | Level::Sessions) = (self.open_team.clone(), self.level) {
            effects.extend(self.load_sessions(sh, arn));
        }
        effects
    }

    fn load_sessions(&mut self, sh: &Shared, team_arn: String) -> Vec<Effect> {
        let Some(admin) = &sh.session.admin else {
            return vec![];
        };
        self.sessions.start();
        vec![Effect::Approvals(ApprovalsEffect::LoadSessions {
            creds: Box::new(admin.creds.clone()),
            team_arn,
        })]
    }

    fn open(&mut self, sh: &Shared, level: Level) -> Vec<Effect> {
        let Some(arn) = self.selected_team().map(|t| t.team.arn.clone()) else {
            return vec![];
        };
        let same = self.open_team.as_deref() == Some(arn.as_str());
        self.level = level;
        if same && self.sessions.value().is_some() {
            return vec![];
        }
        self.open_team = Some(arn.clone());
        self.sessions = Load::Idle;
        self.session_errors.clear();
        self.approver_pane = Pane::default();
        self.session_pane = Pane::default();
        self.rebuild_approvers();
        self.load_sessions(sh, arn)
    }

    /// Results arrived.
    pub fn on_msg(&mut self, msg: ApprovalsMsg, sh: &mut Shared) -> Vec<Effect> {
        match msg {
            ApprovalsMsg::Teams { result, directory } => {
                match result {
                    Ok(teams) => {
                        for t in &teams {
                            if let Some(e) = &t.detail_error {
                                sh.log(format!(
                                    "{}: {}",
                                    sanitize(&t.team.name),
                                    sanitize(&e.to_string())
                                ));
                            }
                        }
                        self.team_pane.rebuild(teams.iter().map(|t| {
                            format!(
                                "{} {} {} {}",
                                t.team.name,
                                t.team.status_label(),
                                t.team.health().verdict.as_str(),
                                t.team.description.as_deref().unwrap_or_default()
                            )
                        }));
                        self.teams = Load::Ready(teams);
                        self.rebuild_approvers();
                    }
                    Err(e) => {
                        sh.log(format!("approval teams: {}", sanitize(&e.to_string())));
                        self.teams = Load::Failed(e);
                    }
                }
                self.directory_problem = directory;
            }
            ApprovalsMsg::Sessions { team_arn, result } => {
                if self.open_team.as_deref() != Some(team_arn.as_str()) {
                    return vec![];
                }
                match result {
                    Ok(s) => {
                        self.sessions = Load::Ready(s);
                        self.rebuild_sessions();
                    }
                    Err(e) => self.sessions = Load::Failed(e),
                }
            }
            ApprovalsMsg::SessionDetail {
                team_arn,
                arn,
                result,
                directory,
            } => {
                if self.open_team.as_deref() != Some(team_arn.as_str()) {
                    return vec![];
                }
                if directory.is_some() {
                    self.directory_problem = directory;
                }
                let keep = self.selected_session().map(|s| s.arn.clone());
                match (result, &mut self.sessions) {
                    (Ok(detail), Load::Ready(list)) => {
                        if let Some(s) = list.iter_mut().find(|s| s.arn == arn) {
                            *s = *detail;
                        }
                        order_sessions(list);
                    }
                    (Err(e), _) => {
                        self.session_errors.insert(arn, e);
                    }
                    _ => {}
                }
                self.rebuild_sessions();
                if let Some(k) = keep
                    && let Some(pos) = self.session_pane.visible.iter().position(|&i| {
                        self.sessions
                            .value()
                            .and_then(|v| v.get(i))
                            .is_some_and(|s| s.arn == k)
                    })
                {
                    self.session_pane.list.selected = pos;
                }
            }
        }
        vec![]
    }

    fn rebuild_approvers(&mut self) {
        let rows: Vec<String> = self
            .team()
            .map(|t| {
                t.team
                    .approvers
                    .iter()
                    .map(|a| {
                        format!(
                            "{} {} {} {}",
                            a.who(),
                            a.identity_id,
                            a.identity_status.as_ref().map_or("", |s| s.as_str()),
                            a.problems().join(" ")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.approver_pane.rebuild(rows);
    }

    fn rebuild_sessions(&mut self) {
        let rows: Vec<String> = self
            .sessions
            .value()
            .map(|v| {
                v.iter()
                    .map(|s| {
                        format!(
                            "{} {} {} {} {}",
                            s.status_label(),
                            s.requester_short(),
                            s.description.as_deref().unwrap_or_default(),
                            s.action_name.as_deref().unwrap_or_default(),
                            s.protected_resource.as_deref().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.session_pane.rebuild(rows);
    }

    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        if self.pane_ref().filter.editing {
            vec![KeyContext::Filter]
        } else {
            vec![KeyContext::Approvals, KeyContext::List, KeyContext::Global]
        }
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        match self.level {
            Level::Teams => vec![
                Command::Open,
                Command::OpenSessions,
                Command::Filter,
                Command::Refresh,
                Command::Copy,
                Command::Help,
                Command::Quit,
            ],
            Level::Team => vec![
                Command::OpenSessions,
                Command::Filter,
                Command::Refresh,
                Command::Copy,
                Command::Back,
                Command::Help,
            ],
            Level::Sessions => vec![
                Command::Filter,
                Command::Refresh,
                Command::Copy,
                Command::Back,
                Command::Help,
            ],
        }
    }

    /// Handle a command; `None` = not ours.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let pane = self.pane();
        match cmd {
            Command::Filter => pane.filter.focus(),
            Command::Back | Command::Open if pane.filter.editing => pane.filter.blur(),
            Command::Back if pane.filter.is_active() => {
                pane.filter.clear();
                pane.refilter();
            }
            c if pane.on_move(c) => {}
            Command::Back => match self.level {
                Level::Teams => return None,
                Level::Team => self.level = Level::Teams,
                Level::Sessions => self.level = Level::Team,
            },
            Command::Refresh => {
                if sh.session.admin.is_none() {
                    sh.flash(Flash::warn("pick a role with admin access (a on a role)"));
                    return Some(vec![]);
                }
                return Some(self.load(sh, true));
            }
            Command::Open => match self.level {
                Level::Teams => return Some(self.open(sh, Level::Team)),
                Level::Team => return Some(self.open_sessions(sh)),
                Level::Sessions => {}
            },
            Command::OpenSessions => return Some(self.open_sessions(sh)),
            Command::Copy => return Some(self.copy()),
            _ => return None,
        }
        Some(vec![])
    }

    fn open_sessions(&mut self, sh: &Shared) -> Vec<Effect> {
        match self.level {
            Level::Teams => self.open(sh, Level::Sessions),
            _ if self.open_team.is_some() => {
                self.level = Level::Sessions;
                vec![]
            }
            _ => vec![],
        }
    }

    fn copy(&mut self) -> Vec<Effect> {
        let (what, text) = match self.level {
            Level::Teams => match self.selected_team() {
                Some(t) => ("team ARN", t.team.arn.clone()),
                None => return vec![],
            },
            Level::Team => {
                let Some(i) = self.approver_pane.current() else {
                    return vec![];
                };
                match self.team().and_then(|t| t.team.approvers.get(i)) {
                    Some(a) => ("identity id", a.identity_id.clone()),
                    None => return vec![],
                }
            }
            Level::Sessions => match self.selected_session() {
                Some(s) => ("session ARN", s.arn.clone()),
                None => return vec![],
            },
        };
        vec![Effect::Copy(crate::tui::clipboard::Clip::new(
            format!("the {what}"),
            text,
        ))]
    }

    /// Breadcrumbs: `Approval teams › Team › Sessions`.
    fn breadcrumbs(&self, sh: &Shared) -> Line<'static> {
        let th = &sh.theme;
        let mut spans = vec![Span::styled("Approval teams", th.title())];
        if self.level != Level::Teams
            && let Some(t) = self.team()
        {
            spans.push(Span::styled(" › ", th.dim()));
            spans.push(Span::styled(
                sanitize(&t.team.name).into_owned(),
                th.title(),
            ));
            if self.level == Level::Sessions {
                spans.push(Span::styled(" › Sessions", th.title()));
            }
        }
        if let Some(label) = &self.loaded_with {
            spans.push(Span::styled(format!("   as {}", sanitize(label)), th.dim()));
        }
        Line::from(spans)
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let filter = &self.pane_ref().filter;
        let show_filter = filter.editing || filter.is_active();
        let [crumbs, body, filter_line] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(u16::from(show_filter)),
        ])
        .areas(area);
        f.render_widget(Paragraph::new(self.breadcrumbs(sh)), crumbs);
        if show_filter {
            let cursor = if filter.editing { "▏" } else { "" };
            let hint = if filter.editing {
                "   enter keep · esc done"
            } else {
                "   esc clear"
            };
            f.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("/", th.key()),
                    Span::styled(format!("{}{cursor}", sanitize(&filter.text)), th.text()),
                    Span::styled(hint, th.dim()),
                ])),
                filter_line,
            );
        }
        if sh.session.admin.is_none() && self.teams.value().is_none() {
            f.render_widget(
                Paragraph::new(vec![
                    Line::raw(""),
                    Line::styled(
                        "Approval teams need IAM credentials: pick a role with admin access (a on a role).",
                        th.warn(),
                    ),
                    Line::styled(
                        "The role needs mpa:List*/Get* in the account that owns the teams; identitystore reads name the approvers.",
                        th.dim(),
                    ),
                ]),
                body,
            );
            return;
        }
        match self.level {
            Level::Teams => super::teams::render(self, f, body, sh),
            Level::Team => super::team::render(self, f, body, sh),
            Level::Sessions => super::sessions::render(self, f, body, sh),
        }
    }
}

impl crate::tui::view::View for ApprovalsView {
    fn contexts(&self) -> Vec<KeyContext> {
        ApprovalsView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        ApprovalsView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        ApprovalsView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        ApprovalsView::render(self, f, area, sh)
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        let label = sh.session.admin.as_ref().map(|a| a.label.clone());
        if label.is_some() && (label != self.loaded_with || matches!(self.teams, Load::Idle)) {
            return self.load(sh, false);
        }
        vec![]
    }
    fn on_tick(&mut self) -> bool {
        self.teams.is_loading() || self.sessions.is_loading()
    }
    fn filter(&mut self) -> Option<&mut FilterInput> {
        Some(&mut self.pane().filter)
    }
    fn filter_editing(&self) -> bool {
        self.pane_ref().filter.editing
    }
    fn refilter(&mut self) {
        self.pane().refilter()
    }
}
