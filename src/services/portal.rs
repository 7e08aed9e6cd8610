//! The access portal: every account and role the person can reach, streamed as pages and role
//! lists arrive under the shared limiter (so the first rows show at once and throttling never
//! surfaces); role credentials; the portal's application list.

use std::sync::Arc;
use std::time::Instant;

use time::OffsetDateTime;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::limiter::Limiter;
use super::{ErrorKind, ServiceError, Services};
use crate::model::account::{AccountEntry, Listing};
use crate::model::credentials::RoleCredentials;
use crate::model::secret::Secret;

/// Requests in flight at once while listing roles (the limiter sets the pace).
pub const CONCURRENCY: usize = 32;

/// Progress of a listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Accounts whose roles are in.
    pub done: usize,
    /// Accounts known so far.
    pub total: usize,
    /// Whether every page of accounts has arrived (so `total` is final).
    pub total_final: bool,
    /// Requests per second so far.
    pub rate: f64,
    /// Seconds since the listing started.
    pub elapsed: f64,
}

impl Progress {
    /// Estimated seconds left, once the total is known.
    pub fn eta(&self) -> Option<f64> {
        if !self.total_final || self.done == 0 {
            return None;
        }
        let per = self.elapsed / self.done as f64;
        Some(per * (self.total - self.done) as f64)
    }
}

/// Something that arrived during a listing.
#[derive(Debug, Clone)]
pub enum ListingEvent {
    /// A page of accounts (roles still loading).
    Accounts(Vec<AccountEntry>),
    /// One account's roles.
    Roles {
        /// Account.
        account_id: String,
        /// Role names, sorted.
        roles: Vec<String>,
    },
    /// Progress so far.
    Progress(Progress),
}

/// List every account and its roles, reporting as things arrive. Returns the full listing.
pub async fn list_accounts_and_roles(
    svc: &Services,
    limiter: Arc<Limiter>,
    token: &Secret,
    report: impl Fn(ListingEvent) + Send + Sync + 'static,
    cancel: CancellationToken,
) -> Result<Listing, ServiceError> {
    let report = Arc::new(report);
    let sso = svc.sso(false);
    let started = Instant::now();
    let mut listing = Listing::empty(OffsetDateTime::now_utc());
    let sem = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let mut next: Option<String> = None;
    let mut total = 0usize;
    let mut done = 0usize;
    let progress = |done: usize, total: usize, total_final: bool, calls: u64| Progress {
        done,
        total,
        total_final,
        rate: calls as f64 / started.elapsed().as_secs_f64().max(0.001),
        elapsed: started.elapsed().as_secs_f64(),
    };
    let calls_before = limiter.stats().calls;
    loop {
        let page = tokio::select! {
            _ = cancel.cancelled() => return Err(ServiceError::new("ListAccounts", ErrorKind::Other, "cancelled")),
            r = limiter.call(|| {
                let sso = sso.clone();
                let next = next.clone();
                let token = token.expose().to_string();
                async move {
                    sso.list_accounts().access_token(token).max_results(100).set_next_token(next).send().await
                        .map_err(|e| ServiceError::from_sdk("ListAccounts", e))
                }
            }) => r?,
        };
        let entries: Vec<AccountEntry> = page
            .account_list()
            .iter()
            .map(|a| AccountEntry {
                account_id: a.account_id().unwrap_or_default().to_string(),
                account_name: a.account_name().unwrap_or_default().to_string(),
                email_address: a.email_address().unwrap_or_default().to_string(),
                roles: None,
            })
            .filter(|a| !a.account_id.is_empty())
            .collect();
        total += entries.len();
        for e in &entries {
            listing.accounts.insert(e.account_id.clone(), e.clone());
            let (sso, limiter, sem, token, id) = (
                sso.clone(),
                limiter.clone(),
                sem.clone(),
                token.expose().to_string(),
                e.account_id.clone(),
            );
            tasks.spawn(async move {
                let _permit = sem.acquire_owned().await;
                let roles = list_roles(&sso, &limiter, &token, &id).await;
                (id, roles)
            });
        }
        report(ListingEvent::Accounts(entries));
        next = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        // Drain whatever roles are already in, without waiting.
        while let Some(r) = tasks.try_join_next() {
            done += 1;
            apply_roles(&mut listing, r, &report)?;
        }
        report(ListingEvent::Progress(progress(
            done,
            total,
            next.is_none(),
            limiter.stats().calls - calls_before,
        )));
        if next.is_none() {
            break;
        }
    }
    loop {
        let r = tokio::select! {
            _ = cancel.cancelled() => {
                tasks.abort_all();
                return Err(ServiceError::new("ListAccountRoles", ErrorKind::Other, "cancelled"));
            }
            r = tasks.join_next() => r,
        };
        let Some(r) = r else { break };
        done += 1;
        apply_roles(&mut listing, r, &report)?;
        if done.is_multiple_of(10) || done == total {
            report(ListingEvent::Progress(progress(
                done,
                total,
                true,
                limiter.stats().calls - calls_before,
            )));
        }
    }
    listing.as_of = OffsetDateTime::now_utc();
    Ok(listing)
}

type RolesResult = Result<(String, Result<Vec<String>, ServiceError>), tokio::task::JoinError>;

fn apply_roles(
    listing: &mut Listing,
    r: RolesResult,
    report: &Arc<impl Fn(ListingEvent)>,
) -> Result<(), ServiceError> {
    let (id, roles) = r.map_err(|e| {
        ServiceError::new(
            "ListAccountRoles",
            ErrorKind::Other,
            format!("task failed: {e}"),
        )
    })?;
    let roles = roles?;
    if let Some(a) = listing.accounts.get_mut(&id) {
        a.roles = Some(roles.clone());
    }
    report(ListingEvent::Roles {
        account_id: id,
        roles,
    });
    Ok(())
}

async fn list_roles(
    sso: &aws_sdk_sso::Client,
    limiter: &Limiter,
    token: &str,
    account: &str,
) -> Result<Vec<String>, ServiceError> {
    let mut roles = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = limiter
            .call(|| {
                let next = next.clone();
                async move {
                    sso.list_account_roles()
                        .access_token(token)
                        .account_id(account)
                        .max_results(100)
                        .set_next_token(next)
                        .send()
                        .await
                        .map_err(|e| ServiceError::from_sdk("ListAccountRoles", e))
                }
            })
            .await?;
        roles.extend(
            page.role_list()
                .iter()
                .filter_map(|r| r.role_name().map(str::to_string)),
        );
        next = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// Role credentials for one account and role.
pub async fn get_role_credentials(
    svc: &Services,
    limiter: &Limiter,
    token: &Secret,
    account: &str,
    role: &str,
) -> Result<RoleCredentials, ServiceError> {
    let sso = svc.sso(false);
    let out = limiter
        .call(|| async {
            sso.get_role_credentials()
                .access_token(token.expose())
                .account_id(account)
                .role_name(role)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("GetRoleCredentials", e))
        })
        .await?;
    let c = out.role_credentials().ok_or_else(|| {
        ServiceError::new(
            "GetRoleCredentials",
            ErrorKind::Other,
            "the answer held no credentials",
        )
    })?;
    let expiration =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(c.expiration()) * 1_000_000)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
    Ok(RoleCredentials {
        account_id: account.to_string(),
        role_name: role.to_string(),
        access_key_id: c.access_key_id().unwrap_or_default().to_string(),
        secret_access_key: Secret::new(c.secret_access_key().unwrap_or_default()),
        session_token: Secret::new(c.session_token().unwrap_or_default()),
        expiration,
    })
}
