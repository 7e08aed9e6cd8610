//! centry: a full-screen terminal console for AWS IAM Identity Center.
//!
//! Map of the crate:
//! - [`emulator`]: a loopback emulator of the Identity Center APIs (and the AWS APIs around
//!   them), used by `--demo`, by `centry emulator serve` and by the test suite.
//! - [`model`]: plain data and pure logic (no I/O, no tokio, no ratatui).
//! - [`services`]: async, UI-free operations on the AWS SDK clients, shared by TUI and CLI.

pub mod emulator;
pub mod model;
pub mod services;
