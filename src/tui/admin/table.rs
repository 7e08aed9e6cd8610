//! One table of the admin screens: columns sized to their content, rows that may open
//! another page, a `/` fuzzy filter over every cell, match highlighting, and the selected
//! row's explanation (its access path) under the table. Everything shown is sanitised.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::fuzzy::{FuzzyIndex, match_positions};
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{fit, highlighted};
use crate::tui::widgets::{FilterInput, ListState};

/// What a row opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An account (id).
    Account(String),
    /// A person (user id).
    Person(String),
    /// A permission set (ARN).
    PermissionSet(String),
    /// An application (ARN).
    App(String),
    /// An Identity Center instance (ARN), to work on.
    Instance(String),
}

/// One row.
#[derive(Debug, Clone, Default)]
pub struct TableRow {
    /// Cells in header order.
    pub cells: Vec<String>,
    /// Shown in the warning style (unverified names, removed grants).
    pub warn: bool,
    /// What Enter opens.
    pub open: Option<Target>,
    /// Shown under the table when selected (the access path, the window's arithmetic).
    pub detail: Vec<String>,
}

/// A filterable table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Every row.
    pub rows: Vec<TableRow>,
    /// Rows shown, in order (indexes into `rows`).
    pub visible: Vec<usize>,
    /// Cursor.
    pub list: ListState,
    /// The `/` filter.
    pub filter: FilterInput,
    /// Said when there are no rows at all.
    pub empty: String,
    index: FuzzyIndex,
    widths: Vec<usize>,
}

impl Table {
    /// A table; `empty` is what to say when there are no rows.
    pub fn new(headers: Vec<&'static str>, rows: Vec<TableRow>, empty: impl Into<String>) -> Table {
        let index = FuzzyIndex::new(rows.iter().map(|r| r.cells.join(" ")));
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.cells.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        let visible = (0..rows.len()).collect();
        Table {
            headers,
            rows,
            visible,
            list: ListState::default(),
            filter: FilterInput::default(),
            empty: empty.into(),
            index,
            widths,
        }
    }

    /// Apply the filter.
    pub fn refilter(&mut self) {
        self.visible = self
            .index
            .filter(&self.filter.text)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        self.list.clamp(self.visible.len());
    }

    /// The selected row.
    pub fn current(&self) -> Option<&TableRow> {
        self.visible.get(self.list.selected).map(|&i| &self.rows[i])
    }

    /// The rows shown, in order (what export writes).
    pub fn shown(&self) -> impl Iterator<Item = &TableRow> {
        self.visible.iter().map(|&i| &self.rows[i])
    }

    /// Move the cursor; returns whether the command was a movement.
    pub fn navigate(&mut self, cmd: crate::tui::command::Command, page: usize) -> bool {
        use crate::tui::command::Command::*;
        let len = self.visible.len();
        match cmd {
            Down => self.list.move_by(1, len),
            Up => self.list.move_by(-1, len),
            PageDown => self.list.move_by(page.max(1) as isize, len),
            PageUp => self.list.move_by(-(page.max(1) as isize), len),
            Top => self.list.top(),
            Bottom => self.list.bottom(len),
            _ => return false,
        }
        true
    }

    /// Column widths fitted to `width`: each column as wide as its content, the widest ones
    /// shrunk until the row fits.
    fn fitted(&self, width: usize) -> Vec<usize> {
        let mut w: Vec<usize> = self.widths.iter().map(|&x| x.min(60)).collect();
        let gaps = 2 * w.len().saturating_sub(1);
        while w.iter().sum::<usize>() + gaps > width {
            let Some((i, &max)) = w.iter().enumerate().max_by_key(|(_, x)| **x) else {
                break;
            };
            if max <= 6 {
                break;
            }
            w[i] = max - 1;
        }
        w
    }

    /// Draw the header and the rows that fit in `area`.
    pub fn render(&mut self, f: &mut Frame, area: Rect, th: &Theme) {
        if area.height == 0 {
            return;
        }
        if self.rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    fit(&self.empty, area.width as usize),
                    th.dim(),
                )),
                area,
            );
            return;
        }
        if self.visible.is_empty() {
            let msg = format!("Nothing matches “{}”.", self.filter.text);
            f.render_widget(
                Paragraph::new(Line::styled(fit(&msg, area.width as usize), th.dim())),
                area,
            );
            return;
        }
        let widths = self.fitted(area.width as usize);
        let pad = |s: String, w: usize| {
            let n = s.chars().count();
            format!("{s}{}", " ".repeat(w.saturating_sub(n)))
        };
        let header: String = self
            .headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| pad(fit(h, *w), *w))
            .collect::<Vec<_>>()
            .join("  ");
        let mut lines = vec![Line::styled(header.trim_end().to_string(), th.dim())];
        let q = self.filter.text.clone();
        let range = self
            .list
            .visible(self.visible.len(), area.height.saturating_sub(1) as usize);
        for pos in range {
            let row = &self.rows[self.visible[pos]];
            let base = if pos == self.list.selected {
                th.selected()
            } else if row.warn {
                th.warn()
            } else {
                th.text()
            };
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                let text = row.cells.get(i).map(String::as_str).unwrap_or("");
                let cell = highlighted(text, &match_positions(&q, text), *w, base, th.matched());
                let used: usize = cell.spans.iter().map(|s| s.content.chars().count()).sum();
                spans.extend(cell.spans);
                if i + 1 < widths.len() {
                    spans.push(Span::styled(" ".repeat(w.saturating_sub(used) + 2), base));
                }
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let row = |a: &str, b: &str| TableRow {
            cells: vec![a.into(), b.into()],
            ..Default::default()
        };
        Table::new(
            vec!["NAME", "ROLE"],
            vec![row("payments-prod", "ReadOnly"), row("sandbox", "Admin")],
            "nothing",
        )
    }

    #[test]
    fn the_filter_narrows_and_keeps_the_cursor_inside() {
        let mut t = table();
        t.list.bottom(2);
        t.filter.text = "pay".into();
        t.refilter();
        assert_eq!(t.visible, vec![0]);
        assert_eq!(t.list.selected, 0);
        assert_eq!(t.current().unwrap().cells[0], "payments-prod");
        assert_eq!(t.shown().count(), 1);
    }

    #[test]
    fn wide_columns_shrink_to_fit() {
        let t = table();
        assert_eq!(t.fitted(100), vec![13, 8]);
        let narrow = t.fitted(16);
        assert!(narrow.iter().sum::<usize>() + 2 <= 16, "{narrow:?}");
    }
}
