//! Arbitrary bytes into centry's snapshot parser: see `centry::fuzz_checks::snapshot` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::snapshot(data));
