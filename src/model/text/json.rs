//! JSON another program reads (`--json` lines, exported files). serde_json escapes C0 controls
//! but writes DEL, C1 controls (U+009B alone is a CSI to many terminals) and the bidi marks raw;
//! here they become `\uXXXX` escapes, which are valid JSON, so the data round-trips unchanged
//! while nothing in the bytes can drive a terminal or reorder what a reader sees.

use serde::Serialize;

/// `value` as one JSON line, with the characters serde_json leaves raw escaped.
pub fn to_line<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(escape)
}

/// `value` as pretty JSON (for files), escaped the same way.
pub fn to_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(escape)
}

/// Escape what serde_json leaves raw in JSON text. Outside strings JSON text is ASCII, so every
/// such character is inside a string, where `\uXXXX` means the same character. (C0 controls in
/// strings serde_json has escaped already; raw ones are the layout of pretty output.)
pub fn escape(text: String) -> String {
    if !text.chars().any(raw_in_serde_json) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if raw_in_serde_json(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Dangerous characters serde_json writes raw: DEL, C1 controls, bidi marks.
fn raw_in_serde_json(c: char) -> bool {
    super::is_dangerous(c) && c as u32 >= 0x7f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_controls_and_bidi_marks_are_escaped_and_round_trip() {
        let evil = "a\u{9b}2J\u{85}b\u{202e}c\u{2066}d\u{7f}\u{1b}[0m";
        let line = to_line(&serde_json::json!({ "name": evil })).unwrap();
        assert!(line.is_ascii(), "{line}");
        assert_eq!(
            line,
            r#"{"name":"a\u009b2J\u0085b\u202ec\u2066d\u007f\u001b[0m"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["name"], evil);
        assert_eq!(to_line("Zoë").unwrap(), "\"Zoë\"");
        let pretty = to_pretty(&serde_json::json!({ "a": [evil] })).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&pretty).unwrap()["a"][0],
            evil
        );
    }
}
