//! Role credentials kept between `centry creds` / `centry exec` runs. The AWS CLI starts a
//! `credential_process` for every command it runs; without a cache each `aws …` would cost a
//! GetRoleCredentials call and its latency. Credentials are kept in centry's cache folder
//! (`role-credentials/<sha1>.json`, written atomically 0600 in a 0700 folder, as the AWS CLI
//! keeps its own in `~/.aws/cli/cache`), reused while more than [`REUSE_MARGIN`] remains, and
//! removed by `centry logout`. A damaged file is a miss, never an error. Parallel runs for the
//! same role take turns ([`RoleCache::lock`]): one fetches, the others read what it kept.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha1::Digest;
use time::OffsetDateTime;

use crate::model::credentials::RoleCredentials;
use crate::model::secret::Secret;

/// Credentials closer than this to expiry are fetched again. The AWS SDKs refresh credentials
/// 15 minutes before they expire, so handing out less would make them ask again at once.
pub const REUSE_MARGIN: time::Duration = time::Duration::minutes(16);

/// Which role credentials: the portal they came from and the account and role.
#[derive(Debug, Clone, Copy)]
pub struct RoleKey<'a> {
    /// The endpoint the portal was reached at (`None` = AWS itself).
    pub endpoint: Option<&'a str>,
    /// The access portal's start URL.
    pub start_url: &'a str,
    /// Account id.
    pub account_id: &'a str,
    /// Role (permission set) name.
    pub role_name: &'a str,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Stored {
    start_url: String,
    account_id: String,
    role_name: String,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    #[serde(with = "time::serde::rfc3339")]
    expiration: OffsetDateTime,
}

/// Held by the one process fetching a role's credentials; released when dropped (or when the
/// process ends, however it ends).
#[derive(Debug)]
pub struct FetchLock {
    _file: std::fs::File,
}

/// How long a `credential_process` run waits for another one fetching the same role before
/// fetching itself.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// The folder of cached role credentials.
#[derive(Debug, Clone)]
pub struct RoleCache {
    dir: PathBuf,
}

impl RoleCache {
    /// The user's: `<cache dir>/role-credentials`.
    pub fn user() -> Option<RoleCache> {
        crate::paths::cache_dir().map(|d| RoleCache::at(d.join("role-credentials")))
    }

    /// One in `dir` (tests).
    pub fn at(dir: PathBuf) -> RoleCache {
        RoleCache { dir }
    }

    fn file_for(&self, key: RoleKey<'_>) -> PathBuf {
        let name = [
            key.endpoint.unwrap_or("aws"),
            key.start_url,
            key.account_id,
            key.role_name,
        ]
        .join("\n");
        let digest = hex::encode(sha1::Sha1::digest(name.as_bytes()));
        self.dir.join(format!("{digest}.json"))
    }

    /// Cached credentials for `key` with more than [`REUSE_MARGIN`] left at `now`.
    pub fn load(&self, key: RoleKey<'_>, now: OffsetDateTime) -> Option<RoleCredentials> {
        let path = self.file_for(key);
        let bytes = crate::fsutil::read_limited(&path, crate::fsutil::FileKind::TokenCache).ok()?;
        let stored: Stored = match serde_json::from_slice(&bytes) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring a damaged role-credentials cache file");
                return None;
            }
        };
        let same = stored.start_url == key.start_url
            && stored.account_id == key.account_id
            && stored.role_name == key.role_name;
        (same && stored.expiration - now > REUSE_MARGIN).then(|| RoleCredentials {
            account_id: stored.account_id,
            role_name: stored.role_name,
            access_key_id: stored.access_key_id,
            secret_access_key: Secret::new(stored.secret_access_key),
            session_token: Secret::new(stored.session_token),
            expiration: stored.expiration,
        })
    }

    /// Wait (up to `wait`) to be the one process fetching `key`'s credentials. The AWS CLI and
    /// SDKs start `credential_process` runs in parallel; with this, one fetches while the others
    /// wait and then find its credentials in the cache. The lock is the kernel's advisory lock
    /// on `role-credentials.locks/<sha1>.lock`, so a holder that dies releases it at once; a holder that hangs is
    /// outwaited after `wait` (`None`: go ahead without the lock).
    pub async fn lock(&self, key: RoleKey<'_>, wait: std::time::Duration) -> Option<FetchLock> {
        // Beside the credentials folder, not in it: that folder holds credentials only.
        let locks = self.dir.with_extension("locks");
        let name = self.file_for(key).with_extension("lock");
        let path = locks.join(name.file_name()?);
        crate::fsutil::create_private_dir(&locks).ok()?;
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(&path).ok()?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Some(FetchLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "fetching role credentials without the lock");
                    return None;
                }
            }
        }
    }

    /// Keep `creds` for the next run.
    pub fn store(&self, key: RoleKey<'_>, creds: &RoleCredentials) -> std::io::Result<()> {
        let stored = Stored {
            start_url: key.start_url.to_string(),
            account_id: creds.account_id.clone(),
            role_name: creds.role_name.clone(),
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.expose().to_string(),
            session_token: creds.session_token.expose().to_string(),
            expiration: creds.expiration,
        };
        let bytes = serde_json::to_vec_pretty(&stored).map_err(std::io::Error::other)?;
        crate::fsutil::write_private(&self.file_for(key), &bytes)
    }

    /// Forget every cached role credential (at logout). Returns how many were removed.
    pub fn clear(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter(|e| std::fs::remove_file(e.path()).is_ok())
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(expiration: OffsetDateTime) -> RoleCredentials {
        RoleCredentials {
            account_id: "111122223333".into(),
            role_name: "DeveloperAccess".into(),
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("secret"),
            session_token: Secret::new("token"),
            expiration,
        }
    }

    #[test]
    fn reused_until_close_to_expiry_per_portal_and_role_and_forgotten_at_logout() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RoleCache::at(dir.path().join("role-credentials"));
        let now = OffsetDateTime::now_utc();
        let key = RoleKey {
            endpoint: None,
            start_url: "https://acme.awsapps.com/start",
            account_id: "111122223333",
            role_name: "DeveloperAccess",
        };
        assert!(cache.load(key, now).is_none());
        let c = creds(now + time::Duration::hours(1));
        cache.store(key, &c).unwrap();
        assert_eq!(cache.load(key, now), Some(c.clone()));
        assert!(cache.load(key, now + time::Duration::minutes(45)).is_none());
        let other_portal = RoleKey {
            endpoint: Some("http://127.0.0.1:1"),
            ..key
        };
        assert!(cache.load(other_portal, now).is_none());
        let other_role = RoleKey {
            role_name: "ReadOnlyAccess",
            ..key
        };
        assert!(cache.load(other_role, now).is_none());

        let path = cache.file_for(key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::write(&path, b"{ not json").unwrap();
        assert!(cache.load(key, now).is_none(), "a damaged file is a miss");
        cache.store(key, &c).unwrap();
        assert_eq!(cache.clear(), 1);
        assert!(cache.load(key, now).is_none());
    }
}
