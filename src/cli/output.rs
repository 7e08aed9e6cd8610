//! Printing tables for people and JSON lines / CSV for scripts. Every cell goes through the
//! one sanitiser ([`crate::model::text`]): tables for the terminal, CSV cells defused for
//! spreadsheets, JSON with C1 controls and bidi marks escaped.

use std::io::Write;

use serde::Serialize;

use crate::model::text::{csv, json, sanitize};

/// How to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// One JSON object per line.
    Json,
    /// CSV with a header row.
    Csv,
}

impl Format {
    /// From the global flags.
    pub fn from_flags(json: bool, csv: bool) -> Format {
        if json {
            Format::Json
        } else if csv {
            Format::Csv
        } else {
            Format::Table
        }
    }
}

/// Something printable as a row: its JSON form and its table cells.
pub trait Row: Serialize {
    /// Column headers for the table and CSV forms.
    fn headers() -> Vec<&'static str>;
    /// Cells in header order.
    fn cells(&self) -> Vec<String>;
}

/// Print rows in the chosen format to `out`.
pub fn print_rows<R: Row>(out: &mut impl Write, format: Format, rows: &[R]) -> std::io::Result<()> {
    match format {
        Format::Json => {
            for r in rows {
                let line = json::to_line(r).map_err(std::io::Error::other)?;
                writeln!(out, "{line}")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::new(out);
            w.write_record(R::headers())
                .map_err(std::io::Error::other)?;
            for r in rows {
                w.write_record(r.cells()).map_err(std::io::Error::other)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let headers = R::headers();
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.cells().iter().map(|c| sanitize(c).into_owned()).collect())
                .collect();
            let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            for row in &cells {
                for (i, c) in row.iter().enumerate() {
                    if let Some(w) = widths.get_mut(i) {
                        *w = (*w).max(c.chars().count());
                    }
                }
            }
            let line = |cols: Vec<String>| {
                let mut s = String::new();
                for (i, c) in cols.iter().enumerate() {
                    if i + 1 == cols.len() {
                        s.push_str(c);
                    } else {
                        let pad = widths[i].saturating_sub(c.chars().count());
                        s.push_str(c);
                        s.push_str(&" ".repeat(pad + 2));
                    }
                }
                s.trim_end().to_string()
            };
            writeln!(
                out,
                "{}",
                line(headers.iter().map(|h| h.to_string()).collect())
            )?;
            for row in cells {
                writeln!(out, "{}", line(row))?;
            }
        }
    }
    Ok(())
}
