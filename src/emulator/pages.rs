//! The browser side of sign-in: the device verification page (enter the code, choose a
//! person, approve or deny) and the authorization-code `/authorize` endpoint with its consent
//! page and loopback redirect. Plain HTML a person can use in a browser.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::Emu;
use super::activity::{Activity, SignInOutcome};
use super::oidc::{approve_sign_in, redirect_matches};
use super::router::RequestCtx;
use super::state::{AuthCode, Decision, State as EmuState};
use super::wire::{ALNUM, random_from, xml_escape as esc};

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:40em;margin:3em auto;color:#222}}\
         input,select,button{{font-size:1.1em;margin:.3em 0}}code{{font-size:1.2em}}</style></head>\
         <body><h1>{t}</h1>{body}<p><small>centry Identity Center emulator</small></p></body></html>",
        t = esc(title)
    ))
}

fn user_options(st: &EmuState) -> String {
    let preferred = st.settings.auto_approve.clone();
    st.org
        .users
        .iter()
        .filter(|u| u.status == "ENABLED")
        .map(|u| {
            let sel = if Some(&u.user_name) == preferred.as_ref() {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{0}\"{sel}>{1} ({0})</option>",
                esc(&u.user_name),
                esc(&u.display_name)
            )
        })
        .collect()
}

/// GET /: what this server is.
pub async fn index(State(emu): State<Arc<Emu>>) -> Html<String> {
    let st = emu.state();
    page(
        "IAM Identity Center emulator",
        &format!(
            "<p>Instance <code>{}</code>, start URL <code>{}</code>, region <code>{}</code>.</p>\
             <p><a href=\"/device\">Device verification page</a></p>",
            esc(&st.org.instance.instance_arn),
            esc(&st.org.instance.start_url),
            esc(&st.org.instance.region)
        ),
    )
}

/// Query of GET /device.
#[derive(Deserialize)]
pub struct DeviceQuery {
    user_code: Option<String>,
}

/// GET /device: enter the code, choose a person, approve or deny.
pub async fn device_page(
    State(emu): State<Arc<Emu>>,
    Query(q): Query<DeviceQuery>,
) -> Html<String> {
    let st = emu.state();
    let code = q.user_code.unwrap_or_default();
    page(
        "Authorize request",
        &format!(
            "<form method=\"post\" action=\"/device\">\
             <p>Code: <input name=\"user_code\" value=\"{}\" autocomplete=\"off\"></p>\
             <p>Sign in as: <select name=\"user\">{}</select></p>\
             <p>Password: <input type=\"password\" name=\"password\" value=\"demo\"></p>\
             <button name=\"decision\" value=\"approve\">Allow access</button> \
             <button name=\"decision\" value=\"deny\">Deny</button></form>",
            esc(&code),
            user_options(&st)
        ),
    )
}

/// Form of POST /device.
#[derive(Deserialize)]
pub struct DeviceForm {
    user_code: String,
    user: String,
    #[serde(default)]
    password: String,
    decision: String,
}

/// POST /device: record the decision for a pending device code.
pub async fn device_decision(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<DeviceForm>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let mut st = emu.state();
    let code = form.user_code.trim().to_uppercase();
    let now = OffsetDateTime::now_utc();
    let device = st
        .devices
        .iter()
        .find(|(_, d)| d.user_code == code && d.decision == Decision::Pending && d.expires > now)
        .map(|(k, _)| k.clone());
    let Some(device) = device else {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "Code not recognised",
                "<p>That code is unknown, used or expired. Start the sign-in again.</p>",
            ),
        )
            .into_response();
    };
    let Some(user) = st.idx.user_by_name.get(&form.user).copied() else {
        st.record(sign_in_failure(
            &ctx,
            &form.user,
            SignInOutcome::UnknownUser,
            None,
        ));
        return (
            StatusCode::BAD_REQUEST,
            page("Sign-in failed", "<p>Unknown user.</p>"),
        )
            .into_response();
    };
    if form.password == "wrong" {
        st.record(sign_in_failure(
            &ctx,
            &form.user,
            SignInOutcome::BadPassword,
            Some(user),
        ));
        return (
            StatusCode::UNAUTHORIZED,
            page("Sign-in failed", "<p>Incorrect password.</p>"),
        )
            .into_response();
    }
    if form.decision == "approve" {
        let credential_id = approve_sign_in(&mut st, user, Some(ctx.origin));
        if let Some(d) = st.devices.get_mut(&device) {
            d.decision = Decision::Approved {
                user,
                credential_id,
            };
        }
        page(
            "Request approved",
            "<p>You can close this window and return to your terminal.</p>",
        )
        .into_response()
    } else {
        st.record(sign_in_failure(
            &ctx,
            &form.user,
            SignInOutcome::Denied,
            Some(user),
        ));
        if let Some(d) = st.devices.get_mut(&device) {
            d.decision = Decision::Denied;
        }
        page(
            "Request denied",
            "<p>The terminal that asked will be told.</p>",
        )
        .into_response()
    }
}

fn sign_in_failure(
    ctx: &RequestCtx,
    typed: &str,
    outcome: SignInOutcome,
    user: Option<usize>,
) -> Activity {
    Activity::SignIn {
        user,
        typed_user_name: typed.to_string(),
        origin: ctx.origin.clone(),
        outcome,
        credential_id: None,
        auth_workflow_id: uuid::Uuid::new_v4().to_string(),
    }
}

/// Query of GET /authorize.
#[derive(Deserialize, Clone)]
pub struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    scopes: Option<String>,
}

/// Validate the client and redirect URI; an invalid one gets an error page, never a redirect.
fn check_authorize(st: &EmuState, q: &AuthorizeQuery) -> Result<(), &'static str> {
    let client = q
        .client_id
        .as_deref()
        .and_then(|id| st.clients.get(id))
        .ok_or("Unknown client_id.")?;
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return Err("This client is not registered for the authorization code grant.");
    }
    let redirect = q
        .redirect_uri
        .as_deref()
        .ok_or("redirect_uri is required.")?;
    if !redirect_matches(&client.redirect_uris, redirect) {
        return Err("redirect_uri does not match the client's registration.");
    }
    Ok(())
}

fn invalid_request_page(msg: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        page("Invalid request", &format!("<p>{}</p>", esc(msg))),
    )
        .into_response()
}

/// A 302 to `target` with `params` added to its query.
pub(crate) fn redirect_to(target: &str, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(target) else {
        return invalid_request_page("Bad redirect URI.");
    };
    url.query_pairs_mut().extend_pairs(params);
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

/// The OAuth refusal for an authorization request that is not `response_type=code` with a
/// PKCE S256 challenge: a redirect back carrying the error and the `state`.
pub(crate) fn code_request_refusal(
    redirect: &str,
    state: &str,
    response_type: Option<&str>,
    challenge_method: Option<&str>,
    challenge: Option<&str>,
) -> Option<Response> {
    if response_type != Some("code") {
        return Some(redirect_to(
            redirect,
            &[("error", "unsupported_response_type"), ("state", state)],
        ));
    }
    if challenge_method != Some("S256") || challenge.unwrap_or("").len() < 43 {
        return Some(redirect_to(
            redirect,
            &[
                ("error", "invalid_request"),
                ("error_description", "PKCE with S256 is required"),
                ("state", state),
            ],
        ));
    }
    None
}

fn issue_code(st: &mut EmuState, q: &AuthorizeQuery, user: usize, credential_id: String) -> String {
    let code = random_from(ALNUM, 48);
    st.codes.insert(
        code.clone(),
        AuthCode {
            client_id: q.client_id.clone().unwrap_or_default(),
            redirect_uri: q.redirect_uri.clone().unwrap_or_default(),
            challenge: q.code_challenge.clone().unwrap_or_default(),
            user,
            credential_id,
            scopes: q
                .scopes
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            expires: OffsetDateTime::now_utc() + time::Duration::minutes(5),
        },
    );
    code
}

/// GET /authorize: the authorization-code + PKCE entry point.
pub async fn authorize(State(emu): State<Arc<Emu>>, Query(q): Query<AuthorizeQuery>) -> Response {
    let (auto, delay) = {
        let st = emu.state();
        if let Err(msg) = check_authorize(&st, &q) {
            return invalid_request_page(msg);
        }
        (
            st.settings.auto_approve.clone(),
            st.settings.auto_approve_delay_ms,
        )
    };
    let redirect = q.redirect_uri.clone().unwrap_or_default();
    let state = q.state.clone().unwrap_or_default();
    if let Some(refusal) = code_request_refusal(
        &redirect,
        &state,
        q.response_type.as_deref(),
        q.code_challenge_method.as_deref(),
        q.code_challenge.as_deref(),
    ) {
        return refusal;
    }
    if let Some(name) = auto {
        tokio::time::sleep(Duration::from_millis(delay.min(500))).await;
        let mut st = emu.state();
        if let Some(user) = st.idx.user_by_name.get(&name).copied() {
            let credential_id = approve_sign_in(&mut st, user, None);
            let code = issue_code(&mut st, &q, user, credential_id);
            return redirect_to(&redirect, &[("code", &code), ("state", &state)]);
        }
    }
    let st = emu.state();
    let hidden = |k: &str, v: &Option<String>| {
        format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            esc(v.as_deref().unwrap_or_default())
        )
    };
    page(
        "Allow access?",
        &format!(
            "<p>An application wants access to your AWS accounts{}.</p><form method=\"post\" action=\"/authorize/decision\">{}{}{}{}{}\
             <p>Sign in as: <select name=\"user\">{}</select></p>\
             <button name=\"decision\" value=\"approve\">Allow access</button> \
             <button name=\"decision\" value=\"deny\">Deny</button></form>",
            q.scopes.as_deref().map(|s| format!(" (scopes: {})", esc(s))).unwrap_or_default(),
            hidden("client_id", &q.client_id),
            hidden("redirect_uri", &q.redirect_uri),
            hidden("state", &q.state),
            hidden("code_challenge", &q.code_challenge),
            hidden("scopes", &q.scopes),
            user_options(&st)
        ),
    )
    .into_response()
}

/// Form of POST /authorize/decision.
#[derive(Deserialize)]
pub struct AuthorizeDecision {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    scopes: Option<String>,
    user: String,
    decision: String,
}

/// POST /authorize/decision: the consent page's answer.
pub async fn authorize_decision(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<AuthorizeDecision>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let q = AuthorizeQuery {
        response_type: Some("code".into()),
        client_id: f.client_id,
        redirect_uri: f.redirect_uri,
        state: f.state,
        code_challenge: f.code_challenge,
        code_challenge_method: Some("S256".into()),
        scopes: f.scopes,
    };
    let mut st = emu.state();
    if let Err(msg) = check_authorize(&st, &q) {
        return invalid_request_page(msg);
    }
    let redirect = q.redirect_uri.clone().unwrap_or_default();
    let state = q.state.clone().unwrap_or_default();
    let user = st.idx.user_by_name.get(&f.user).copied();
    match (user, f.decision.as_str()) {
        (Some(user), "approve") => {
            let credential_id = approve_sign_in(&mut st, user, Some(ctx.origin));
            let code = issue_code(&mut st, &q, user, credential_id);
            redirect_to(&redirect, &[("code", &code), ("state", &state)])
        }
        (user, _) => {
            st.record(sign_in_failure(&ctx, &f.user, SignInOutcome::Denied, user));
            redirect_to(&redirect, &[("error", "access_denied"), ("state", &state)])
        }
    }
}
