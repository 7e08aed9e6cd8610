//! The console federation endpoint (`/federation`): getSigninToken for role-session
//! credentials, and a small "signed in" page for `Action=login`, so console links are testable
//! offline.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Json, Response};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use super::Emu;
use super::caller::sso_role_arn;
use super::state::Principal;
use super::wire::{ALNUM, random_from, xml_escape as esc};

/// Query of GET /federation.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FederationQuery {
    action: Option<String>,
    session: Option<String>,
    session_duration: Option<String>,
    signin_token: Option<String>,
    destination: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionJson {
    session_id: String,
    session_key: String,
    session_token: String,
}

/// GET /federation
pub async fn federation(State(emu): State<Arc<Emu>>, Query(q): Query<FederationQuery>) -> Response {
    let bad = |status: StatusCode, msg: &str| {
        (status, Html(format!("<p>{}</p>", esc(msg)))).into_response()
    };
    match q.action.as_deref() {
        Some("getSigninToken") => {
            let Some(session) = q
                .session
                .as_deref()
                .and_then(|s| serde_json::from_str::<SessionJson>(s).ok())
            else {
                return bad(StatusCode::BAD_REQUEST, "Session is missing or malformed");
            };
            if let Some(d) = &q.session_duration {
                match d.parse::<u32>() {
                    Ok(n) if (900..=43200).contains(&n) => {}
                    _ => {
                        return bad(
                            StatusCode::BAD_REQUEST,
                            "SessionDuration must be between 900 and 43200",
                        );
                    }
                }
            }
            let mut st = emu.state();
            let valid = matches!(st.credentials.get(&session.session_id), Some(Principal::Role(r))
                if r.secret == session.session_key && r.session_token == session.session_token && r.expires > OffsetDateTime::now_utc());
            if !valid {
                return bad(
                    StatusCode::FORBIDDEN,
                    "The credentials are invalid or expired",
                );
            }
            let token = random_from(ALNUM, 200);
            st.signin_tokens.insert(token.clone(), session.session_id);
            Json(json!({ "SigninToken": token })).into_response()
        }
        Some("login") => {
            let mut st = emu.state();
            let Some(akid) = q
                .signin_token
                .as_deref()
                .and_then(|t| st.signin_tokens.remove(t))
            else {
                return bad(
                    StatusCode::FORBIDDEN,
                    "The sign-in token is invalid or was already used",
                );
            };
            let who = match st.credentials.get(&akid) {
                Some(Principal::Role(r)) => r
                    .role_arn
                    .clone()
                    .unwrap_or_else(|| sso_role_arn(&st, &r.account_id, r.pset, r.user)),
                _ => "unknown".into(),
            };
            Html(format!(
                "<!doctype html><title>AWS console (emulated)</title><h1>Signed in to the AWS console</h1><p>As <code>{}</code></p><p>Destination: <code>{}</code></p>",
                esc(&who),
                esc(q.destination.as_deref().unwrap_or("https://console.aws.amazon.com/"))
            ))
            .into_response()
        }
        _ => bad(StatusCode::BAD_REQUEST, "Unknown Action"),
    }
}
