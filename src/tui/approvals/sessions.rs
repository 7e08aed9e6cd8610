//! Drawing one team's sessions: pending ones first, then newest, each with its votes against
//! M, requester, start and description; below, the selected session in full — action,
//! resource, requester, the times as relative ages, and every approver's response.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::view::ApprovalsView;
use super::{Load, cell, cell_span, when};
use crate::model::fuzzy::match_positions;
use crate::model::team_session::{Session, SessionStatus, Vote, outlook};
use crate::model::text::sanitize;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::highlighted;

/// Widths of the status, votes, requester and started columns.
const COLS: [usize; 4] = [17, 7, 16, 13];

fn status_style(th: &Theme, s: &Session) -> ratatui::style::Style {
    match &s.status {
        Some(SessionStatus::Pending | SessionStatus::Creating) => th.warn(),
        Some(SessionStatus::Approved) => th.ok(),
        Some(SessionStatus::Failed) => th.error(),
        _ => th.dim(),
    }
}

/// Draw the sessions level.
pub fn render(v: &mut ApprovalsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    let count = v.sessions.value().map_or(0, Vec::len);
    let list_height = (count as u16 + 3).clamp(5, (area.height / 2).max(5));
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
    let title = match &v.sessions {
        Load::Ready(s) => {
            let open = s.iter().filter(|s| s.is_open()).count();
            format!(" Sessions ({}, {open} pending) ", s.len())
        }
        Load::Loading(_) => " Sessions (loading…) ".to_string(),
        _ => " Sessions ".to_string(),
    };
    let mut lines = Vec::new();
    match (&v.sessions, v.sessions.value()) {
        (Load::Failed(e), _) => {
            lines.push(Line::styled(
                "The sessions could not be listed:",
                th.error(),
            ));
            lines.push(Line::styled(
                format!("{} — {}", sanitize(&e.message), e.hint()),
                th.error(),
            ));
        }
        (_, None) => lines.push(Line::styled("Loading sessions…", th.dim())),
        (_, Some(s)) if s.is_empty() => lines.push(Line::styled(
            "No sessions: nobody has asked this team to approve anything yet.",
            th.dim(),
        )),
        (_, Some(sessions)) => {
            lines.push(Line::styled(
                format!(
                    "{}{}{}{}DESCRIPTION",
                    cell("STATUS", COLS[0]),
                    cell("VOTES", COLS[1]),
                    cell("REQUESTER", COLS[2]),
                    cell("STARTED", COLS[3]),
                ),
                th.dim(),
            ));
            if v.session_pane.visible.is_empty() {
                lines.push(Line::styled(
                    format!(
                        "Nothing matches “{}”.",
                        sanitize(&v.session_pane.filter.text)
                    ),
                    th.dim(),
                ));
            }
            let height = list_area.height.saturating_sub(3) as usize;
            let range = v
                .session_pane
                .list
                .visible(v.session_pane.visible.len(), height);
            let query = v.session_pane.filter.text.clone();
            let dw = (list_area.width as usize)
                .saturating_sub(COLS.iter().map(|w| w + 2).sum::<usize>() + 2);
            for pos in range {
                let s = &sessions[v.session_pane.visible[pos]];
                let base = if pos == v.session_pane.list.selected {
                    th.selected()
                } else {
                    th.text()
                };
                let desc = s.description.clone().unwrap_or_default();
                let mut spans = vec![
                    cell_span(&s.status_label(), COLS[0], base.patch(status_style(th, s))),
                    cell_span(&s.votes_label(), COLS[1], base),
                    cell_span(&s.requester_short(), COLS[2], base),
                    cell_span(&when(s.initiated, sh.now), COLS[3], base),
                ];
                spans.extend(
                    highlighted(
                        &desc,
                        &match_positions(&query, &desc),
                        dw,
                        base,
                        base.patch(th.matched()),
                    )
                    .spans,
                );
                lines.push(Line::from(spans));
            }
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        list_area,
    );
    let detail = v
        .selected_session()
        .map(|s| detail(s, v, sh))
        .unwrap_or_default();
    f.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Session ")),
        detail_area,
    );
}

fn field(label: &str, value: String, th: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<10}"), th.dim()),
        Span::styled(value, th.text()),
    ])
}

fn detail(s: &Session, v: &ApprovalsView, sh: &Shared) -> Vec<Line<'static>> {
    let th = &sh.theme;
    let clean = |o: &Option<String>| sanitize(o.as_deref().unwrap_or("—")).into_owned();
    let mut out = vec![
        Line::styled(clean(&s.description), th.title()),
        Line::from(vec![
            Span::styled(
                sanitize(&s.status_label()).into_owned(),
                status_style(th, s),
            ),
            Span::styled(
                format!(
                    " · {} approvals{} · requested by {} · started {} · expires {}{}",
                    s.votes_label(),
                    s.rejections()
                        .filter(|n| *n > 0)
                        .map(|n| format!(", {n} rejected"))
                        .unwrap_or_default(),
                    sanitize(&s.requester_short()),
                    when(s.initiated, sh.now),
                    when(s.expires, sh.now),
                    s.completed
                        .map(|c| format!(" · completed {}", when(Some(c), sh.now)))
                        .unwrap_or_default()
                ),
                th.text(),
            ),
        ]),
    ];
    if let Some((need, usable)) = v.team().and_then(|t| outlook(s, &t.team)) {
        let (text, style) = if need == 0 {
            ("has the approvals it needs".to_string(), th.ok())
        } else if usable < need {
            (
                format!(
                    "cannot pass: needs {need} more, and only {usable} of the approvers who have not answered can vote"
                ),
                th.error(),
            )
        } else {
            (
                format!("needs {need} more; {usable} approver(s) who have not answered can vote"),
                th.text(),
            )
        };
        out.push(field("Outlook", text, th).style(style));
    }
    match (v.session_errors.get(&s.arn), &s.responses) {
        (Some(e), None) => out.push(Line::styled(
            format!(
                "Responses could not be read: {} — {}",
                sanitize(&e.message),
                e.hint()
            ),
            th.error(),
        )),
        (_, None) => out.push(Line::styled("Loading responses…", th.dim())),
        (_, Some(r)) if r.is_empty() => out.push(Line::styled("No approvers recorded.", th.dim())),
        (_, Some(responses)) => {
            for r in responses {
                let style = match &r.response {
                    Some(Vote::Approved) => th.ok(),
                    Some(Vote::Rejected) => th.error(),
                    _ => th.dim(),
                };
                out.push(Line::from(vec![
                    Span::styled(format!("  {}", cell(r.response_label(), 12)), style),
                    Span::styled(cell(&r.person.label(&r.identity_id), 40), th.text()),
                    Span::styled(
                        r.response_time
                            .map(|t| when(Some(t), sh.now))
                            .unwrap_or_default(),
                        th.dim(),
                    ),
                ]));
            }
        }
    }
    out.push(field("Action", clean(&s.action_name), th));
    out.push(field("Resource", clean(&s.protected_resource), th));
    out.push(field(
        "Requester",
        format!(
            "{} (account {})",
            clean(&s.requester_principal),
            clean(&s.requester_account)
        ),
        th,
    ));
    if let Some(c) = &s.requester_comment
        && Some(c) != s.description.as_ref()
    {
        out.push(field("Comment", sanitize(c).into_owned(), th));
    }
    if let Some(m) = &s.status_message {
        out.push(field("Message", sanitize(m).into_owned(), th));
    }
    if let Some(x) = &s.execution_status {
        out.push(field("Execution", sanitize(x).into_owned(), th));
    }
    out
}
