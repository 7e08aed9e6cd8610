//! centry's integration suite: one test binary, one module per area.

mod admin_fixture;
mod approvals_cli;
mod approvals_e2e;
mod approvals_screens;
mod approvals_service;
mod callback_listener;
mod common;
mod dev_e2e;
mod dev_flows;
mod dev_interop;
mod dev_views;
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
mod trail_files;
mod trail_fixtures;
mod trail_mutations;
