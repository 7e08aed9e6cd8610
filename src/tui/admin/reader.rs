//! Reading a permission set's whole detail: on its page the detail shares the screen with
//! the accounts table and long inline policies are cut; `p` gives the detail the whole body,
//! scrolled with the list keys, `y` copies the inline policy, `esc` goes back to the table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::table::Target;
use super::view::AdminView;
use crate::model::permission_set::pretty_policy;
use crate::tui::clipboard::Clip;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::shared::Shared;
use crate::tui::widgets::Flash;

impl AdminView {
    /// The permission set whose page is shown, if any.
    pub fn permission_set_page(&self) -> Option<&str> {
        match self.stack.last().map(|p| &p.target) {
            Some(Target::PermissionSet(arn)) => Some(arn),
            _ => None,
        }
    }

    /// Start reading the shown permission set's detail.
    pub fn start_reading(&mut self, sh: &mut Shared) {
        match self.permission_set_page() {
            Some(arn) if matches!(self.details.get(arn), Some(Ok(_))) => self.reading = Some(0),
            Some(_) => sh.flash(Flash::warn("the permission set's details are not read yet")),
            None => sh.flash(Flash::warn("open a permission set first")),
        }
    }

    /// A command while reading; `None` = not the reader's.
    pub fn on_reading_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let scroll = self.reading.as_mut()?;
        match cmd {
            Command::Down => *scroll += 1,
            Command::Up => *scroll = scroll.saturating_sub(1),
            Command::PageDown => *scroll += 20,
            Command::PageUp => *scroll = scroll.saturating_sub(20),
            Command::Top => *scroll = 0,
            Command::Bottom => *scroll = usize::MAX / 2,
            Command::Back | Command::ReadPolicy => self.reading = None,
            Command::Copy => {
                let policy = self
                    .permission_set_page()
                    .and_then(|arn| self.details.get(arn))
                    .and_then(|d| d.as_ref().ok())
                    .and_then(|d| d.inline_policy.as_deref())
                    .map(pretty_policy);
                return Some(match policy {
                    Some(p) => {
                        vec![Effect::Copy(Clip::new("the inline policy", p))]
                    }
                    None => {
                        sh.flash(Flash::warn("this permission set has no inline policy"));
                        vec![]
                    }
                });
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// Draw `lines` (the whole detail) from the scroll position, keeping the last page full.
    pub fn draw_reading(&mut self, lines: Vec<Line<'static>>, f: &mut Frame, area: Rect) {
        let h = area.height as usize;
        let most = lines.len().saturating_sub(h);
        let scroll = self.reading.unwrap_or(0).min(most);
        self.reading = Some(scroll);
        let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).take(h).collect();
        f.render_widget(Paragraph::new(shown), area);
    }
}
