//! What each fuzz target checks, on arbitrary bytes: every parser of outside input (token
//! caches, `~/.aws/config`, `config.toml`, the keymap, snapshot and organisation files, the
//! emulator's requests) must answer without panicking, and what it accepts must survive the
//! round trips its writers rely on. The cargo-fuzz targets in `fuzz/` and the suite's stable
//! smoke test (`tests/suite/parser_smoke.rs`) both call these, so they exercise the real code.

use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::emulator::InProcess;
use crate::emulator::org::Org;
use crate::emulator::{sigv4, wire};
use crate::model::snapshot::{Snapshot, diff};
use crate::services::config_file::{ConfigFile, profile_name};
use crate::services::settings::{self, Settings};
use crate::services::tip::config::TipConfig;
use crate::services::token_cache;
use crate::tui::keymap::{Chord, KeyContext, Keymap};

/// A token cache file and a client registration file, and the cache's time format.
pub fn token_cache(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(token) = token_cache::parse_token(text, "fuzz.json") {
        let _ = token.refreshable(time::OffsetDateTime::UNIX_EPOCH);
    }
    let _ = token_cache::parse_registration(text);
    if let Some(t) = token_cache::parse_cache_time(text) {
        let again = token_cache::format_cache_time(t);
        assert!(token_cache::parse_cache_time(&again).is_some(), "{again}");
    }
}

/// `~/.aws/config`: parsed, its sessions and profiles read, rendered, and a profile name made
/// from its text.
pub fn aws_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = ConfigFile::parse(text, "fuzz") {
        let _ = file.sso_sessions();
        let _ = file.sso_profiles();
        let _ = file.render();
    }
    let _ = profile_name(text, "Payments", "111122223333", "Admin", "acme");
}

/// centry's `config.toml`: its settings, its `[tip]` section and a profile template.
pub fn config_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = Settings::parse(text, "fuzz.toml") {
        assert!(s.max_events >= settings::MIN_MAX_EVENTS);
        assert!(s.max_events <= settings::MAX_MAX_EVENTS);
        assert!(settings::check(&s.profile_template).is_ok());
    }
    let _ = TipConfig::parse(text, "fuzz.toml");
    let _ = settings::check(text);
}

/// A user keymap, and key names: a keymap that loads answers every lookup.
pub fn keymap(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(chord) = Chord::parse(text) {
        let _ = chord.label();
    }
    let Ok(map) = Keymap::load(Some(text)) else {
        return;
    };
    let contexts = [KeyContext::Global];
    for code in [KeyCode::Char('q'), KeyCode::Esc, KeyCode::Char('c')] {
        for mods in [KeyModifiers::NONE, KeyModifiers::CONTROL] {
            let _ = map.lookup(&contexts, &KeyEvent::new(code, mods));
        }
    }
    let _ = map.bindings(KeyContext::Global);
}

/// A snapshot file: what parses writes back to the same snapshot, and differs from itself in
/// nothing.
pub fn snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(snap) = Snapshot::parse(text) else {
        return;
    };
    let again = Snapshot::parse(&snap.to_json()).expect("a written snapshot reads back");
    assert_eq!(snap, again);
    assert!(diff(&snap, &again).is_empty());
}

/// An emulator organisation file and a `--generate` spec.
pub fn org_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::emulator::generate::GenerateSpec::from_str(text);
    if let Ok(org) = Org::from_json(text) {
        // A file that loads must be servable: the state is built from it at start.
        let _ = crate::emulator::state::State::new(org, crate::emulator::Settings::default());
    }
}

/// The emulator's pure request parsing: SigV4 `Authorization` headers, canonical query strings,
/// `X-Amz-Date`, durations, times and pagination tokens.
pub fn sigv4(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(auth) = sigv4::parse_authorization(text) {
        assert!(text.contains(&auth.signature));
    }
    let query = sigv4::canonical_query(text);
    assert_eq!(sigv4::canonical_query(&query), query, "canonical is stable");
    let _ = sigv4::expired(text, time::OffsetDateTime::UNIX_EPOCH);
    if let Some(secs) = wire::parse_duration_s(text) {
        assert!(secs >= 0);
    }
    let _ = wire::parse_time(text);
    let _ = wire::decode_token(text, "fingerprint");
}

/// The header that asks [`emulator_request`] to sign the request with the operator's key (so
/// that arbitrary requests also reach the handlers behind SigV4 and their input parsing).
pub const SIGN_AS_OPERATOR: &str = "x-fuzz-sign-as-operator";

/// One HTTP request to the in-process emulator, laid out as text: the first line is
/// `METHOD PATH?QUERY`, then `name: value` header lines up to an empty line, then the body.
/// Every request gets an answer (no panic), and every answer is an HTTP status.
pub fn emulator_request(rt: &tokio::runtime::Runtime, emu: &InProcess, data: &[u8]) {
    let Some(mut req) = request_from_bytes(data) else {
        return;
    };
    if let Some(service) = req.headers_mut().remove(SIGN_AS_OPERATOR) {
        let service = String::from_utf8_lossy(service.as_bytes()).into_owned();
        sign_as_operator(emu, &mut req, &service);
    }
    let resp = rt.block_on(emu.call(req));
    assert!(resp.status().as_u16() >= 200);
}

/// Build a request from the text layout [`emulator_request`] describes (`None` when the bytes
/// do not make a valid HTTP request head).
pub fn request_from_bytes(data: &[u8]) -> Option<axum::http::Request<axum::body::Body>> {
    let head_end = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match head_end {
        Some(i) => (&data[..i], data[i + 2..].to_vec()),
        None => (data, Vec::new()),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, target) = lines.next()?.split_once(' ')?;
    let mut builder = axum::http::Request::builder().method(method).uri(target);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        builder = builder.header(name.trim(), value.trim());
    }
    builder.body(axum::body::Body::from(body)).ok()
}

/// Sign `req` with the operator's key for `service`, as an SDK would (host, date and target
/// headers signed).
fn sign_as_operator(
    emu: &InProcess,
    req: &mut axum::http::Request<axum::body::Body>,
    service: &str,
) {
    use axum::http::HeaderValue;
    let (key_id, secret) = emu.operator_credentials();
    let now = time::OffsetDateTime::now_utc();
    let date = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let headers = req.headers_mut();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:4566"));
    if let Ok(v) = HeaderValue::from_str(&date) {
        headers.insert("x-amz-date", v);
    }
    let signed = if headers.contains_key("x-amz-target") {
        "host;x-amz-date;x-amz-target"
    } else {
        "host;x-amz-date"
    };
    let mut auth = sigv4::Authorization {
        access_key_id: key_id.clone(),
        scope: format!("{}/us-east-1/{service}/aws4_request", &date[..8]),
        signed_headers: signed.into(),
        signature: String::new(),
    };
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let method = req.method().to_string();
    // The payload is declared unsigned, so any body goes with the signature.
    let headers = req.headers_mut();
    headers.insert(
        "x-amz-content-sha256",
        HeaderValue::from_static("UNSIGNED-PAYLOAD"),
    );
    let signable = sigv4::Signable {
        method: &method,
        path: &path,
        query: &query,
        headers,
        body: b"",
    };
    auth.signature = sigv4::expected_signature(&signable, &auth, &secret);
    let value = format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{}, SignedHeaders={}, Signature={}",
        auth.scope, auth.signed_headers, auth.signature
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        req.headers_mut().insert("authorization", v);
    }
}
