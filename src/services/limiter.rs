//! One process-wide adaptive rate limiter per AWS quota. Identity Center documents a collective
//! 20 TPS; the limiter starts there, backs off multiplicatively when the service throttles,
//! and probes upward while answers are clean (fast until the first throttle, then additively),
//! so a long listing settles just under whatever limit the service enforces. Calls made
//! through [`Limiter::call`] are paced and retried, so throttling never reaches the user.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::{ErrorKind, ServiceError};

#[derive(Debug)]
struct Inner {
    rate: f64,
    next: Instant,
    last_decrease: Option<Instant>,
    seen_throttle: bool,
    throttles: u64,
    calls: u64,
}

/// Pacing state.
#[derive(Debug)]
pub struct Limiter {
    inner: Mutex<Inner>,
    min: f64,
    max: f64,
}

/// A snapshot for progress displays and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterStats {
    /// Current pace, requests per second.
    pub rate: f64,
    /// Throttling answers absorbed so far.
    pub throttles: u64,
    /// Requests sent so far.
    pub calls: u64,
}

/// Attempts per call before a transient failure is reported.
const ATTEMPTS: u32 = 8;

impl Limiter {
    /// A limiter starting at `rate` requests per second.
    pub fn new(rate: f64) -> Limiter {
        Limiter {
            inner: Mutex::new(Inner {
                rate,
                next: Instant::now(),
                last_decrease: None,
                seen_throttle: false,
                throttles: 0,
                calls: 0,
            }),
            min: 0.5,
            max: 500.0,
        }
    }

    /// Identity Center's documented collective quota.
    pub fn identity_center() -> Limiter {
        Limiter::new(20.0)
    }

    /// CloudTrail LookupEvents: 2 requests per second per account and region.
    pub fn lookup_events() -> Limiter {
        let l = Limiter::new(2.0);
        Limiter { max: 2.0, ..l }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for the next slot.
    pub async fn acquire(&self) {
        let slot = {
            let mut i = self.lock();
            let now = Instant::now();
            let slot = if i.next > now { i.next } else { now };
            i.next = slot + Duration::from_secs_f64(1.0 / i.rate);
            i.calls += 1;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// A clean answer: probe upward.
    pub fn on_success(&self) {
        let mut i = self.lock();
        let step = if i.seen_throttle { 1.0 / i.rate } else { 0.1 };
        i.rate = (i.rate + step).min(self.max);
    }

    /// A throttling answer: back off (at most once per half second, so one burst of refusals
    /// counts once).
    pub fn on_throttle(&self) {
        let mut i = self.lock();
        let now = Instant::now();
        i.throttles += 1;
        i.seen_throttle = true;
        if i.last_decrease
            .is_none_or(|t| now.duration_since(t) > Duration::from_millis(500))
        {
            i.rate = (i.rate * 0.85).max(self.min);
            i.last_decrease = Some(now);
            let pause = now + Duration::from_secs_f64(1.0 / i.rate);
            if i.next < pause {
                i.next = pause;
            }
        }
    }

    /// Current numbers.
    pub fn stats(&self) -> LimiterStats {
        let i = self.lock();
        LimiterStats {
            rate: i.rate,
            throttles: i.throttles,
            calls: i.calls,
        }
    }

    /// Run `f` paced by the limiter, retrying throttling and transient failures with backoff.
    pub async fn call<T, F, Fut>(&self, f: F) -> Result<T, ServiceError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.acquire().await;
            match f().await {
                Ok(v) => {
                    self.on_success();
                    return Ok(v);
                }
                Err(e) if e.kind == ErrorKind::Throttled && attempt < ATTEMPTS => {
                    self.on_throttle()
                }
                // Nothing answering is not throttling: the SDK's quick attempts were enough.
                Err(e)
                    if e.is_transient()
                        && e.kind != ErrorKind::Unreachable
                        && attempt < ATTEMPTS =>
                {
                    let backoff = Duration::from_millis(100 * (1 << attempt.min(6)));
                    tokio::time::sleep(backoff).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_at_the_rate() {
        let l = Limiter::new(10.0);
        let start = Instant::now();
        for _ in 0..11 {
            l.acquire().await;
        }
        let took = start.elapsed().as_secs_f64();
        assert!((0.99..1.01).contains(&took), "{took}");
    }

    #[tokio::test(start_paused = true)]
    async fn backs_off_once_per_burst_and_probes_back_up() {
        let l = Limiter::new(20.0);
        l.on_throttle();
        l.on_throttle();
        assert!(
            (l.stats().rate - 17.0).abs() < 1e-9,
            "one burst counts once"
        );
        for _ in 0..17 {
            l.on_success();
        }
        assert!(
            (l.stats().rate - 18.0).abs() < 0.05,
            "about +1 TPS per clean second after a throttle"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_is_retried_and_never_surfaces() {
        let l = Limiter::new(50.0);
        let n = std::sync::atomic::AtomicU32::new(0);
        let r = l
            .call(|| async {
                if n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 3 {
                    Err(ServiceError::new("X", ErrorKind::Throttled, "slow down"))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(r.unwrap(), 7);
        assert_eq!(l.stats().throttles, 3);
    }
}
