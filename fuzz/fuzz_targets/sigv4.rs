//! Arbitrary bytes into centry's sigv4 parser: see `centry::fuzz_checks::sigv4` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::sigv4(data));
