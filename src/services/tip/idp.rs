//! Link 1: signing in to the company IdP with OpenID Connect. The issuer is found through
//! OpenID discovery; the authorization-code flow uses PKCE (S256), a random `state` checked by
//! the loopback listener and a `nonce` checked in the ID token; the form-encoded token
//! endpoint is called through the `oauth2` crate on centry's reqwest client (which never
//! follows redirects). The ID token is verified against the IdP's JWKS (RS256, `iss`, `aud`,
//! `exp`, `nonce`) before anything is sent to AWS.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::cache::IdpTokens;
use super::config::TipConfig;
use super::{ChainError, LinkId};
use crate::model::secret::Secret;
use crate::model::text::sanitize;
use crate::services::Services;
use crate::services::callback::CallbackListener;

/// The `id_token` member of an OpenID Connect token response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenField {
    id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type OidcResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OidcClient = oauth2::Client<
    BasicErrorResponse,
    OidcResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The IdP's endpoints from its discovery document.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// The issuer the IdP says it is.
    pub issuer: String,
    /// Where the browser goes.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens are exchanged.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
}

fn fail(cause: impl Into<String>, fix: impl Into<String>) -> ChainError {
    ChainError::new(LinkId::IdpSignIn, cause, fix)
}

/// OpenID discovery at `<issuer>/.well-known/openid-configuration`.
pub async fn discover(svc: &Services, cfg: &TipConfig) -> Result<Discovery, ChainError> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        cfg.issuer.trim_end_matches('/')
    );
    let fix = "check [tip] issuer: it must be the IdP's issuer URL (its discovery document lives under it)";
    let resp = svc.web.get(&url).send().await.map_err(|e| {
        fail(
            format!("OpenID discovery at {url} failed: {}", reqwest_reason(&e)),
            fix,
        )
    })?;
    if !resp.status().is_success() {
        return Err(fail(
            format!(
                "OpenID discovery at {url} answered HTTP {}",
                resp.status().as_u16()
            ),
            fix,
        ));
    }
    let d: Discovery = resp
        .json()
        .await
        .map_err(|_| fail(format!("{url} is not an OpenID discovery document"), fix))?;
    if d.issuer.trim_end_matches('/') != cfg.issuer.trim_end_matches('/') {
        return Err(fail(
            format!(
                "the IdP says its issuer is {}, not {}",
                sanitize(&d.issuer),
                cfg.issuer
            ),
            "set [tip] issuer to exactly the issuer in the IdP's discovery document",
        ));
    }
    Ok(d)
}

fn reqwest_reason(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    }
}

fn client(
    cfg: &TipConfig,
    d: &Discovery,
    redirect: Option<&str>,
) -> Result<OidcClient, ChainError> {
    let bad = |what: &str, e: String| {
        fail(
            format!("the IdP's {what} is not a URL: {e}"),
            "check [tip] issuer",
        )
    };
    let mut c = oauth2::Client::new(ClientId::new(cfg.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(
            AuthUrl::new(d.authorization_endpoint.clone())
                .map_err(|e| bad("authorization endpoint", e.to_string()))?,
        )
        .set_token_uri(
            TokenUrl::new(d.token_endpoint.clone())
                .map_err(|e| bad("token endpoint", e.to_string()))?,
        );
    if let Some(r) = redirect {
        c = c.set_redirect_uri(
            RedirectUrl::new(r.to_string()).map_err(|e| bad("redirect", e.to_string()))?,
        );
    }
    Ok(c)
}

/// A browser sign-in in progress.
pub struct BrowserLogin {
    /// The URL to open in the browser.
    pub authorize_url: String,
    listener: CallbackListener,
    verifier: PkceCodeVerifier,
    nonce: String,
    redirect_uri: String,
}

/// Start the authorization-code flow: the loopback listener (which checks `state`), PKCE,
/// `nonce`, and the URL.
pub async fn start_login(cfg: &TipConfig, d: &Discovery) -> Result<BrowserLogin, ChainError> {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = CsrfToken::new_random();
    let nonce = CsrfToken::new_random().secret().clone();
    let listener = CallbackListener::bind(state.secret().clone())
        .await
        .map_err(|e| {
            fail(
                format!("cannot listen on 127.0.0.1 for the browser's redirect: {e}"),
                "free a loopback port, then sign in again",
            )
        })?;
    let redirect_uri = format!("http://127.0.0.1:{}/oauth/callback", listener.port());
    let c = client(cfg, d, Some(&redirect_uri))?;
    let (url, _) = c
        .authorize_url(move || state)
        .add_scopes(cfg.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", nonce.clone())
        .url();
    Ok(BrowserLogin {
        authorize_url: url.to_string(),
        listener,
        verifier,
        nonce,
        redirect_uri,
    })
}

/// Wait for the redirect (10 minutes at most), exchange the code and verify the ID token.
pub async fn finish_login(
    svc: &Services,
    cfg: &TipConfig,
    d: &Discovery,
    login: BrowserLogin,
    cancel: &CancellationToken,
) -> Result<IdpTokens, ChainError> {
    let BrowserLogin {
        listener,
        verifier,
        nonce,
        redirect_uri,
        ..
    } = login;
    let code = tokio::select! {
        _ = cancel.cancelled() => return Err(fail("the sign-in was cancelled", "sign in again")),
        r = tokio::time::timeout(Duration::from_secs(600), listener.wait()) => match r {
            Err(_) => return Err(fail("no answer from the browser within 10 minutes", "sign in again and finish in the browser")),
            Ok(Err(reason)) => return Err(fail(reason, "sign in again; if the IdP refused, check [tip] client_id and the redirect URI http://127.0.0.1/oauth/callback registered for it")),
            Ok(Ok(code)) => code,
        }
    };
    let c = client(cfg, d, Some(&redirect_uri))?;
    let out = c
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&svc.web)
        .await
        .map_err(token_error)?;
    tokens(svc, cfg, d, out, Some(&nonce), None).await
}

/// Use the refresh token for a new ID token.
pub async fn refresh(
    svc: &Services,
    cfg: &TipConfig,
    d: &Discovery,
    refresh_token: &Secret,
) -> Result<IdpTokens, ChainError> {
    let c = client(cfg, d, None)?;
    let out = c
        .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().to_string()))
        .request_async(&svc.web)
        .await
        .map_err(token_error)?;
    tokens(svc, cfg, d, out, None, Some(refresh_token)).await
}

fn token_error<RE: std::error::Error + 'static>(
    e: RequestTokenError<RE, BasicErrorResponse>,
) -> ChainError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let code = r.error().to_string();
            let desc = r
                .error_description()
                .map(|d| format!(": {}", sanitize(d)))
                .unwrap_or_default();
            let fix = match code.as_str() {
                "invalid_client" | "unauthorized_client" => {
                    "check [tip] client_id: the IdP does not know it, or it may not use this grant"
                }
                "invalid_grant" => "sign in again with `centry tip login`",
                _ => "check [tip] issuer and client_id",
            };
            fail(
                format!("the IdP's token endpoint refused: {code}{desc}"),
                fix,
            )
        }
        RequestTokenError::Request(_) => fail(
            "could not reach the IdP's token endpoint",
            "check the network and [tip] issuer",
        ),
        RequestTokenError::Parse(_, _) => fail(
            "the IdP's token endpoint sent an answer that is not an OAuth token response",
            "check [tip] issuer",
        ),
        RequestTokenError::Other(o) => fail(
            format!("the token request failed: {}", sanitize(&o)),
            "sign in again",
        ),
    }
}

async fn tokens(
    svc: &Services,
    cfg: &TipConfig,
    d: &Discovery,
    out: OidcResponse,
    nonce: Option<&str>,
    old_refresh: Option<&Secret>,
) -> Result<IdpTokens, ChainError> {
    let id_token = out.extra_fields().id_token.clone().ok_or_else(|| {
        fail(
            "the IdP sent no ID token",
            "check [tip] scopes (they must include openid) and that the IdP application is an OpenID Connect app",
        )
    })?;
    let claims = verify_id_token(svc, cfg, d, &id_token, nonce).await?;
    let str_claim = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    Ok(IdpTokens {
        issuer: d.issuer.clone(),
        subject: str_claim("sub").unwrap_or_default(),
        email: str_claim("email"),
        id_token: Secret::new(id_token),
        refresh_token: out
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone()))
            .or_else(|| old_refresh.cloned()),
        expires_at: OffsetDateTime::from_unix_timestamp(exp).unwrap_or(OffsetDateTime::UNIX_EPOCH),
    })
}

/// Verify an ID token with the IdP's JWKS: RS256, the key by `kid`, `iss`, `aud`, `exp` and
/// (after a browser sign-in) `nonce`.
pub async fn verify_id_token(
    svc: &Services,
    cfg: &TipConfig,
    d: &Discovery,
    token: &str,
    nonce: Option<&str>,
) -> Result<Value, ChainError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| fail("the IdP's ID token is not a JWT", "check [tip] issuer"))?;
    let jwks: Value = async {
        svc.web
            .get(&d.jwks_uri)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
    .await
    .map_err(|e: reqwest::Error| {
        fail(
            format!(
                "cannot read the IdP's keys at {}: {}",
                d.jwks_uri,
                reqwest_reason(&e)
            ),
            "check [tip] issuer",
        )
    })?;
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let key = keys
        .iter()
        .find(|k| {
            header.kid.is_none() || k.get("kid").and_then(Value::as_str) == header.kid.as_deref()
        })
        .ok_or_else(|| {
            fail(
                "the ID token is signed with a key the IdP does not publish",
                "check [tip] issuer",
            )
        })?;
    let (Some(n), Some(e)) = (
        key.get("n").and_then(Value::as_str),
        key.get("e").and_then(Value::as_str),
    ) else {
        return Err(fail(
            "the IdP publishes a key centry cannot use (not RSA)",
            "use an IdP authorization server that signs with RS256",
        ));
    };
    let dk = DecodingKey::from_rsa_components(n, e).map_err(|_| {
        fail(
            "the IdP publishes a malformed RSA key",
            "check [tip] issuer",
        )
    })?;
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[d.issuer.as_str()]);
    v.set_audience(&[cfg.client_id.as_str()]);
    v.leeway = 30;
    let claims = jsonwebtoken::decode::<Value>(token, &dk, &v)
        .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature => fail(
                    "the IdP handed out an ID token that has already expired",
                    "check this computer's clock; if it is right, the IdP's token lifetime is misconfigured",
                ),
                K::InvalidAudience => fail(
                    format!("the ID token is not for [tip] client_id {}", cfg.client_id),
                    "check [tip] client_id",
                ),
                K::InvalidIssuer => fail("the ID token's issuer is not [tip] issuer", "check [tip] issuer"),
                K::InvalidSignature => fail(
                    "the ID token's signature does not verify against the IdP's published keys",
                    "check [tip] issuer; never use a token from elsewhere",
                ),
                _ => fail("the IdP's ID token could not be verified", "check [tip] issuer"),
            }
        })?
        .claims;
    if let Some(want) = nonce
        && claims.get("nonce").and_then(Value::as_str) != Some(want)
    {
        return Err(fail(
            "the ID token does not carry the nonce centry sent (a replayed or foreign token)",
            "sign in again",
        ));
    }
    Ok(claims)
}
