//! The fuzz targets' checks on stable, briefly: every seed in `fuzz/corpus/<target>/` and
//! every input in `fuzz/regressions/<target>/` (crashes the campaigns found, kept once fixed),
//! then a few thousand byte-level mutations of the seeds from a fixed random seed (bytes flipped,
//! inserted, deleted, spliced from other seeds, and tokens parsers trip on: huge numbers, control
//! characters, unclosed brackets). The same `centry::fuzz_checks` functions the nightly targets
//! call, so a regression in any parser of outside input is caught without nightly.

use std::path::{Path, PathBuf};

use centry::emulator::{EmulatorConfig, InProcess};
use centry::fuzz_checks;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Mutated inputs per target (the emulator target is slower: a tenth of these).
const ROUNDS: usize = 1500;

/// Tokens that break parsers more often than random bytes do.
const TOKENS: [&str; 16] = [
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e999",
    "\u{1b}[2J",
    "\u{9b}",
    "\u{202e}",
    "\r",
    "\0",
    "[",
    "{",
    "\"",
    "%",
    "%ZZ",
    "=",
    "T99:99:99Z",
];

fn dir(kind: &str, target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target)
}

fn inputs(kind: &str, target: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir(kind, target)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn mutate(rng: &mut StdRng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.random_range(0..seeds.len())].clone();
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..=data.len());
        match rng.random_range(0..5) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.random_range(0..8);
            }
            1 => data.insert(at, rng.random()),
            2 if at < data.len() => {
                let end = rng.random_range(at..=data.len());
                data.drain(at..end);
            }
            3 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                data.splice(at..at, token.bytes());
            }
            _ => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                let from = rng.random_range(0..=other.len());
                let to = rng.random_range(from..=other.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
        }
    }
    data
}

/// Seeds, regressions and mutations through `check`.
fn smoke(target: &str, rounds: usize, check: &mut dyn FnMut(&[u8])) {
    let seeds = inputs("corpus", target);
    assert!(!seeds.is_empty(), "fuzz/corpus/{target} has seeds");
    for input in seeds.iter().chain(&inputs("regressions", target)) {
        check(input);
    }
    let mut rng = StdRng::seed_from_u64(0x1057_0010);
    for _ in 0..rounds {
        check(&mutate(&mut rng, &seeds));
    }
}

#[test]
fn file_parsers_survive_their_seeds_and_mutations() {
    smoke("token_cache", ROUNDS, &mut fuzz_checks::token_cache);
    smoke("aws_config", ROUNDS, &mut fuzz_checks::aws_config);
    smoke("config_toml", ROUNDS, &mut fuzz_checks::config_toml);
    smoke("keymap", ROUNDS, &mut fuzz_checks::keymap);
    smoke("snapshot", ROUNDS, &mut fuzz_checks::snapshot);
    smoke("org_file", ROUNDS / 5, &mut fuzz_checks::org_file);
    smoke("sigv4", ROUNDS, &mut fuzz_checks::sigv4);
}

#[test]
fn the_seeds_are_real_inputs_the_parsers_accept() {
    for seed in inputs("corpus", "snapshot") {
        let text = String::from_utf8(seed).unwrap();
        centry::model::snapshot::Snapshot::parse(&text).unwrap();
    }
    let org = std::fs::read_to_string(dir("corpus", "org_file").join("small-org.json")).unwrap();
    centry::emulator::Org::from_json(&org).unwrap();
    for name in ["cli_token.json", "legacy_utc.json"] {
        let text = std::fs::read_to_string(dir("corpus", "token_cache").join(name)).unwrap();
        centry::services::token_cache::parse_token(&text, name).unwrap();
    }
    let keymap = std::fs::read_to_string(dir("corpus", "keymap").join("override.toml")).unwrap();
    centry::tui::keymap::Keymap::load(Some(&keymap)).unwrap();
}

#[test]
fn emulator_requests_survive_their_seeds_and_mutations() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(async { InProcess::new(EmulatorConfig::demo()) });
    let mut answered = 0;
    smoke("emulator_request", ROUNDS / 10, &mut |data| {
        fuzz_checks::emulator_request(&rt, &emu, data);
        answered += 1;
    });
    // The signed seeds reach the handlers: the operator's calls are recorded.
    let signed = fuzz_checks::request_from_bytes(
        &std::fs::read(dir("corpus", "emulator_request").join("sso_admin_list_instances.txt"))
            .unwrap(),
    );
    assert!(signed.is_some());
    assert!(answered > ROUNDS / 10);
}
