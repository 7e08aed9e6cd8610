//! Arbitrary bytes into centry's config_toml parser: see `centry::fuzz_checks::config_toml` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::config_toml(data));
