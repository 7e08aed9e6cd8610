//! Arbitrary bytes into centry's keymap parser: see `centry::fuzz_checks::keymap` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::keymap(data));
