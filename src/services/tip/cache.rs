//! The links of a successful chain, kept so `credential_process` answers fast: the IdP tokens,
//! the bridge-role credentials, the Identity Center identity context and the identity-enhanced
//! sessions per role, each with its expiry. One file per configuration (keyed by its
//! fingerprint) in centry's cache folder, written 0600 and only after a whole chain succeeded.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::credentials::RoleCredentials;
use crate::model::secret::Secret;

/// Link 1: what the IdP issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdpTokens {
    /// The issuer that signed the ID token.
    pub issuer: String,
    /// The person's subject at the IdP.
    pub subject: String,
    /// The person's email, when the IdP sent one.
    pub email: Option<String>,
    /// The ID token.
    pub id_token: Secret,
    /// The refresh token, when the IdP issued one.
    pub refresh_token: Option<Secret>,
    /// When the ID token expires.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Links 2 and 4: AWS credentials of a role session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionCreds {
    /// The IAM role.
    pub role_arn: String,
    /// The session's assumed-role ARN.
    pub arn: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Session token.
    pub session_token: Secret,
    /// When they expire.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl SessionCreds {
    /// As the credentials type every output format renders.
    pub fn role_credentials(&self) -> RoleCredentials {
        let account = self.role_arn.split(':').nth(4).unwrap_or_default();
        RoleCredentials {
            account_id: account.to_string(),
            role_name: self
                .role_arn
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            expiration: self.expires_at,
        }
    }
}

/// Link 3: what CreateTokenWithIAM said about the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityCenterToken {
    /// The Identity Center user id.
    pub user_id: String,
    /// The identity store the user is in.
    pub identity_store_arn: String,
    /// The identity context for STS (`sts:identity_context`).
    pub identity_context: Secret,
    /// When the Identity Center token (and its context) expires.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Every link of the last successful chain for one configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedChain {
    /// The configuration fingerprint this was made for.
    pub fingerprint: String,
    /// Link 1.
    pub idp: IdpTokens,
    /// Link 2.
    pub bridge: SessionCreds,
    /// Link 3.
    pub identity_center: IdentityCenterToken,
    /// Link 4, per target role ARN.
    pub sessions: BTreeMap<String, SessionCreds>,
}

/// The cache file for a configuration fingerprint.
pub fn path(fingerprint: &str) -> Option<PathBuf> {
    crate::paths::cache_dir().map(|d| d.join("tip").join(format!("chain-{fingerprint}.json")))
}

/// Read the cached chain. A missing file is `None`; an unreadable or corrupt one is ignored
/// with a warning in the log (the chain is simply made again), and never deleted here.
pub fn load(fingerprint: &str) -> Option<CachedChain> {
    let p = path(fingerprint)?;
    let text = match crate::fsutil::read_text_limited(&p, crate::fsutil::FileKind::TokenCache) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("ignoring {}: {e}", p.display());
            return None;
        }
    };
    match serde_json::from_str::<CachedChain>(&text) {
        Ok(c) if c.fingerprint == fingerprint => Some(c),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!("ignoring {}: not a chain cache ({e})", p.display());
            None
        }
    }
}

/// Write the chain (0600, atomically).
pub fn save(chain: &CachedChain) -> Result<(), String> {
    let p = path(&chain.fingerprint).ok_or("no cache folder")?;
    let text = serde_json::to_string_pretty(chain).map_err(|e| e.to_string())?;
    crate::fsutil::write_private(&p, text.as_bytes()).map_err(|e| format!("{}: {e}", p.display()))
}

/// Forget the chain (`centry tip logout`). Returns whether there was one.
pub fn remove(fingerprint: &str) -> Result<bool, String> {
    let Some(p) = path(fingerprint) else {
        return Ok(false);
    };
    match std::fs::remove_file(&p) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("{}: {e}", p.display())),
    }
}
