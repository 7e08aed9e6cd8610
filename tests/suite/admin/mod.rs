//! The administrator's console: inventory and effective access against the emulator's demo
//! organisation and generated ones (checked against an independent computation from the raw
//! API answers, under varied page sizes and orderings), targeted questions, snapshots and
//! restore, permission errors per section, the CLI, the screens and an end-to-end run.

mod access;
mod cli;
pub mod denied;
mod e2e;
mod restore;
mod screens;
mod support;
