//! Arbitrary HTTP requests (laid out as text: `METHOD PATH?QUERY`, header lines, an empty line,
//! the body) into the in-process emulator: SigV4 headers, JSON and form bodies, query strings
//! reach the real handlers. See `centry::fuzz_checks::emulator_request`.

#![no_main]

use std::sync::OnceLock;

use centry::emulator::{EmulatorConfig, InProcess};
use libfuzzer_sys::fuzz_target;

fn emulator() -> &'static (tokio::runtime::Runtime, InProcess) {
    static EMU: OnceLock<(tokio::runtime::Runtime, InProcess)> = OnceLock::new();
    EMU.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let emu = rt.block_on(async { InProcess::new(EmulatorConfig::demo()) });
        (rt, emu)
    })
}

fuzz_target!(|data: &[u8]| {
    let (rt, emu) = emulator();
    centry::fuzz_checks::emulator_request(rt, emu, data);
});
