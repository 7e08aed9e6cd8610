//! Drawing one session as a timeline: the events sharing a `credentialId` and the sign-in
//! chains (`AuthWorkflowID`) that started it, oldest first, each with its offset from the
//! first, outcome, credential type, address and short user agent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::insight::{offset, session};
use super::view::EventsView;
use crate::model::text::sanitize;
use crate::model::trail_event::{Outcome, short_user_agent};
use crate::tui::approvals::cell;
use crate::tui::shared::Shared;

/// Draw the session view.
pub fn render(v: &mut EventsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    let focus_id = v.focus.clone();
    let events = v.store.all();
    let Some(focus) = focus_id.and_then(|id| events.iter().find(|e| e.event_id == id)) else {
        f.render_widget(
            Paragraph::new(Line::styled(
                "That event is no longer held (esc).",
                th.dim(),
            )),
            area,
        );
        return;
    };
    let rows = session(events, focus);
    let who = v.insight.who_label(focus);
    let cred = focus.credential_id.clone();
    let first = rows
        .first()
        .map(|&i| events[i].event_time)
        .unwrap_or(focus.event_time);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Events › Session › ", th.title()),
            Span::styled(sanitize(&who).into_owned(), th.title()),
        ]),
        Line::styled(
            match &cred {
                Some(c) => format!("credentialId {} · {} events", sanitize(c), rows.len()),
                None => format!(
                    "a sign-in with no session (it did not complete) · {} events",
                    rows.len()
                ),
            },
            th.dim(),
        ),
        Line::styled(
            format!(
                "{}{}{}{}{}{}",
                cell("AT", 9),
                cell("", 4),
                cell("EVENT", 26),
                cell("FACTOR", 15),
                cell("SOURCE IP", 16),
                "AGENT"
            ),
            th.dim(),
        ),
    ];
    let inner = area.height.saturating_sub(2) as usize;
    let range = v.session_list.visible(rows.len(), inner.saturating_sub(3));
    for r in range {
        let e = &events[rows[r]];
        let ok = e.outcome == Outcome::Success;
        let mut style = if ok { th.text() } else { th.error() };
        if r == v.session_list.selected {
            style = style.patch(th.selected());
        }
        let chain = e
            .auth_workflow_id
            .as_deref()
            .map(|w| format!(" [{}]", w.chars().take(8).collect::<String>()))
            .unwrap_or_default();
        lines.push(Line::styled(
            format!(
                "{}{}{}{}{}{}{}",
                cell(&offset(first, e.event_time), 9),
                cell(if ok { "ok" } else { "FAIL" }, 4),
                cell(&e.event_name, 26),
                cell(e.credential_type.as_deref().unwrap_or(""), 15),
                cell(e.source_ip.as_deref().unwrap_or("—"), 16),
                sanitize(
                    &e.user_agent
                        .as_deref()
                        .map(short_user_agent)
                        .unwrap_or_default()
                ),
                sanitize(&chain)
            ),
            style,
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Session ")),
        area,
    );
}
