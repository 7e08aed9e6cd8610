//! Logging to a file (never to the terminal, which belongs to the console): centry's log folder,
//! or `CENTRY_LOG_FILE`. Level from `CENTRY_LOG` (default `info`). While the console runs, the
//! same events (centry's at info and above, its libraries' warnings) also reach its logs screen
//! through [`ConsoleLayer`]. Nothing secret is ever logged: tokens and keys are not passed to
//! `tracing` anywhere in the crate, and since libraries are less careful (the AWS SDK's trace
//! output prints whole requests, bearer-token header included), every line on its way to the
//! file or the screen passes through [`redact::redact`].

pub mod redact;

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Where logs go.
pub fn log_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CENTRY_LOG_FILE") {
        return Some(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "centry")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.cache_dir())
        .to_path_buf();
    Some(dir.join("centry.log"))
}

/// A guard for the logger (kept for symmetry with non-blocking writers).
pub struct LogGuard;

/// Install the file logger and the console's layer. Failure to open the file leaves file logging
/// off, silently: logging must never stop centry from working.
pub fn init() -> Option<LogGuard> {
    let file = log_path().and_then(|path| {
        if let Some(parent) = path.parent() {
            crate::fsutil::create_private_dir(parent).ok()?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .ok()?;
        crate::fsutil::restrict(&path).ok()?;
        Some(file)
    });
    let filter = EnvFilter::try_from_env("CENTRY_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,aws_smithy_runtime=warn,aws_config=warn,hyper=warn")
    });
    let file_layer = file.map(|f| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(Mutex::new(Redacting(f)))
            .with_filter(filter)
    });
    tracing_subscriber::registry()
        .with(file_layer)
        .with(ConsoleLayer)
        .try_init()
        .ok()?;
    Some(LogGuard)
}

/// A writer that redacts secrets from what it is given before passing it on. The formatter
/// writes each event whole, in one call, so a secret is never split across calls.
pub struct Redacting<W: std::io::Write>(pub W);

impl<W: std::io::Write> std::io::Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact::redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Where the console wants log lines (set while it runs).
type Sink = Box<dyn Fn(String) + Send + Sync>;

fn sink() -> &'static Mutex<Option<Sink>> {
    static SINK: Mutex<Option<Sink>> = Mutex::new(None);
    &SINK
}

/// Send log lines to `to` (the console's event queue) until [`stop_forwarding`].
pub fn forward_to(to: impl Fn(String) + Send + Sync + 'static) {
    *sink().lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(to));
}

/// Stop sending log lines to the console.
pub fn stop_forwarding() {
    *sink().lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// The target the console's own log lines use: written to the file, not sent back to it.
pub const CONSOLE_TARGET: &str = "centry::console";

/// A `tracing` layer that hands events to the console's logs screen: centry's own at info and
/// above, everyone else's warnings and errors. Cheap when nothing is listening.
pub struct ConsoleLayer;

/// Whether an event at `level` from `target` belongs on the logs screen.
pub fn wanted(level: &Level, target: &str) -> bool {
    if target == CONSOLE_TARGET {
        return false;
    }
    let ours = target == "centry" || target.starts_with("centry::");
    if ours {
        *level <= Level::INFO
    } else {
        *level <= Level::WARN
    }
}

/// One event as a line: `WARN  module: message key=value`.
struct LineVisitor(String);

impl Visit for LineVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for ConsoleLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        if !wanted(meta.level(), meta.target()) {
            return;
        }
        let guard = sink().lock().unwrap_or_else(|e| e.into_inner());
        let Some(send) = guard.as_ref() else { return };
        let target = meta.target().trim_start_matches("centry::");
        let mut line = LineVisitor(format!("{:<5} {target}:", meta.level()));
        event.record(&mut line);
        send(redact::redact(&line.0).into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_file_writer_redacts_what_the_formatter_gives_it() {
        let mut w = Redacting(Vec::new());
        let line = "TRACE request headers={\"x-amz-sso_bearer_token\": \"aoaCANARY\"}\n";
        std::io::Write::write_all(&mut w, line.as_bytes()).unwrap();
        let out = String::from_utf8(w.0).unwrap();
        assert_eq!(
            out,
            "TRACE request headers={\"x-amz-sso_bearer_token\": \"[redacted]\"}\n"
        );
    }

    #[test]
    fn the_console_gets_centrys_events_and_others_warnings_only_while_it_listens() {
        let got = Arc::new(Mutex::new(Vec::<String>::new()));
        let subscriber = tracing_subscriber::registry().with(ConsoleLayer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(target: "centry::services::cache", "before anyone listens");
            let seen = got.clone();
            forward_to(move |l| seen.lock().unwrap().push(l));
            tracing::info!(target: "centry::services::signin", path = "x.json", "refresh failed");
            tracing::warn!(target: "hyper", "sent authorization: Bearer sekrit");
            tracing::debug!(target: "centry::services::signin", "too chatty");
            tracing::info!(target: "aws_smithy_runtime", "a library's info");
            tracing::warn!(target: "aws_smithy_runtime", "a library's warning");
            tracing::info!(target: CONSOLE_TARGET, "the console's own line");
            stop_forwarding();
            tracing::warn!(target: "centry::services::cache", "after it stopped");
        });
        let got = got.lock().unwrap();
        assert_eq!(
            *got,
            vec![
                "INFO  services::signin: refresh failed path=x.json".to_string(),
                "WARN  hyper: sent authorization: Bearer [redacted]".to_string(),
                "WARN  aws_smithy_runtime: a library's warning".to_string(),
            ]
        );
    }
}
