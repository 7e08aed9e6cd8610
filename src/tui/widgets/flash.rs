//! The flash line: the outcome of an action, shown in the footer for a few seconds.

use std::time::{Duration, Instant};

/// How serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashLevel {
    /// Done.
    Info,
    /// Done, but look.
    Warn,
    /// Failed.
    Error,
}

/// A message that expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// Severity.
    pub level: FlashLevel,
    /// Text (already sanitised by whoever made it from AWS text).
    pub text: String,
    /// When it goes away.
    pub until: Instant,
}

impl Flash {
    /// How long a flash stays.
    pub const TTL: Duration = Duration::from_secs(6);

    /// A new flash.
    pub fn new(level: FlashLevel, text: impl Into<String>) -> Flash {
        let ttl = if level == FlashLevel::Error {
            Flash::TTL * 2
        } else {
            Flash::TTL
        };
        Flash {
            level,
            text: text.into(),
            until: Instant::now() + ttl,
        }
    }

    /// Info.
    pub fn info(text: impl Into<String>) -> Flash {
        Flash::new(FlashLevel::Info, text)
    }

    /// Warning.
    pub fn warn(text: impl Into<String>) -> Flash {
        Flash::new(FlashLevel::Warn, text)
    }

    /// Error.
    pub fn error(text: impl Into<String>) -> Flash {
        Flash::new(FlashLevel::Error, text)
    }

    /// Whether it has expired.
    pub fn expired(&self, now: Instant) -> bool {
        now >= self.until
    }
}
