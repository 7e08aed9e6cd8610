//! Plain data and pure logic shared by the TUI, the CLI and the services.

pub mod access;
pub mod account;
pub mod apps;
pub mod credentials;
pub mod fuzzy;
pub mod inventory;
pub mod permission_set;
pub mod secret;
pub mod snapshot;
pub mod team;
pub mod team_session;
pub mod text;
pub mod trail_event;
pub mod wire;
pub mod words;
