//! Plain data and pure logic shared by the TUI, the CLI and the services.

pub mod trail_event;
