//! Text that came from AWS or a log file is shown, never interpreted: the one sanitiser for
//! every output. This module neutralises control characters and escape sequences for the
//! terminal (tables, messages, the console); [`csv`] does the same for CSV cells and defuses
//! spreadsheet formulas; [`json`] escapes what serde_json leaves raw; [`ini`] keeps names and
//! values written to `~/.aws/config` on their line. All of them share [`is_dangerous`].

use std::borrow::Cow;

pub mod csv;
pub mod ini;
pub mod json;

/// Replace control characters (C0, DEL, C1, and the bidi overrides that reorder text) with
/// visible placeholders. Printable text, including non-ASCII, passes unchanged.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) {
            match c {
                '\u{1b}' => out.push('␛'),
                '\n' => out.push('⏎'),
                '\t' => out.push(' '),
                c if (c as u32) < 0x20 => {
                    out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�'))
                }
                _ => out.push('�'),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message of several lines for the terminal: each line sanitised, the line breaks kept.
pub fn sanitize_lines(s: &str) -> String {
    s.split('\n')
        .map(|l| sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Control characters (C0, DEL, C1) and the invisible marks that reorder text (bidi overrides
/// and isolates, LRM/RLM): what no output passes through raw.
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_neutralised() {
        let evil = "Mozilla\u{1b}]52;c;aGVsbG8=\u{7}\u{1b}[2J";
        let safe = sanitize(evil);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert!(safe.contains("␛]52;c;aGVsbG8="));
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(sanitize("Zoë Ångström – prod"), Cow::Borrowed(_)));
    }

    #[test]
    fn bidi_overrides_and_c1_controls_are_replaced() {
        assert_eq!(sanitize("a\u{202e}b\u{9b}c"), "a�b�c");
        assert_eq!(sanitize("line\nbreak"), "line⏎break");
        assert_eq!(sanitize_lines("a\u{1b}[2J\nb\rc"), "a␛[2J\nb␍c");
    }
}
