//! The logs screen: what centry did this session (sign-ins, listings, failures, flashes) and
//! what it logged through `tracing` (warnings in colour), newest at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::command::Command;
use super::effect::Effect;
use super::keymap::KeyContext;
use super::shared::Shared;
use super::view::View;
use crate::model::text::sanitize;

/// The logs screen.
#[derive(Default)]
pub struct LogsView {
    /// Lines scrolled back from the newest.
    pub scroll: usize,
}

impl View for LogsView {
    fn contexts(&self) -> Vec<KeyContext> {
        vec![KeyContext::List, KeyContext::Global]
    }

    fn hints(&self) -> Vec<Command> {
        vec![Command::Up, Command::Down, Command::Back, Command::Quit]
    }

    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        match cmd {
            Command::Up => self.scroll = (self.scroll + 1).min(sh.log.len()),
            Command::Down => self.scroll = self.scroll.saturating_sub(1),
            Command::Top => self.scroll = sh.log.len(),
            Command::Bottom => self.scroll = 0,
            _ => return None,
        }
        Some(vec![])
    }

    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let h = area.height as usize;
        let n = sh.log.len();
        let end = n.saturating_sub(self.scroll.min(n));
        let start = end.saturating_sub(h);
        let lines: Vec<Line> = sh
            .log
            .iter()
            .skip(start)
            .take(end - start)
            .map(|l| {
                // Lines from `tracing` carry their level after the time.
                let level = l.get(10..15).unwrap_or("");
                let style = match level.trim_end() {
                    "ERROR" => th.error(),
                    "WARN" => th.warn(),
                    _ => th.text(),
                };
                Line::styled(sanitize(l).into_owned(), style)
            })
            .collect();
        if lines.is_empty() {
            f.render_widget(Paragraph::new(Line::styled("Nothing yet.", th.dim())), area);
        } else {
            f.render_widget(Paragraph::new(lines), area);
        }
    }
}
