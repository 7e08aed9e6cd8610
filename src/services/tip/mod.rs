//! Trusted identity propagation, the client side: a sign-in mode beside the Identity Center one
//! in which a person signs in to the company's own OpenID Connect IdP and AWS sees *that
//! person*. Four links, each with its result and expiry:
//!
//! 1. authorization code + PKCE at the IdP (issuer found through discovery, refresh token
//!    used before expiry) → an ID token;
//! 2. STS AssumeRoleWithWebIdentity with that ID token → bridge-role credentials;
//! 3. sso-oidc CreateTokenWithIAM with those credentials (JWT bearer grant, client id = the
//!    application ARN) → Identity Center tokens and the person's identity context;
//! 4. STS AssumeRole on the target role with `ProvidedContexts` → an identity-enhanced session.
//!
//! [`run`] reuses every cached link that is still valid, redoes the rest, reports each link as
//! it finishes, stops at the first that fails with words naming the setting to fix, and saves
//! the chain only when all four links stand.

pub mod aws;
pub mod cache;
pub mod config;
mod config_edit;
pub mod idp;

use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::model::credentials::RoleCredentials;
use crate::services::{Endpoint, Services};
use cache::{CachedChain, IdentityCenterToken, IdpTokens, SessionCreds};
pub use config::{ConfigError, TipConfig};

/// Reuse an IdP token only with this much life left.
const IDP_MARGIN: time::Duration = time::Duration::minutes(2);
/// Reuse AWS credentials and identity contexts only with this much life left.
const AWS_MARGIN: time::Duration = time::Duration::minutes(5);

/// The links of the chain, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkId {
    /// 1: the IdP sign-in.
    IdpSignIn,
    /// 2: the bridge role.
    BridgeRole,
    /// 3: the Identity Center token exchange.
    TokenExchange,
    /// 4: the identity-enhanced role session.
    RoleSession,
}

impl LinkId {
    /// Every link, in order.
    pub const ALL: [LinkId; 4] = [
        LinkId::IdpSignIn,
        LinkId::BridgeRole,
        LinkId::TokenExchange,
        LinkId::RoleSession,
    ];

    /// 1-based position.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// What the link is, in words.
    pub fn title(self) -> &'static str {
        match self {
            LinkId::IdpSignIn => "IdP sign-in (authorization code + PKCE)",
            LinkId::BridgeRole => "bridge role (STS AssumeRoleWithWebIdentity)",
            LinkId::TokenExchange => "Identity Center token (CreateTokenWithIAM)",
            LinkId::RoleSession => "identity-enhanced session (STS AssumeRole)",
        }
    }
}

/// The first link that failed, why, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainError {
    /// Which link.
    pub link: LinkId,
    /// What went wrong (service words, sanitised).
    pub cause: String,
    /// The setting or AWS-side configuration to fix.
    pub fix: String,
}

impl ChainError {
    /// A failure of `link`.
    pub fn new(link: LinkId, cause: impl Into<String>, fix: impl Into<String>) -> ChainError {
        ChainError {
            link,
            cause: cause.into(),
            fix: fix.into(),
        }
    }
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "link {} of 4, {}, failed: {}\n  fix: {}",
            self.link.number(),
            self.link.title(),
            self.cause,
            self.fix
        )
    }
}

impl std::error::Error for ChainError {}

/// What one link produced (no secrets), for screens and `tip status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkReport {
    /// Link 1.
    Idp {
        /// Issuer.
        issuer: String,
        /// Subject at the IdP.
        subject: String,
        /// Email at the IdP.
        email: Option<String>,
        /// ID token expiry.
        expires_at: OffsetDateTime,
        /// Taken from the cache rather than made now.
        reused: bool,
    },
    /// Link 2.
    Bridge {
        /// The bridge session's ARN.
        arn: String,
        /// Expiry.
        expires_at: OffsetDateTime,
        /// From the cache.
        reused: bool,
    },
    /// Link 3.
    IdentityCenter {
        /// Identity Center user id.
        user_id: String,
        /// Identity store ARN.
        identity_store_arn: String,
        /// Expiry of the token and its identity context.
        expires_at: OffsetDateTime,
        /// From the cache.
        reused: bool,
    },
    /// Link 4.
    Session {
        /// The target role.
        role_arn: String,
        /// The session's ARN.
        arn: String,
        /// Expiry.
        expires_at: OffsetDateTime,
        /// From the cache.
        reused: bool,
    },
}

impl LinkReport {
    /// Which link this reports.
    pub fn link(&self) -> LinkId {
        match self {
            LinkReport::Idp { .. } => LinkId::IdpSignIn,
            LinkReport::Bridge { .. } => LinkId::BridgeRole,
            LinkReport::IdentityCenter { .. } => LinkId::TokenExchange,
            LinkReport::Session { .. } => LinkId::RoleSession,
        }
    }

    /// What it produced, in one line (no secrets; AWS strings sanitised).
    pub fn summary(&self) -> String {
        use crate::model::text::sanitize;
        match self {
            LinkReport::Idp {
                issuer,
                subject,
                email,
                ..
            } => format!(
                "{} (subject {}) at {}",
                sanitize(email.as_deref().unwrap_or("no email")),
                sanitize(subject),
                sanitize(issuer)
            ),
            LinkReport::Bridge { arn, .. } => sanitize(arn).into_owned(),
            LinkReport::IdentityCenter {
                user_id,
                identity_store_arn,
                ..
            } => format!(
                "user {} in {}",
                sanitize(user_id),
                sanitize(identity_store_arn)
            ),
            LinkReport::Session { arn, .. } => sanitize(arn).into_owned(),
        }
    }

    /// Whether it came from the cache rather than being made now.
    pub fn reused(&self) -> bool {
        match self {
            LinkReport::Idp { reused, .. }
            | LinkReport::Bridge { reused, .. }
            | LinkReport::IdentityCenter { reused, .. }
            | LinkReport::Session { reused, .. } => *reused,
        }
    }

    /// When what it produced expires.
    pub fn expires_at(&self) -> OffsetDateTime {
        match self {
            LinkReport::Idp { expires_at, .. }
            | LinkReport::Bridge { expires_at, .. }
            | LinkReport::IdentityCenter { expires_at, .. }
            | LinkReport::Session { expires_at, .. } => *expires_at,
        }
    }
}

/// Progress of a chain, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainEvent {
    /// A link started.
    Started(LinkId),
    /// The person must sign in in a browser at this URL.
    Browser {
        /// The authorization URL.
        url: String,
        /// Whether centry opened a browser.
        opened: bool,
    },
    /// A link stands.
    Done(LinkReport),
    /// A link failed; the chain stops here.
    Failed(ChainError),
}

/// How a chain may run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Sign in at the IdP even when a cached token is valid.
    pub force_login: bool,
    /// Whether a browser sign-in may start when the IdP token cannot be reused or refreshed.
    pub allow_login: bool,
    /// Open the browser (else only report the URL).
    pub open_browser: bool,
    /// Stops a sign-in in progress.
    pub cancel: CancellationToken,
}

/// Services for a configuration: its endpoint (or `endpoint` given on the command line) and
/// region.
pub fn services(cfg: &TipConfig, endpoint: Option<&str>) -> Services {
    Services::new(Endpoint {
        url: endpoint
            .map(str::to_string)
            .or_else(|| cfg.endpoint_url.clone()),
        sso_region: cfg.region.clone(),
        region: None,
    })
}

fn idp_report(t: &IdpTokens, reused: bool) -> LinkReport {
    LinkReport::Idp {
        issuer: t.issuer.clone(),
        subject: t.subject.clone(),
        email: t.email.clone(),
        expires_at: t.expires_at,
        reused,
    }
}

fn session_report(s: &SessionCreds, reused: bool) -> LinkReport {
    LinkReport::Session {
        role_arn: s.role_arn.clone(),
        arn: s.arn.clone(),
        expires_at: s.expires_at,
        reused,
    }
}

/// The reports of a cached chain, for `role` (link 4 only when it has a session for it).
pub fn cached_reports(chain: &CachedChain, role: Option<&str>) -> Vec<LinkReport> {
    let mut out = vec![
        idp_report(&chain.idp, true),
        LinkReport::Bridge {
            arn: chain.bridge.arn.clone(),
            expires_at: chain.bridge.expires_at,
            reused: true,
        },
        LinkReport::IdentityCenter {
            user_id: chain.identity_center.user_id.clone(),
            identity_store_arn: chain.identity_center.identity_store_arn.clone(),
            expires_at: chain.identity_center.expires_at,
            reused: true,
        },
    ];
    let sessions = chain
        .sessions
        .values()
        .filter(|s| role.is_none_or(|r| s.role_arn == r));
    out.extend(sessions.map(|s| session_report(s, true)));
    out
}

/// The chain's result: every link's report and the identity-enhanced credentials.
#[derive(Debug, Clone)]
pub struct ChainOutcome {
    /// Reports of the four links.
    pub links: Vec<LinkReport>,
    /// The credentials of the identity-enhanced session.
    pub credentials: RoleCredentials,
}

/// Run the chain for `role`, reusing what is cached and valid, reporting each link; saves the
/// chain only when every link stands.
pub async fn run(
    svc: &Services,
    cfg: &TipConfig,
    role: &str,
    opts: &RunOptions,
    report: &mut (dyn FnMut(ChainEvent) + Send),
) -> Result<ChainOutcome, ChainError> {
    let result = run_links(svc, cfg, role, opts, report).await;
    if let Err(e) = &result {
        report(ChainEvent::Failed(e.clone()));
    }
    result
}

async fn run_links(
    svc: &Services,
    cfg: &TipConfig,
    role: &str,
    opts: &RunOptions,
    report: &mut (dyn FnMut(ChainEvent) + Send),
) -> Result<ChainOutcome, ChainError> {
    let now = OffsetDateTime::now_utc();
    let fingerprint = cfg.fingerprint();
    let cached = cache::load(&fingerprint).filter(|_| !opts.force_login);
    let mut links = Vec::new();

    // Link 1: reuse, refresh, or sign in.
    report(ChainEvent::Started(LinkId::IdpSignIn));
    let cached_idp = cached.as_ref().map(|c| c.idp.clone());
    let (idp, fresh) = match cached_idp {
        Some(t) if t.expires_at > now + IDP_MARGIN => (t, false),
        other => (
            obtain_idp_token(svc, cfg, other.and_then(|t| t.refresh_token), opts, report).await?,
            true,
        ),
    };
    links.push(idp_report(&idp, !fresh));
    report(ChainEvent::Done(idp_report(&idp, !fresh)));
    let person = idp.email.clone().unwrap_or_else(|| idp.subject.clone());
    // Anything after a new IdP token is made again: the person may be someone else now.
    let cached = cached.filter(|_| !fresh);

    // Link 2.
    report(ChainEvent::Started(LinkId::BridgeRole));
    let (bridge, reused) = match cached.as_ref().map(|c| c.bridge.clone()) {
        Some(b) if b.expires_at > now + AWS_MARGIN => (b, true),
        _ => (
            aws::assume_bridge(svc, cfg, &idp.id_token, &person).await?,
            false,
        ),
    };
    let r = LinkReport::Bridge {
        arn: bridge.arn.clone(),
        expires_at: bridge.expires_at,
        reused,
    };
    links.push(r.clone());
    report(ChainEvent::Done(r));

    // Link 3.
    report(ChainEvent::Started(LinkId::TokenExchange));
    let (ic, reused): (IdentityCenterToken, bool) =
        match cached.as_ref().map(|c| c.identity_center.clone()) {
            Some(t) if t.expires_at > now + AWS_MARGIN => (t, true),
            _ => (
                aws::exchange(svc, cfg, &bridge, &idp.id_token).await?,
                false,
            ),
        };
    let r = LinkReport::IdentityCenter {
        user_id: ic.user_id.clone(),
        identity_store_arn: ic.identity_store_arn.clone(),
        expires_at: ic.expires_at,
        reused,
    };
    links.push(r.clone());
    report(ChainEvent::Done(r));
    let cached = cached.filter(|_| reused);

    // Link 4.
    report(ChainEvent::Started(LinkId::RoleSession));
    let mut sessions = cached
        .as_ref()
        .map(|c| c.sessions.clone())
        .unwrap_or_default();
    sessions.retain(|_, s| s.expires_at > now + AWS_MARGIN);
    let (session, reused) = match sessions.get(role) {
        Some(s) => (s.clone(), true),
        None => (
            aws::assume_target(svc, &bridge, role, &person, &ic.identity_context).await?,
            false,
        ),
    };
    sessions.insert(role.to_string(), session.clone());
    links.push(session_report(&session, reused));
    report(ChainEvent::Done(session_report(&session, reused)));

    let chain = CachedChain {
        fingerprint,
        idp,
        bridge,
        identity_center: ic,
        sessions,
    };
    if let Err(e) = cache::save(&chain) {
        tracing::warn!("could not cache the chain: {e}");
    }
    Ok(ChainOutcome {
        links,
        credentials: session.role_credentials(),
    })
}

async fn obtain_idp_token(
    svc: &Services,
    cfg: &TipConfig,
    refresh_token: Option<crate::model::secret::Secret>,
    opts: &RunOptions,
    report: &mut (dyn FnMut(ChainEvent) + Send),
) -> Result<IdpTokens, ChainError> {
    let d = idp::discover(svc, cfg).await?;
    if let Some(rt) = refresh_token.filter(|_| !opts.force_login) {
        match idp::refresh(svc, cfg, &d, &rt).await {
            Ok(t) => return Ok(t),
            Err(e) => tracing::info!("IdP refresh failed, signing in again: {}", e.cause),
        }
    }
    if !opts.allow_login {
        return Err(ChainError::new(
            LinkId::IdpSignIn,
            "not signed in to the IdP, or the sign-in expired and cannot be refreshed",
            "run `centry tip login`",
        ));
    }
    let login = idp::start_login(cfg, &d).await?;
    let url = login.authorize_url.clone();
    let opened = if opts.open_browser {
        let u = url.clone();
        tokio::task::spawn_blocking(move || webbrowser::open(&u).is_ok())
            .await
            .unwrap_or(false)
    } else {
        false
    };
    report(ChainEvent::Browser { url, opened });
    idp::finish_login(svc, cfg, &d, login, &opts.cancel).await
}
