//! centry's integration suite: one test binary, one module per area.

mod common;
mod dev_e2e;
mod emulator_signin;
mod org_seed;
