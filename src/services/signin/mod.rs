//! Signing in to Identity Center: client registration (reused from the AWS CLI's cache until
//! it expires), the device-code flow (RFC 8628 polling with slow_down), the authorization-code
//! flow with PKCE through a one-shot loopback listener that checks `state`, refresh, logout,
//! and the shared token cache.

use std::time::Duration;

use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, TokenUrl};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

mod tokens;

pub use tokens::{SignInStarted, load_cached, logout, refresh, save, sign_in, usable_token};

use super::callback::CallbackListener;
use super::token_cache::{self, CacheKey, CachedRegistration};
use super::{ErrorKind, ServiceError, Services};
use crate::model::secret::Secret;

/// The portal scope.
pub const PORTAL_SCOPE: &str = "sso:account:access";
/// The scopes Amazon Q Developer's profile listing needs.
pub const Q_SCOPES: &[&str] = &[
    "codewhisperer:completions",
    "codewhisperer:analysis",
    "codewhisperer:conversations",
];

/// What to sign in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInTarget {
    /// The sso-session name (`None` for a start URL without a session: cached like a legacy
    /// profile, by start URL).
    pub session: Option<String>,
    /// Start URL.
    pub start_url: String,
    /// Identity Center region.
    pub region: String,
    /// Scopes configured for the session (empty = the default).
    pub configured_scopes: Vec<String>,
}

impl SignInTarget {
    /// A short label for screens: the session name or the start URL.
    pub fn label(&self) -> String {
        self.session
            .clone()
            .unwrap_or_else(|| self.start_url.clone())
    }

    /// The token cache key.
    pub fn cache_key(&self) -> CacheKey {
        match &self.session {
            Some(s) => CacheKey::Session(s.clone()),
            None => CacheKey::StartUrl(self.start_url.clone()),
        }
    }

    /// The token cache file.
    pub fn token_path(&self) -> Option<std::path::PathBuf> {
        token_cache::cache_dir().map(|d| d.join(self.cache_key().file_name()))
    }

    /// Scopes centry registers: the configured ones (or the portal scope) plus Q Developer's.
    pub fn registration_scopes(&self) -> Vec<String> {
        let mut scopes = if self.configured_scopes.is_empty() {
            vec![PORTAL_SCOPE.to_string()]
        } else {
            self.configured_scopes.clone()
        };
        for q in Q_SCOPES {
            if !scopes.iter().any(|s| s == q) {
                scopes.push(q.to_string());
            }
        }
        scopes
    }
}

/// Which OAuth flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Device authorization (RFC 8628).
    DeviceCode,
    /// Authorization code with PKCE and a loopback redirect.
    AuthCode,
}

impl Flow {
    /// Pick the flow: forced by the user, or device code where no browser can be opened
    /// (SSH sessions, no display), else the browser flow. Returns the reason in words.
    pub fn choose(forced: Option<Flow>) -> (Flow, &'static str) {
        if let Some(f) = forced {
            return (f, "as asked");
        }
        let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        if env("SSH_CONNECTION") || env("SSH_TTY") {
            return (
                Flow::DeviceCode,
                "this is an SSH session, so no browser can be opened here",
            );
        }
        if cfg!(target_os = "linux")
            && !env("DISPLAY")
            && !env("WAYLAND_DISPLAY")
            && !env("BROWSER")
        {
            return (
                Flow::DeviceCode,
                "no graphical display was found to open a browser on",
            );
        }
        (Flow::AuthCode, "a browser is available")
    }
}

/// A client registration.
pub type Registration = CachedRegistration;

fn registration_path(target: &SignInTarget, scopes: &[String]) -> Option<std::path::PathBuf> {
    let name = token_cache::registration_file_name(
        &target.region,
        Some(scopes),
        target.session.as_deref(),
        &target.start_url,
    );
    token_cache::cache_dir().map(|d| d.join(name))
}

fn grant_types(flow: Flow) -> Vec<String> {
    match flow {
        Flow::AuthCode => vec!["authorization_code".into(), "refresh_token".into()],
        Flow::DeviceCode => vec![],
    }
}

/// Register a client, or reuse a cached registration valid for 15 more minutes whose grant
/// types fit the flow.
pub async fn register(
    svc: &Services,
    target: &SignInTarget,
    flow: Flow,
) -> Result<Registration, ServiceError> {
    register_with(svc, target, flow, true).await
}

pub(crate) async fn register_with(
    svc: &Services,
    target: &SignInTarget,
    flow: Flow,
    reuse: bool,
) -> Result<Registration, ServiceError> {
    let scopes = target.registration_scopes();
    let path = registration_path(target, &scopes);
    let now = OffsetDateTime::now_utc();
    if let Some(r) = path
        .as_deref()
        .filter(|_| reuse)
        .and_then(token_cache::read_registration)
        && r.expires_at > now + time::Duration::minutes(15)
        && r.grant_types == grant_types(flow)
    {
        return Ok(r);
    }
    let mut req = svc
        .oidc()
        .register_client()
        .client_name(format!(
            "centry-{}",
            target
                .session
                .clone()
                .unwrap_or_else(|| now.unix_timestamp().to_string())
        ))
        .client_type("public")
        .set_scopes(Some(scopes.clone()));
    if flow == Flow::AuthCode {
        req = req
            .grant_types("authorization_code")
            .grant_types("refresh_token")
            .redirect_uris("http://127.0.0.1/oauth/callback")
            .issuer_url(target.start_url.clone());
    }
    let out = req
        .send()
        .await
        .map_err(|e| ServiceError::from_sdk("RegisterClient", e))?;
    let reg = Registration {
        client_id: out.client_id().unwrap_or_default().to_string(),
        client_secret: Secret::new(out.client_secret().unwrap_or_default()),
        expires_at: OffsetDateTime::from_unix_timestamp(out.client_secret_expires_at())
            .unwrap_or(now + time::Duration::days(90)),
        scopes,
        grant_types: grant_types(flow),
    };
    if let Some(p) = path
        && let Err(e) = token_cache::write_registration(&p, &reg)
    {
        tracing::warn!("could not cache the client registration: {e}");
    }
    Ok(reg)
}

/// A device authorization in progress: what to show the person.
#[derive(Debug, Clone)]
pub struct DeviceStart {
    /// Where to go.
    pub verification_uri: String,
    /// The same with the code filled in.
    pub verification_uri_complete: String,
    /// The code to check.
    pub user_code: String,
    /// The device code (secret).
    pub device_code: Secret,
    /// When the code expires.
    pub expires_at: OffsetDateTime,
    /// Seconds between polls.
    pub interval: u64,
}

/// Start a device authorization.
pub async fn start_device(
    svc: &Services,
    target: &SignInTarget,
    reg: &Registration,
) -> Result<DeviceStart, ServiceError> {
    let out = svc
        .oidc()
        .start_device_authorization()
        .client_id(&reg.client_id)
        .client_secret(reg.client_secret.expose())
        .start_url(&target.start_url)
        .send()
        .await
        .map_err(|e| ServiceError::from_sdk("StartDeviceAuthorization", e))?;
    Ok(DeviceStart {
        verification_uri: out.verification_uri().unwrap_or_default().to_string(),
        verification_uri_complete: out
            .verification_uri_complete()
            .unwrap_or_default()
            .to_string(),
        user_code: out.user_code().unwrap_or_default().to_string(),
        device_code: Secret::new(out.device_code().unwrap_or_default()),
        expires_at: OffsetDateTime::now_utc() + time::Duration::seconds(out.expires_in() as i64),
        interval: if out.interval() > 0 {
            out.interval() as u64
        } else {
            5
        },
    })
}

/// A new token from CreateToken.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// Access token.
    pub access_token: Secret,
    /// Expiry.
    pub expires_at: OffsetDateTime,
    /// Refresh token, when issued.
    pub refresh_token: Option<Secret>,
}

pub(crate) fn grant_from(
    out: aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
) -> TokenGrant {
    TokenGrant {
        access_token: Secret::new(out.access_token().unwrap_or_default()),
        expires_at: OffsetDateTime::now_utc() + time::Duration::seconds(out.expires_in() as i64),
        refresh_token: out.refresh_token().map(Secret::new),
    }
}

fn cancelled() -> ServiceError {
    ServiceError::new("CreateToken", ErrorKind::Other, "sign-in cancelled")
}

/// Poll until the person approves, denies, or the code expires. `slow_down` adds 5 s to the
/// interval (RFC 8628 §3.5).
pub async fn poll_device(
    svc: &Services,
    reg: &Registration,
    start: &DeviceStart,
    cancel: &CancellationToken,
) -> Result<TokenGrant, ServiceError> {
    let oidc = svc.oidc();
    let mut interval = start.interval.max(1);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(cancelled()),
            _ = tokio::time::sleep(Duration::from_secs(interval)) => {}
        }
        let r = oidc
            .create_token()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(start.device_code.expose())
            .send()
            .await;
        match r {
            Ok(out) => return Ok(grant_from(out)),
            Err(e) => {
                let se = e.into_service_error();
                if se.is_authorization_pending_exception() {
                    continue;
                }
                if se.is_slow_down_exception() {
                    interval += 5;
                    continue;
                }
                let (kind, msg) = if se.is_access_denied_exception() {
                    (
                        ErrorKind::AccessDenied,
                        "the sign-in request was denied in the browser",
                    )
                } else if se.is_expired_token_exception() {
                    (
                        ErrorKind::SignInExpired,
                        "the device code expired before it was approved",
                    )
                } else {
                    (ErrorKind::Other, "the sign-in failed")
                };
                let mut err = ServiceError::new("CreateToken", kind, msg);
                err.code = aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&se)
                    .map(str::to_string);
                return Err(err);
            }
        }
    }
}

/// The authorize endpoint: `<oidc origin>/authorize` (path prefixes dropped, like the CLI).
pub fn authorize_endpoint(svc: &Services, region: &str) -> String {
    match &svc.endpoint.url {
        Some(u) => match url::Url::parse(u) {
            Ok(p) => format!("{}/authorize", p.origin().ascii_serialization()),
            Err(_) => format!("{}/authorize", u.trim_end_matches('/')),
        },
        None => format!("https://oidc.{region}.amazonaws.com/authorize"),
    }
}

/// A browser sign-in in progress.
pub struct PkceStart {
    /// The URL to open.
    pub authorize_url: String,
    /// The loopback listener waiting for the redirect.
    pub listener: CallbackListener,
    verifier: oauth2::PkceCodeVerifier,
    redirect_uri: String,
}

/// Start the authorization-code flow: listener on 127.0.0.1, PKCE pair, `state`, URL.
pub async fn start_pkce(
    svc: &Services,
    target: &SignInTarget,
    reg: &Registration,
) -> Result<PkceStart, ServiceError> {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = CsrfToken::new_random();
    let listener = CallbackListener::bind(state.secret().clone())
        .await
        .map_err(|e| {
            ServiceError::new(
                "Authorize",
                ErrorKind::Other,
                format!("cannot listen on 127.0.0.1 for the browser redirect: {e}"),
            )
        })?;
    let redirect_uri = format!("http://127.0.0.1:{}/oauth/callback", listener.port());
    let auth_url = AuthUrl::new(authorize_endpoint(svc, &target.region)).map_err(|e| {
        ServiceError::new(
            "Authorize",
            ErrorKind::Invalid,
            format!("bad authorize URL: {e}"),
        )
    })?;
    let redirect = RedirectUrl::new(redirect_uri.clone())
        .map_err(|e| ServiceError::new("Authorize", ErrorKind::Invalid, e.to_string()))?;
    let token_url = TokenUrl::new(format!(
        "https://oidc.{}.amazonaws.com/token",
        target.region
    ))
    .map_err(|e| ServiceError::new("Authorize", ErrorKind::Invalid, e.to_string()))?;
    let client = oauth2::basic::BasicClient::new(ClientId::new(reg.client_id.clone()))
        .set_auth_uri(auth_url)
        .set_token_uri(token_url)
        .set_redirect_uri(redirect);
    let scopes = reg.scopes.join(" ");
    let (url, _) = client
        .authorize_url(move || state)
        .set_pkce_challenge(challenge)
        .add_extra_param("scopes", scopes)
        .url();
    Ok(PkceStart {
        authorize_url: url.to_string(),
        listener,
        verifier,
        redirect_uri,
    })
}

/// Wait for the redirect (10 minutes at most), then exchange the code.
pub async fn finish_pkce(
    svc: &Services,
    reg: &Registration,
    start: PkceStart,
    cancel: &CancellationToken,
) -> Result<TokenGrant, ServiceError> {
    let PkceStart {
        listener,
        verifier,
        redirect_uri,
        ..
    } = start;
    let code = tokio::select! {
        _ = cancel.cancelled() => return Err(cancelled()),
        r = tokio::time::timeout(Duration::from_secs(600), listener.wait()) => match r {
            Err(_) => return Err(ServiceError::new("Authorize", ErrorKind::SignInExpired, "no answer from the browser within 10 minutes")),
            Ok(Err(reason)) => return Err(ServiceError::new("Authorize", ErrorKind::AccessDenied, reason)),
            Ok(Ok(code)) => code,
        }
    };
    let out = svc
        .oidc()
        .create_token()
        .client_id(&reg.client_id)
        .client_secret(reg.client_secret.expose())
        .grant_type("authorization_code")
        .code(code)
        .redirect_uri(redirect_uri)
        .code_verifier(verifier.secret())
        .send()
        .await
        .map_err(|e| ServiceError::from_sdk("CreateToken", e))?;
    Ok(grant_from(out))
}
