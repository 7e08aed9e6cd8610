//! The small surface every screen has, so `App` dispatches with one `match` on the screen id
//! (no boxed component list, no broadcasting).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::command::Command;
use super::effect::Effect;
use super::keymap::KeyContext;
use super::shared::Shared;
use super::widgets::FilterInput;

/// A screen.
pub trait View {
    /// Key contexts, most specific first (without the overlay ones).
    fn contexts(&self) -> Vec<KeyContext>;
    /// Commands to show in the footer.
    fn hints(&self) -> Vec<Command>;
    /// Handle a command; `None` = not this screen's (the app's global handling applies).
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>>;
    /// Draw from state alone.
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared);
    /// Time passed; return whether anything shown depends on time.
    fn on_tick(&mut self) -> bool {
        false
    }
    /// The screen was switched to (load lazily here).
    fn on_enter(&mut self, _sh: &Shared) -> Vec<Effect> {
        Vec::new()
    }
    /// The filter input, for screens that filter with `/`.
    fn filter(&mut self) -> Option<&mut FilterInput> {
        None
    }
    /// Whether the filter input has focus.
    fn filter_editing(&self) -> bool {
        false
    }
    /// Re-apply the filter after its text changed.
    fn refilter(&mut self) {}
}
