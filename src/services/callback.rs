//! The one-shot loopback listener for the authorization-code redirect: bound to 127.0.0.1 on
//! a random port, it answers `/oauth/callback`, refuses any request whose `state` is not the
//! one centry sent (and keeps waiting for the real one), and hands over the code once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{mpsc, oneshot};

/// The outcome the browser delivered: the code, or the reason it failed.
pub type CallbackResult = Result<String, String>;

struct Shared {
    state: String,
    tx: mpsc::Sender<CallbackResult>,
    done: Mutex<bool>,
}

/// A listener waiting for one redirect.
pub struct CallbackListener {
    port: u16,
    rx: mpsc::Receiver<CallbackResult>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl CallbackListener {
    /// Bind 127.0.0.1:0 and start answering.
    pub async fn bind(expected_state: String) -> std::io::Result<CallbackListener> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let (tx, rx) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            state: expected_state,
            tx,
            done: Mutex::new(false),
        });
        let app = Router::new()
            .route("/oauth/callback", get(callback))
            .fallback(not_found)
            .with_state(shared);
        let (stx, srx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = srx.await;
                })
                .await;
        });
        Ok(CallbackListener {
            port,
            rx,
            shutdown: Some(stx),
        })
    }

    /// The port the browser will be sent back to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Wait for the redirect carrying the right `state`.
    pub async fn wait(mut self) -> CallbackResult {
        let r = self
            .rx
            .recv()
            .await
            .unwrap_or_else(|| Err("the loopback listener stopped".into()));
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        r
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
    }
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>centry</title><body style=\"font-family:sans-serif;margin:3em\"><h1>{title}</h1><p>{text}</p></body>"
        )),
    )
        .into_response()
}

async fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Not found",
        "This address only accepts the sign-in redirect.",
    )
}

async fn callback(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // Constant-time comparison is not needed for a one-shot random state on loopback, but a
    // wrong state must never complete the sign-in.
    if q.get("state").map(String::as_str) != Some(shared.state.as_str()) {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in refused",
            "This request does not carry the state centry sent, so it was ignored.",
        );
    }
    let mut done = shared.done.lock().unwrap_or_else(|e| e.into_inner());
    if *done {
        return page(
            StatusCode::GONE,
            "Already signed in",
            "This sign-in was already completed.",
        );
    }
    let result = match (q.get("code"), q.get("error")) {
        (Some(code), _) => Ok(code.clone()),
        (None, Some(err)) => Err(format!(
            "the browser sign-in failed: {}",
            crate::model::text::sanitize(err)
        )),
        (None, None) => Err("the redirect carried no code".to_string()),
    };
    let ok = result.is_ok();
    *done = true;
    let _ = shared.tx.try_send(result);
    if ok {
        page(
            StatusCode::OK,
            "Signed in",
            "You can close this tab and return to centry.",
        )
    } else {
        page(
            StatusCode::OK,
            "Sign-in failed",
            "Return to centry for details.",
        )
    }
}
