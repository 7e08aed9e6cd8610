//! STS (awsQuery: form-encoded requests, XML responses): GetCallerIdentity, so any SDK or the
//! AWS CLI can check the credentials the emulator vends, and the two assume operations of
//! trusted identity propagation (in `sts_tip.rs`): AssumeRoleWithWebIdentity for the bridge
//! role and AssumeRole with `ProvidedContexts` for identity-enhanced sessions.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

use super::Emu;
use super::activity::{Activity, Caller};
use super::caller::authenticate;
use super::router::RequestCtx;
use super::wire::{ApiError, Protocol, xml_escape};

pub use super::sts_tip::WebIdentitySession;

/// The STS XML namespace.
const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// An STS error (awsQuery XML).
pub fn sts_error(status: u16, code: &str, msg: impl Into<String>) -> ApiError {
    ApiError::new(status, code, msg).protocol(Protocol::AwsQuery)
}

/// Render an STS result element as the full XML response.
pub fn xml_ok(action: &str, result_inner: &str) -> Response {
    let body = format!(
        "<{action}Response xmlns=\"{NS}\">\n  <{action}Result>\n{result_inner}  </{action}Result>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n",
        uuid::Uuid::new_v4()
    );
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    resp
}

/// Dispatch an awsQuery request by its `Action`.
pub fn dispatch(emu: &Emu, ctx: &RequestCtx, body: &Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let action = form
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone());
    match action.as_deref() {
        Some("GetCallerIdentity") => get_caller_identity(emu, ctx),
        Some("AssumeRoleWithWebIdentity") => {
            super::sts_tip::assume_role_with_web_identity(emu, ctx, &form)
        }
        Some("AssumeRole") => super::sts_tip::assume_role(emu, ctx, &form),
        Some(other) => sts_error(
            400,
            "InvalidAction",
            format!("Could not find operation {other}"),
        )
        .into_response(),
        None => sts_error(400, "MissingAction", "Missing Action").into_response(),
    }
}

fn get_caller_identity(emu: &Emu, ctx: &RequestCtx) -> Response {
    let mut st = emu.state();
    let who = match authenticate(&st, &ctx.headers) {
        Ok(w) => w,
        Err(e) => {
            let (status, code) = match e.code.as_str() {
                "ExpiredTokenException" => (400, "ExpiredToken"),
                "MissingAuthenticationTokenException" => (403, "MissingAuthenticationToken"),
                _ => (403, "InvalidClientTokenId"),
            };
            st.record(Activity::AwsCall {
                caller: Caller::Anonymous,
                origin: ctx.origin.clone(),
                event_source: "sts.amazonaws.com".into(),
                event_name: "GetCallerIdentity".into(),
                read_only: true,
                request: json!(null),
                error: Some((code.to_string(), e.message.clone())),
            });
            return sts_error(status, code, e.message).into_response();
        }
    };
    st.record(Activity::AwsCall {
        caller: who.caller.clone(),
        origin: ctx.origin.clone(),
        event_source: "sts.amazonaws.com".into(),
        event_name: "GetCallerIdentity".into(),
        read_only: true,
        request: json!(null),
        error: None,
    });
    xml_ok(
        "GetCallerIdentity",
        &format!(
            "    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n",
            xml_escape(&who.arn),
            xml_escape(&who.user_id),
            xml_escape(&who.account_id)
        ),
    )
}
