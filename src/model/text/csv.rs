//! CSV cells another program (a spreadsheet, `cat` in a terminal) reads: control characters,
//! escape sequences and bidi marks are replaced by the same visible placeholders as on screen,
//! and a cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, TAB or CR:
//! OWASP's CSV-injection list) is prefixed with `'` so it is shown as text.

use std::borrow::Cow;
use std::io::Write;

/// A cell made safe for CSV.
pub fn cell(s: &str) -> Cow<'_, str> {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let clean = super::sanitize(s);
    if formula {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

/// A CSV writer whose every cell goes through [`cell`]: the one way centry writes CSV.
pub struct Writer<W: Write>(::csv::Writer<W>);

impl<W: Write> Writer<W> {
    /// CSV to `out`.
    pub fn new(out: W) -> Writer<W> {
        Writer(::csv::Writer::from_writer(out))
    }

    /// Write one record, each cell made safe.
    pub fn write_record<I, S>(&mut self, cells: I) -> ::csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let safe: Vec<String> = cells
            .into_iter()
            .map(|c| cell(c.as_ref()).into_owned())
            .collect();
        self.0.write_record(&safe)
    }

    /// Flush what is buffered.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }

    /// The output, flushed.
    pub fn into_inner(self) -> Result<W, String> {
        self.0.into_inner().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_as_text_and_controls_are_replaced() {
        assert_eq!(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        for f in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(f).starts_with('\''), "{f:?}");
        }
        let evil = cell("a\u{1b}]52;c;eA==\u{7}b\u{9b}2J\u{202e}c");
        assert!(!evil.chars().any(super::super::is_dangerous), "{evil:?}");
        assert_eq!(cell("plain, \"quoted\""), "plain, \"quoted\"");
    }

    #[test]
    fn the_writer_sanitises_every_cell() {
        let mut w = Writer::new(Vec::new());
        w.write_record(["=1+1", "ok\u{1b}[31m"]).unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "'=1+1,ok␛[31m\n");
    }
}
