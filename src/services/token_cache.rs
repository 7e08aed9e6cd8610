//! The Identity Center token cache shared with the AWS CLI, in both directions:
//! `~/.aws/sso/cache/<sha1>.json` named by the sso-session name (or the start URL for legacy
//! profiles), in the CLI's format; and the CLI's client-registration cache next to it.
//! Files are written atomically with mode 0600. A corrupt file is reported and left alone.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha1::Digest;
use time::OffsetDateTime;

use crate::model::secret::Secret;

/// What a token file is keyed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheKey {
    /// An `[sso-session NAME]`.
    Session(String),
    /// A legacy profile's start URL, exactly as configured.
    StartUrl(String),
}

impl CacheKey {
    /// The file name the AWS CLI and SDKs use.
    pub fn file_name(&self) -> String {
        let input = match self {
            CacheKey::Session(s) => s,
            CacheKey::StartUrl(u) => u,
        };
        format!("{}.json", hex::encode(sha1::Sha1::digest(input.as_bytes())))
    }
}

/// `~/.aws/sso/cache`.
pub fn cache_dir() -> Option<PathBuf> {
    crate::paths::aws_dir().map(|d| d.join("sso").join("cache"))
}

/// A cached sign-in.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedToken {
    /// Start URL.
    pub start_url: String,
    /// Region.
    pub region: String,
    /// The bearer token.
    pub access_token: Secret,
    /// When it expires.
    pub expires_at: OffsetDateTime,
    /// Registration used (for refresh).
    pub client_id: Option<String>,
    /// Registration secret.
    pub client_secret: Option<Secret>,
    /// When the registration expires.
    pub registration_expires_at: Option<OffsetDateTime>,
    /// Refresh token.
    pub refresh_token: Option<Secret>,
}

impl CachedToken {
    /// Whether it can be refreshed (the SDKs' rule: client id/secret, refresh token and
    /// registration expiry present, registration not expired).
    pub fn refreshable(&self, now: OffsetDateTime) -> bool {
        self.client_id.is_some()
            && self.client_secret.is_some()
            && self.refresh_token.is_some()
            && self.registration_expires_at.is_some_and(|t| t > now)
    }
}

/// A problem with a cache file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CacheError {
    /// Not valid JSON or missing required fields: left for the user.
    #[error("{path} is not a valid token cache file ({reason}); it was left as it is")]
    Corrupt {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Could not read or write.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

#[derive(Deserialize)]
struct TokenFile {
    #[serde(alias = "starturl", alias = "StartUrl")]
    #[serde(rename = "startUrl", default)]
    start_url: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(rename = "accessToken")]
    access_token: Option<String>,
    #[serde(rename = "expiresAt")]
    expires_at: Option<String>,
    #[serde(rename = "clientId", default)]
    client_id: Option<String>,
    #[serde(rename = "clientSecret", default)]
    client_secret: Option<String>,
    #[serde(rename = "registrationExpiresAt", default)]
    registration_expires_at: Option<String>,
    #[serde(rename = "refreshToken", default)]
    refresh_token: Option<String>,
}

/// Parse the timestamps the CLI and SDKs write: RFC 3339 with `Z` or an offset, fractional
/// seconds, or botocore's old `…UTC` suffix.
pub fn parse_cache_time(s: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let fixed = s.strip_suffix("UTC").map(|x| format!("{}Z", x.trim_end()));
    fixed.and_then(|f| OffsetDateTime::parse(&f, &Rfc3339).ok())
}

/// Format as the CLI writes it: `2026-01-02T03:04:05Z`.
pub fn format_cache_time(t: OffsetDateTime) -> String {
    crate::emulator::wire::iso_s(t)
}

/// Read a token file: `Ok(None)` when absent, an error when unreadable or corrupt.
pub fn read_token(path: &Path) -> Result<Option<CachedToken>, CacheError> {
    let text = match crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::TokenCache) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CacheError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    parse_token(&text, &path.display().to_string()).map(Some)
}

/// Parse a token file's text (`path` names it in errors). Public so that the fuzz targets and
/// the suite's smoke test call the same code as the reader.
pub fn parse_token(text: &str, path: &str) -> Result<CachedToken, CacheError> {
    let corrupt = |reason: &str| CacheError::Corrupt {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    let f: TokenFile = serde_json::from_str(text).map_err(|e| {
        corrupt(&format!(
            "JSON error at line {} column {}",
            e.line(),
            e.column()
        ))
    })?;
    let access = f.access_token.ok_or_else(|| corrupt("no accessToken"))?;
    let expires = f
        .expires_at
        .as_deref()
        .and_then(parse_cache_time)
        .ok_or_else(|| corrupt("no valid expiresAt"))?;
    Ok(CachedToken {
        start_url: f.start_url.unwrap_or_default(),
        region: f.region.unwrap_or_default(),
        access_token: Secret::new(access),
        expires_at: expires,
        client_id: f.client_id,
        client_secret: f.client_secret.map(Secret::new),
        registration_expires_at: f
            .registration_expires_at
            .as_deref()
            .and_then(parse_cache_time),
        refresh_token: f.refresh_token.map(Secret::new),
    })
}

/// Write a token file in the AWS CLI's key order and spacing, atomically, mode 0600.
pub fn write_token(path: &Path, t: &CachedToken) -> Result<(), CacheError> {
    let mut fields: Vec<(&str, String)> = vec![
        ("startUrl", t.start_url.clone()),
        ("region", t.region.clone()),
        ("accessToken", t.access_token.expose().to_string()),
        ("expiresAt", format_cache_time(t.expires_at)),
    ];
    if let Some(c) = &t.client_id {
        fields.push(("clientId", c.clone()));
    }
    if let Some(c) = &t.client_secret {
        fields.push(("clientSecret", c.expose().to_string()));
    }
    if let Some(r) = t.registration_expires_at {
        fields.push(("registrationExpiresAt", format_cache_time(r)));
    }
    if let Some(r) = &t.refresh_token {
        fields.push(("refreshToken", r.expose().to_string()));
    }
    let body = python_json_object(
        &fields
            .iter()
            .map(|(k, v)| (*k, PyJson::Str(v.clone())))
            .collect::<Vec<_>>(),
    );
    crate::fsutil::write_private(path, body.as_bytes()).map_err(|e| CacheError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Remove a token file (logout). Absent is fine.
pub fn remove_token(path: &Path) -> Result<(), CacheError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CacheError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// A JSON value rendered the way Python's `json.dumps` does by default.
#[derive(Debug, Clone)]
pub enum PyJson {
    /// A string.
    Str(String),
    /// A list of strings.
    List(Vec<String>),
    /// null.
    Null,
}

/// Python `json.dumps` escaping (ensure_ascii).
fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{"k": v, ...}` with Python's default separators.
pub fn python_json_object(fields: &[(&str, PyJson)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            let v = match v {
                PyJson::Str(s) => py_str(s),
                PyJson::List(l) => format!(
                    "[{}]",
                    l.iter().map(|s| py_str(s)).collect::<Vec<_>>().join(", ")
                ),
                PyJson::Null => "null".to_string(),
            };
            format!("{}: {v}", py_str(k))
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// A cached client registration (AWS CLI format).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedRegistration {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// When it expires.
    pub expires_at: OffsetDateTime,
    /// Scopes registered.
    pub scopes: Vec<String>,
    /// Grant types (`authorization_code`, `refresh_token`) for the PKCE flow; empty = device code.
    pub grant_types: Vec<String>,
}

/// The registration cache file name: SHA-1 of the CLI's sorted-keys JSON of
/// region, scopes, session name, start URL and tool.
pub fn registration_file_name(
    region: &str,
    scopes: Option<&[String]>,
    session: Option<&str>,
    start_url: &str,
) -> String {
    let body = python_json_object(&[
        ("region", PyJson::Str(region.into())),
        (
            "scopes",
            scopes
                .map(|s| PyJson::List(s.to_vec()))
                .unwrap_or(PyJson::Null),
        ),
        (
            "session_name",
            session
                .map(|s| PyJson::Str(s.into()))
                .unwrap_or(PyJson::Null),
        ),
        ("startUrl", PyJson::Str(start_url.into())),
        ("tool", PyJson::Str("botocore".into())),
    ]);
    format!("{}.json", hex::encode(sha1::Sha1::digest(body.as_bytes())))
}

#[derive(Deserialize)]
struct RegistrationFile {
    #[serde(rename = "clientId")]
    client_id: String,
    #[serde(rename = "clientSecret")]
    client_secret: String,
    #[serde(rename = "expiresAt")]
    expires_at: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(rename = "grantTypes", default)]
    grant_types: Vec<String>,
}

/// Read a registration; corrupt or absent files read as `None` (a new registration is made;
/// the corrupt file is overwritten only by a successful new registration).
pub fn read_registration(path: &Path) -> Option<CachedRegistration> {
    let text = crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::TokenCache).ok()?;
    parse_registration(&text)
}

/// Parse a registration file's text (`None` when it is not one).
pub fn parse_registration(text: &str) -> Option<CachedRegistration> {
    let f: RegistrationFile = serde_json::from_str(text).ok()?;
    Some(CachedRegistration {
        client_id: f.client_id,
        client_secret: Secret::new(f.client_secret),
        expires_at: parse_cache_time(&f.expires_at)?,
        scopes: f.scopes,
        grant_types: f.grant_types,
    })
}

/// Write a registration in the CLI's format.
pub fn write_registration(path: &Path, r: &CachedRegistration) -> Result<(), CacheError> {
    let mut fields = vec![
        ("clientId", PyJson::Str(r.client_id.clone())),
        (
            "clientSecret",
            PyJson::Str(r.client_secret.expose().to_string()),
        ),
        ("expiresAt", PyJson::Str(format_cache_time(r.expires_at))),
    ];
    if !r.scopes.is_empty() {
        fields.push(("scopes", PyJson::List(r.scopes.clone())));
    }
    if !r.grant_types.is_empty() {
        fields.push(("grantTypes", PyJson::List(r.grant_types.clone())));
    }
    crate::fsutil::write_private(path, python_json_object(&fields).as_bytes()).map_err(|e| {
        CacheError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_match_the_aws_cli() {
        assert_eq!(
            CacheKey::Session("my-sso".into()).file_name(),
            "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
        );
        assert_eq!(
            CacheKey::StartUrl("https://d-1234567890.awsapps.com/start".into()).file_name(),
            "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json"
        );
        let scopes = vec!["sso:account:access".to_string()];
        assert_eq!(
            registration_file_name(
                "us-east-1",
                Some(&scopes),
                Some("my-sso"),
                "https://d-1234567890.awsapps.com/start"
            ),
            "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"
        );
        assert_eq!(
            registration_file_name(
                "us-east-1",
                None,
                None,
                "https://d-1234567890.awsapps.com/start"
            ),
            "365414a68be7c9bfc776c660981dbdbd942acea4.json"
        );
    }

    #[test]
    fn tokens_round_trip_and_corrupt_files_are_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        let t = CachedToken {
            start_url: "https://acme.awsapps.com/start".into(),
            region: "us-east-1".into(),
            access_token: Secret::new("aoaTOKEN"),
            expires_at: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
            client_id: Some("cid".into()),
            client_secret: Some(Secret::new("csecret")),
            registration_expires_at: Some(
                OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap(),
            ),
            refresh_token: Some(Secret::new("aorREFRESH")),
        };
        write_token(&path, &t).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\"startUrl\": \"https://acme.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\""));
        assert!(text.contains("\"expiresAt\": \"2027-01-15T08:00:00Z\""));
        assert_eq!(read_token(&path).unwrap(), Some(t));
        std::fs::write(&path, "{not json").unwrap();
        let err = read_token(&path).unwrap_err();
        assert!(err.to_string().contains("left as it is"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
        assert_eq!(read_token(&dir.path().join("absent.json")).unwrap(), None);
    }

    #[test]
    fn lenient_timestamps() {
        assert!(parse_cache_time("2026-01-02T03:04:05Z").is_some());
        assert!(parse_cache_time("2026-01-02T03:04:05.123Z").is_some());
        assert!(parse_cache_time("2026-01-02T03:04:05+00:00").is_some());
        assert!(parse_cache_time("2026-01-02T03:04:05UTC").is_some());
        assert!(parse_cache_time("yesterday").is_none());
    }
}
