//! Arbitrary bytes into centry's org_file parser: see `centry::fuzz_checks::org_file` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::org_file(data));
