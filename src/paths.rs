//! Where centry keeps things: `~/.aws` for what it shares with the AWS CLI (token cache,
//! config), and its own cache and data folders (from `directories`). `--demo` moves all of
//! them under a throwaway folder so the emulator's tokens never touch the real ones.

use std::path::PathBuf;
use std::sync::OnceLock;

static SANDBOX: OnceLock<PathBuf> = OnceLock::new();

/// Redirect every path under `root` (used by `--demo`). Only the first call counts.
pub fn sandbox(root: PathBuf) {
    let _ = SANDBOX.set(root);
}

/// Whether paths are sandboxed.
pub fn is_sandboxed() -> bool {
    SANDBOX.get().is_some()
}

/// The folder that holds `config` and `sso/cache` (normally `~/.aws`).
pub fn aws_dir() -> Option<PathBuf> {
    if let Some(root) = SANDBOX.get() {
        return Some(root.join("aws"));
    }
    crate::services::config_file::home_dir().map(|h| h.join(".aws"))
}

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "centry")
}

/// centry's cache folder (listings, inventories).
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(root) = SANDBOX.get() {
        return Some(root.join("cache"));
    }
    if let Some(p) = std::env::var_os("CENTRY_CACHE_DIR") {
        return Some(PathBuf::from(p));
    }
    project().map(|p| p.cache_dir().to_path_buf())
}

/// centry's data folder (favourites, recent roles, its own config).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(root) = SANDBOX.get() {
        return Some(root.join("data"));
    }
    if let Some(p) = std::env::var_os("CENTRY_DATA_DIR") {
        return Some(PathBuf::from(p));
    }
    project().map(|p| p.data_dir().to_path_buf())
}

/// centry's config folder (keymap overrides).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(root) = SANDBOX.get() {
        return Some(root.join("config"));
    }
    if let Some(p) = std::env::var_os("CENTRY_CONFIG_DIR") {
        return Some(PathBuf::from(p));
    }
    project().map(|p| p.config_dir().to_path_buf())
}
