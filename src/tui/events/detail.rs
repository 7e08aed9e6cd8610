//! Drawing one event's raw record, pretty-printed: every line sanitised (the JSON escapes
//! control characters already; names and user agents may still hold bidi overrides), with a
//! one-line summary on top.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::view::EventsView;
use crate::model::text::sanitize;
use crate::tui::shared::Shared;

/// Draw the raw record.
pub fn render(v: &mut EventsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    let Some(e) = v.focused() else {
        f.render_widget(
            Paragraph::new(Line::styled(
                "That event is no longer held (esc).",
                th.dim(),
            )),
            area,
        );
        return;
    };
    let mut lines = vec![Line::styled(
        format!(
            "{} · {} · {} · format {} · {}",
            sanitize(&e.event_name),
            sanitize(&e.event_source),
            sanitize(&v.insight.who_label(e)),
            e.format.as_str(),
            e.group.label()
        ),
        th.title(),
    )];
    match e.raw_pretty() {
        Some(text) => lines.extend(
            text.lines()
                .map(|l| Line::styled(sanitize(l).into_owned(), th.text())),
        ),
        None => lines.push(Line::styled("The raw record was not kept.", th.dim())),
    }
    let inner = area.height.saturating_sub(2) as usize;
    v.scroll = v.scroll.min(lines.len().saturating_sub(inner));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((v.scroll as u16, 0))
            .block(Block::default().borders(Borders::ALL).title(" Event ")),
        area,
    );
}
