//! centry's own files: the last account listing per start URL (shown instantly at start,
//! marked with its age, then revalidated), and preferences (favourite and recent roles).
//! A corrupt file is reported and set aside, never silently replaced.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha1::Digest;
use time::OffsetDateTime;

use crate::model::account::Listing;

/// A problem with one of centry's files.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct StoreError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

fn listing_path(start_url: &str) -> Option<PathBuf> {
    let key = hex::encode(sha1::Sha1::digest(start_url.as_bytes()));
    crate::paths::cache_dir().map(|d| d.join("accounts").join(format!("{key}.json")))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListingFile {
    version: u32,
    start_url: String,
    listing: Listing,
}

/// Read JSON from a file: `Ok(None)` when absent; a corrupt file is renamed aside
/// (`*.corrupt-<time>`) so the user keeps it, and reported.
pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(
    path: &Path,
) -> Result<Option<T>, StoreError> {
    let text = match crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::Snapshot) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    match serde_json::from_str(&text) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let aside = path.with_extension(format!(
                "json.corrupt-{}",
                OffsetDateTime::now_utc().unix_timestamp()
            ));
            let kept = std::fs::rename(path, &aside).is_ok();
            Err(StoreError {
                path: path.display().to_string(),
                reason: if kept {
                    format!(
                        "not valid ({e}); kept as {} and starting afresh",
                        aside.display()
                    )
                } else {
                    format!("not valid ({e})")
                },
            })
        }
    }
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(value).map_err(|e| StoreError {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    crate::fsutil::write_private(path, &bytes).map_err(|e| StoreError {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The cached listing for a start URL.
pub fn load_listing(start_url: &str) -> Result<Option<Listing>, StoreError> {
    let Some(path) = listing_path(start_url) else {
        return Ok(None);
    };
    Ok(read_json::<ListingFile>(&path)?
        .filter(|f| f.version == 1 && f.start_url == start_url)
        .map(|f| f.listing))
}

/// Save a listing for a start URL.
pub fn save_listing(start_url: &str, listing: &Listing) -> Result<(), StoreError> {
    let Some(path) = listing_path(start_url) else {
        return Ok(());
    };
    write_json(
        &path,
        &ListingFile {
            version: 1,
            start_url: start_url.to_string(),
            listing: listing.clone(),
        },
    )
}

/// Favourite and recently used roles, keyed `account_id/role_name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prefs {
    /// Favourites.
    #[serde(default)]
    pub favourites: BTreeSet<String>,
    /// Most recent first, at most [`RECENT_MAX`].
    #[serde(default)]
    pub recent: Vec<String>,
}

/// How many recent roles are remembered.
pub const RECENT_MAX: usize = 20;

impl Prefs {
    /// The key of a role.
    pub fn key(account_id: &str, role: &str) -> String {
        format!("{account_id}/{role}")
    }

    /// Mark a role used now.
    pub fn touch(&mut self, key: &str) {
        self.recent.retain(|k| k != key);
        self.recent.insert(0, key.to_string());
        self.recent.truncate(RECENT_MAX);
    }

    /// Toggle a favourite; returns whether it is now a favourite.
    pub fn toggle_favourite(&mut self, key: &str) -> bool {
        if !self.favourites.remove(key) {
            self.favourites.insert(key.to_string());
            true
        } else {
            false
        }
    }

    /// Position among recent roles (0 = most recent).
    pub fn recency(&self, key: &str) -> Option<usize> {
        self.recent.iter().position(|k| k == key)
    }
}

fn prefs_path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|d| d.join("prefs.json"))
}

/// Load preferences (defaults when absent).
pub fn load_prefs() -> Result<Prefs, StoreError> {
    match prefs_path() {
        Some(p) => Ok(read_json(&p)?.unwrap_or_default()),
        None => Ok(Prefs::default()),
    }
}

/// Save preferences.
pub fn save_prefs(prefs: &Prefs) -> Result<(), StoreError> {
    match prefs_path() {
        Some(p) => write_json(&p, prefs),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_files_are_set_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("prefs.json");
        std::fs::write(&p, "{oops").unwrap();
        let err = read_json::<Prefs>(&p).unwrap_err();
        assert!(err.reason.contains("kept as"), "{}", err.reason);
        assert!(!p.exists());
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read_to_string(aside[0].path()).unwrap(), "{oops");
    }

    #[test]
    fn recent_roles_are_most_recent_first_and_bounded() {
        let mut p = Prefs::default();
        for i in 0..30 {
            p.touch(&format!("a/{i}"));
        }
        p.touch("a/5");
        assert_eq!(p.recent[0], "a/5");
        assert_eq!(p.recent.len(), RECENT_MAX);
        assert!(p.toggle_favourite("a/1"));
        assert!(!p.toggle_favourite("a/1"));
    }
}
