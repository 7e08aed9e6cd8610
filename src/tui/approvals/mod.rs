//! The approval-teams area: every multi-party approval team with its health verdict, one
//! team's approvers, pending update and protected resources, and its sessions with each
//! approver's response. This module holds the area's messages and effects and runs the
//! effects as background tasks; `view.rs` owns the state and the drawing files draw it.

mod sessions;
mod team;
mod teams;
pub mod view;

use std::sync::{Arc, Mutex, OnceLock};

use ratatui::text::Span;
use time::OffsetDateTime;

use super::action::Action;
use super::effect::Runner;
use crate::model::credentials::RoleCredentials;
use crate::model::team::Verdict;
use crate::model::team_session::Session;
use crate::services::ServiceError;
use crate::services::approvals::{Approvals, TeamOverview, mpa_limiter};
use crate::services::limiter::Limiter;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::fit;

pub use view::ApprovalsView;

/// Results of approval-teams work.
#[derive(Debug)]
pub enum ApprovalsMsg {
    /// Every team with its detail and pending-session count.
    Teams {
        /// The overview, or why the teams could not be listed.
        result: Result<Vec<TeamOverview>, ServiceError>,
        /// Why people could not be looked up, if they could not.
        directory: Option<ServiceError>,
    },
    /// A team's sessions as listed (ordered, without responses).
    Sessions {
        /// The team.
        team_arn: String,
        /// The sessions, or why they could not be listed.
        result: Result<Vec<Session>, ServiceError>,
    },
    /// One session's detail (responses).
    SessionDetail {
        /// The team.
        team_arn: String,
        /// The session.
        arn: String,
        /// The detail, or why it could not be read.
        result: Result<Box<Session>, ServiceError>,
        /// Why people could not be looked up, if they could not.
        directory: Option<ServiceError>,
    },
}

/// Approval-teams work to do.
#[derive(Debug)]
pub enum ApprovalsEffect {
    /// Load the overview of every team.
    LoadTeams {
        /// Credentials for the MPA and directory calls.
        creds: Box<RoleCredentials>,
        /// Start over: forget cached people and identity sources.
        fresh: bool,
    },
    /// Load a team's sessions, then each one's responses (open ones first).
    LoadSessions {
        /// Credentials.
        creds: Box<RoleCredentials>,
        /// The team.
        team_arn: String,
    },
}

/// One MPA limiter for the process (the quota is per account and region).
fn limiter() -> Arc<Limiter> {
    static MPA: OnceLock<Arc<Limiter>> = OnceLock::new();
    MPA.get_or_init(|| Arc::new(mpa_limiter())).clone()
}

/// The client for these credentials, reused while they stay the same (so the people cache
/// survives between screens); `fresh` starts a new one.
fn client(r: &Runner, creds: &RoleCredentials, fresh: bool) -> Arc<Approvals> {
    static CLIENT: Mutex<Option<(String, Arc<Approvals>)>> = Mutex::new(None);
    let mut slot = CLIENT.lock().unwrap_or_else(|e| e.into_inner());
    if !fresh
        && let Some((key, c)) = slot.as_ref()
        && key == &creds.access_key_id
    {
        return c.clone();
    }
    let svc = r.cx.svc.with_role_credentials(creds);
    let c = Arc::new(Approvals::new(&svc, limiter(), r.cx.limiter.clone()));
    *slot = Some((creds.access_key_id.clone(), c.clone()));
    c
}

/// Start an approval-teams effect.
pub fn run(r: &mut Runner, effect: ApprovalsEffect) {
    let cx = r.cx.clone();
    match effect {
        ApprovalsEffect::LoadTeams { creds, fresh } => {
            let approvals = client(r, &creds, fresh);
            let cancel = r.token("approvals-teams");
            tokio::spawn(async move {
                let result = tokio::select! {
                    r = approvals.overview() => r,
                    _ = cancel.cancelled() => return,
                };
                let directory = approvals.directory_problem();
                cx.send(Action::Approvals(ApprovalsMsg::Teams { result, directory }));
            });
        }
        ApprovalsEffect::LoadSessions { creds, team_arn } => {
            let approvals = client(r, &creds, false);
            let cancel = r.token("approvals-sessions");
            tokio::spawn(async move {
                let work = async {
                    let result = approvals.list_sessions(&team_arn, None).await;
                    let arns: Vec<String> = result
                        .as_ref()
                        .map(|v| v.iter().map(|s| s.arn.clone()).collect())
                        .unwrap_or_default();
                    cx.send(Action::Approvals(ApprovalsMsg::Sessions {
                        team_arn: team_arn.clone(),
                        result,
                    }));
                    for arn in arns {
                        let result = approvals.get_session(&arn).await.map(Box::new);
                        cx.send(Action::Approvals(ApprovalsMsg::SessionDetail {
                            team_arn: team_arn.clone(),
                            arn,
                            result,
                            directory: approvals.directory_problem(),
                        }));
                    }
                };
                tokio::select! {
                    _ = work => {}
                    _ = cancel.cancelled() => {}
                }
            });
        }
    }
}

/// Something being loaded.
#[derive(Debug, Clone, Default)]
pub enum Load<T> {
    /// Not asked for.
    #[default]
    Idle,
    /// In flight (what was shown before stays until the answer).
    Loading(Option<T>),
    /// Here.
    Ready(T),
    /// Failed.
    Failed(ServiceError),
}

impl<T> Load<T> {
    /// What there is to show.
    pub fn value(&self) -> Option<&T> {
        match self {
            Load::Ready(v) | Load::Loading(Some(v)) => Some(v),
            _ => None,
        }
    }

    /// Mark as loading, keeping what is shown.
    pub fn start(&mut self) {
        let old = std::mem::take(self);
        *self = match old {
            Load::Ready(v) | Load::Loading(Some(v)) => Load::Loading(Some(v)),
            _ => Load::Loading(None),
        };
    }

    /// Whether a request is in flight.
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading(_))
    }
}

/// The style of a verdict.
pub fn verdict_style(th: &Theme, v: Verdict) -> ratatui::style::Style {
    match v {
        Verdict::Healthy => th.ok(),
        Verdict::Marginal => th.warn(),
        Verdict::Broken => th.error(),
        Verdict::Unknown => th.dim(),
    }
}

/// A time relative to now: `3 days ago`, `in 6 days`.
pub fn when(t: Option<OffsetDateTime>, now: OffsetDateTime) -> String {
    let Some(t) = t else {
        return "—".to_string();
    };
    crate::model::words::relative(t, now)
}

/// A fixed-width cell: sanitised, cut to `width`, padded, plus two spaces.
pub fn cell(text: &str, width: usize) -> String {
    let t = fit(text, width);
    let pad = width.saturating_sub(t.chars().count());
    format!("{t}{}  ", " ".repeat(pad))
}

/// A styled fixed-width cell.
pub fn cell_span(text: &str, width: usize, style: ratatui::style::Style) -> Span<'static> {
    Span::styled(cell(text, width), style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_both_ways() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert_eq!(when(Some(now - time::Duration::days(3)), now), "3 days ago");
        assert_eq!(when(Some(now + time::Duration::days(6)), now), "in 6 days");
        assert_eq!(
            when(Some(now + time::Duration::minutes(5)), now),
            "in 5 min"
        );
        assert_eq!(when(None, now), "—");
        assert_eq!(
            when(Some(now - time::Duration::hours(30)), now),
            "1 day ago"
        );
        assert_eq!(
            when(Some(now - time::Duration::seconds(3)), now),
            "just now"
        );
        assert_eq!(cell("abcdef", 4), "abc…  ");
        assert_eq!(cell("ab", 4), "ab    ");
    }

    #[test]
    fn loading_keeps_what_is_shown() {
        let mut l: Load<u8> = Load::Ready(3);
        l.start();
        assert!(l.is_loading());
        assert_eq!(l.value(), Some(&3));
        let mut e: Load<u8> = Load::Failed(ServiceError::new(
            "X",
            crate::services::ErrorKind::Other,
            "no",
        ));
        e.start();
        assert_eq!(e.value(), None);
    }
}
