//! Drawing the accounts screen: the status line (counts, age, changes, progress with rate
//! and ETA, selection, matches), inline errors, and the table with match highlights.

use crate::model::words::count;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use time::OffsetDateTime;

use super::{AccountsView, Change};
use crate::model::fuzzy::match_positions;
use crate::tui::shared::Shared;
use crate::tui::widgets::list::highlighted;

impl AccountsView {
    pub(super) fn status_line(&self, sh: &Shared, now: OffsetDateTime) -> Line<'static> {
        let th = &sh.theme;
        let mut spans = Vec::new();
        let (accounts, roles) = self
            .listing
            .as_ref()
            .map(|l| (l.accounts.len(), l.role_count()))
            .unwrap_or((0, 0));
        spans.push(Span::styled(
            format!(
                "{} · {}",
                count(accounts, "account", "accounts"),
                count(roles, "role", "roles")
            ),
            th.text(),
        ));
        if !self.visible.is_empty() {
            // Where the cursor is, and the order (k9s and lazygit show both).
            spans.push(Span::styled(
                format!(
                    " · {}/{} · by {}",
                    self.list.selected + 1,
                    self.visible.len(),
                    self.sort.label()
                ),
                th.dim(),
            ));
        }
        if let Some(l) = &self.listing {
            let age = crate::tui::format::age(l.as_of, now);
            let tag = if self.from_cache { " (cached)" } else { "" };
            spans.push(Span::styled(
                format!(" · as of {age}{tag}"),
                if self.from_cache { th.warn() } else { th.dim() },
            ));
        }
        if !self.diff.is_empty() {
            spans.push(Span::styled(
                format!(
                    " · {} new, {} removed since last time",
                    self.diff.added.len() + self.diff.roles_added.len(),
                    self.diff.removed.len() + self.diff.roles_removed.len()
                ),
                th.warn(),
            ));
        }
        if let Some(p) = &self.loading {
            const SPIN: [&str; 4] = ["◐", "◓", "◑", "◒"];
            let eta = p
                .eta()
                .map(|s| format!(", ETA {}s", s.ceil() as u64))
                .unwrap_or_default();
            spans.push(Span::styled(
                format!(
                    " · {} listing {}/{}{} ({:.0} req/s{eta})",
                    SPIN[self.spinner % 4],
                    p.done,
                    p.total,
                    if p.total_final { "" } else { "+" },
                    p.rate
                ),
                th.ok(),
            ));
        }
        if !self.selected.is_empty() {
            spans.push(Span::styled(
                format!(" · {} selected", self.selected.len()),
                th.warn(),
            ));
        }
        if self.filter.is_active() {
            spans.push(Span::styled(
                format!(" · {} match", self.visible.len()),
                th.dim(),
            ));
        }
        Line::from(spans)
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let now = sh.now;
        let err_h = u16::from(self.error.is_some());
        let [status, err, head, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(err_h),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        f.render_widget(Paragraph::new(self.status_line(sh, now)), status);
        if let Some(e) = &self.error {
            f.render_widget(
                Paragraph::new(Line::styled(
                    format!(
                        "{} failed: {} — {}",
                        e.operation,
                        crate::model::text::sanitize(&e.message),
                        e.hint()
                    ),
                    th.error(),
                )),
                err,
            );
        }
        if self.rows.is_empty() {
            let msg = if self.loading.is_some() {
                "Loading accounts…"
            } else if self.error.is_some() {
                ""
            } else {
                "You have no accounts in this Identity Center."
            };
            f.render_widget(Paragraph::new(Line::styled(msg, th.dim())), body);
            return;
        }
        if self.visible.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    format!("Nothing matches “{}”.", self.filter.text),
                    th.dim(),
                )),
                body,
            );
            return;
        }
        let w = area.width as usize;
        let id_w = 12;
        let role_w = (w / 4).clamp(10, 28);
        let email_w = if w >= 110 { (w / 4).min(36) } else { 0 };
        let name_w = w.saturating_sub(4 + id_w + role_w + email_w + 3).max(8);
        let mut header = format!(
            "    {:<name_w$} {:<id_w$} {:<role_w$}",
            "ACCOUNT", "ID", "ROLE"
        );
        if email_w > 0 {
            header.push_str(&format!(" {:<email_w$}", "EMAIL"));
        }
        f.render_widget(Paragraph::new(Line::styled(header, th.dim())), head);
        let range = self.list.visible(self.visible.len(), body.height as usize);
        let q = self.filter.text.clone();
        let mut lines = Vec::new();
        for pos in range {
            let row = &self.rows[self.visible[pos]];
            let key = row.key().unwrap_or_default();
            let selected_row = pos == self.list.selected;
            let base = if selected_row {
                th.selected()
            } else if row.change == Change::Removed {
                th.dim()
            } else {
                th.text()
            };
            let mark = if self.selected.contains(&key) {
                "●"
            } else if sh.prefs.favourites.contains(&key) {
                "★"
            } else {
                " "
            };
            let change = match row.change {
                Change::New => "+",
                Change::Removed => "-",
                Change::Same => " ",
            };
            let mut spans = vec![Span::styled(format!("{mark}{change}  "), base)];
            let cell = |text: &str, width: usize| -> Vec<Span<'static>> {
                let pos = match_positions(&q, text);
                let mut l = highlighted(
                    text,
                    &pos,
                    width,
                    base,
                    if selected_row { base } else { th.matched() },
                )
                .spans;
                let used: usize = l.iter().map(|s| s.content.chars().count()).sum();
                l.push(Span::styled(
                    " ".repeat(width.saturating_sub(used) + 1),
                    base,
                ));
                l
            };
            spans.extend(cell(&row.account_name, name_w));
            spans.extend(cell(&row.account_id, id_w));
            match &row.role {
                Some(r) => spans.extend(cell(r, role_w)),
                None => spans.push(Span::styled(format!("{:<w$} ", "…", w = role_w), th.dim())),
            }
            if email_w > 0 {
                spans.extend(cell(&row.email, email_w));
            }
            if row.change == Change::Removed {
                spans.push(Span::styled("removed", th.warn()));
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), body);
    }
}
