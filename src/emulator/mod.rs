//! The embedded emulator of IAM Identity Center and the AWS APIs around it.
//!
//! One loopback port serves every service: awsJson services are routed by `X-Amz-Target`,
//! restJson services by method and path, STS by its form `Action`. It starts in-process for
//! `centry --demo` and the tests ([`Emulator::start`]) and standalone as
//! `centry emulator serve`.

pub mod activity;
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
}

impl EmulatorConfig {
    /// The demo organisation on a random loopback port.
    pub fn demo() -> EmulatorConfig {
        EmulatorConfig {
            org: Org::demo(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            settings: Settings::default(),
            faults: faults::FaultConfig::default(),
        }
    }
}

/// A running emulator. Dropping it shuts the server down.
pub struct Emulator {
    addr: SocketAddr,
    emu: Arc<Emu>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
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
        Ok(Emulator {
            addr,
            emu,
            shutdown: Some(tx),
            task: Some(task),
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
    }
}
