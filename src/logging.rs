//! Logging to a file (never to the terminal, which belongs to the console): centry's log folder,
//! or `CENTRY_LOG_FILE`. Level from `CENTRY_LOG` (default `info`). Nothing secret is ever
//! logged: tokens and keys are not passed to `tracing` anywhere in the crate.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

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

/// Install the file logger. Failure to open the file leaves logging off, silently: logging must
/// never stop centry from working.
pub fn init() -> Option<LogGuard> {
    let path = log_path()?;
    if let Some(parent) = path.parent() {
        crate::fsutil::create_private_dir(parent).ok()?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    crate::fsutil::restrict(&path).ok()?;
    let filter = EnvFilter::try_from_env("CENTRY_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,aws_smithy_runtime=warn,aws_config=warn,hyper=warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(LogGuard)
}
