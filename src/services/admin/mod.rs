//! The administrator's reads and writes on one Identity Center instance: instances,
//! permission sets and their details, accounts with OU paths, the directory, account and
//! application assignments, the whole inventory with the fewest calls, targeted questions
//! (one person, one account), restoring a snapshot, and the inventory's disk cache.
//!
//! Every call goes through one [`Admin`]: SDK clients with retries off, paced by one shared
//! [`Limiter`] (Identity Center's collective quota covers sso-admin and identitystore alike),
//! counted, cancellable, with progress (done/total, rate, ETA) reported through a callback.

pub mod accounts;
pub mod applications;
pub mod assignments;
pub mod cache;
pub mod directory;
pub mod instances;
pub mod inventory;
pub mod permission_sets;
pub mod restore;
pub mod targeted;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::limiter::Limiter;
use super::{ErrorKind, ServiceError, Services};
use crate::model::inventory::SectionState;

/// Requests in flight at once (the limiter sets the pace; this only bounds memory and
/// connections).
pub const CONCURRENCY: usize = 32;

/// How far a long operation has got.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What is being read (`assignments`, `permission sets`, …).
    pub phase: &'static str,
    /// Units of this phase done.
    pub done: usize,
    /// Units of this phase known.
    pub total: usize,
    /// API calls so far (the whole operation).
    pub calls: u64,
    /// Calls per second so far.
    pub rate: f64,
    /// Seconds since the operation started.
    pub elapsed: f64,
    /// Seconds since this phase started.
    pub phase_elapsed: f64,
}

impl Progress {
    /// Estimated seconds left in this phase.
    pub fn eta(&self) -> Option<f64> {
        if self.done == 0 || self.total < self.done {
            return None;
        }
        Some(self.phase_elapsed / self.done as f64 * (self.total - self.done) as f64)
    }

    /// `assignments 120/400 · 19.8 calls/s · ETA 14 s` for progress lines.
    pub fn line(&self) -> String {
        let eta = match self.eta() {
            Some(s) => format!(" · ETA {:.0} s", s.ceil()),
            None => String::new(),
        };
        format!(
            "{} {}/{} · {} calls · {:.1} calls/s{eta}",
            self.phase, self.done, self.total, self.calls, self.rate
        )
    }
}

/// Where progress goes.
pub type Report = Arc<dyn Fn(Progress) + Send + Sync>;

/// The clients, the limiter, the cancellation token and the counters of one operation.
#[derive(Clone)]
pub struct Admin {
    /// sso-admin, retries off.
    pub sso: aws_sdk_ssoadmin::Client,
    /// identitystore, retries off.
    pub ids: aws_sdk_identitystore::Client,
    /// organizations, retries off.
    pub orgs: aws_sdk_organizations::Client,
    /// The shared pacing.
    pub limiter: Arc<Limiter>,
    /// Stops everything when cancelled.
    pub cancel: CancellationToken,
    /// Requests in flight at once (1 = a strictly serial walk).
    pub concurrency: usize,
    calls: Arc<AtomicU64>,
    started: Instant,
    report: Option<Report>,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("concurrency", &self.concurrency)
            .field("calls", &self.calls())
            .finish_non_exhaustive()
    }
}

/// The message of a cancelled operation.
pub const CANCELLED: &str = "cancelled";

/// The error a cancelled operation ends with.
pub fn cancelled() -> ServiceError {
    ServiceError::new("", ErrorKind::Other, CANCELLED)
}

/// Whether an error is a cancellation (not a failure to show).
pub fn is_cancelled(e: &ServiceError) -> bool {
    e.kind == ErrorKind::Other && e.message == CANCELLED
}

/// What a failed section becomes: denied (credentials lack the permission) or failed.
pub fn section_error(e: &ServiceError) -> SectionState {
    let text = format!("{}: {}", e.operation, e.message);
    match e.kind {
        ErrorKind::AccessDenied => SectionState::Denied(text),
        _ => SectionState::Failed(text),
    }
}

impl Admin {
    /// An operation on `svc`'s credentials, paced by `limiter`.
    pub fn new(svc: &Services, limiter: Arc<Limiter>, cancel: CancellationToken) -> Admin {
        Admin {
            sso: svc.sso_admin(false),
            ids: svc.identity_store(false),
            orgs: svc.organizations(false),
            limiter,
            cancel,
            concurrency: CONCURRENCY,
            calls: Arc::new(AtomicU64::new(0)),
            started: Instant::now(),
            report: None,
        }
    }

    /// Report progress here.
    pub fn with_report(mut self, report: Report) -> Admin {
        self.report = Some(report);
        self
    }

    /// Make at most `n` requests at once.
    pub fn with_concurrency(mut self, n: usize) -> Admin {
        self.concurrency = n.max(1);
        self
    }

    /// API calls made so far (each request sent, retries included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Seconds since this operation started.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// One API call: paced, retried on throttling, counted, cancellable.
    pub async fn call<T, F, Fut>(&self, f: F) -> Result<T, ServiceError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        let counted = || {
            self.calls.fetch_add(1, Ordering::Relaxed);
            f()
        };
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(cancelled()),
            r = self.limiter.call(counted) => r,
        }
    }

    /// Every page of a listing: `f(next_token)` returns (items, next token). Keeps going
    /// while a token comes back, even after an empty page (Organizations does that).
    pub async fn collect<T, F, Fut>(&self, f: F) -> Result<Vec<T>, ServiceError>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<String>), ServiceError>>,
    {
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let (items, token) = self.call(|| f(next.clone())).await?;
            out.extend(items);
            next = token.filter(|t| !t.is_empty());
            match &next {
                None => return Ok(out),
                Some(t) if !seen.insert(t.clone()) => {
                    return Err(ServiceError::new(
                        "paging",
                        ErrorKind::ServiceFault,
                        "the service returned the same page token twice",
                    ));
                }
                Some(_) => {}
            }
        }
    }

    /// Run `f` on every item with bounded concurrency, reporting `phase` progress; the first
    /// error stops the rest.
    pub async fn each<I, T, F, Fut>(
        &self,
        phase: &'static str,
        items: Vec<I>,
        f: F,
    ) -> Result<Vec<T>, ServiceError>
    where
        F: Fn(I) -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        let total = items.len();
        let phase_start = Instant::now();
        self.progress(phase, 0, total, phase_start);
        let mut stream =
            futures::stream::iter(items.into_iter().map(f)).buffer_unordered(self.concurrency);
        let mut out = Vec::with_capacity(total);
        let mut last = Instant::now();
        while let Some(r) = stream.next().await {
            out.push(r?);
            if last.elapsed().as_millis() >= 100 || out.len() == total {
                last = Instant::now();
                self.progress(phase, out.len(), total, phase_start);
            }
        }
        Ok(out)
    }

    /// Send a progress report.
    pub fn progress(&self, phase: &'static str, done: usize, total: usize, phase_start: Instant) {
        if let Some(r) = &self.report {
            let elapsed = self.elapsed();
            let calls = self.calls();
            r(Progress {
                phase,
                done,
                total,
                calls,
                rate: calls as f64 / elapsed.max(0.001),
                elapsed,
                phase_elapsed: phase_start.elapsed().as_secs_f64(),
            });
        }
    }
}

/// Map an SDK error with the operation name.
pub(crate) fn sdk<E, R>(
    op: &'static str,
) -> impl Fn(aws_smithy_runtime_api::client::result::SdkError<E, R>) -> ServiceError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug,
{
    move |e| ServiceError::from_sdk(op, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_follows_the_phase_pace() {
        let p = Progress {
            phase: "assignments",
            done: 100,
            total: 400,
            calls: 150,
            rate: 20.0,
            elapsed: 8.0,
            phase_elapsed: 5.0,
        };
        assert_eq!(p.eta(), Some(15.0));
        assert!(p.line().contains("100/400"), "{}", p.line());
        assert!(p.line().contains("ETA 15 s"), "{}", p.line());
        let none = Progress { done: 0, ..p };
        assert_eq!(none.eta(), None);
    }

    #[test]
    fn denied_sections_are_told_apart_from_failures() {
        let denied = ServiceError::new("ListUsers", ErrorKind::AccessDenied, "not authorized");
        assert_eq!(
            section_error(&denied),
            SectionState::Denied("ListUsers: not authorized".into())
        );
        let down = ServiceError::new("ListUsers", ErrorKind::Network, "timed out");
        assert!(matches!(section_error(&down), SectionState::Failed(_)));
        assert!(is_cancelled(&ServiceError::new(
            "",
            ErrorKind::Other,
            CANCELLED
        )));
    }
}
