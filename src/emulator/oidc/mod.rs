//! sso-oidc: RegisterClient, StartDeviceAuthorization and CreateToken (device code,
//! authorization code with PKCE S256, refresh token), with the OAuth error shapes the SDKs
//! recognise (`__type` + `x-amzn-ErrorType`, plus `error` / `error_description`).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

mod token;

pub use token::create_token;

use super::Emu;
use super::activity::{Activity, Origin, SignInOutcome};
use super::state::{Decision, DeviceAuth, OidcClient, State as EmuState};
use super::wire::{ALNUM, ApiError, Protocol, ok_json, random_from};

/// Scopes the emulated instance knows.
const KNOWN_SCOPES: &[&str] = &[
    "sso:account:access",
    "codewhisperer:completions",
    "codewhisperer:analysis",
    "codewhisperer:conversations",
    "codewhisperer:transformations",
    "codewhisperer:taskassist",
    "openid",
    "redshift:connect",
    "s3:access_grants:read_write",
];

pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// An OAuth-style error of the sso-oidc service.
pub fn oauth_error(status: u16, code: &str, error: &str, description: &str) -> ApiError {
    ApiError::new(status, code, description)
        .protocol(Protocol::RestJson)
        .message_member("message")
        .with("error", error)
        .with("error_description", description)
}

pub(crate) fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        oauth_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            &format!("Malformed request body: {e}"),
        )
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterClientInput {
    client_name: Option<String>,
    client_type: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
}

/// POST /client/register
pub async fn register_client(State(emu): State<Arc<Emu>>, body: Bytes) -> Response {
    let result = (|| {
        let input: RegisterClientInput = parse(&body)?;
        let name = input.client_name.filter(|n| !n.is_empty()).ok_or_else(|| {
            oauth_error(
                400,
                "InvalidRequestException",
                "invalid_request",
                "clientName is required",
            )
        })?;
        if input.client_type.as_deref() != Some("public") {
            return Err(oauth_error(
                400,
                "InvalidClientMetadataException",
                "invalid_client_metadata",
                "clientType must be public",
            ));
        }
        if let Some(bad) = input
            .scopes
            .iter()
            .find(|s| !KNOWN_SCOPES.contains(&s.as_str()))
        {
            return Err(oauth_error(
                400,
                "InvalidScopeException",
                "invalid_scope",
                &format!("Invalid scope: {bad}"),
            ));
        }
        let known_grants = [DEVICE_GRANT, "authorization_code", "refresh_token"];
        if let Some(bad) = input
            .grant_types
            .iter()
            .find(|g| !known_grants.contains(&g.as_str()))
        {
            return Err(oauth_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                &format!("Unsupported grant type: {bad}"),
            ));
        }
        if let Some(bad) = input
            .redirect_uris
            .iter()
            .find(|u| !is_loopback_redirect(u))
        {
            return Err(oauth_error(
                400,
                "InvalidRedirectUriException",
                "invalid_redirect_uri",
                &format!("Invalid redirect URI: {bad}"),
            ));
        }
        let now = OffsetDateTime::now_utc();
        let expires = now + time::Duration::days(90);
        let client_id = random_from(ALNUM, 22);
        let secret = client_secret();
        let mut st = emu.state();
        let origin = st.settings.origin.clone();
        let auth_code = input.grant_types.iter().any(|g| g == "authorization_code");
        st.clients.insert(
            client_id.clone(),
            OidcClient {
                secret: secret.clone(),
                name,
                scopes: input.scopes,
                grant_types: input.grant_types,
                redirect_uris: input.redirect_uris,
                expires,
            },
        );
        let mut out = json!({
            "clientId": client_id,
            "clientSecret": secret,
            "clientIdIssuedAt": now.unix_timestamp(),
            "clientSecretExpiresAt": expires.unix_timestamp(),
        });
        if auth_code {
            out["authorizationEndpoint"] = json!(format!("{origin}/authorize"));
            out["tokenEndpoint"] = json!(format!("{origin}/token"));
        }
        Ok(out)
    })();
    respond(result)
}

fn respond(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => ok_json(Protocol::RestJson, v),
        Err(e) => e.into_response(),
    }
}

/// A client secret shaped like the real ones (a long opaque JWT-like string).
fn client_secret() -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        b64.encode(r#"{"kid":"key-emulator","alg":"HS384"}"#),
        b64.encode(random_from(ALNUM, 96)),
        random_from(ALNUM, 64)
    )
}

/// `http://127.0.0.1[:port]/path` or `http://localhost…`: loopback redirect URIs (RFC 8252).
pub fn is_loopback_redirect(uri: &str) -> bool {
    match url::Url::parse(uri) {
        Ok(u) => {
            u.scheme() == "http"
                && matches!(
                    u.host_str(),
                    Some("127.0.0.1") | Some("localhost") | Some("[::1]")
                )
        }
        Err(_) => false,
    }
}

/// Whether `used` matches a registered redirect URI, ignoring the port (RFC 8252 §7.3).
pub fn redirect_matches(registered: &[String], used: &str) -> bool {
    let Ok(u) = url::Url::parse(used) else {
        return false;
    };
    if !is_loopback_redirect(used) {
        return false;
    }
    registered.iter().any(|r| {
        url::Url::parse(r)
            .map(|r| {
                r.scheme() == u.scheme() && r.host_str() == u.host_str() && r.path() == u.path()
            })
            .unwrap_or(false)
    })
}

/// Look up a client and check its secret and expiry.
pub fn check_client<'a>(
    st: &'a EmuState,
    id: &str,
    secret: &str,
) -> Result<&'a OidcClient, ApiError> {
    match st.clients.get(id) {
        Some(c) if c.secret == secret && c.expires > OffsetDateTime::now_utc() => Ok(c),
        Some(c) if c.secret == secret => Err(oauth_error(
            401,
            "InvalidClientException",
            "invalid_client",
            "Client registration has expired",
        )),
        _ => Err(oauth_error(
            401,
            "InvalidClientException",
            "invalid_client",
            "Invalid client",
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartDeviceInput {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

/// POST /device_authorization
pub async fn start_device_authorization(State(emu): State<Arc<Emu>>, body: Bytes) -> Response {
    let result = (|| {
        let input: StartDeviceInput = parse(&body)?;
        let (Some(id), Some(secret), Some(start_url)) =
            (input.client_id, input.client_secret, input.start_url)
        else {
            return Err(oauth_error(
                400,
                "InvalidRequestException",
                "invalid_request",
                "clientId, clientSecret and startUrl are required",
            ));
        };
        let mut st = emu.state();
        check_client(&st, &id, &secret)?;
        if start_url.trim_end_matches('/') != st.org.instance.start_url.trim_end_matches('/') {
            return Err(oauth_error(
                400,
                "InvalidRequestException",
                "invalid_request",
                &format!("Unknown start URL {start_url}"),
            ));
        }
        let device_code = random_from(ALNUM, 64);
        let user_code = user_code();
        let origin = st.settings.origin.clone();
        st.devices.insert(
            device_code.clone(),
            DeviceAuth {
                client_id: id,
                user_code: user_code.clone(),
                expires: OffsetDateTime::now_utc() + time::Duration::seconds(600),
                interval: 1,
                last_poll: None,
                decision: Decision::Pending,
            },
        );
        if let Some(name) = st.settings.auto_approve.clone() {
            let delay = st.settings.auto_approve_delay_ms;
            let emu = emu.clone();
            let code = device_code.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                let mut st = emu.state();
                if let Some(user) = st.idx.user_by_name.get(&name).copied() {
                    let credential_id = approve_sign_in(&mut st, user, None);
                    if let Some(d) = st
                        .devices
                        .get_mut(&code)
                        .filter(|d| d.decision == Decision::Pending)
                    {
                        d.decision = Decision::Approved {
                            user,
                            credential_id,
                        };
                    }
                }
            });
        }
        Ok(json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": format!("{origin}/device"),
            "verificationUriComplete": format!("{origin}/device?user_code={user_code}"),
            "expiresIn": 600,
            "interval": 1,
        }))
    })();
    respond(result)
}

/// `ABCD-EFGH` from letters that cannot be confused.
fn user_code() -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    format!("{}-{}", random_from(LETTERS, 4), random_from(LETTERS, 4))
}

/// A person completed a browser sign-in: record the sign-in chain and start a portal session.
/// `origin` is the browser's; without one (auto-approval) the person's usual address is used.
pub fn approve_sign_in(st: &mut EmuState, user: usize, origin: Option<Origin>) -> String {
    let credential_id = random_from(ALNUM, 32);
    let u = &st.org.users[user];
    let origin = origin.unwrap_or_else(|| Origin {
        ip: u.home_ip.clone().unwrap_or_else(|| "127.0.0.1".into()),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36".into(),
    });
    let typed = u.user_name.clone();
    st.record(Activity::SignIn {
        user: Some(user),
        typed_user_name: typed,
        origin,
        outcome: SignInOutcome::Success,
        credential_id: Some(credential_id.clone()),
        auth_workflow_id: uuid::Uuid::new_v4().to_string(),
    });
    credential_id
}

/// base64url(SHA-256(verifier)) without padding.
pub fn pkce_s256(verifier: &str) -> String {
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirects_match_ignoring_port_only() {
        let reg = vec!["http://127.0.0.1/oauth/callback".to_string()];
        assert!(redirect_matches(
            &reg,
            "http://127.0.0.1:43123/oauth/callback"
        ));
        assert!(!redirect_matches(&reg, "http://127.0.0.1:43123/other"));
        assert!(!redirect_matches(
            &reg,
            "https://evil.example/oauth/callback"
        ));
        assert!(!is_loopback_redirect("http://192.168.1.2/cb"));
    }
}
