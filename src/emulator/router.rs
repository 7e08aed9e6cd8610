//! Routing: awsJson services by `X-Amz-Target` (the operation is the text after the last
//! `.`, and CloudTrail answers to both of its prefixes), STS by the form `Action`, restJson
//! services by method and path. Paths are normalised by stripping one trailing `/` first,
//! because botocore and the Rust SDK disagree about it (reference §1.2).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use serde_json::Value;
use tower::Layer;

use super::activity::Origin;
use super::rpc::Call;
use super::wire::{ApiError, Protocol};
use super::{
    Emu, federation, identitystore, mpa, oidc, organizations, pages, portal, q, sso_admin, sts,
};

/// What every handler knows about the request besides its body.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// Caller origin for the activity log.
    pub origin: Origin,
    /// Request headers.
    pub headers: HeaderMap,
}

impl RequestCtx {
    /// Build from the connection and headers.
    pub fn new(peer: SocketAddr, headers: HeaderMap) -> RequestCtx {
        // Recorded as sent: CloudTrail keeps whatever the client wrote (non-ASCII included).
        let user_agent = headers
            .get("user-agent")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        RequestCtx {
            origin: Origin {
                ip: peer.ip().to_string(),
                user_agent,
            },
            headers,
        }
    }
}

/// The service that answers on the emulator's port.
pub type Service = axum::extract::connect_info::IntoMakeServiceWithConnectInfo<
    tower::util::MapRequest<Router, fn(Request) -> Request>,
    SocketAddr,
>;

/// The routing table before connection info is attached: what [`build`] serves, and what
/// [`super::InProcess`] calls without a socket.
pub type Routes = tower::util::MapRequest<Router, fn(Request) -> Request>;

/// Build the whole routing table.
pub fn build(emu: Arc<Emu>) -> Service {
    axum::ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(routes(emu))
}

/// The routing table with its layers (SigV4, faults, response metadata).
pub fn routes(emu: Arc<Emu>) -> Routes {
    let router = Router::new()
        .route("/", post(rpc))
        // sso-oidc
        .route("/client/register", post(oidc::register_client))
        .route(
            "/device_authorization",
            post(oidc::start_device_authorization),
        )
        .route("/token", post(super::token_exchange::token_endpoint))
        .route("/authorize", get(pages::authorize))
        .route("/authorize/decision", post(pages::authorize_decision))
        .route(
            "/device",
            get(pages::device_page).post(pages::device_decision),
        )
        // sso portal
        .route("/assignment/accounts", get(portal::list_accounts))
        .route("/assignment/roles", get(portal::list_account_roles))
        .route("/federation/credentials", get(portal::get_role_credentials))
        .route("/logout", post(portal::logout))
        .route("/instance/appinstances", get(portal::list_app_instances))
        .route(
            "/instance/appinstance/{id}/profiles",
            get(portal::list_app_profiles),
        )
        // mpa (labels are ARNs: matched per raw segment, decoded after)
        .route("/approval-teams", post(mpa::approval_teams))
        .route("/approval-teams/{arn}", get(mpa::get_approval_team))
        .route("/approval-teams/{arn}/sessions", post(mpa::team_sessions))
        .route("/sessions/{arn}", get(mpa::get_session))
        .route("/identity-sources", post(mpa::identity_sources))
        .route("/policy-versions/{arn}", get(mpa::get_policy_version))
        .route("/", get(pages::index))
        .route("/q/{region}", post(q_regional))
        .route("/federation", get(federation::federation))
        .nest("/idp", super::idp::routes())
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            emu.clone(),
            super::sigv4::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            emu.clone(),
            super::faults::layer,
        ))
        .layer(axum::middleware::from_fn(response_metadata))
        .with_state(emu);
    let normalise: fn(Request) -> Request = strip_trailing_slash;
    tower::util::MapRequestLayer::new(normalise).layer(router)
}

/// Every answer carries `x-amzn-RequestId` and a `Date` (the Rust SDK corrects clock skew
/// from it).
async fn response_metadata(req: Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if let Ok(v) = axum::http::HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        h.insert("x-amzn-requestid", v);
    }
    let now = time::OffsetDateTime::now_utc();
    let date = now
        .format(&time::format_description::well_known::Rfc2822)
        .map(|d| d.replace("+0000", "GMT"))
        .unwrap_or_default();
    if let Ok(v) = axum::http::HeaderValue::from_str(&date) {
        h.insert(axum::http::header::DATE, v);
    }
    resp
}

/// The path a request arrived with, before [`strip_trailing_slash`] (signatures cover it).
#[derive(Debug, Clone)]
pub struct PathAsSent(pub String);

fn strip_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let sent = PathAsSent(path.to_string());
        req.extensions_mut().insert(sent);
        let path = req.uri().path();
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let pq = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_string(),
        };
        if let Ok(uri) = pq.parse() {
            *req.uri_mut() = uri;
        }
    }
    req
}

async fn unknown_route(req: Request) -> Response {
    ApiError::new(
        404,
        "UnknownOperationException",
        format!("No operation at {} {}", req.method(), req.uri().path()),
    )
    .protocol(Protocol::RestJson)
    .into_response()
}

/// POST `/q/{region}`: a regional Amazon Q Developer endpoint.
async fn q_regional(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::extract::Path(region): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let target = ctx
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let op = target.rsplit('.').next().unwrap_or_default().to_string();
    let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Object(Default::default()));
    q::dispatch(
        &Call {
            emu: &emu,
            ctx: &ctx,
            op: &op,
            input: &input,
        },
        &region,
    )
}

/// POST `/`: awsJson by `X-Amz-Target`, otherwise STS (awsQuery form).
async fn rpc(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let target = ctx
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(target) = target else {
        return sts::dispatch(&emu, &ctx, &body);
    };
    let (prefix, op) = match target.rsplit_once('.') {
        Some((p, o)) => (p.rsplit('.').next().unwrap_or(p).to_string(), o.to_string()),
        None => (String::new(), target.clone()),
    };
    let input: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return ApiError::new(
                    400,
                    "SerializationException",
                    "Request body is not a JSON object",
                )
                .into_response();
            }
        }
    };
    let call = Call {
        emu: &emu,
        ctx: &ctx,
        op: &op,
        input: &input,
    };
    match prefix.as_str() {
        "AmazonCodeWhispererService" => q::dispatch(&call, "us-east-1"),
        "SWBExternalService" => sso_admin::dispatch(&call, &emu),
        "AWSIdentityStore" => identitystore::dispatch(&call),
        "AWSOrganizationsV20161128" => organizations::dispatch(&call),
        "CloudTrail_20131101" => super::cloudtrail::dispatch(&call, &emu),
        "AmazonAthena" => super::athena::dispatch(&call, &emu),
        _ => ApiError::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {target}"),
        )
        .into_response(),
    }
}
