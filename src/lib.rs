//! centry: a full-screen terminal console for AWS IAM Identity Center.
//!
//! Map of the crate:
//! - [`cli`]: the command line (global options, subcommands, output formats).
//! - [`emulator`]: a loopback emulator of the Identity Center APIs (and the AWS APIs around
//!   them), used by `--demo`, by `centry emulator serve` and by the test suite.
//! - [`model`]: plain data and pure logic (no I/O, no tokio, no ratatui).
//! - [`fuzz_checks`]: what the fuzz targets and the parser smoke test run on arbitrary bytes.
//! - [`services`]: async, UI-free operations on the AWS SDK clients, shared by TUI and CLI.
//! - [`trail_sql`]: the SQL engine over an organisation trail on disk (DataFusion), shared by
//!   the emulator's Athena and CloudTrail Lake and centry's local files engine.

pub mod cli;
pub mod emulator;
pub mod fsutil;
pub mod fuzz_checks;
pub mod logging;
pub mod model;
pub mod paths;
pub mod services;
pub mod trail_sql;
pub mod tui;
