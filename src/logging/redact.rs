//! Secrets out of log lines, whatever formatted them: the AWS SDK's trace output prints whole
//! requests (headers such as `x-amz-sso_bearer_token`, bodies with `clientSecret` or
//! `refreshToken`), so every line written to the log file or the logs screen passes through
//! [`redact`], which replaces the value after any secret-bearing name with `[redacted]`.

use std::borrow::Cow;

/// Names whose value is a secret (lower case; matched case-insensitively, as header names,
/// JSON keys, struct fields or query parameters).
const SECRET_NAMES: [&str; 27] = [
    "x-amz-sso_bearer_token",
    "x-amz-security-token",
    "authorization",
    "accesstoken",
    "access_token",
    "refreshtoken",
    "refresh_token",
    "idtoken",
    "id_token",
    "clientsecret",
    "client_secret",
    "secretaccesskey",
    "secret_access_key",
    "sessiontoken",
    "session_token",
    "code_verifier",
    "codeverifier",
    "devicecode",
    "device_code",
    "client_assertion",
    "assertion",
    "subject_token",
    "subjecttoken",
    "password",
    "private_key",
    "privatekey",
    "bearer",
];

/// `code` (an OAuth authorization code) is a secret too, but only as a whole key (`"code":`,
/// `?code=`, `&code=`), never inside `errorCode`.
const CODE: &str = "code";

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// `line` with the value after each secret-bearing name replaced by [`REDACTED`].
pub fn redact(line: &str) -> Cow<'_, str> {
    let lower = line.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for name in SECRET_NAMES.iter().copied().chain([CODE]) {
        let mut from = 0;
        while let Some(at) = lower[from..].find(name).map(|i| i + from) {
            from = at + name.len();
            if !is_whole_name(&lower, at, name) {
                continue;
            }
            if let Some(span) = value_after(line, at + name.len()) {
                spans.push(span);
            }
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(line);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        out.push_str(&line[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&line[at..]);
    Cow::Owned(out)
}

/// Whether `name` at `at` in `lower` stands alone (not part of a longer identifier).
fn is_whole_name(lower: &str, at: usize, name: &str) -> bool {
    let before = lower[..at].chars().next_back();
    let after = lower[at + name.len()..].chars().next();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if after.is_some_and(ident) {
        return false;
    }
    if name == CODE {
        return before.is_some_and(|c| matches!(c, '"' | '\'' | '?' | '&'));
    }
    !before.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The span of the value after a name ending at `from`: past separators (`"`, `'`, `\`, `:`,
/// `=`, spaces, `Some(`, `Bearer `), up to the next quote, comma, bracket, `&`, `;` or space.
fn value_after(line: &str, from: usize) -> Option<(usize, usize)> {
    let rest = &line[from..];
    let mut skip = 0;
    loop {
        let r = &rest[skip..];
        if skip > 24 {
            return None;
        }
        if let Some(c) = r
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '\\' | ':' | '=' | ' '))
        {
            skip += c.len_utf8();
        } else if r.starts_with("Some(") {
            skip += 5;
        } else if r.len() >= 7 && r[..7].eq_ignore_ascii_case("bearer ") {
            skip += 7;
        } else {
            break;
        }
    }
    if skip == 0 {
        return None;
    }
    let start = from + skip;
    let len = line[start..]
        .find(|c: char| {
            matches!(c, '"' | '\'' | '\\' | ',' | ')' | '}' | ']' | '&' | ';') || c.is_whitespace()
        })
        .unwrap_or(line.len() - start);
    (len > 0).then_some((start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_header_and_every_token_field_are_redacted() {
        let cases = [
            (
                r#"headers: {"x-amz-sso_bearer_token": "aoaSECRET1", "user-agent": "x"}"#,
                r#"headers: {"x-amz-sso_bearer_token": "[redacted]", "user-agent": "x"}"#,
            ),
            (
                r#"body: b"{\"clientId\":\"c\",\"clientSecret\":\"eyJSECRET.2\",\"refreshToken\":\"aorSECRET3\"}""#,
                r#"body: b"{\"clientId\":\"c\",\"clientSecret\":\"[redacted]\",\"refreshToken\":\"[redacted]\"}""#,
            ),
            (
                "access_token=SECRET4 expires_in=3600",
                "access_token=[redacted] expires_in=3600",
            ),
            (
                r#"Authorization: Bearer SECRET5, X-Amz-Security-Token: Some("SECRET6")"#,
                r#"Authorization: Bearer [redacted], X-Amz-Security-Token: Some("[redacted]")"#,
            ),
            (
                "GET /callback?code=SECRET7&state=s errorCode=\"InvalidGrant\"",
                "GET /callback?code=[redacted]&state=s errorCode=\"InvalidGrant\"",
            ),
            (
                r#"{"secretAccessKey":"SECRET8","sessionToken":"SECRET9","deviceCode":"SECRET10","code_verifier":"SECRET11"}"#,
                r#"{"secretAccessKey":"[redacted]","sessionToken":"[redacted]","deviceCode":"[redacted]","code_verifier":"[redacted]"}"#,
            ),
        ];
        for (line, want) in cases {
            assert_eq!(redact(line), want);
        }
    }

    #[test]
    fn ordinary_lines_and_look_alike_names_are_left_alone() {
        for line in [
            "listing 24 roles in 12 accounts",
            "accessTokenExpiresAt=2026-01-01 token_ttl=3600",
            "errorCode=InvalidGrant status code: 400",
        ] {
            assert!(matches!(redact(line), Cow::Borrowed(_)), "{line}");
        }
    }
}
