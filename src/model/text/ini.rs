//! Names and values written into an ini file another program reads (`~/.aws/config`, read by
//! the AWS CLI's configparser). The ini format has no escaping, and Python splits lines at
//! `\r`, `\n`, `\x0b`, `\x0c`, `\x1c`–`\x1e`, `\x85`, U+2028 and U+2029 — so a role name with a
//! CR in it would start a new line, and with it a `[section]` or a `credential_process` of the
//! sender's choosing. Section names are made safe by replacing what could break them; values
//! (which must stay exactly what AWS calls the role) are refused when they are not safe.

use super::is_dangerous;

/// Whether `c` ends a line for some reader of the file (Python's `str.splitlines`).
pub fn breaks_line(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// A name made safe to put inside `[profile …]`: whitespace, line breaks, control characters,
/// bidi marks and the characters ini gives a meaning (`[ ] = # ;`) become `-`.
pub fn section_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_whitespace()
                || breaks_line(c)
                || is_dangerous(c)
                || matches!(c, '[' | ']' | '=' | '#' | ';')
            {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// Why a value cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} {shown:?} contains a line break or control character, so it could start a new line or section in the file"
)]
pub struct UnsafeValue {
    /// What the value is (`role name`, …).
    pub what: String,
    /// The value, sanitised for the terminal.
    pub shown: String,
}

/// `value` if it can be written as an ini value as it is (one line, no control characters or
/// bidi marks, no leading or trailing space that a reader would trim); an error naming `what`
/// otherwise.
pub fn value<'a>(what: &str, value: &'a str) -> Result<&'a str, UnsafeValue> {
    let bad = value.chars().any(|c| breaks_line(c) || is_dangerous(c)) || value.trim() != value;
    if bad {
        return Err(UnsafeValue {
            what: what.to_string(),
            shown: super::sanitize(value).into_owned(),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_splits_a_line_survives_in_a_section_name() {
        let evil = "prod\r[profile x]\ncredential_process = sh\x0b\x0c\x1c\x1d\x1e\u{85}\u{2028}\u{2029}\u{202e}";
        let safe = section_name(evil);
        assert!(
            !safe.chars().any(|c| breaks_line(c) || is_dangerous(c)),
            "{safe:?}"
        );
        assert!(!safe.contains(['[', ']', '=']), "{safe:?}");
        assert_eq!(section_name("Payments Prod.Admin"), "Payments-Prod.Admin");
    }

    #[test]
    fn values_that_could_break_a_line_are_refused() {
        assert_eq!(
            value("role name", "AdministratorAccess"),
            Ok("AdministratorAccess")
        );
        for evil in [
            "A\rB",
            "A\nB",
            "A\u{1c}B",
            "A\u{85}B",
            "A\u{2028}B",
            "A\u{1b}[2J",
            "A\u{202e}",
            " A",
        ] {
            let e = value("role name", evil).unwrap_err();
            assert!(e.to_string().starts_with("role name "), "{e}");
            assert!(!e.shown.chars().any(|c| c.is_control()), "{e:?}");
        }
    }
}
