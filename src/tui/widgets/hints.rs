//! The footer's key hints, generated from the keymap: `key description` pairs that fit.

use ratatui::text::{Line, Span};

use crate::tui::command::Command;
use crate::tui::keymap::{KeyContext, Keymap};
use crate::tui::theme::Theme;

/// Build the hint line for the given commands in the given contexts, cut to `width`. The help
/// key, when listed, always keeps its place at the end: it is how the rest is found.
pub fn hint_line(
    keymap: &Keymap,
    contexts: &[KeyContext],
    commands: &[Command],
    theme: &Theme,
    width: u16,
) -> Line<'static> {
    let entry = |cmd: Command| -> Option<(String, String)> {
        let key = keymap.keys_for(contexts, cmd).into_iter().next()?;
        Some((key, format!(" {}", cmd.describe())))
    };
    let need = |(key, text): &(String, String)| key.chars().count() + text.chars().count() + 2;
    let all: Vec<(Command, (String, String))> = commands
        .iter()
        .filter_map(|c| Some((*c, entry(*c)?)))
        .collect();
    let fits = all.iter().map(|(_, e)| need(e)).sum::<usize>() <= width as usize;
    // When everything fits, in the order given; otherwise help is kept back for the end.
    let help = (!fits)
        .then(|| all.iter().find(|(c, _)| *c == Command::Help))
        .flatten()
        .map(|(_, e)| e.clone());
    let mut room = (width as usize).saturating_sub(help.as_ref().map_or(0, need));
    let mut spans = Vec::new();
    let mut push = |(key, text): (String, String)| {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(text, theme.dim()));
        spans.push(Span::raw("  "));
    };
    for (cmd, e) in all {
        if help.is_some() && cmd == Command::Help {
            continue;
        }
        if need(&e) > room {
            break;
        }
        room -= need(&e);
        push(e);
    }
    if let Some(h) = help.filter(|h| need(h) <= width as usize) {
        push(h);
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(width: u16) -> String {
        let keymap = Keymap::load(None).unwrap();
        let line = hint_line(
            &keymap,
            &[KeyContext::Admin, KeyContext::List, KeyContext::Global],
            &[
                Command::Open,
                Command::Filter,
                Command::ExportJson,
                Command::Help,
                Command::Quit,
            ],
            &Theme::plain(),
            width,
        );
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_help_key_survives_a_narrow_footer() {
        assert_eq!(
            text(200).trim_end(),
            "enter open  / filter  e export JSON  ? keys  C-c quit"
        );
        assert_eq!(text(36).trim_end(), "enter open  / filter  ? keys");
        assert_eq!(text(8).trim_end(), "? keys");
    }
}
