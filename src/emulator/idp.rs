//! The company's own OpenID Connect identity provider (an emulated "Okta") on the emulator's
//! port, under `/idp`: the IdP people sign in to before trusted identity propagation carries
//! them into AWS. Its people are the directory's enabled people (same emails). Two
//! authorization servers: `/idp` (the one Identity Center trusts in the demo) and
//! `/idp/partners` (a second issuer nobody trusts, for the untrusted-issuer case). Each has a
//! discovery document, the JWKS, `/authorize` (PKCE S256, `state`, loopback redirect;
//! auto-approved like Identity Center's `/authorize`, else a small consent page) and a
//! form-encoded `/token` (authorization_code with PKCE, refresh_token) issuing RS256 ID tokens
//! with `iss`, `sub`, `aud` = the client id, `email`, `exp`, `iat` and `nonce`.
//! Signing in here is not an Identity Center sign-in, so nothing is recorded for CloudTrail.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Emu;
use super::jwt::demo_key;
use super::oidc::{is_loopback_redirect, pkce_s256};
use super::pages::{code_request_refusal, redirect_to};
use super::state::State as EmuState;
use super::wire::{ALNUM, random_from, xml_escape as esc};

/// The client id registered at the IdP for centry (the `aud` the demo application trusts).
pub const DEMO_CLIENT_ID: &str = "centry-demo";
/// A second client registered at the IdP (another company app) whose tokens the demo
/// Identity Center application does not accept: the wrong-audience case.
pub const OTHER_CLIENT_ID: &str = "acme-reports";
/// The IdP's registered clients (public clients, loopback redirects on any port).
pub const CLIENTS: &[&str] = &[DEMO_CLIENT_ID, OTHER_CLIENT_ID];
/// Authorization servers: `""` is `/idp`, the others are `/idp/<name>`.
pub const SERVERS: &[&str] = &["", "partners"];

/// An authorization code waiting for the token endpoint.
#[derive(Debug, Clone)]
struct IdpCode {
    server: &'static str,
    client_id: String,
    redirect_uri: String,
    challenge: String,
    user: usize,
    nonce: Option<String>,
    scope: String,
    expires: OffsetDateTime,
}

/// A refresh token of the IdP.
#[derive(Debug, Clone)]
struct IdpRefresh {
    server: &'static str,
    client_id: String,
    user: usize,
    scope: String,
}

/// The IdP's runtime state (inside the emulator's one state lock).
#[derive(Debug)]
pub struct IdpState {
    codes: HashMap<String, IdpCode>,
    refresh: HashMap<String, IdpRefresh>,
    /// Lifetime of ID and access tokens in seconds (tests lower it, even below zero, to
    /// have the IdP hand out tokens that are already expired).
    pub token_ttl: i64,
}

impl Default for IdpState {
    fn default() -> Self {
        IdpState {
            codes: HashMap::new(),
            refresh: HashMap::new(),
            token_ttl: 3600,
        }
    }
}

/// The issuer URL of an authorization server.
pub fn issuer_url(origin: &str, server: &str) -> String {
    if server.is_empty() {
        format!("{origin}/idp")
    } else {
        format!("{origin}/idp/{server}")
    }
}

/// Which of the IdP's authorization servers issues as `iss`, if any.
pub fn server_for_issuer(st: &EmuState, iss: &str) -> Option<&'static str> {
    SERVERS
        .iter()
        .copied()
        .find(|s| issuer_url(&st.settings.origin, s) == iss)
}

/// The IdP subject of a person: their external id at the company IdP, else a stable id.
pub fn subject(st: &EmuState, user: usize) -> String {
    let u = &st.org.users[user];
    match &u.external_id {
        Some(x) => x.id.clone(),
        None => {
            use sha2::Digest;
            let h = hex::encode(sha2::Sha256::digest(u.id.as_bytes()));
            format!("00u{}", &h[..17])
        }
    }
}

/// The routes under `/idp`.
pub fn routes() -> Router<Arc<Emu>> {
    let mut r = Router::new();
    for s in SERVERS {
        let p = if s.is_empty() {
            String::new()
        } else {
            format!("/{s}")
        };
        r = r
            .route(
                &format!("{p}/.well-known/openid-configuration"),
                get(discovery),
            )
            .route(&format!("{p}/jwks"), get(jwks))
            .route(&format!("{p}/authorize"), get(authorize))
            .route(&format!("{p}/authorize/decision"), post(decision))
            .route(&format!("{p}/token"), post(token));
    }
    r
}

/// The authorization server a request is for, from its path (`/idp/partners/…` or `/idp/…`).
fn server_of(uri: &Uri) -> &'static str {
    let path = uri.path().trim_start_matches("/idp");
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    SERVERS
        .iter()
        .copied()
        .find(|s| !s.is_empty() && *s == first)
        .unwrap_or("")
}

async fn discovery(State(emu): State<Arc<Emu>>, uri: Uri) -> Response {
    let iss = issuer_url(&emu.state().settings.origin, server_of(&uri));
    axum::Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "jwks_uri": format!("{iss}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "offline_access"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified", "name", "preferred_username"],
    }))
    .into_response()
}

async fn jwks() -> Response {
    axum::Json(json!({ "keys": [demo_key().jwk()] })).into_response()
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title>\
             <style>body{{font-family:sans-serif;max-width:40em;margin:3em auto;color:#222}}\
             select,button{{font-size:1.1em;margin:.3em 0}}</style></head>\
             <body><h1>{t}</h1>{body}<p><small>Acme identity provider (centry emulator)</small></p></body></html>",
            t = esc(title)
        )),
    )
        .into_response()
}

/// Query of `/authorize` (and the consent form, which carries the same fields).
#[derive(Debug, Clone, Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    nonce: Option<String>,
}

/// Checks that must pass before anything is sent to the redirect URI.
fn check_client(q: &AuthorizeQuery) -> Result<(), &'static str> {
    match q.client_id.as_deref() {
        Some(c) if CLIENTS.contains(&c) => {}
        _ => return Err("Unknown client_id: this IdP knows only its registered applications."),
    }
    match q.redirect_uri.as_deref() {
        Some(r) if is_loopback_redirect(r) => Ok(()),
        _ => Err("redirect_uri must be a loopback address (http://127.0.0.1:PORT/…)."),
    }
}

/// Issue a code for `user` and send the browser back.
fn approve(st: &mut EmuState, server: &'static str, q: &AuthorizeQuery, user: usize) -> Response {
    let code = random_from(ALNUM, 43);
    st.idp.codes.insert(
        code.clone(),
        IdpCode {
            server,
            client_id: q.client_id.clone().unwrap_or_default(),
            redirect_uri: q.redirect_uri.clone().unwrap_or_default(),
            challenge: q.code_challenge.clone().unwrap_or_default(),
            user,
            nonce: q.nonce.clone(),
            scope: q.scope.clone().unwrap_or_else(|| "openid".into()),
            expires: OffsetDateTime::now_utc() + time::Duration::minutes(5),
        },
    );
    let state = q.state.clone().unwrap_or_default();
    redirect_to(
        q.redirect_uri.as_deref().unwrap_or_default(),
        &[("code", &code), ("state", &state)],
    )
}

async fn authorize(
    State(emu): State<Arc<Emu>>,
    uri: Uri,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    if let Err(msg) = check_client(&q) {
        return page(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            &format!("<p>{}</p>", esc(msg)),
        );
    }
    let redirect = q.redirect_uri.clone().unwrap_or_default();
    let state = q.state.clone().unwrap_or_default();
    if let Some(refusal) = code_request_refusal(
        &redirect,
        &state,
        q.response_type.as_deref(),
        q.code_challenge_method.as_deref(),
        q.code_challenge.as_deref(),
    ) {
        return refusal;
    }
    let server = server_of(&uri);
    let (auto, delay) = {
        let st = emu.state();
        (
            st.settings.auto_approve.clone(),
            st.settings.auto_approve_delay_ms,
        )
    };
    if let Some(name) = auto {
        tokio::time::sleep(Duration::from_millis(delay.min(500))).await;
        let mut st = emu.state();
        if let Some(user) = st.idx.user_by_name.get(&name).copied() {
            return approve(&mut st, server, &q, user);
        }
    }
    let st = emu.state();
    let hidden: String = [
        ("client_id", &q.client_id),
        ("redirect_uri", &q.redirect_uri),
        ("scope", &q.scope),
        ("state", &q.state),
        ("code_challenge", &q.code_challenge),
        ("nonce", &q.nonce),
    ]
    .iter()
    .map(|(k, v)| {
        format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            esc(v.as_deref().unwrap_or_default())
        )
    })
    .collect();
    let people: String = st
        .org
        .users
        .iter()
        .filter(|u| u.status == "ENABLED")
        .map(|u| {
            format!(
                "<option value=\"{}\">{} ({})</option>",
                esc(&u.user_name),
                esc(&u.display_name),
                esc(&u.email)
            )
        })
        .collect();
    let action = format!("{}/authorize/decision", issuer_url("", server));
    page(
        StatusCode::OK,
        "Sign in to Acme",
        &format!(
            "<p><b>{}</b> wants to know who you are.</p><form method=\"post\" action=\"{}\">{hidden}\
             <p>Sign in as: <select name=\"user\">{people}</select></p>\
             <button name=\"decision\" value=\"approve\">Sign in</button> \
             <button name=\"decision\" value=\"deny\">Cancel</button></form>",
            esc(q.client_id.as_deref().unwrap_or_default()),
            esc(&action)
        ),
    )
}

/// The consent form's answer.
#[derive(Debug, Deserialize)]
struct Decision {
    #[serde(flatten)]
    q: AuthorizeQuery,
    user: String,
    decision: String,
}

async fn decision(State(emu): State<Arc<Emu>>, uri: Uri, Form(f): Form<Decision>) -> Response {
    let mut q = f.q;
    q.code_challenge_method = Some("S256".into());
    if let Err(msg) = check_client(&q) {
        return page(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            &format!("<p>{}</p>", esc(msg)),
        );
    }
    let mut st = emu.state();
    match (
        st.idx.user_by_name.get(&f.user).copied(),
        f.decision.as_str(),
    ) {
        (Some(user), "approve") => approve(&mut st, server_of(&uri), &q, user),
        _ => redirect_to(
            q.redirect_uri.as_deref().unwrap_or_default(),
            &[
                ("error", "access_denied"),
                ("state", q.state.as_deref().unwrap_or_default()),
            ],
        ),
    }
}

/// An RFC 6749 §5.2 error.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// Form of `/token`.
#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

async fn token(State(emu): State<Arc<Emu>>, uri: Uri, Form(f): Form<TokenForm>) -> Response {
    let server = server_of(&uri);
    let bad = |e: &str, d: &str| oauth_error(StatusCode::BAD_REQUEST, e, d);
    let client = match f.client_id.as_deref() {
        Some(c) if CLIENTS.contains(&c) => c.to_string(),
        _ => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client_id is not registered at this IdP",
            );
        }
    };
    let mut st = emu.state();
    let now = OffsetDateTime::now_utc();
    let (user, scope, nonce, new_refresh) = match f.grant_type.as_deref() {
        Some("authorization_code") => {
            let Some(c) = f.code.as_deref().and_then(|c| st.idp.codes.remove(c)) else {
                return bad(
                    "invalid_grant",
                    "The authorization code is invalid or was already used",
                );
            };
            if c.server != server || c.client_id != client {
                return bad(
                    "invalid_grant",
                    "The authorization code was issued to another client",
                );
            }
            if c.expires <= now {
                return bad("invalid_grant", "The authorization code has expired");
            }
            if f.redirect_uri.as_deref() != Some(c.redirect_uri.as_str()) {
                return bad(
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                );
            }
            match f.code_verifier.as_deref() {
                Some(v) if pkce_s256(v) == c.challenge => {}
                _ => return bad("invalid_grant", "PKCE verification failed"),
            }
            let offline = c.scope.split_whitespace().any(|s| s == "offline_access");
            (c.user, c.scope, c.nonce, offline)
        }
        Some("refresh_token") => {
            let Some(r) = f
                .refresh_token
                .as_deref()
                .and_then(|t| st.idp.refresh.get(t))
                .cloned()
            else {
                return bad("invalid_grant", "The refresh token is invalid or expired");
            };
            if r.server != server || r.client_id != client {
                return bad(
                    "invalid_grant",
                    "The refresh token was issued to another client",
                );
            }
            (r.user, r.scope, None, false)
        }
        Some(other) => {
            return bad(
                "unsupported_grant_type",
                &format!("grant_type {other} is not supported"),
            );
        }
        None => return bad("invalid_request", "grant_type is required"),
    };
    if st.org.users[user].status != "ENABLED" {
        return bad("invalid_grant", "The user is deactivated");
    }
    let ttl = st.idp.token_ttl;
    let id_token = match id_token(&st, server, &client, user, nonce.as_deref(), now, ttl) {
        Ok(t) => t,
        Err(e) => {
            return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e);
        }
    };
    let mut out = json!({
        "token_type": "Bearer",
        "expires_in": ttl.max(0),
        "access_token": format!("idp.{}", random_from(ALNUM, 64)),
        "id_token": id_token,
        "scope": scope,
    });
    if new_refresh {
        let rt = random_from(ALNUM, 48);
        st.idp.refresh.insert(
            rt.clone(),
            IdpRefresh {
                server,
                client_id: client,
                user,
                scope,
            },
        );
        out["refresh_token"] = json!(rt);
    }
    axum::Json(out).into_response()
}

/// An RS256 ID token for a person.
fn id_token(
    st: &EmuState,
    server: &str,
    client: &str,
    user: usize,
    nonce: Option<&str>,
    now: OffsetDateTime,
    ttl: i64,
) -> Result<String, String> {
    let u = &st.org.users[user];
    let mut claims = json!({
        "iss": issuer_url(&st.settings.origin, server),
        "sub": subject(st, user),
        "aud": client,
        "iat": now.unix_timestamp(),
        "auth_time": now.unix_timestamp(),
        "exp": now.unix_timestamp() + ttl,
        "jti": format!("ID.{}", random_from(ALNUM, 32)),
        "email": u.email,
        "email_verified": true,
        "name": u.display_name,
        "preferred_username": u.email,
        "amr": ["pwd"],
    });
    if let Some(n) = nonce {
        claims["nonce"] = Value::String(n.to_string());
    }
    demo_key().sign(&claims)
}

/// An ID token for a person straight from the IdP's key (tests and the demo).
pub fn mint_id_token(
    st: &EmuState,
    server: &str,
    client: &str,
    user: usize,
    ttl: i64,
) -> Result<String, String> {
    id_token(
        st,
        server,
        client,
        user,
        None,
        OffsetDateTime::now_utc(),
        ttl,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_is_read_from_the_path() {
        let u: Uri = "/idp/partners/token".parse().unwrap();
        assert_eq!(server_of(&u), "partners");
        let u: Uri = "/token".parse().unwrap();
        assert_eq!(server_of(&u), "");
        let u: Uri = "/partners/jwks".parse().unwrap();
        assert_eq!(server_of(&u), "partners");
        assert_eq!(issuer_url("http://h", "partners"), "http://h/idp/partners");
    }
}
