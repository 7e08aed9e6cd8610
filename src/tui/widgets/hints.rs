//! The footer's key hints, generated from the keymap: `key description` pairs that fit.

use ratatui::text::{Line, Span};

use crate::tui::command::Command;
use crate::tui::keymap::{KeyContext, Keymap};
use crate::tui::theme::Theme;

/// Build the hint line for the given commands in the given contexts, cut to `width`.
pub fn hint_line(
    keymap: &Keymap,
    contexts: &[KeyContext],
    commands: &[Command],
    theme: &Theme,
    width: u16,
) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for cmd in commands {
        let keys = keymap.keys_for(contexts, *cmd);
        let Some(key) = keys.first() else { continue };
        let text = format!(" {}", cmd.describe());
        let need = key.chars().count() + text.chars().count() + 2;
        if used + need > width as usize {
            break;
        }
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::styled(text, theme.dim()));
        spans.push(Span::raw("  "));
        used += need;
    }
    Line::from(spans)
}
