//! Drawing the teams level: one row per team (name, status, M-of-N, usable approvers, the
//! health verdict in its style, pending sessions), and below it the selected team's verdict
//! in words with the reason for each approver who does not count.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::view::ApprovalsView;
use super::{Load, cell, cell_span, verdict_style, when};
use crate::model::fuzzy::match_positions;
use crate::model::text::sanitize;
use crate::services::approvals::TeamOverview;
use crate::tui::shared::Shared;
use crate::tui::widgets::list::highlighted;

/// Widths of the M-of-N, usable and health columns.
const COLS: [usize; 3] = [7, 7, 9];

/// Widths of the name and status columns in `total` characters: the name as long as the
/// longest (12..30), the status what is left (6..34).
fn widths(total: usize, longest_name: usize) -> (usize, usize) {
    let fixed: usize = COLS.iter().map(|w| w + 2).sum::<usize>() + "PENDING".len();
    let name = longest_name.clamp(12, 30);
    let status = total.saturating_sub(fixed + name + 4).clamp(6, 34);
    (name, status)
}

/// Draw the teams level.
pub fn render(v: &mut ApprovalsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    if let Load::Failed(e) = &v.teams {
        let text = vec![
            Line::styled("The approval teams could not be listed:", th.error()),
            Line::styled(sanitize(&e.message).into_owned(), th.error()),
            Line::raw(""),
            Line::styled(e.hint(), th.text()),
            Line::styled(
                "centry needs mpa:ListApprovalTeams, mpa:GetApprovalTeam and mpa:ListSessions in the account that owns the teams; r retries.",
                th.dim(),
            ),
        ];
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Approval teams "),
            ),
            area,
        );
        return;
    }
    let count = v.teams.value().map_or(0, Vec::len);
    let list_height = (count as u16 + 3).clamp(5, area.height.saturating_sub(6).max(5));
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
    let longest = v
        .teams
        .value()
        .map(|t| {
            t.iter()
                .map(|t| t.team.name.chars().count())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    let (nw, sw) = widths(list_area.width.saturating_sub(2) as usize, longest);

    let title = match &v.teams {
        Load::Loading(_) => " Approval teams (loading…) ".to_string(),
        Load::Ready(t) if v.team_pane.filter.is_active() => {
            format!(
                " Approval teams ({} of {}) ",
                v.team_pane.visible.len(),
                t.len()
            )
        }
        Load::Ready(t) => format!(" Approval teams ({}) ", t.len()),
        _ => " Approval teams ".to_string(),
    };
    let mut lines = Vec::new();
    match (&v.teams, v.teams.value()) {
        (Load::Loading(None), _) | (Load::Idle, _) => {
            lines.push(Line::styled("Loading approval teams…", th.dim()));
        }
        (_, Some(teams)) if teams.is_empty() => {
            lines.push(Line::styled(
                "No approval teams in this account and region.",
                th.dim(),
            ));
        }
        (_, Some(teams)) => {
            lines.push(Line::styled(
                format!(
                    "{}{}{}{}{}{}",
                    cell("NAME", nw),
                    cell("STATUS", sw),
                    cell("M-OF-N", COLS[0]),
                    cell("USABLE", COLS[1]),
                    cell("HEALTH", COLS[2]),
                    "PENDING"
                ),
                th.dim(),
            ));
            if v.team_pane.visible.is_empty() {
                lines.push(Line::styled(
                    format!("Nothing matches “{}”.", sanitize(&v.team_pane.filter.text)),
                    th.dim(),
                ));
            }
            let height = list_area.height.saturating_sub(3) as usize;
            let range = v.team_pane.list.visible(v.team_pane.visible.len(), height);
            let query = v.team_pane.filter.text.clone();
            for pos in range {
                let t = &teams[v.team_pane.visible[pos]];
                let selected = pos == v.team_pane.list.selected;
                lines.push(row(t, selected, &query, nw, sw, sh));
            }
        }
        _ => {}
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        list_area,
    );
    let detail = v
        .selected_team()
        .map(|t| detail(t, v, sh))
        .unwrap_or_default();
    f.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Health ")),
        detail_area,
    );
}

fn row(
    t: &TeamOverview,
    selected: bool,
    query: &str,
    nw: usize,
    sw: usize,
    sh: &Shared,
) -> Line<'static> {
    let th = &sh.theme;
    let base = if selected { th.selected() } else { th.text() };
    let h = t.team.health();
    let mut spans = highlighted(
        &t.team.name,
        &match_positions(query, &t.team.name),
        nw,
        base,
        base.patch(th.matched()),
    )
    .spans;
    let shown: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    spans.push(Span::styled(" ".repeat(nw.saturating_sub(shown) + 2), base));
    let usable = if t.team.detailed {
        h.usable.to_string()
    } else {
        "?".to_string()
    };
    let pending = match &t.pending_sessions {
        Ok(n) => n.to_string(),
        Err(_) => "?".to_string(),
    };
    spans.push(cell_span(&t.team.status_label(), sw, base));
    spans.push(cell_span(&t.team.m_of_n(), COLS[0], base));
    spans.push(cell_span(&usable, COLS[1], base));
    spans.push(cell_span(
        &h.verdict.as_str().to_uppercase(),
        COLS[2],
        base.patch(verdict_style(th, h.verdict)),
    ));
    spans.push(Span::styled(pending, base));
    Line::from(spans)
}

fn detail(t: &TeamOverview, v: &ApprovalsView, sh: &Shared) -> Vec<Line<'static>> {
    let th = &sh.theme;
    let h = t.team.health();
    let mut out = vec![Line::from(vec![
        Span::styled(sanitize(&t.team.name).into_owned(), th.title()),
        Span::styled("  ", th.text()),
        Span::styled(
            h.verdict.as_str().to_uppercase(),
            verdict_style(th, h.verdict),
        ),
    ])];
    if let Some(e) = &t.detail_error {
        out.push(Line::styled(
            format!(
                "The team's approvers could not be read: {} — {}",
                sanitize(&e.message),
                e.hint()
            ),
            th.error(),
        ));
    } else {
        out.push(Line::styled(h.summary(), verdict_style(th, h.verdict)));
        for r in h.reasons() {
            out.push(Line::styled(format!("  • {}", sanitize(&r)), th.text()));
        }
        if h.unverified > 0 && v.directory_problem.is_some() {
            out.push(Line::styled(
                format!(
                    "  {} approver(s) unverified: the directory could not be read, so DISABLED users cannot be seen",
                    h.unverified
                ),
                th.warn(),
            ));
        }
    }
    if let Some(d) = &t.team.description {
        out.push(Line::styled(sanitize(d).into_owned(), th.dim()));
    }
    if let Some(m) = &t.team.status_message {
        out.push(Line::styled(sanitize(m).into_owned(), th.dim()));
    }
    if let Some(p) = &t.team.pending_update {
        let after = p.health();
        out.push(Line::from(vec![
            Span::styled("Pending update: ", th.warn()),
            Span::styled(
                format!(
                    "{} of {} after it, started {} — then {}",
                    p.threshold.map_or("?".into(), |m| m.to_string()),
                    p.approvers.len(),
                    when(p.initiated, sh.now),
                    after.verdict.as_str()
                ),
                th.text(),
            ),
        ]));
    }
    match &t.pending_sessions {
        Ok(0) => {}
        Ok(n) => out.push(Line::styled(
            format!("{n} session(s) waiting for votes — s to see them"),
            th.text(),
        )),
        Err(e) => out.push(Line::styled(
            format!(
                "Pending sessions could not be counted: {}",
                sanitize(&e.message)
            ),
            th.error(),
        )),
    }
    if let Some(e) = &v.directory_problem {
        out.push(Line::styled(
            format!(
                "People unverified: {} ({})",
                sanitize(&e.message),
                e.operation
            ),
            th.warn(),
        ));
    }
    out
}
