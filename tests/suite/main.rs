//! centry's integration suite: one test binary, one module per area.

mod admin;
mod admin_fixture;
mod common;
mod dev_e2e;
mod emulator_access;
mod emulator_admin;
mod emulator_applications;
mod emulator_assignments;
mod emulator_directory;
mod emulator_faults;
mod emulator_mpa;
mod emulator_signin;
mod org_seed;
mod referee;
