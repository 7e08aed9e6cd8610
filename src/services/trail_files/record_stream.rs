//! Reads the records out of one decoded CloudTrail log stream without holding the stream in
//! memory: a small structural scanner finds where each record begins and ends (tracking only
//! strings, escapes and nesting), and each record's bytes are handed to the parser as a slice.
//! Only the record being scanned is buffered.
//!
//! Why not let serde read the stream: serde_json's reader-driven deserializer pulls one byte at a
//! time through `io::Read`, which measured at about 60% of a scan; parsing each record from a
//! slice is several times faster. A side benefit: a syntax error inside one record costs that
//! record (counted as malformed), not the rest of the file.
//!
//! Accepted layouts, also mixed and concatenated in one stream (as `zcat *.json.gz` produces):
//! - `{"Records": [ ... ]}` — the S3 delivery format, streamed; other top-level keys are
//!   skipped (when `Records` is not the first key, the object is read whole, up to
//!   [`MAX_RECORD`]);
//! - `[ ... ]` — a bare array of records;
//! - `{...} {...}` — records one after another (JSON lines).

use std::io::{self, Read};
use std::ops::{ControlFlow, Range};

use serde_json::value::RawValue;

use crate::model::trail_event::{TrailEvent, TrailEventError, parse_record_bytes};

/// Where each record goes; `Break` stops the stream (the consumer has gone).
pub(super) type Sink<'a> = dyn FnMut(Result<TrailEvent, TrailEventError>) -> ControlFlow<()> + 'a;

/// Why a stream ended before its end.
#[derive(Debug)]
pub(super) enum StreamError {
    /// The sink asked to stop.
    Stopped,
    /// Reading failed (for a compressed file: truncated or corrupt data).
    Io(io::Error),
    /// The stream ends inside a value.
    Truncated,
    /// The text is not the JSON structure expected here.
    Syntax(&'static str),
    /// A top-level value that is neither an object nor an array.
    NotRecords(u8),
    /// `Records` holds something other than an array.
    RecordsNotArray,
    /// One value is larger than [`MAX_RECORD`] (a corrupt file, or not a log).
    TooLarge,
}

/// First size of the scan buffer.
const INITIAL_BUFFER: usize = 256 * 1024;
/// The largest single record (or skipped value) buffered; CloudTrail records are far smaller.
pub(super) const MAX_RECORD: usize = 64 * 1024 * 1024;
const RECORDS_KEY: &[u8] = b"\"Records\"";
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads every record in `reader` into `sink`, parsed with `keep_raw`.
pub(super) fn read_records<R: Read>(
    reader: R,
    keep_raw: bool,
    sink: &mut Sink<'_>,
) -> Result<(), StreamError> {
    let mut scan = Scanner {
        inner: reader,
        buf: vec![0; INITIAL_BUFFER],
        pos: 0,
        end: 0,
        eof: false,
    };
    let mut deliver = |bytes: &[u8]| match sink(parse_record_bytes(bytes, keep_raw)) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(()) => Err(StreamError::Stopped),
    };
    loop {
        match scan.peek_value()? {
            None => return Ok(()),
            Some(b'[') => {
                scan.pos += 1;
                scan.read_array(&mut deliver)?;
            }
            Some(b'{') if scan.starts_with_after_brace(RECORDS_KEY)? => {
                scan.read_wrapper(&mut deliver)?
            }
            Some(b'{') => {
                let object = scan.scan_value()?;
                let bytes = &scan.buf[object];
                match records_inside(bytes) {
                    Some(records) => records
                        .iter()
                        .try_for_each(|r| deliver(r.get().as_bytes()))?,
                    None => deliver(bytes)?,
                }
            }
            Some(other) => return Err(StreamError::NotRecords(other)),
        }
    }
}

/// A wrapper object whose first key is not `Records` (other tools may write one) was read
/// whole; its records, if it is one.
fn records_inside(object: &[u8]) -> Option<Vec<&RawValue>> {
    #[derive(serde::Deserialize)]
    struct Wrapper<'a> {
        #[serde(borrow, rename = "Records")]
        records: Vec<&'a RawValue>,
    }
    if !object.windows(RECORDS_KEY.len()).any(|w| w == RECORDS_KEY) {
        return None;
    }
    serde_json::from_slice::<Wrapper>(object)
        .ok()
        .map(|w| w.records)
}

/// A buffered view of the stream: bytes `buf[pos..end]` are read but not yet consumed.
struct Scanner<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Scanner<R> {
    /// Reads more bytes, first moving the unconsumed ones to the front (and growing the buffer
    /// when it is full of one value). Returns how far the bytes moved, for callers holding
    /// offsets; `eof` is set when nothing more can be read.
    fn fill(&mut self) -> Result<usize, StreamError> {
        let shift = self.pos;
        if shift > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= shift;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_RECORD {
                return Err(StreamError::TooLarge);
            }
            let grown = (self.buf.len() * 2).min(MAX_RECORD);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(StreamError::Io(e)),
            }
            return Ok(shift);
        }
    }

    /// Skips whitespace and byte-order marks; the next byte without consuming it, or `None` at
    /// the end of the stream.
    fn peek_value(&mut self) -> Result<Option<u8>, StreamError> {
        loop {
            while self.pos < self.end {
                match self.buf[self.pos] {
                    b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                    b if b == BOM[0] => {
                        self.ensure(BOM.len())?;
                        if !self.buf[self.pos..self.end].starts_with(BOM) {
                            return Ok(Some(b));
                        }
                        self.pos += BOM.len();
                    }
                    b => return Ok(Some(b)),
                }
            }
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
        }
    }

    /// Skips whitespace like [`Scanner::peek_value`], but the end of the stream is an error.
    fn peek_inside(&mut self) -> Result<u8, StreamError> {
        self.peek_value()?.ok_or(StreamError::Truncated)
    }

    /// Makes at least `n` unconsumed bytes available, unless the stream ends first.
    fn ensure(&mut self, n: usize) -> Result<(), StreamError> {
        while self.end - self.pos < n && !self.eof {
            self.fill()?;
        }
        Ok(())
    }

    /// With `{` next: whether the first thing after it (past whitespace) is `bytes`.
    fn starts_with_after_brace(&mut self, bytes: &[u8]) -> Result<bool, StreamError> {
        let mut offset = 1;
        loop {
            self.ensure(offset + bytes.len())?;
            let rest = &self.buf[self.pos + offset..self.end];
            let blank = rest
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
                .count();
            if blank == 0 || self.eof {
                return Ok(rest[blank..].starts_with(bytes));
            }
            // Whitespace first: look again from its end, with enough bytes after it.
            offset += blank;
            if offset > MAX_RECORD {
                return Err(StreamError::TooLarge);
            }
        }
    }

    /// Finds the end of the value starting at `pos`, consumes it and returns where it sits in
    /// `buf` (valid until the next read).
    fn scan_value(&mut self) -> Result<Range<usize>, StreamError> {
        let mut start = self.pos;
        let mut i = self.pos;
        let mut depth = 0u32;
        let mut in_string = false;
        let mut escaped = false;
        let scalar = !matches!(self.buf.get(i), Some(b'{' | b'[' | b'"'));
        loop {
            while i < self.end {
                if escaped {
                    escaped = false;
                    i += 1;
                    continue;
                }
                if in_string {
                    // Most of a record is string content: jump to the next quote or escape.
                    match memchr::memchr2(b'"', b'\\', &self.buf[i..self.end]) {
                        None => i = self.end,
                        Some(k) => {
                            i += k + 1;
                            if self.buf[i - 1] == b'\\' {
                                escaped = true;
                            } else {
                                in_string = false;
                                if depth == 0 {
                                    return Ok(self.take(start, i));
                                }
                            }
                        }
                    }
                    continue;
                }
                let b = self.buf[i];
                i += 1;
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(self.take(start, i));
                        }
                    }
                    b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' if scalar => {
                        // A value always takes at least one byte, so callers make progress.
                        return Ok(self.take(start, (i - 1).max(start + 1)));
                    }
                    _ => {}
                }
            }
            if self.eof {
                return if scalar && i > start {
                    Ok(self.take(start, i))
                } else {
                    Err(StreamError::Truncated)
                };
            }
            let shift = self.fill()?;
            start -= shift;
            i -= shift;
        }
    }

    fn take(&mut self, start: usize, end: usize) -> Range<usize> {
        self.pos = end;
        start..end
    }

    /// With the `[` consumed: every element, delivered, through the closing `]`. Commas are
    /// not policed (records are what matter).
    fn read_array(
        &mut self,
        deliver: &mut dyn FnMut(&[u8]) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        loop {
            match self.peek_inside()? {
                b']' => {
                    self.pos += 1;
                    return Ok(());
                }
                b',' => self.pos += 1,
                b'}' => return Err(StreamError::Syntax("unexpected '}' in an array")),
                _ => {
                    let element = self.scan_value()?;
                    deliver(&self.buf[element])?;
                }
            }
        }
    }

    /// A `{"Records": [...], ...}` object: the records streamed, the other keys skipped.
    fn read_wrapper(
        &mut self,
        deliver: &mut dyn FnMut(&[u8]) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        self.pos += 1; // `{`
        loop {
            match self.peek_inside()? {
                b'}' => {
                    self.pos += 1;
                    return Ok(());
                }
                b',' => self.pos += 1,
                b'"' => {
                    let key = self.scan_value()?;
                    let is_records = &self.buf[key] == RECORDS_KEY;
                    if self.peek_inside()? != b':' {
                        return Err(StreamError::Syntax("expected ':' after a key"));
                    }
                    self.pos += 1;
                    match self.peek_inside()? {
                        b'[' if is_records => {
                            self.pos += 1;
                            self.read_array(deliver)?;
                        }
                        b'n' if is_records => {
                            // "Records": null is an empty log.
                            self.scan_value()?;
                        }
                        b'}' | b']' | b',' => return Err(StreamError::Syntax("expected a value")),
                        _ if is_records => return Err(StreamError::RecordsNotArray),
                        _ => {
                            self.scan_value()?;
                        }
                    }
                }
                _ => return Err(StreamError::Syntax("expected a key")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` in chunks of `chunk` bytes; returns event ids, malformed count and the result.
    fn read(text: &str, chunk: usize) -> (Vec<String>, usize, Result<(), StreamError>) {
        let mut ids = Vec::new();
        let mut malformed = 0;
        let reader = Chunked {
            bytes: text.as_bytes(),
            chunk,
        };
        let result = read_records(reader, true, &mut |r| {
            match r {
                Ok(e) => ids.push(e.event_id),
                Err(_) => malformed += 1,
            }
            ControlFlow::Continue(())
        });
        (ids, malformed, result)
    }

    /// A reader that returns at most `chunk` bytes per read, to cut values at every position.
    struct Chunked<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn record(id: &str) -> String {
        format!(
            r#"{{"eventID":"{id}","eventTime":"2025-01-01T00:00:00Z","eventSource":"sso.amazonaws.com","eventName":"ListAccounts","note":"a \"quoted\" }} ] {{ [ \\"}}"#
        )
    }

    #[test]
    fn wrapper_array_lines_and_concatenations_at_any_chunk_size() {
        let text = format!(
            "\u{feff}{{ \"skip\": {{\"Records\": [1]}}, \"Records\" : [{}, {}], \"extra\": [\"]\"]}}\n[{}]\n{}\n\n{}{{}}{{\"Records\":[{}]}}",
            record("a"),
            record("b"),
            record("c"),
            record("d"),
            record("e"),
            record("f")
        );
        for chunk in [1, 2, 3, 7, 9, 10, 64, 100_000] {
            let (ids, malformed, result) = read(&text, chunk);
            assert!(result.is_ok(), "chunk {chunk}: {result:?}");
            assert_eq!(ids, ["a", "b", "c", "d", "e", "f"], "chunk {chunk}");
            assert_eq!(malformed, 1, "the empty object is a malformed record");
        }
    }

    #[test]
    fn malformed_records_are_counted_and_reading_goes_on() {
        let text = format!(
            r#"{{"Records":[{}, 42, {{"eventID":"x"}}, "s", {{"eventID": tru}}, null, {}]}}"#,
            record("a"),
            record("b")
        );
        let (ids, malformed, result) = read(&text, 8192);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(
            malformed, 5,
            "a syntax error inside one record costs only that record"
        );
    }

    #[test]
    fn the_raw_record_keeps_its_original_text() {
        let original = record("a").replace(',', " ,\n ");
        let text = format!("{{\"Records\":[{original}]}}");
        let mut raw = None;
        read_records(text.as_bytes(), true, &mut |r| {
            raw = r.ok().and_then(|e| e.raw).map(|r| r.get().to_owned());
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(raw.as_deref(), Some(original.as_str()));
    }

    #[test]
    fn broken_streams_say_why() {
        let (ids, _, result) = read(&format!("{{\"Records\":[{},", record("a")), 8192);
        assert_eq!(ids, ["a"], "records before the break are delivered");
        assert!(matches!(result, Err(StreamError::Truncated)), "{result:?}");
        let (_, _, result) = read(&format!("{{\"Records\":[{}", &record("a")[..40]), 8192);
        assert!(matches!(result, Err(StreamError::Truncated)), "{result:?}");
        assert!(matches!(
            read("<html>", 64).2,
            Err(StreamError::NotRecords(b'<'))
        ));
        assert!(matches!(
            read("\u{feff}\u{feff}7", 64).2,
            Err(StreamError::NotRecords(b'7'))
        ));
        assert!(matches!(
            read("{\"Records\": {}}", 64).2,
            Err(StreamError::RecordsNotArray)
        ));
        assert!(matches!(
            read("{\"Records\": 3}", 64).2,
            Err(StreamError::RecordsNotArray)
        ));
        assert!(matches!(
            read("{\"Records\" 3}", 64).2,
            Err(StreamError::Syntax(_))
        ));
        // Found by cargo fuzz: a stray brace in an array once made the scanner spin in place.
        let (ids, _, result) = read(&format!("[{}}}]", record("a")), 64);
        assert_eq!(ids, ["a"]);
        assert!(matches!(result, Err(StreamError::Syntax(_))), "{result:?}");
        assert!(matches!(
            read("{\"Records\":[}", 64).2,
            Err(StreamError::Syntax(_))
        ));
        let (ids, _, result) = read("{\"Records\": null}", 64);
        assert!(ids.is_empty() && result.is_ok());
        let (ids, _, result) = read(" \n ", 64);
        assert!(
            ids.is_empty() && result.is_ok(),
            "an empty file is an empty log"
        );
    }

    #[test]
    fn an_unterminated_string_stops_at_the_size_limit() {
        let endless = io::repeat(b'x').take((MAX_RECORD + 1024) as u64);
        let text = io::Cursor::new(b"{\"Records\":[{\"eventID\":\"".to_vec()).chain(endless);
        let result = read_records(text, false, &mut |_| ControlFlow::Continue(()));
        assert!(matches!(result, Err(StreamError::TooLarge)), "{result:?}");
    }

    #[test]
    fn a_stopping_sink_ends_the_stream() {
        let text = format!("[{}, {}, {}]", record("a"), record("b"), record("c"));
        let mut seen = 0;
        let result = read_records(text.as_bytes(), false, &mut |_| {
            seen += 1;
            if seen == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert!(matches!(result, Err(StreamError::Stopped)));
        assert_eq!(seen, 2);
    }
}
