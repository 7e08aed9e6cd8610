//! What every developer command needs: the endpoint, the sign-in target, the services and
//! the shared limiter, and a usable token (or a clear "sign in first").

use std::sync::Arc;

use super::GlobalArgs;
use crate::model::secret::Secret;
use crate::services::limiter::Limiter;
use crate::services::signin::{self, SignInTarget};
use crate::services::targets::{self, TargetArgs};
use crate::services::{Endpoint, Services};

/// Resolved context for developer commands.
pub struct DevContext {
    /// Services pointed at the right endpoint and region.
    pub svc: Services,
    /// What we sign in to.
    pub target: SignInTarget,
    /// The Identity Center limiter.
    pub limiter: Arc<Limiter>,
}

/// The target arguments from the global flags.
pub fn target_args(global: &GlobalArgs) -> TargetArgs {
    TargetArgs {
        sso_session: global.sso_session.clone(),
        start_url: global.start_url.clone(),
        sso_region: global.sso_region.clone(),
    }
}

/// Services for a target.
pub fn services_for(global: &GlobalArgs, target: &SignInTarget) -> Services {
    Services::new(Endpoint {
        url: global.endpoint_url.clone(),
        sso_region: target.region.clone(),
        region: global.region.clone(),
    })
}

impl DevContext {
    /// Resolve; several candidate targets is an error naming them.
    pub fn resolve(global: &GlobalArgs) -> anyhow::Result<DevContext> {
        let mut targets = targets::resolve(&target_args(global))?;
        if targets.len() > 1 {
            let names: Vec<String> = targets.iter().map(SignInTarget::label).collect();
            anyhow::bail!(
                "several places to sign in to ({}); choose one with --sso-session NAME or --start-url",
                names.join(", ")
            );
        }
        let target = targets.remove(0);
        Ok(DevContext {
            svc: services_for(global, &target),
            target,
            limiter: Arc::new(Limiter::identity_center()),
        })
    }

    /// A new access token after the service said the one in use expired (it can expire in the
    /// middle of a long listing): refreshed with the cached refresh token, or an error saying
    /// to sign in again.
    pub async fn refreshed_token(&self) -> anyhow::Result<Secret> {
        let cached = signin::load_cached(&self.target)?;
        match cached {
            Some(c) if c.refreshable(time::OffsetDateTime::now_utc()) => {
                let t = signin::refresh(&self.svc, &self.target, &c).await?;
                Ok(t.access_token)
            }
            _ => anyhow::bail!(
                "the sign-in to {} expired — run `centry login`",
                self.target.label()
            ),
        }
    }

    /// A usable access token, refreshed if needed.
    pub async fn token(&self) -> anyhow::Result<Secret> {
        match signin::usable_token(&self.svc, &self.target).await? {
            Some(t) => Ok(t.access_token),
            None => anyhow::bail!(
                "not signed in to {} (or the sign-in expired) — run `centry login`",
                self.target.label()
            ),
        }
    }
}

/// Whether stderr is a terminal (progress lines only go there).
pub fn stderr_is_tty() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}
