//! The embedded emulator of IAM Identity Center and the AWS APIs around it.
//!
//! One loopback port serves every service: awsJson services are routed by `X-Amz-Target`,
//! restJson services by method and path, STS by its form `Action`. It starts in-process for
//! `centry --demo` and the tests ([`Emulator::start`]) and standalone as
//! `centry emulator serve`.

pub mod activity;
pub mod athena;
pub mod caller;
pub mod cloudtrail;
pub mod faults;
pub mod federation;
pub mod generate;
pub mod identitystore;
pub mod idp;
pub mod inproc;
pub mod jwt;
pub mod mpa;
pub mod oidc;
pub mod org;
pub mod organizations;
pub mod pages;
pub mod portal;
pub mod q;
pub mod router;
pub mod rpc;
pub mod sigv4;
pub mod sso_admin;
pub mod state;
pub mod sts;
pub mod sts_tip;
pub mod token_exchange;
pub mod trail;
pub mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

pub use faults::Faults;
pub use inproc::InProcess;
pub use org::Org;
pub use state::Settings;
use state::State;

/// Shared emulator internals: the state behind one lock, and the fault settings.
pub struct Emu {
    state: Mutex<State>,
    /// Fault injection settings and counters.
    pub faults: Faults,
}

impl Emu {
    /// Lock the state. A poisoned lock (a handler panicked) is recovered: the state is plain
    /// data and every handler leaves it consistent between statements.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Options for starting an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The organisation to serve.
    pub org: Org,
    /// Address to bind (must be loopback); port 0 picks one.
    pub addr: SocketAddr,
    /// Server settings (token lifetime, auto-approval, paging knobs).
    pub settings: Settings,
    /// Fault injection.
    pub faults: faults::FaultConfig,
    /// The organisation trail's folder (`None`: a folder of the emulator's own, removed when
    /// it stops).
    pub trail_dir: Option<std::path::PathBuf>,
    /// The bucket the trail folder stands for (`None`: named after the management account).
    pub trail_bucket: Option<String>,
    /// Deliver the trail on this timer too (besides before every query); `None`: only then.
    pub trail_delivery: Option<std::time::Duration>,
    /// Generate this much trail into the folder before serving: (days, records, seed).
    pub generated_trail: Option<(u32, u64, u64)>,
}

impl EmulatorConfig {
    /// The demo organisation on a random loopback port.
    pub fn demo() -> EmulatorConfig {
        EmulatorConfig {
            org: Org::demo(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            settings: Settings::default(),
            faults: faults::FaultConfig::default(),
            trail_dir: None,
            trail_bucket: None,
            trail_delivery: None,
            generated_trail: None,
        }
    }
}

/// A running emulator. Dropping it shuts the server down.
pub struct Emulator {
    addr: SocketAddr,
    emu: Arc<Emu>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// The trail folder the emulator made for itself (removed when it stops).
    own_trail: Option<std::path::PathBuf>,
    delivery: Option<tokio::task::JoinHandle<()>>,
}

impl Emulator {
    /// Bind and start serving in the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> anyhow::Result<Emulator> {
        anyhow::ensure!(
            config.addr.ip().is_loopback(),
            "the emulator only listens on loopback addresses"
        );
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let addr = listener.local_addr()?;
        let mut settings = config.settings;
        settings.origin = format!("http://{addr}");
        let own_trail = match &config.trail_dir {
            Some(_) => None,
            None => Some(std::env::temp_dir().join(format!(
                "centry-emulator-trail-{}-{}",
                std::process::id(),
                uuid::Uuid::new_v4().simple()
            ))),
        };
        let dir = config
            .trail_dir
            .clone()
            .or_else(|| own_trail.clone())
            .unwrap_or_default();
        std::fs::create_dir_all(&dir).map_err(|e| {
            anyhow::anyhow!("cannot create the trail folder {}: {e}", dir.display())
        })?;
        if let Some((days, events, seed)) = config.generated_trail {
            let (org, dir) = (config.org.clone(), dir.clone());
            tokio::task::spawn_blocking(move || {
                generate::trail::write(&org, days, events, seed, &dir)
            })
            .await?
            .map_err(|e| anyhow::anyhow!("cannot write the generated trail: {e}"))?;
        }
        settings.trail = trail::TrailConfig {
            dir,
            bucket: config.trail_bucket.clone().unwrap_or_else(|| {
                trail::default_bucket(&config.org.organization.management_account_id)
            }),
        };
        let emu = Arc::new(Emu {
            state: Mutex::new(State::new(config.org, settings)),
            faults: Faults::new(config.faults),
        });
        let app = router::build(emu.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("emulator stopped: {e}");
            }
        });
        let delivery = config
            .trail_delivery
            .map(|every| trail::spawn_delivery(emu.clone(), every));
        Ok(Emulator {
            addr,
            emu,
            shutdown: Some(tx),
            task: Some(task),
            own_trail,
            delivery,
        })
    }

    /// The endpoint URL to give SDK clients (`http://127.0.0.1:PORT`).
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The operator key pair (access key id, secret access key), which may call everything.
    pub fn operator_credentials(&self) -> (String, String) {
        self.emu.state().operator.clone()
    }

    /// The access portal start URL of the emulated instance.
    pub fn start_url(&self) -> String {
        self.emu.state().org.instance.start_url.clone()
    }

    /// The emulated instance's region.
    pub fn region(&self) -> String {
        self.emu.state().org.instance.region.clone()
    }

    /// The organisation trail's folder (standing for `s3://<bucket>/`).
    pub fn trail_dir(&self) -> std::path::PathBuf {
        self.emu.state().settings.trail.dir.clone()
    }

    /// Deliver every record made so far to the trail folder; returns the objects written.
    pub fn deliver_trail(&self) -> usize {
        trail::flush(&self.emu)
    }

    /// Internals, for tests and the demo activity generator.
    pub fn emu(&self) -> &Arc<Emu> {
        &self.emu
    }

    /// Stop serving and wait for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.delivery.take() {
            task.abort();
        }
        if let Some(dir) = self.own_trail.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
