//! The emulator without a socket: requests handed straight to its routing table, as if from a
//! loopback peer. For the fuzz targets and the suite's smoke test of request parsing (SigV4
//! headers, JSON and form bodies, query strings), which need every request to reach the real
//! handlers without the cost of a connection.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::response::Response;
use tower::ServiceExt;

use super::router::{Routes, routes};
use super::{Emu, EmulatorConfig, Faults, State};

/// An emulator answering requests in-process.
pub struct InProcess {
    emu: Arc<Emu>,
    routes: Routes,
}

impl InProcess {
    /// An emulator of `config`'s organisation and settings (its address is not bound).
    pub fn new(config: EmulatorConfig) -> InProcess {
        let mut settings = config.settings;
        settings.origin = format!("http://{}", config.addr);
        let emu = Arc::new(Emu {
            state: Mutex::new(State::new(config.org, settings)),
            faults: Faults::new(config.faults),
        });
        InProcess {
            routes: routes(emu.clone()),
            emu,
        }
    }

    /// The emulator's internals (state, faults).
    pub fn emu(&self) -> &Arc<Emu> {
        &self.emu
    }

    /// The operator's access key id and secret (an administrator of the organisation).
    pub fn operator_credentials(&self) -> (String, String) {
        self.emu.state().operator.clone()
    }

    /// Answer one request as if it came from 127.0.0.1.
    pub async fn call(&self, mut req: Request<Body>) -> Response {
        let peer = SocketAddr::from(([127, 0, 0, 1], 40_000));
        req.extensions_mut().insert(ConnectInfo(peer));
        match self.routes.clone().oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        }
    }
}
