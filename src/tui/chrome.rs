//! The frame around every screen: the header (who, where, how long the session lasts, the
//! EMULATOR badge), the tab bar, the footer (key hints or the filter line) and the flash line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::command::Command;
use super::keymap::KeyContext;
use super::shared::ScreenId;
use super::widgets::FlashLevel;
use super::widgets::hints::hint_line;
use crate::model::text::sanitize;

impl App {
    pub(super) fn render_header(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        let s = &self.sh.session;
        let now = self.sh.now;
        let mut spans = vec![Span::styled(" centry ", th.title())];
        if s.emulator {
            spans.push(Span::styled(" EMULATOR ", th.badge()));
            spans.push(Span::raw(" "));
        }
        if let Some(u) = &s.user {
            spans.push(Span::styled(sanitize(u).into_owned(), th.text()));
            spans.push(Span::styled(" @ ", th.dim()));
        }
        if let Some(t) = &s.target {
            spans.push(Span::styled(
                format!("{} ({})", sanitize(&t.label()), sanitize(&t.region)),
                th.text(),
            ));
        }
        match &s.token {
            Some(t) => {
                let left = crate::tui::format::left(t.expires_at, now);
                let style = if (t.expires_at - now).whole_minutes() < 15 {
                    th.warn()
                } else {
                    th.ok()
                };
                spans.push(Span::styled(format!("  session {left} left"), style));
            }
            None => spans.push(Span::styled("  not signed in", th.warn())),
        }
        if s.read_only {
            spans.push(Span::styled("  READ-ONLY", th.warn()));
        }
        if let Some(why) = &s.disconnected {
            spans.push(Span::styled(
                format!("  DISCONNECTED: {}", sanitize(why)),
                th.warn(),
            ));
        }
        if let Some(a) = &s.admin {
            // The least important part: shortened, then dropped, when the line is full.
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            let room = (area.width as usize).saturating_sub(used);
            let full = format!("  admin: {}", sanitize(&a.label));
            let short = format!("  admin: {}", sanitize(&a.creds.role_name));
            if full.chars().count() <= room {
                spans.push(Span::styled(full, th.dim()));
            } else if short.chars().count() <= room {
                spans.push(Span::styled(short, th.dim()));
            }
        }
        f.render_widget(Paragraph::new(Line::from(spans)).style(th.header()), area);
    }

    pub(super) fn render_tabs(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        let cur = self.screen();
        let tab = |s: &ScreenId, short: bool| {
            let key = self
                .sh
                .keymap
                .keys_for(&[KeyContext::Global], s.command())
                .first()
                .cloned()
                .unwrap_or_default();
            format!(
                " {key} {} ",
                if short { s.short_title() } else { s.title() }
            )
        };
        let full: usize = ScreenId::TABS
            .iter()
            .map(|s| tab(s, false).chars().count())
            .sum();
        let short = full > area.width as usize;
        let mut spans = Vec::new();
        for s in ScreenId::TABS {
            let active = *s == cur || (cur == ScreenId::Role && *s == ScreenId::Accounts);
            spans.push(Span::styled(
                tab(s, short),
                if active { th.selected() } else { th.dim() },
            ));
        }
        if cur == ScreenId::Role {
            spans.push(Span::styled(
                format!(
                    "  › {} › {}",
                    sanitize(&self.views.role.account_name),
                    sanitize(&self.views.role.role)
                ),
                th.text(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    pub(super) fn render_footer(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        if self.overlay.is_none()
            && self.screen() == ScreenId::Accounts
            && (self.views.accounts.filter.editing || self.views.accounts.filter.is_active())
        {
            let cursor = if self.views.accounts.filter.editing {
                "▏"
            } else {
                ""
            };
            let line = Line::from(vec![
                Span::styled("/", th.key()),
                Span::styled(
                    format!("{}{cursor}", sanitize(&self.views.accounts.filter.text)),
                    th.text(),
                ),
                Span::styled(
                    if self.views.accounts.filter.editing {
                        "   enter keep · esc done"
                    } else {
                        "   esc clear"
                    },
                    th.dim(),
                ),
            ]);
            f.render_widget(Paragraph::new(line), area);
            return;
        }
        let contexts = self.contexts();
        let cmds = match &self.overlay {
            Some(o) => o.hints(),
            None => self.views.get(self.screen()).hints(),
        };
        let cmds: Vec<Command> = cmds
            .into_iter()
            .filter(|c| !(self.sh.session.read_only && c.is_dangerous()))
            .collect();
        f.render_widget(
            Paragraph::new(hint_line(&self.sh.keymap, &contexts, &cmds, th, area.width)),
            area,
        );
    }

    pub(super) fn render_flash(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        if let Some(fl) = &self.sh.flash {
            let style = match fl.level {
                FlashLevel::Info => th.ok(),
                FlashLevel::Warn => th.warn(),
                FlashLevel::Error => th.error(),
            };
            f.render_widget(
                Paragraph::new(Line::styled(sanitize(&fl.text).into_owned(), style)),
                area,
            );
        }
    }
}
