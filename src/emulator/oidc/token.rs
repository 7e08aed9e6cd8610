//! sso-oidc CreateToken: the device-code grant (pending, slow_down, denied, expired, used),
//! the authorization-code grant (single-use code, exact redirect URI, PKCE S256), and the
//! refresh-token grant; refresh tokens only for clients registered with scopes.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{DEVICE_GRANT, check_client, oauth_error, parse, pkce_s256};
use crate::emulator::Emu;
use crate::emulator::activity::Activity;
use crate::emulator::router::RequestCtx;
use crate::emulator::state::{AccessToken, Decision, RefreshToken, State as EmuState};
use crate::emulator::wire::{ALNUM, ApiError, Protocol, ok_json, random_from};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenInput {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// POST /token (CreateToken)
pub async fn create_token(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let input: CreateTokenInput = match parse(&body) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let mut st = emu.state();
    let grant = input.grant_type.clone().unwrap_or_default();
    let client_id = input.client_id.clone().unwrap_or_default();
    let result = create_token_inner(&mut st, &input);
    match result {
        Ok((body, user, credential_id)) => {
            st.record(Activity::CreateToken {
                user: Some(user),
                client_id,
                grant_type: grant,
                origin: ctx.origin,
                error: None,
                credential_id: Some(credential_id),
            });
            ok_json(Protocol::RestJson, body)
        }
        Err(e) => {
            if !matches!(
                e.code.as_str(),
                "AuthorizationPendingException" | "SlowDownException"
            ) {
                st.record(Activity::CreateToken {
                    user: None,
                    client_id,
                    grant_type: grant,
                    origin: ctx.origin,
                    error: Some(e.code.clone()),
                    credential_id: None,
                });
            }
            e.into_response()
        }
    }
}

fn invalid_grant(msg: &str) -> ApiError {
    oauth_error(400, "InvalidGrantException", "invalid_grant", msg)
}

fn create_token_inner(
    st: &mut EmuState,
    input: &CreateTokenInput,
) -> Result<(Value, usize, String), ApiError> {
    let (Some(id), Some(secret), Some(grant)) =
        (&input.client_id, &input.client_secret, &input.grant_type)
    else {
        return Err(oauth_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "clientId, clientSecret and grantType are required",
        ));
    };
    let client = check_client(st, id, secret)?.clone();
    if !client.grant_types.is_empty() && !client.grant_types.iter().any(|g| g == grant) {
        return Err(oauth_error(
            400,
            "UnauthorizedClientException",
            "unauthorized_client",
            "Client is not registered for this grant type",
        ));
    }
    let now = OffsetDateTime::now_utc();
    let (user, scopes, credential_id) = match grant.as_str() {
        DEVICE_GRANT => {
            let code = input
                .device_code
                .as_deref()
                .ok_or_else(|| invalid_grant("deviceCode is required"))?;
            let d = st
                .devices
                .get_mut(code)
                .ok_or_else(|| invalid_grant("Invalid device code provided"))?;
            if d.client_id != *id {
                return Err(invalid_grant("Device code was issued to another client"));
            }
            if d.expires <= now {
                return Err(oauth_error(
                    400,
                    "ExpiredTokenException",
                    "expired_token",
                    "Device code has expired",
                ));
            }
            let too_fast = d
                .last_poll
                .is_some_and(|t| (now - t).as_seconds_f64() < d.interval as f64 * 0.5);
            d.last_poll = Some(now);
            match d.decision.clone() {
                Decision::Pending if too_fast => {
                    return Err(oauth_error(
                        400,
                        "SlowDownException",
                        "slow_down",
                        "Client is polling too fast",
                    ));
                }
                Decision::Pending => {
                    return Err(oauth_error(
                        400,
                        "AuthorizationPendingException",
                        "authorization_pending",
                        "Authorization is still pending",
                    ));
                }
                Decision::Denied => {
                    return Err(oauth_error(
                        400,
                        "AccessDeniedException",
                        "access_denied",
                        "The user denied the authorization request",
                    ));
                }
                Decision::Used => return Err(invalid_grant("Device code has already been used")),
                Decision::Approved {
                    user,
                    credential_id,
                } => {
                    d.decision = Decision::Used;
                    (user, client.scopes.clone(), credential_id)
                }
            }
        }
        "authorization_code" => {
            let code = input
                .code
                .as_deref()
                .ok_or_else(|| invalid_grant("code is required"))?;
            let ac = st
                .codes
                .remove(code)
                .ok_or_else(|| invalid_grant("Invalid authorization code"))?;
            if ac.client_id != *id {
                return Err(invalid_grant(
                    "Authorization code was issued to another client",
                ));
            }
            if ac.expires <= now {
                return Err(oauth_error(
                    400,
                    "ExpiredTokenException",
                    "expired_token",
                    "Authorization code has expired",
                ));
            }
            if input.redirect_uri.as_deref() != Some(ac.redirect_uri.as_str()) {
                return Err(invalid_grant(
                    "redirectUri does not match the authorization request",
                ));
            }
            let verifier = input
                .code_verifier
                .as_deref()
                .ok_or_else(|| invalid_grant("codeVerifier is required"))?;
            if pkce_s256(verifier) != ac.challenge {
                return Err(invalid_grant("PKCE verification failed"));
            }
            (ac.user, ac.scopes, ac.credential_id)
        }
        "refresh_token" => {
            let rt = input
                .refresh_token
                .as_deref()
                .ok_or_else(|| invalid_grant("refreshToken is required"))?;
            let r = st
                .refresh_tokens
                .get(rt)
                .ok_or_else(|| invalid_grant("Invalid refresh token"))?;
            if r.revoked || r.client_id != *id {
                return Err(invalid_grant("Invalid refresh token"));
            }
            (r.user, r.scopes.clone(), r.credential_id.clone())
        }
        other => {
            return Err(oauth_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            ));
        }
    };
    if st.org.users[user].status != "ENABLED" {
        return Err(oauth_error(
            400,
            "AccessDeniedException",
            "access_denied",
            "User is disabled",
        ));
    }
    let ttl = st.settings.token_ttl;
    let access = format!("aoa{}", random_from(ALNUM, 120));
    st.tokens.insert(
        access.clone(),
        AccessToken {
            user,
            client_id: id.clone(),
            scopes: scopes.clone(),
            expires: now.saturating_add(time::Duration::seconds(ttl)),
            credential_id: credential_id.clone(),
            revoked: false,
        },
    );
    let mut out = json!({ "accessToken": access, "tokenType": "Bearer", "expiresIn": ttl });
    // A refresh token only for clients registered with scopes (sso-session style), and only
    // when the grant was not itself a refresh (the caller keeps the one it has).
    if !client.scopes.is_empty() && grant != "refresh_token" {
        let refresh = format!("aor{}", random_from(ALNUM, 120));
        st.refresh_tokens.insert(
            refresh.clone(),
            RefreshToken {
                user,
                client_id: id.clone(),
                scopes,
                credential_id: credential_id.clone(),
                revoked: false,
            },
        );
        out["refreshToken"] = json!(refresh);
    }
    Ok((out, user, credential_id))
}
