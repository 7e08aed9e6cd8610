//! Finding what to sign in to: `--start-url` + `--sso-region`, `--sso-session`, the SSO
//! profile named by `AWS_PROFILE`, or every `[sso-session]` and legacy SSO profile in the
//! config (several → the caller offers a choice).

use super::config_file::{ConfigFile, config_path};
use super::signin::SignInTarget;

/// What the command line says about the target.
#[derive(Debug, Clone, Default)]
pub struct TargetArgs {
    /// `--sso-session`.
    pub sso_session: Option<String>,
    /// `--start-url`.
    pub start_url: Option<String>,
    /// `--sso-region`.
    pub sso_region: Option<String>,
}

/// Why no single target could be chosen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TargetError {
    /// Nothing configured.
    #[error(
        "nothing to sign in to: give --start-url URL --sso-region REGION, or add an [sso-session] to {0} (or try everything on the built-in emulator: centry --demo)"
    )]
    Nothing(String),
    /// The named session does not exist.
    #[error("no [sso-session {name}] in {path} (found: {found})")]
    UnknownSession {
        /// Asked for.
        name: String,
        /// Config path.
        path: String,
        /// What exists.
        found: String,
    },
    /// --start-url without --sso-region.
    #[error("--start-url needs --sso-region")]
    MissingRegion,
    /// The config file is broken.
    #[error("{0}")]
    Config(String),
}

/// Every candidate target, most specific first. One element = no choice needed.
pub fn resolve(args: &TargetArgs) -> Result<Vec<SignInTarget>, TargetError> {
    if let Some(url) = &args.start_url {
        let region = args.sso_region.clone().ok_or(TargetError::MissingRegion)?;
        return Ok(vec![SignInTarget {
            session: args.sso_session.clone(),
            start_url: url.clone(),
            region,
            configured_scopes: vec![],
        }]);
    }
    let path = config_path();
    let shown = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "~/.aws/config".into());
    let config = match &path {
        Some(p) => ConfigFile::load(p)
            .map_err(|e| TargetError::Config(format!("{e} (the file was not changed)")))?,
        None => ConfigFile::default(),
    };
    let sessions = config.sso_sessions();
    let from_session = |name: &str| {
        sessions
            .iter()
            .find(|s| s.name == name)
            .map(|s| SignInTarget {
                session: Some(s.name.clone()),
                start_url: s.start_url.clone(),
                region: s.region.clone(),
                configured_scopes: s.scopes.clone(),
            })
    };
    if let Some(name) = &args.sso_session {
        return from_session(name)
            .map(|t| vec![t])
            .ok_or_else(|| TargetError::UnknownSession {
                name: name.clone(),
                path: shown.clone(),
                found: sessions
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
    }
    let profiles = config.sso_profiles();
    if let Some(profile) = std::env::var("AWS_PROFILE")
        .ok()
        .and_then(|p| profiles.iter().find(|x| x.name == p).cloned())
    {
        if let Some(t) = profile.session.as_deref().and_then(from_session) {
            return Ok(vec![t]);
        }
        if let (Some(url), Some(region)) = (profile.start_url, profile.sso_region) {
            return Ok(vec![SignInTarget {
                session: None,
                start_url: url,
                region,
                configured_scopes: vec![],
            }]);
        }
    }
    let mut out: Vec<SignInTarget> = sessions
        .iter()
        .map(|s| SignInTarget {
            session: Some(s.name.clone()),
            start_url: s.start_url.clone(),
            region: s.region.clone(),
            configured_scopes: s.scopes.clone(),
        })
        .collect();
    for p in profiles {
        if let (None, Some(url), Some(region)) = (&p.session, p.start_url, p.sso_region)
            && !out.iter().any(|t| t.start_url == url)
        {
            out.push(SignInTarget {
                session: None,
                start_url: url,
                region,
                configured_scopes: vec![],
            });
        }
    }
    if out.is_empty() {
        return Err(TargetError::Nothing(shown));
    }
    Ok(out)
}
