//! `centry --demo`: the first one starts the embedded emulator and publishes where it listens;
//! a second `centry --demo` in another terminal joins that emulator instead of starting its
//! own, so one demo organisation can be watched from two consoles (sign in in one, see the
//! sign-in arrive in the events screen of the other).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::emulator::cloudtrail::activity_generator::{self, ActivityGenerator};
use crate::emulator::{Emulator, EmulatorConfig};

/// The demo user the emulator approves.
pub const DEMO_USER: &str = "jordan.lee";

/// Where a running demo can be reached; written 0600 to centry's cache folder by the demo
/// that owns the emulator and removed when it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoEndpoint {
    /// The emulator's base URL.
    pub endpoint: String,
    /// The demo instance's access-portal start URL.
    pub start_url: String,
    /// The demo instance's region.
    pub region: String,
    /// The process that owns the emulator.
    pub pid: u32,
}

/// The demo this console runs on.
pub enum Demo {
    /// This console started the emulator (and the activity generator) and owns the registry.
    Owner {
        /// The running emulator.
        emulator: Emulator,
        /// The registry file to remove at the end, when it still names this process.
        registry: Option<PathBuf>,
        /// Other people's activity (stops when dropped).
        activity: ActivityGenerator,
    },
    /// Another console's emulator, found through the registry.
    Joined(DemoEndpoint),
}

/// Demo sandboxes untouched for this long are a killed demo's leftovers.
pub const STALE_SANDBOX: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A fresh sandbox folder under `tmp` for this demo's tokens, caches and profiles, after
/// removing sandboxes a killed demo left (untouched for [`STALE_SANDBOX`]). Fresh every run: a
/// later process with the same pid must not find another demo's tokens and listings.
pub fn sandbox_dir(tmp: &Path) -> PathBuf {
    if let Ok(entries) = std::fs::read_dir(tmp) {
        for entry in entries.filter_map(Result::ok) {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_SANDBOX);
            let ours = entry
                .file_name()
                .to_string_lossy()
                .starts_with("centry-demo-")
                || entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("centry-emulator-trail-")
                    && entry.file_type().is_ok_and(|t| t.is_dir());
            if ours && stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    tmp.join(format!(
        "centry-demo-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ))
}

/// The registry file, outside any sandbox: `<cache dir>/demo.json`.
pub fn registry_path() -> Option<PathBuf> {
    crate::paths::cache_dir().map(|d| d.join("demo.json"))
}

/// Join the demo named in `registry` when it answers; otherwise start a new one and name it
/// there. Call before the demo's sandbox is set, so the registry is the user's own.
pub async fn start_or_join(registry: Option<PathBuf>) -> anyhow::Result<Demo> {
    if let Some(found) = registry.as_deref().and_then(read_registry)
        && answers(&found).await
    {
        return Ok(Demo::Joined(found));
    }
    let mut cfg = EmulatorConfig::demo();
    cfg.settings.auto_approve = Some(DEMO_USER.into());
    cfg.settings.auto_approve_delay_ms = 1200;
    cfg.trail_delivery = Some(crate::emulator::trail::DELIVERY_EVERY);
    let org = cfg.org.clone();
    let emulator = Emulator::start(cfg).await?;
    // A few days of organisation trail beside the history, for the trail queries; written in
    // the background so the console starts at once.
    let dir = emulator.trail_dir();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = crate::emulator::generate::trail::write(&org, 3, 5_000, 1, &dir) {
            tracing::warn!("demo trail: {e}");
        }
    });
    let published = DemoEndpoint {
        endpoint: emulator.endpoint_url(),
        start_url: emulator.start_url(),
        region: emulator.region(),
        pid: std::process::id(),
    };
    let registry = registry.filter(|path| {
        serde_json::to_vec_pretty(&published)
            .ok()
            .is_some_and(|bytes| crate::fsutil::write_private(path, &bytes).is_ok())
    });
    let activity = activity_generator::spawn(emulator.emu().clone());
    Ok(Demo::Owner {
        emulator,
        registry,
        activity,
    })
}

impl Demo {
    /// Where the console should send its calls.
    pub fn endpoint(&self) -> DemoEndpoint {
        match self {
            Demo::Owner { emulator, .. } => DemoEndpoint {
                endpoint: emulator.endpoint_url(),
                start_url: emulator.start_url(),
                region: emulator.region(),
                pid: std::process::id(),
            },
            Demo::Joined(found) => found.clone(),
        }
    }

    /// Stop what this console started; a joined demo keeps running for its owner.
    pub async fn finish(self) {
        if let Demo::Owner {
            emulator,
            registry,
            activity,
        } = self
        {
            drop(activity);
            if let Some(path) = registry
                && read_registry(&path).is_some_and(|d| d.pid == std::process::id())
            {
                let _ = std::fs::remove_file(path);
            }
            emulator.stop().await;
        }
    }
}

fn read_registry(path: &Path) -> Option<DemoEndpoint> {
    let bytes = crate::fsutil::read_limited(path, crate::fsutil::FileKind::TokenCache).ok()?;
    let found: DemoEndpoint = serde_json::from_slice(&bytes).ok()?;
    let loopback = found.endpoint.starts_with("http://127.0.0.1:");
    loopback.then_some(found)
}

/// Whether an emulator answers at the registered address as the registered instance (a stale
/// file whose port now belongs to something else is not joined).
async fn answers(found: &DemoEndpoint) -> bool {
    let Ok(client) = reqwest::Client::builder()
        .timeout(Duration::from_millis(1500))
        .build()
    else {
        return false;
    };
    let url = format!("{}/idp/.well-known/openid-configuration", found.endpoint);
    match client.get(url).send().await {
        Ok(resp) if resp.status().is_success() => resp
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|v| v.get("issuer").and_then(|i| i.as_str()).map(str::to_string))
            .is_some_and(|issuer| issuer.starts_with(&found.endpoint)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandboxes_are_fresh_and_a_killed_demos_old_one_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join("centry-demo-1-0123");
        let recent = tmp.path().join("centry-demo-2-4567");
        let other = tmp.path().join("someone-else");
        for d in [&old, &recent, &other] {
            std::fs::create_dir(d).unwrap();
        }
        let day_ago =
            std::time::SystemTime::now() - STALE_SANDBOX - std::time::Duration::from_secs(60);
        std::fs::File::open(&old)
            .unwrap()
            .set_modified(day_ago)
            .unwrap();
        std::fs::File::open(&other)
            .unwrap()
            .set_modified(day_ago)
            .unwrap();
        let a = sandbox_dir(tmp.path());
        let b = sandbox_dir(tmp.path());
        assert_ne!(a, b, "every run gets its own folder");
        assert!(!old.exists(), "a day-old demo folder is a leftover");
        assert!(recent.exists() && other.exists());
    }

    #[tokio::test]
    async fn a_second_demo_joins_the_first_and_a_stale_registry_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let registry = dir.path().join("demo.json");
        let first = start_or_join(Some(registry.clone())).await.unwrap();
        assert!(matches!(first, Demo::Owner { .. }));
        let published = read_registry(&registry).expect("the owner publishes its endpoint");
        assert_eq!(published, first.endpoint());

        let second = start_or_join(Some(registry.clone())).await.unwrap();
        match &second {
            Demo::Joined(found) => assert_eq!(found, &published),
            Demo::Owner { .. } => panic!("the second demo started its own emulator"),
        }
        second.finish().await;
        assert!(
            registry.exists(),
            "a joined demo leaves the owner's registry alone"
        );

        first.finish().await;
        assert!(
            !registry.exists(),
            "the owner removes its registry at the end"
        );

        // A registry naming a port nobody answers on is stale: the next demo starts its own.
        std::fs::write(&registry, serde_json::to_vec(&published).unwrap()).unwrap();
        let third = start_or_join(Some(registry.clone())).await.unwrap();
        assert!(matches!(third, Demo::Owner { .. }));
        third.finish().await;
    }
}
