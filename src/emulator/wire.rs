//! Wire helpers shared by every emulated service: JSON success bodies, modeled errors in the
//! shape each protocol's SDK parser expects (reference §1.3–1.4), opaque changing pagination
//! tokens, and timestamp formats.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The protocol family a response is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// awsJson1_1 (sso-admin, identitystore, cloudtrail, organizations).
    AwsJson11,
    /// awsJson1_0 (Amazon Q Developer).
    AwsJson10,
    /// restJson1 (portal, sso-oidc, mpa).
    RestJson,
    /// awsQuery (STS): XML bodies.
    AwsQuery,
}

impl Protocol {
    fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson11 => "application/x-amz-json-1.1",
            Protocol::AwsJson10 => "application/x-amz-json-1.0",
            Protocol::RestJson => "application/json",
            Protocol::AwsQuery => "text/xml",
        }
    }
}

/// A modeled AWS error, rendered per protocol by [`ApiError::into_response`].
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The error shape name (`ResourceNotFoundException`).
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The member name the model uses for the message (`message` or `Message`).
    pub message_member: &'static str,
    /// Extra modeled members (`Reason`, `error`, `ResourceType`, …).
    pub extra: Map<String, Value>,
    /// Protocol to render for.
    pub protocol: Protocol,
}

impl ApiError {
    /// A new error with the given status, code and message; protocol defaults to awsJson1.1.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code: code.to_string(),
            message: message.into(),
            message_member: "Message",
            extra: Map::new(),
            protocol: Protocol::AwsJson11,
        }
    }

    /// 400 ValidationException.
    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "ValidationException", message)
    }

    /// 400 ResourceNotFoundException (status overridable per service).
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "ResourceNotFoundException", message)
    }

    /// 400 AccessDeniedException.
    pub fn access_denied(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "AccessDeniedException", message)
    }

    /// Set the protocol.
    pub fn protocol(mut self, protocol: Protocol) -> ApiError {
        self.protocol = protocol;
        self
    }

    /// Set the message member name.
    pub fn message_member(mut self, member: &'static str) -> ApiError {
        self.message_member = member;
        self
    }

    /// Set the HTTP status.
    pub fn status(mut self, status: u16) -> ApiError {
        self.status = StatusCode::from_u16(status).unwrap_or(self.status);
        self
    }

    /// Add a modeled member.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> ApiError {
        self.extra.insert(key.to_string(), value.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.protocol.content_type()),
        );
        if let Ok(v) = HeaderValue::from_str(&self.code) {
            headers.insert("x-amzn-ErrorType", v);
        }
        let body = if self.protocol == Protocol::AwsQuery {
            let kind = if self.status.is_server_error() {
                "Receiver"
            } else {
                "Sender"
            };
            format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
                xml_escape(&self.code),
                xml_escape(&self.message),
                uuid::Uuid::new_v4()
            )
        } else {
            let mut body = Map::new();
            body.insert("__type".into(), Value::String(self.code.clone()));
            body.insert(
                self.message_member.into(),
                Value::String(self.message.clone()),
            );
            body.extend(self.extra);
            Value::Object(body).to_string()
        };
        (self.status, headers, body).into_response()
    }
}

/// A 200 JSON response with the protocol's content type.
pub fn ok_json(protocol: Protocol, body: Value) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(protocol.content_type()),
    );
    (StatusCode::OK, headers, body.to_string()).into_response()
}

/// Escape text for XML element content.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Epoch seconds as a JSON number (awsJson timestamps): integer when whole.
pub fn epoch_s(t: OffsetDateTime) -> Value {
    let ns = t.unix_timestamp_nanos();
    if ns % 1_000_000_000 == 0 {
        json!(t.unix_timestamp())
    } else {
        json!(ns as f64 / 1e9)
    }
}

/// RFC 3339 with milliseconds and `Z` (MPA `IsoTimestamp`, CloudTrail `eventTime` uses [`iso_s`]).
pub fn iso_ms(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// RFC 3339 to the second with `Z` (`2026-01-02T03:04:05Z`).
pub fn iso_s(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parse an RFC 3339 seed timestamp.
pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Parse an ISO-8601 duration of the `PT#H#M#S` form into seconds.
pub fn parse_duration_s(s: &str) -> Option<i64> {
    let rest = s.strip_prefix("PT")?;
    let mut total = 0i64;
    let mut num = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: i64 = num.parse().ok()?;
            num.clear();
            let unit = match c {
                'H' => 3600,
                'M' => 60,
                'S' => 1,
                _ => return None,
            };
            total = total.checked_add(n.checked_mul(unit)?)?;
        }
    }
    if !num.is_empty() {
        return None;
    }
    Some(total)
}

/// Which alphabet a service's pagination tokens must use.
#[derive(Debug, Clone, Copy)]
pub enum TokenStyle {
    /// URL-safe base64 without padding (sso-admin, identitystore, portal, cloudtrail, mpa).
    UrlSafe,
    /// Standard base64 with padding (Amazon Q Developer).
    Standard,
}

/// Encode a page cursor: the offset plus a fingerprint of the request it belongs to, so tokens
/// differ on every page and a token reused with other parameters can be refused.
pub fn encode_token(offset: usize, fingerprint: &str, style: TokenStyle) -> String {
    let raw = format!("v1|{offset}|{}", short_hash(fingerprint));
    match style {
        TokenStyle::UrlSafe => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw),
        TokenStyle::Standard => base64::engine::general_purpose::STANDARD.encode(raw),
    }
}

/// Decode a cursor made by [`encode_token`]; `None` when it is not ours or belongs to other
/// request parameters.
pub fn decode_token(token: &str, fingerprint: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(token))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split('|');
    if parts.next()? != "v1" {
        return None;
    }
    let offset: usize = parts.next()?.parse().ok()?;
    if parts.next()? != short_hash(fingerprint) {
        return None;
    }
    Some(offset)
}

fn short_hash(s: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(s.as_bytes());
    hex::encode(&d[..6])
}

/// One page of a list plus the token for the next page.
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// Token for the next page, `None` on the last.
    pub next: Option<String>,
}

impl Page<serde_json::Value> {
    /// `{ list_key: items, token_key: next }`, the token omitted on the last page.
    pub fn into_json(self, list_key: &str, token_key: &str) -> Value {
        let mut out = json!({ list_key: self.items });
        if let Some(n) = self.next {
            out[token_key] = json!(n);
        }
        out
    }
}

/// A pagination token that is not ours, or belongs to other request parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadToken;

/// Slice `items` into a page. `max` is the caller's page size, already validated; `cap` is
/// the emulator-wide page-size cap (for tests that vary page sizes).
pub fn paginate<T: Clone>(
    items: &[T],
    token: Option<&str>,
    max: usize,
    fingerprint: &str,
    style: TokenStyle,
) -> Result<Page<T>, BadToken> {
    let start = match token {
        None | Some("") => 0,
        Some(t) => decode_token(t, fingerprint).ok_or(BadToken)?,
    };
    let start = start.min(items.len());
    let end = (start + max.max(1)).min(items.len());
    let next = (end < items.len()).then(|| encode_token(end, fingerprint, style));
    Ok(Page {
        items: items[start..end].to_vec(),
        next,
    })
}

/// Random URL-safe identifier of `n` characters from `alphabet`.
pub fn random_from(alphabet: &[u8], n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// Upper-case letters and digits.
pub const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Mixed-case letters and digits.
pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_change_per_page_and_bind_to_their_request() {
        let a = encode_token(20, "ListUsers|d-1", TokenStyle::UrlSafe);
        let b = encode_token(40, "ListUsers|d-1", TokenStyle::UrlSafe);
        assert_ne!(a, b);
        assert_eq!(decode_token(&a, "ListUsers|d-1"), Some(20));
        assert_eq!(decode_token(&a, "ListUsers|d-2"), None);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        let q = encode_token(10, "x", TokenStyle::Standard);
        assert_eq!(decode_token(&q, "x"), Some(10));
    }

    #[test]
    fn pages_cover_everything_once() {
        let items: Vec<u32> = (0..45).collect();
        let mut seen = vec![];
        let mut token: Option<String> = None;
        loop {
            let page = paginate(&items, token.as_deref(), 20, "f", TokenStyle::UrlSafe).unwrap();
            seen.extend(page.items);
            match page.next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration_s("PT1H"), Some(3600));
        assert_eq!(parse_duration_s("PT12H"), Some(43200));
        assert_eq!(parse_duration_s("PT1H30M"), Some(5400));
        assert_eq!(parse_duration_s("P1D"), None);
        assert_eq!(parse_duration_s("PT5"), None);
        assert_eq!(parse_duration_s("PT9223372036854775807H"), None);
        assert_eq!(parse_duration_s("PT9223372036854775807S1S"), None);
    }

    #[test]
    fn timestamps_render_per_protocol() {
        let t = OffsetDateTime::from_unix_timestamp(1_700_003_600).unwrap();
        assert_eq!(epoch_s(t), json!(1_700_003_600));
        assert_eq!(iso_s(t), "2023-11-14T23:13:20Z");
        assert_eq!(iso_ms(t), "2023-11-14T23:13:20.000Z");
    }
}
