//! Reading local CloudTrail logs: files, directory trees in the S3 delivery layout, `.json` or
//! `.json.gz` (detected by content, multi-member gzip included), stdin, or any reader.
//!
//! Files are read in parallel by a few worker threads taking paths from a shared queue; each
//! streams its file record by record (never holding a whole decompressed file), applies the
//! [`EventFilter`], and sends matching events in batches over a bounded channel, so a slow
//! consumer slows the workers instead of filling memory. A file that cannot be read, or breaks
//! off (a truncated `.gz`), becomes a [`FileError`] naming it, with the records read before the
//! break delivered; malformed records are counted; the other files carry on. Events arrive in
//! no particular order across files.
//!
//! The API is blocking. From a CLI, iterate the [`TrailReader`]; from tokio, run the loop in
//! `spawn_blocking` and forward [`TrailReader::next_batch`] into a tokio channel.

mod discover;
mod record_stream;

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use flate2::bufread::MultiGzDecoder;

use crate::model::trail_event::{EventFilter, TrailEvent, TrailEventError};
use record_stream::StreamError;

/// Buffer for reading a file from disk.
const READ_BUFFER: usize = 64 * 1024;
/// How many malformed records are kept as examples in the summary.
const MALFORMED_SAMPLES: usize = 20;

/// Something to read logs from.
pub enum TrailSource {
    /// A file (any name) or a directory to walk.
    Path(PathBuf),
    /// Standard input.
    Stdin,
    /// Any other byte stream (a download, a test), named for error messages.
    Reader {
        /// How errors refer to this source.
        name: String,
        /// The bytes: JSON or gzip-compressed JSON.
        reader: Box<dyn Read + Send>,
    },
}

impl TrailSource {
    /// A command-line argument: `-` is stdin, anything else a path.
    pub fn from_arg(arg: &str) -> TrailSource {
        if arg == "-" {
            TrailSource::Stdin
        } else {
            TrailSource::Path(PathBuf::from(arg))
        }
    }
}

impl fmt::Debug for TrailSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Self::Stdin => f.write_str("Stdin"),
            Self::Reader { name, .. } => f.debug_struct("Reader").field("name", name).finish(),
        }
    }
}

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Events to deliver (applied in the workers; the rest are only counted).
    pub filter: EventFilter,
    /// Keep each record's JSON text in [`TrailEvent::raw`] (the events screen's detail pane).
    /// Bulk scans that only print extracted fields run faster without it.
    pub keep_raw: bool,
    /// Worker threads; 0 means one per available core.
    pub workers: usize,
    /// Events per batch sent to the consumer.
    pub batch_size: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            filter: EventFilter::default(),
            keep_raw: true,
            workers: 0,
            batch_size: 256,
        }
    }
}

/// What a read did, for the status line and the CLI's closing report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Files (and streams) read to the end.
    pub files_read: u64,
    /// Records that parsed into events.
    pub records: u64,
    /// Events that passed the filter and were delivered.
    pub matched: u64,
    /// Records that could not be parsed (see `malformed_samples`).
    pub malformed: u64,
    /// Bytes read from disk or the stream (compressed size for `.gz`).
    pub bytes_read: u64,
    /// Bytes of JSON text after decompression.
    pub bytes_decoded: u64,
    /// Files that could not be read, or broke off.
    pub file_errors: Vec<FileError>,
    /// The first few malformed records, for the report.
    pub malformed_samples: Vec<MalformedRecord>,
}

impl ReadSummary {
    fn merge(&mut self, other: ReadSummary) {
        self.files_read += other.files_read;
        self.records += other.records;
        self.matched += other.matched;
        self.malformed += other.malformed;
        self.bytes_read += other.bytes_read;
        self.bytes_decoded += other.bytes_decoded;
        self.file_errors.extend(other.file_errors);
        let room = MALFORMED_SAMPLES.saturating_sub(self.malformed_samples.len());
        self.malformed_samples
            .extend(other.malformed_samples.into_iter().take(room));
    }
}

/// A file or stream that could not be read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The path (or `<stdin>`, or the reader's name).
    pub source: String,
    /// What went wrong, in words.
    pub message: String,
    /// Records read (and delivered) from it before the error.
    pub records_before: u64,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)?;
        if self.records_before > 0 {
            write!(f, " (after {} records)", self.records_before)?;
        }
        Ok(())
    }
}

/// One malformed record: where it was and why it was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedRecord {
    /// The file it came from.
    pub source: String,
    /// Its position in the file (0-based, counting every record).
    pub index: u64,
    /// Why it was rejected.
    pub error: TrailEventError,
}

/// Starts reading `sources` on background threads; the events come out of the returned reader.
pub fn read_trail(sources: Vec<TrailSource>, options: ReadOptions) -> TrailReader {
    let workers = match options.workers {
        0 => thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let (sender, batches) = mpsc::sync_channel(workers * 2);
    let cancelled = Arc::new(AtomicBool::new(false));
    let cancel = Arc::clone(&cancelled);
    let coordinator = thread::Builder::new()
        .name("trail-files".into())
        .spawn(move || coordinate(sources, &options, workers, &sender, &cancel))
        .map_err(|e| format!("could not start the reader thread: {e}"));
    TrailReader {
        batches,
        current: Vec::new().into_iter(),
        coordinator: Some(coordinator),
        cancelled,
    }
}

/// Reads one stream on the calling thread, handing each matching event to `on_event`: the
/// per-file routine of the workers, for callers that want no threads (a single small file, the
/// fuzz target).
pub fn read_stream(
    name: &str,
    reader: impl Read,
    options: &ReadOptions,
    on_event: &mut dyn FnMut(TrailEvent),
) -> ReadSummary {
    let mut summary = ReadSummary::default();
    let mut file = FileRead {
        name,
        records: 0,
        index: 0,
        summary: &mut summary,
    };
    let _ = file.read(Box::new(reader), options, &mut |event| {
        on_event(event);
        ControlFlow::Continue(())
    });
    summary
}

/// The consuming end of [`read_trail`]: an iterator of matching events, then a summary.
pub struct TrailReader {
    batches: Receiver<Vec<TrailEvent>>,
    current: std::vec::IntoIter<TrailEvent>,
    /// `None` once joined; `Err` when the thread could not be started.
    coordinator: Option<Result<JoinHandle<ReadSummary>, String>>,
    cancelled: Arc<AtomicBool>,
}

impl TrailReader {
    /// The next batch of events (blocking), or `None` when every source is done.
    pub fn next_batch(&mut self) -> Option<Vec<TrailEvent>> {
        let rest: Vec<TrailEvent> = self.current.by_ref().collect();
        if !rest.is_empty() {
            return Some(rest);
        }
        self.batches.recv().ok()
    }

    /// Stops reading if it is not done (events not yet taken are dropped) and returns what was
    /// read. Call it after the iterator ends for the full summary.
    pub fn finish(mut self) -> ReadSummary {
        // Harmless when everything has been read; stops the workers otherwise.
        self.cancelled.store(true, Ordering::Relaxed);
        let coordinator = self.coordinator.take();
        // Dropping the receiver unblocks workers waiting to send.
        drop(self);
        let failure = |message: String| ReadSummary {
            file_errors: vec![FileError {
                source: "<reader>".into(),
                message,
                records_before: 0,
            }],
            ..ReadSummary::default()
        };
        let mut summary = match coordinator {
            Some(Ok(handle)) => handle
                .join()
                .unwrap_or_else(|_| failure("the reader thread failed unexpectedly".into())),
            Some(Err(message)) => failure(message),
            None => ReadSummary::default(),
        };
        summary.file_errors.sort_by(|a, b| a.source.cmp(&b.source));
        summary
    }
}

impl Iterator for TrailReader {
    type Item = TrailEvent;

    fn next(&mut self) -> Option<TrailEvent> {
        loop {
            if let Some(event) = self.current.next() {
                return Some(event);
            }
            self.current = self.batches.recv().ok()?.into_iter();
        }
    }
}

impl Drop for TrailReader {
    fn drop(&mut self) {
        if self.coordinator.is_some() {
            self.cancelled.store(true, Ordering::Relaxed);
        }
    }
}

/// One unit of work for a worker.
enum Job {
    File(PathBuf),
    Stream {
        name: String,
        reader: Box<dyn Read + Send>,
    },
}

/// Expands the sources into jobs, runs the workers and merges their summaries.
fn coordinate(
    sources: Vec<TrailSource>,
    options: &ReadOptions,
    workers: usize,
    sender: &SyncSender<Vec<TrailEvent>>,
    cancelled: &AtomicBool,
) -> ReadSummary {
    let mut summary = ReadSummary::default();
    let mut jobs = VecDeque::new();
    for source in sources {
        match source {
            TrailSource::Path(path) => {
                let (files, errors) = discover::log_files(&path);
                jobs.extend(files.into_iter().map(Job::File));
                summary
                    .file_errors
                    .extend(errors.into_iter().map(|(source, message)| FileError {
                        source,
                        message,
                        records_before: 0,
                    }));
            }
            TrailSource::Stdin => jobs.push_back(Job::Stream {
                name: "<stdin>".into(),
                reader: Box::new(io::stdin()),
            }),
            TrailSource::Reader { name, reader } => jobs.push_back(Job::Stream { name, reader }),
        }
    }
    let workers = workers.clamp(1, jobs.len().max(1));
    let queue = Mutex::new(jobs);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| work(&queue, options, sender.clone(), cancelled)))
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(part) => summary.merge(part),
                Err(_) => summary.file_errors.push(FileError {
                    source: "<reader>".into(),
                    message: "a reader thread failed unexpectedly".into(),
                    records_before: 0,
                }),
            }
        }
    });
    summary
}

/// A worker: takes jobs until the queue is empty or the consumer has gone.
fn work(
    queue: &Mutex<VecDeque<Job>>,
    options: &ReadOptions,
    sender: SyncSender<Vec<TrailEvent>>,
    cancelled: &AtomicBool,
) -> ReadSummary {
    let mut summary = ReadSummary::default();
    let mut batch = Vec::with_capacity(options.batch_size);
    let mut gone = false;
    while !gone && !cancelled.load(Ordering::Relaxed) {
        let Some(job) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
            break;
        };
        let (name, opened) = match job {
            Job::File(path) => {
                let name = path.display().to_string();
                let opened = std::fs::File::open(&path).map(|f| Box::new(f) as Box<dyn Read>);
                (name, opened)
            }
            Job::Stream { name, reader } => (name, Ok(reader as Box<dyn Read>)),
        };
        let reader = match opened {
            Ok(reader) => reader,
            Err(e) => {
                let message = format!("cannot open: {e}");
                summary.file_errors.push(FileError {
                    source: name,
                    message,
                    records_before: 0,
                });
                continue;
            }
        };
        let mut file = FileRead {
            name: &name,
            records: 0,
            index: 0,
            summary: &mut summary,
        };
        let result = file.read(reader, options, &mut |event| {
            batch.push(event);
            if batch.len() >= options.batch_size {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(options.batch_size));
                if sender.send(full).is_err() {
                    return ControlFlow::Break(());
                }
            }
            if cancelled.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        gone = result.is_break();
    }
    if !batch.is_empty() && !gone {
        // The consumer may be gone; then there is nobody to tell.
        let _ = sender.send(batch);
    }
    summary
}

/// Reading one file into a worker's summary.
struct FileRead<'a> {
    name: &'a str,
    /// Records parsed from this file.
    records: u64,
    /// Records seen in this file, parsed or not.
    index: u64,
    summary: &'a mut ReadSummary,
}

impl FileRead<'_> {
    /// Reads one file; `Break` when the consumer has gone.
    fn read(
        &mut self,
        reader: Box<dyn Read + '_>,
        options: &ReadOptions,
        deliver: &mut dyn FnMut(TrailEvent) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let read_bytes = Cell::new(0u64);
        let decoded_bytes = Cell::new(0u64);
        let mut raw = BufReader::with_capacity(
            READ_BUFFER,
            Counting {
                inner: reader,
                count: &read_bytes,
            },
        );
        let keep_raw = options.keep_raw;
        let mut sink =
            |record: Result<TrailEvent, TrailEventError>| self.record(record, options, deliver);
        let gzip = matches!(raw.fill_buf(), Ok(head) if head.starts_with(&[0x1f, 0x8b]));
        let result = if gzip {
            let decoded = Counting {
                inner: MultiGzDecoder::new(&mut raw),
                count: &decoded_bytes,
            };
            record_stream::read_records(decoded, keep_raw, &mut sink)
        } else {
            record_stream::read_records(&mut raw, keep_raw, &mut sink)
        };
        drop(raw);
        let decoded = if gzip {
            decoded_bytes.get()
        } else {
            read_bytes.get()
        };
        self.summary.bytes_read += read_bytes.get();
        self.summary.bytes_decoded += decoded;
        let message = match result {
            Ok(()) => {
                self.summary.files_read += 1;
                return ControlFlow::Continue(());
            }
            Err(StreamError::Stopped) => return ControlFlow::Break(()),
            Err(e) => describe(&e, gzip),
        };
        self.summary.file_errors.push(FileError {
            source: self.name.to_owned(),
            message,
            records_before: self.records,
        });
        ControlFlow::Continue(())
    }

    /// Counts one record, keeps a sample if malformed, delivers it if it matches.
    fn record(
        &mut self,
        record: Result<TrailEvent, TrailEventError>,
        options: &ReadOptions,
        deliver: &mut dyn FnMut(TrailEvent) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let index = self.index;
        self.index += 1;
        match record {
            Ok(event) => {
                self.records += 1;
                self.summary.records += 1;
                if options.filter.matches(&event) {
                    self.summary.matched += 1;
                    return deliver(event);
                }
            }
            Err(error) => {
                self.summary.malformed += 1;
                if self.summary.malformed_samples.len() < MALFORMED_SAMPLES {
                    let source = self.name.to_owned();
                    self.summary.malformed_samples.push(MalformedRecord {
                        source,
                        index,
                        error,
                    });
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// A file error in words.
fn describe(error: &StreamError, gzip: bool) -> String {
    match error {
        StreamError::Io(e) if gzip => format!("truncated or corrupt gzip data: {e}"),
        StreamError::Io(e) => format!("read error: {e}"),
        StreamError::Truncated if gzip => {
            "truncated: the compressed data ends in the middle of a record".into()
        }
        StreamError::Truncated => "truncated: the file ends in the middle of a record".into(),
        StreamError::Syntax(what) => format!("not valid JSON: {what}"),
        StreamError::NotRecords(byte) => format!(
            "not a CloudTrail log: expected JSON records, found {}",
            if byte.is_ascii_graphic() {
                format!("{:?}", char::from(*byte))
            } else {
                format!("byte 0x{byte:02x}")
            }
        ),
        StreamError::RecordsNotArray => "not a CloudTrail log: \"Records\" is not an array".into(),
        StreamError::TooLarge => format!(
            "a single value is larger than {} MiB (a corrupt file?)",
            record_stream::MAX_RECORD / (1024 * 1024)
        ),
        StreamError::Stopped => "stopped".into(),
    }
}

/// Counts the bytes passing through a reader.
struct Counting<'c, R> {
    inner: R,
    count: &'c Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}
