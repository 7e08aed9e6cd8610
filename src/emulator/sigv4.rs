//! Signature Version 4 checked as AWS checks it: for a request signed with a key the emulator
//! issued, the canonical request is rebuilt from what arrived (method, path encoded again,
//! sorted query, the signed headers, the payload's SHA-256), signed with the key's secret, and
//! compared with the signature sent. A mismatch gets the protocol's own error
//! (InvalidSignatureException, or SignatureDoesNotMatch from STS), so a client holding the right
//! key id with the wrong secret is refused, as it would be by AWS. Unknown key ids pass through
//! to the handlers, which answer UnrecognizedClientException.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use ring::hmac;
use sha2::{Digest, Sha256};

use super::Emu;
use super::faults::{Service, classify};
use super::router::PathAsSent;
use super::state::{Principal, State as EmuState};
use super::wire::{ApiError, Protocol};

/// Largest body the check reads (the emulated APIs take small JSON or form bodies).
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// SigV4's URI encoding: everything but unreserved characters.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The same, keeping `/` (paths).
const PATH: &AsciiSet = &STRICT.remove(b'/');

/// The parts of an `Authorization: AWS4-HMAC-SHA256 …` header.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization {
    /// Access key id.
    pub access_key_id: String,
    /// `date/region/service/aws4_request`.
    pub scope: String,
    /// Lower-case header names, `;`-separated, as signed.
    pub signed_headers: String,
    /// Hex signature.
    pub signature: String,
}

/// Parse a SigV4 `Authorization` header (`None` for anything else).
pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let (access_key_id, scope) = credential?.split_once('/')?;
    Some(Authorization {
        access_key_id: access_key_id.to_string(),
        scope: scope.to_string(),
        signed_headers: signed_headers?.to_string(),
        signature: signature?.to_string(),
    })
}

/// The canonical query string: pairs decoded, encoded strictly, sorted.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let enc = |s: &str| {
                let plus_as_space = s.replace('+', "%20");
                let decoded = percent_decode_str(&plus_as_space).decode_utf8_lossy();
                utf8_percent_encode(&decoded, STRICT).to_string()
            };
            (enc(k), enc(v))
        })
        .collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Header values as signed: every value of the header joined by `,`, trimmed, inner runs of
/// spaces collapsed.
fn canonical_header_value(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// What a request looks like to the signer.
pub struct Signable<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The path as sent (already percent-encoded once).
    pub path: &'a str,
    /// The raw query string.
    pub query: &'a str,
    /// Request headers.
    pub headers: &'a HeaderMap,
    /// The body.
    pub body: &'a [u8],
}

/// The signature `secret` gives the request under `auth`'s scope and signed headers.
pub fn expected_signature(req: &Signable<'_>, auth: &Authorization, secret: &str) -> String {
    let canonical_headers: String = auth
        .signed_headers
        .split(';')
        .map(|name| format!("{name}:{}\n", canonical_header_value(req.headers, name)))
        .collect();
    let payload_hash = match req.headers.get("x-amz-content-sha256") {
        Some(v) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
        None => hex::encode(Sha256::digest(req.body)),
    };
    let path = if req.path.is_empty() { "/" } else { req.path };
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        utf8_percent_encode(path, PATH),
        canonical_query(req.query),
        canonical_headers,
        auth.signed_headers,
        payload_hash
    );
    let amz_date = canonical_header_value(req.headers, "x-amz-date");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}\n{}",
        auth.scope,
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in auth.scope.split('/') {
        key = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), part.as_bytes())
            .as_ref()
            .to_vec();
    }
    let signature = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, &key),
        string_to_sign.as_bytes(),
    );
    hex::encode(signature.as_ref())
}

/// The secret behind an access key id the emulator issued.
fn secret_of(st: &EmuState, access_key_id: &str) -> Option<String> {
    match st.credentials.get(access_key_id)? {
        Principal::Operator => Some(st.operator.1.clone()),
        Principal::Role(s) => Some(s.secret.clone()),
        Principal::WebIdentity(w) => Some(w.secret.clone()),
    }
}

/// How far a request's `X-Amz-Date` may be from the emulator's clock, as AWS allows.
pub const MAX_SKEW: time::Duration = time::Duration::minutes(15);

/// The signature does not match the one the secret gives.
const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The refusal in the protocol the request spoke.
fn refuse(service: Service, awsjson: bool, message: &str) -> Response {
    let err = if service == Service::Sts {
        ApiError::new(403, "SignatureDoesNotMatch", message).protocol(Protocol::AwsQuery)
    } else if awsjson {
        ApiError::new(400, "InvalidSignatureException", message)
    } else {
        ApiError::new(403, "InvalidSignatureException", message)
            .protocol(Protocol::RestJson)
            .message_member("message")
    };
    err.into_response()
}

/// `20150830T123600Z` as a time.
fn parse_amz_date(s: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(s, format)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// Why a request signed at `amz_date` is too old or too new at `now`, if it is.
pub fn expired(amz_date: &str, now: time::OffsetDateTime) -> Option<String> {
    let Some(signed) = parse_amz_date(amz_date) else {
        return Some(format!(
            "X-Amz-Date {amz_date:?} is not in the form 20150830T123600Z"
        ));
    };
    let stamp = |t: time::OffsetDateTime| {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    };
    if signed < now - MAX_SKEW {
        Some(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
            stamp(now - MAX_SKEW),
            stamp(now)
        ))
    } else if signed > now + MAX_SKEW {
        Some(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
            stamp(now + MAX_SKEW),
            stamp(now)
        ))
    } else {
        None
    }
}

/// The middleware: check signed requests from known keys, pass everything else on.
pub async fn layer(State(emu): State<Arc<Emu>>, req: Request, next: Next) -> Response {
    let Some(auth) = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_authorization)
    else {
        return next.run(req).await;
    };
    let Some(secret) = secret_of(&emu.state(), &auth.access_key_id) else {
        return next.run(req).await;
    };
    let service = classify(&req);
    let awsjson = req.headers().contains_key("x-amz-target");
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::validation("the request body could not be read").into_response();
    };
    let signable = Signable {
        method: parts.method.as_str(),
        path: parts
            .extensions
            .get::<PathAsSent>()
            .map_or(parts.uri.path(), |p| p.0.as_str()),
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: &bytes,
    };
    let expected = expected_signature(&signable, &auth, &secret);
    // Compared in full whatever the first difference (as a verifier should).
    let (a, b) = (expected.as_bytes(), auth.signature.as_bytes());
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if !same {
        return refuse(service, awsjson, MISMATCH);
    }
    let amz_date = canonical_header_value(&parts.headers, "x-amz-date");
    if let Some(why) = expired(&amz_date, time::OffsetDateTime::now_utc()) {
        return refuse(service, awsjson, &why);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published example (the `get-vanilla-query-order-key-case` request of the SigV4
    /// test suite).
    #[test]
    fn the_published_test_vector_signs_the_same() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "example.amazonaws.com".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        let auth = Authorization {
            access_key_id: "AKIDEXAMPLE".into(),
            scope: "20150830/us-east-1/service/aws4_request".into(),
            signed_headers: "host;x-amz-date".into(),
            signature: String::new(),
        };
        let req = Signable {
            method: "GET",
            path: "/",
            query: "Param2=value2&Param1=value1",
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            expected_signature(&req, &auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn requests_signed_more_than_fifteen_minutes_away_are_refused() {
        let now = time::macros::datetime!(2015-08-30 12:36:00 UTC);
        assert_eq!(expired("20150830T123600Z", now), None);
        assert_eq!(expired("20150830T122100Z", now), None);
        assert_eq!(
            expired("20150830T122059Z", now).unwrap(),
            "Signature expired: 20150830T122059Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"
        );
        assert!(
            expired("20150830T125101Z", now)
                .unwrap()
                .contains("not yet current")
        );
        assert!(
            expired("yesterday", now)
                .unwrap()
                .contains("not in the form")
        );
    }

    #[test]
    fn authorization_headers_are_parsed_and_others_ignored() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sso/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "AKID");
        assert_eq!(a.scope, "20250101/us-east-1/sso/aws4_request");
        assert_eq!(a.signed_headers, "host;x-amz-date");
        assert_eq!(a.signature, "abc");
        assert!(parse_authorization("Bearer xyz").is_none());
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID").is_none());
    }
}
