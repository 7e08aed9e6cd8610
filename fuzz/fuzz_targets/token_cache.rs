//! Arbitrary bytes into centry's token_cache parser: see `centry::fuzz_checks::token_cache` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::token_cache(data));
