//! Arbitrary bytes into centry's aws_config parser: see `centry::fuzz_checks::aws_config` for what is checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| centry::fuzz_checks::aws_config(data));
