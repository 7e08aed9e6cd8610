//! Drawing one team: its approvers (person, invitation status, Identity Center user status,
//! last activity, and why each one who does not count does not), then the verdict, the
//! pending update (who it adds and removes, and the verdict after it), what the team protects
//! (its policies and the resources its sessions touched) and its sessions at a glance.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::view::ApprovalsView;
use super::{Load, cell, cell_span, verdict_style, when};
use crate::model::fuzzy::match_positions;
use crate::model::team::{Approver, Person, UserStatus};
use crate::model::team_session::protected_resources;
use crate::model::text::sanitize;
use crate::services::approvals::TeamOverview;
use crate::tui::shared::Shared;
use crate::tui::widgets::list::highlighted;

/// Widths of the identity, user and last-activity columns.
const COLS: [usize; 3] = [9, 10, 22];

fn user_status(a: &Approver) -> String {
    match &a.person {
        Person::Known {
            status: Some(UserStatus::Enabled),
            ..
        } => "ENABLED".into(),
        Person::Known {
            status: Some(s), ..
        } => s.to_string(),
        Person::Known { status: None, .. } => "—".into(),
        Person::Missing => "MISSING".into(),
        Person::Unverified | Person::Unresolved => "unverified".into(),
    }
}

fn activity(a: &Approver, sh: &Shared) -> String {
    match (&a.last_activity, a.last_activity_time) {
        (Some(what), t) => format!(
            "{} {}",
            what.to_lowercase().replace('_', " "),
            when(t, sh.now)
        ),
        (None, _) => "—".into(),
    }
}

/// Draw the team level.
pub fn render(v: &mut ApprovalsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    let Some(t) = v.team().cloned() else {
        f.render_widget(
            Paragraph::new(Line::styled("No team is open (esc goes back).", th.dim())),
            area,
        );
        return;
    };
    let n = t.team.approvers.len() as u16;
    let list_height = (n + 3).clamp(5, area.height.saturating_sub(7).max(5));
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
    let h = t.team.health();
    let title = Line::from(vec![
        Span::styled(
            format!(
                " Approvers ({}, needs {}) — ",
                t.team.approvers.len(),
                t.team.threshold.map_or("?".into(), |m| m.to_string())
            ),
            th.text(),
        ),
        Span::styled(
            format!("{} ", h.verdict.as_str().to_uppercase()),
            verdict_style(th, h.verdict),
        ),
    ]);
    let inner = list_area.width.saturating_sub(2) as usize;
    let longest = t
        .team
        .approvers
        .iter()
        .map(|a| a.who().chars().count())
        .max()
        .unwrap_or(0);
    let fixed: usize = COLS.iter().map(|w| w + 2).sum();
    let pw = longest
        .clamp(14, 60)
        .min(inner.saturating_sub(fixed + 10).max(14));
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}{}PROBLEM",
            cell("PERSON", pw),
            cell("IDENTITY", COLS[0]),
            cell("USER", COLS[1]),
            cell("LAST ACTIVITY", COLS[2]),
        ),
        th.dim(),
    )];
    if let Some(e) = &t.detail_error {
        lines.push(Line::styled(
            format!(
                "The approvers could not be read: {} — {}",
                sanitize(&e.message),
                e.hint()
            ),
            th.error(),
        ));
    } else if t.team.approvers.is_empty() {
        lines.push(Line::styled("This team has no approvers.", th.dim()));
    } else if v.approver_pane.visible.is_empty() {
        lines.push(Line::styled(
            format!(
                "Nothing matches “{}”.",
                sanitize(&v.approver_pane.filter.text)
            ),
            th.dim(),
        ));
    }
    let height = list_area.height.saturating_sub(3) as usize;
    let range = v
        .approver_pane
        .list
        .visible(v.approver_pane.visible.len(), height);
    let query = v.approver_pane.filter.text.clone();
    for pos in range {
        let Some(a) = t.team.approvers.get(v.approver_pane.visible[pos]) else {
            continue;
        };
        let selected = pos == v.approver_pane.list.selected;
        let base = if selected { th.selected() } else { th.text() };
        let problems = a.problems();
        let flag = if problems.is_empty() {
            base
        } else {
            base.patch(th.error())
        };
        let who = a.who();
        let mut spans = highlighted(
            &who,
            &match_positions(&query, &who),
            pw,
            base,
            base.patch(th.matched()),
        )
        .spans;
        let shown: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        spans.push(Span::styled(" ".repeat(pw.saturating_sub(shown) + 2), base));
        spans.push(cell_span(
            a.identity_status.as_ref().map_or("?", |s| s.as_str()),
            COLS[0],
            flag,
        ));
        spans.push(cell_span(&user_status(a), COLS[1], flag));
        spans.push(cell_span(&activity(a, sh), COLS[2], base));
        spans.push(Span::styled(
            sanitize(&problems.join("; ")).into_owned(),
            flag,
        ));
        lines.push(Line::from(spans));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        list_area,
    );
    f.render_widget(
        Paragraph::new(details(&t, v, sh))
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Team ")),
        detail_area,
    );
}

fn details(t: &TeamOverview, v: &ApprovalsView, sh: &Shared) -> Vec<Line<'static>> {
    let th = &sh.theme;
    let h = t.team.health();
    let mut out = vec![Line::styled(h.summary(), verdict_style(th, h.verdict))];
    out.push(Line::styled(
        format!(
            "Status {} · created {} · updated {}",
            sanitize(&t.team.status_label()),
            when(t.team.created, sh.now),
            when(t.team.last_updated, sh.now)
        ),
        th.dim(),
    ));
    if let Some(e) = &v.directory_problem {
        if h.unverified > 0 {
            out.push(Line::styled(
                format!(
                    "{} approver(s) unverified: the verdict counts invitation status only — a DISABLED user would not show",
                    h.unverified
                ),
                th.warn(),
            ));
        }
        out.push(Line::styled(
            format!(
                "People unverified: {} ({}) — ids shown instead of names",
                sanitize(&e.message),
                e.operation
            ),
            th.warn(),
        ));
    }
    if let Some(p) = &t.team.pending_update {
        let after = p.health();
        let names = |v: Vec<&Approver>| {
            v.iter()
                .map(|a| sanitize(&a.who()).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(Line::from(vec![
            Span::styled("Pending update: ", th.warn()),
            Span::styled(
                format!(
                    "{} of {} · started {} · {}",
                    p.threshold.map_or("?".into(), |m| m.to_string()),
                    p.approvers.len(),
                    when(p.initiated, sh.now),
                    sanitize(p.status_code.as_deref().unwrap_or("pending"))
                ),
                th.text(),
            ),
        ]));
        let added = p.added(&t.team.approvers);
        if !added.is_empty() {
            out.push(Line::styled(format!("  adds {}", names(added)), th.text()));
        }
        let removed = p.removed(&t.team.approvers);
        if !removed.is_empty() {
            out.push(Line::styled(
                format!("  removes {}", names(removed)),
                th.text(),
            ));
        }
        out.push(Line::styled(
            format!("  after it: {}", after.summary()),
            verdict_style(th, after.verdict),
        ));
    }
    let sessions = v.sessions.value().map(Vec::as_slice).unwrap_or_default();
    let p = protected_resources(&t.team, sessions);
    out.push(Line::styled("Protects", th.title()));
    for pol in &p.policies {
        out.push(Line::styled(
            format!("  policy {}", sanitize(pol)),
            th.text(),
        ));
    }
    for r in &p.resources {
        out.push(Line::styled(format!("  {}", sanitize(r)), th.text()));
    }
    match &v.sessions {
        Load::Failed(e) => out.push(Line::styled(
            format!(
                "Sessions could not be listed: {} — {}",
                sanitize(&e.message),
                e.hint()
            ),
            th.error(),
        )),
        Load::Ready(s) => {
            let open = s.iter().filter(|s| s.is_open()).count();
            out.push(Line::styled(
                format!("Sessions: {open} pending of {} — s to open them", s.len()),
                th.text(),
            ));
        }
        _ => out.push(Line::styled("Loading sessions…", th.dim())),
    }
    out
}
