//! Faults on demand: added latency, per-service rate limits enforced as token buckets (answered
//! with that service's own throttling error, as AWS enforces its quotas), a random share of
//! throttling errors, of 5xx answers and of connections dropped mid-response. Also counts every
//! request per service so tests can check a client's pacing at the server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;

use super::Emu;
use super::wire::{ApiError, Protocol};

/// The service a request is for, as far as faults are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// Access portal API.
    Portal,
    /// sso-oidc.
    Oidc,
    /// sso-admin.
    SsoAdmin,
    /// identitystore.
    IdentityStore,
    /// cloudtrail.
    CloudTrail,
    /// organizations.
    Organizations,
    /// mpa.
    Mpa,
    /// sts.
    Sts,
    /// Amazon Q Developer.
    Q,
    /// HTML pages, federation and anything else (never faulted).
    Other,
}

impl Service {
    /// The name used in `--rate-limit svc=N`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Portal => "portal",
            Service::Oidc => "oidc",
            Service::SsoAdmin => "sso-admin",
            Service::IdentityStore => "identitystore",
            Service::CloudTrail => "cloudtrail",
            Service::Organizations => "organizations",
            Service::Mpa => "mpa",
            Service::Sts => "sts",
            Service::Q => "q",
            Service::Other => "other",
        }
    }

    fn from_name(s: &str) -> Option<Service> {
        [
            Service::Portal,
            Service::Oidc,
            Service::SsoAdmin,
            Service::IdentityStore,
            Service::CloudTrail,
            Service::Organizations,
            Service::Mpa,
            Service::Sts,
            Service::Q,
        ]
        .into_iter()
        .find(|svc| svc.name() == s)
    }

    /// Whether faults apply (API services only; sign-in pages and OAuth endpoints only get latency).
    fn faultable(self) -> bool {
        !matches!(self, Service::Oidc | Service::Other)
    }

    /// This service's throttling error.
    fn throttle(self) -> ApiError {
        match self {
            Service::Portal => ApiError::new(429, "TooManyRequestsException", "Rate exceeded")
                .protocol(Protocol::RestJson)
                .message_member("message"),
            Service::Organizations => {
                ApiError::new(400, "TooManyRequestsException", "Rate exceeded")
                    .with("Type", "account")
            }
            Service::IdentityStore => ApiError::new(400, "ThrottlingException", "Rate exceeded")
                .with("RetryAfterSeconds", 1),
            Service::CloudTrail => {
                ApiError::new(400, "ThrottlingException", "Rate exceeded").message_member("message")
            }
            Service::Mpa => ApiError::new(429, "ThrottlingException", "Rate exceeded")
                .protocol(Protocol::RestJson),
            Service::Sts => {
                ApiError::new(400, "Throttling", "Rate exceeded").protocol(Protocol::AwsQuery)
            }
            Service::Q => ApiError::new(400, "ThrottlingException", "Rate exceeded")
                .protocol(Protocol::AwsJson10)
                .message_member("message"),
            _ => ApiError::new(400, "ThrottlingException", "Rate exceeded"),
        }
    }

    /// This service's internal error.
    fn internal(self) -> ApiError {
        match self {
            Service::Portal => ApiError::new(500, "InternalServerException", "Internal error")
                .protocol(Protocol::RestJson)
                .message_member("message"),
            Service::Organizations => ApiError::new(500, "ServiceException", "Internal error"),
            Service::CloudTrail => ApiError::new(500, "InternalServerException", "Internal error")
                .message_member("message"),
            Service::Mpa => ApiError::new(500, "InternalServerException", "Internal error")
                .protocol(Protocol::RestJson),
            Service::Sts => ApiError::new(503, "ServiceUnavailable", "Service unavailable")
                .protocol(Protocol::AwsQuery),
            Service::Q => ApiError::new(500, "InternalServerException", "Internal error")
                .protocol(Protocol::AwsJson10)
                .message_member("message"),
            _ => ApiError::new(500, "InternalServerException", "Internal error"),
        }
    }
}

/// Classify a request by its target header, form action or path.
pub fn classify(req: &Request) -> Service {
    if let Some(target) = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
    {
        let prefix = target.rsplit_once('.').map(|(p, _)| p).unwrap_or(target);
        return match prefix.rsplit('.').next().unwrap_or(prefix) {
            "SWBExternalService" => Service::SsoAdmin,
            "AWSIdentityStore" => Service::IdentityStore,
            "CloudTrail_20131101" => Service::CloudTrail,
            "AWSOrganizationsV20161128" => Service::Organizations,
            "AmazonCodeWhispererService" => Service::Q,
            _ => Service::Other,
        };
    }
    let path = req.uri().path();
    if path.starts_with("/assignment/")
        || path.starts_with("/federation/credentials")
        || path == "/logout"
        || path.starts_with("/instance/")
    {
        Service::Portal
    } else if path.starts_with("/client/register")
        || path.starts_with("/device_authorization")
        || path.starts_with("/token")
    {
        Service::Oidc
    } else if path.starts_with("/approval-teams")
        || path.starts_with("/sessions/")
        || path.starts_with("/identity-sources")
        || path.starts_with("/policy-versions/")
    {
        Service::Mpa
    } else if path == "/" && req.method() == axum::http::Method::POST {
        Service::Sts
    } else {
        Service::Other
    }
}

/// Fault settings.
#[derive(Debug, Clone, Default)]
pub struct FaultConfig {
    /// Added latency per request.
    pub latency_ms: u64,
    /// Requests per second allowed per service (every faultable service).
    pub rate_limit: Option<f64>,
    /// Per-service overrides of `rate_limit` (`cloudtrail` → 2).
    pub service_limits: HashMap<String, f64>,
    /// Share of requests answered with the service's throttling error.
    pub throttle_rate: f64,
    /// Share answered with a 5xx.
    pub error_rate: f64,
    /// Share whose connection is dropped mid-response.
    pub drop_rate: f64,
}

impl FaultConfig {
    /// Parse `--rate-limit`: `20` (every service) or `cloudtrail=2,portal=20` or a mix.
    pub fn parse_rate_limit(&mut self, spec: &str) -> Result<(), String> {
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                None => {
                    let tps: f64 = part
                        .parse()
                        .map_err(|_| format!("rate limit {part:?} is not a number"))?;
                    if tps.is_nan() || tps <= 0.0 {
                        return Err("rate limit must be positive".into());
                    }
                    self.rate_limit = Some(tps);
                }
                Some((svc, n)) => {
                    let svc = Service::from_name(svc.trim())
                        .ok_or_else(|| format!("unknown service {svc:?} in --rate-limit"))?;
                    let tps: f64 = n
                        .trim()
                        .parse()
                        .map_err(|_| format!("rate limit {n:?} is not a number"))?;
                    if tps.is_nan() || tps <= 0.0 {
                        return Err("rate limit must be positive".into());
                    }
                    self.service_limits.insert(svc.name().to_string(), tps);
                }
            }
        }
        Ok(())
    }

    fn limit_for(&self, svc: Service) -> Option<f64> {
        self.service_limits
            .get(svc.name())
            .copied()
            .or(self.rate_limit)
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// A record of one request, for tests that check pacing.
#[derive(Debug, Clone)]
pub struct Hit {
    /// When it arrived.
    pub at: Instant,
    /// Which service.
    pub service: Service,
    /// Whether the emulator throttled it (rate limit or random).
    pub throttled: bool,
}

/// Live fault state.
pub struct Faults {
    config: Mutex<FaultConfig>,
    buckets: Mutex<HashMap<Service, Bucket>>,
    hits: Mutex<Vec<Hit>>,
}

impl Faults {
    /// New fault state.
    pub fn new(config: FaultConfig) -> Faults {
        Faults {
            config: Mutex::new(config),
            buckets: Mutex::new(HashMap::new()),
            hits: Mutex::new(Vec::new()),
        }
    }

    /// Change the settings at run time (tests turn faults on and off).
    pub fn set(&self, config: FaultConfig) {
        *self.config.lock().unwrap_or_else(|e| e.into_inner()) = config;
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The current settings.
    pub fn config(&self) -> FaultConfig {
        self.config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every request seen so far (capped at the last 1,000,000).
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forget the request log.
    pub fn clear_hits(&self) {
        self.hits.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn take_token(&self, svc: Service, tps: f64) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let cap = tps.max(1.0);
        let b = buckets.entry(svc).or_insert(Bucket {
            tokens: cap,
            last: now,
        });
        let elapsed = now.duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * tps).min(cap);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn log(&self, svc: Service, throttled: bool) {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() >= 1_000_000 {
            hits.drain(..500_000);
        }
        hits.push(Hit {
            at: Instant::now(),
            service: svc,
            throttled,
        });
    }
}

/// The axum middleware applying the faults.
pub async fn layer(State(emu): State<Arc<Emu>>, req: Request, next: Next) -> Response {
    let svc = classify(&req);
    let cfg = emu.faults.config();
    if svc == Service::Other {
        return next.run(req).await;
    }
    if cfg.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(cfg.latency_ms)).await;
    }
    if !svc.faultable() {
        emu.faults.log(svc, false);
        return next.run(req).await;
    }
    let limited = cfg
        .limit_for(svc)
        .is_some_and(|tps| !emu.faults.take_token(svc, tps));
    let (throttle, fail, drop) = {
        let mut rng = rand::rng();
        (
            rng.random::<f64>() < cfg.throttle_rate,
            rng.random::<f64>() < cfg.error_rate,
            rng.random::<f64>() < cfg.drop_rate,
        )
    };
    emu.faults.log(svc, limited || throttle);
    if limited || throttle {
        return svc.throttle().into_response();
    }
    if fail {
        return svc.internal().into_response();
    }
    let resp = next.run(req).await;
    if drop {
        let (parts, _) = resp.into_parts();
        let body = Body::from_stream(futures::stream::once(async {
            Err::<bytes::Bytes, std::io::Error>(std::io::Error::other(
                "connection dropped by fault injection",
            ))
        }));
        return Response::from_parts(parts, body);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_spec_parses() {
        let mut c = FaultConfig::default();
        c.parse_rate_limit("20,cloudtrail=2").unwrap();
        assert_eq!(c.limit_for(Service::Portal), Some(20.0));
        assert_eq!(c.limit_for(Service::CloudTrail), Some(2.0));
        assert!(c.parse_rate_limit("nope=3").is_err());
        assert!(c.parse_rate_limit("-1").is_err());
    }

    #[test]
    fn bucket_allows_the_rate_and_refuses_bursts_beyond_it() {
        let f = Faults::new(FaultConfig::default());
        let granted = (0..10)
            .filter(|_| f.take_token(Service::Portal, 5.0))
            .count();
        assert_eq!(granted, 5);
    }
}
