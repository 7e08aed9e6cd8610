//! centry's integration suite: one test binary, one module per area.

mod common;
mod emulator_signin;
mod trail_files;
mod trail_fixtures;
mod trail_mutations;
