//! The sign-in as a whole and the token it leaves: one path for the CLI and the console that
//! registers, runs the chosen flow and saves the token to the shared cache; reading the
//! cache (an AWS CLI login counts), refreshing ahead of expiry, and logging out.

use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::{
    DeviceStart, Flow, Registration, SignInTarget, TokenGrant, finish_pkce, grant_from,
    poll_device, register_with, start_device, start_pkce,
};
use crate::services::token_cache::{self, CachedToken};
use crate::services::{ErrorKind, ServiceError, Services};

/// Save a new token to the shared cache and return what was written.
pub fn save(
    target: &SignInTarget,
    reg: &Registration,
    grant: &TokenGrant,
) -> Result<CachedToken, ServiceError> {
    let token = CachedToken {
        start_url: target.start_url.clone(),
        region: target.region.clone(),
        access_token: grant.access_token.clone(),
        expires_at: grant.expires_at,
        client_id: Some(reg.client_id.clone()),
        client_secret: Some(reg.client_secret.clone()),
        registration_expires_at: Some(reg.expires_at),
        refresh_token: grant.refresh_token.clone(),
    };
    let path = target.token_path().ok_or_else(|| {
        ServiceError::new(
            "SaveToken",
            ErrorKind::Other,
            "no home folder to keep the token in",
        )
    })?;
    token_cache::write_token(&path, &token)
        .map_err(|e| ServiceError::new("SaveToken", ErrorKind::Other, e.to_string()))?;
    Ok(token)
}

/// Read the cached token for a target (an AWS CLI login counts).
pub fn load_cached(target: &SignInTarget) -> Result<Option<CachedToken>, token_cache::CacheError> {
    match target.token_path() {
        Some(p) => token_cache::read_token(&p),
        None => Ok(None),
    }
}

/// Refresh a cached token and save the result (keeping the old refresh token when the
/// service sends none).
pub async fn refresh(
    svc: &Services,
    target: &SignInTarget,
    cached: &CachedToken,
) -> Result<CachedToken, ServiceError> {
    let (Some(id), Some(secret), Some(refresh)) = (
        &cached.client_id,
        &cached.client_secret,
        &cached.refresh_token,
    ) else {
        return Err(ServiceError::new(
            "CreateToken",
            ErrorKind::SignInExpired,
            "this sign-in cannot be refreshed",
        ));
    };
    let out = svc
        .oidc()
        .create_token()
        .client_id(id)
        .client_secret(secret.expose())
        .grant_type("refresh_token")
        .refresh_token(refresh.expose())
        .send()
        .await
        .map_err(|e| ServiceError::from_sdk("CreateToken", e))?;
    let grant = grant_from(out);
    let mut token = cached.clone();
    token.access_token = grant.access_token;
    token.expires_at = grant.expires_at;
    if let Some(r) = grant.refresh_token {
        token.refresh_token = Some(r);
    }
    if let Some(path) = target.token_path() {
        token_cache::write_token(&path, &token)
            .map_err(|e| ServiceError::new("SaveToken", ErrorKind::Other, e.to_string()))?;
    }
    Ok(token)
}

/// A usable token: the cached one if it has more than five minutes left, refreshed if it can
/// be, else `None` (sign in again).
pub async fn usable_token(
    svc: &Services,
    target: &SignInTarget,
) -> Result<Option<CachedToken>, ServiceError> {
    let cached = load_cached(target)
        .map_err(|e| ServiceError::new("ReadTokenCache", ErrorKind::Invalid, e.to_string()))?;
    let Some(cached) = cached else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    if cached.expires_at > now + time::Duration::minutes(5) {
        return Ok(Some(cached));
    }
    if cached.refreshable(now) {
        match refresh(svc, target, &cached).await {
            Ok(t) => return Ok(Some(t)),
            Err(e) => tracing::info!("refresh failed, signing in again: {}", e.message),
        }
    }
    Ok(if cached.expires_at > now {
        Some(cached)
    } else {
        None
    })
}

/// Log out: forget cached role credentials, call the portal's Logout, then remove the cached
/// token.
pub async fn logout(svc: &Services, target: &SignInTarget) -> Result<bool, ServiceError> {
    if let Some(cache) = crate::services::role_cache::RoleCache::user() {
        cache.clear();
    }
    let cached = load_cached(target)
        .map_err(|e| ServiceError::new("ReadTokenCache", ErrorKind::Invalid, e.to_string()))?;
    let Some(cached) = cached else {
        return Ok(false);
    };
    if let Err(e) = svc
        .sso(true)
        .logout()
        .access_token(cached.access_token.expose())
        .send()
        .await
    {
        let e = ServiceError::from_sdk("Logout", e);
        if e.kind != ErrorKind::SignInExpired {
            return Err(e);
        }
    }
    if let Some(path) = target.token_path() {
        token_cache::remove_token(&path)
            .map_err(|e| ServiceError::new("RemoveToken", ErrorKind::Other, e.to_string()))?;
    }
    Ok(true)
}

/// What a sign-in in progress shows the person.
#[derive(Debug, Clone)]
pub enum SignInStarted {
    /// A device code to approve.
    Device(DeviceStart),
    /// A URL opened (or to open) in the browser.
    Browser(String),
}

fn stale_registration(e: &ServiceError) -> bool {
    e.code.as_deref() == Some("InvalidClientException")
}

/// The whole sign-in: register (reusing the cached registration; a registration the service no
/// longer knows is replaced once), start the flow, report it through `started` (which opens a
/// browser if it can and says whether it did), wait for approval, and save the token to the
/// shared cache.
pub async fn sign_in(
    svc: &Services,
    target: &SignInTarget,
    flow: Flow,
    started: impl Fn(SignInStarted),
    cancel: &CancellationToken,
) -> Result<CachedToken, ServiceError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let reg = register_with(svc, target, flow, attempt == 1).await?;
        let grant = match flow {
            Flow::DeviceCode => match start_device(svc, target, &reg).await {
                Ok(start) => {
                    started(SignInStarted::Device(start.clone()));
                    poll_device(svc, &reg, &start, cancel).await
                }
                Err(e) => Err(e),
            },
            Flow::AuthCode => match start_pkce(svc, target, &reg).await {
                Ok(start) => {
                    started(SignInStarted::Browser(start.authorize_url.clone()));
                    finish_pkce(svc, &reg, start, cancel).await
                }
                Err(e) => Err(e),
            },
        };
        match grant {
            Ok(g) => return save(target, &reg, &g),
            Err(e) if attempt == 1 && stale_registration(&e) => {
                tracing::info!("the cached client registration was refused; registering again");
                continue;
            }
            Err(e) => return Err(e),
        }
    }
}
