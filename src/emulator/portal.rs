//! The access portal API (aws-sdk-sso): ListAccounts, ListAccountRoles, GetRoleCredentials,
//! Logout, plus the portal's own application list (`/instance/appinstances` and an
//! application's profiles). Bearer token in `x-amz-sso_bearer_token`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Emu;
use super::activity::Activity;
use super::router::RequestCtx;
use super::state::{Principal, RoleSession, State as EmuState};
use super::wire::{
    ALNUM, ApiError, Protocol, TokenStyle, UPPER_ALNUM, ok_json, parse_duration_s, random_from,
};

fn portal_error(status: u16, code: &str, msg: impl Into<String>) -> ApiError {
    ApiError::new(status, code, msg)
        .protocol(Protocol::RestJson)
        .message_member("message")
}

/// The person and portal session behind the bearer token.
struct Session {
    user: usize,
    credential_id: String,
}

fn session(st: &EmuState, headers: &HeaderMap) -> Result<Session, ApiError> {
    let token = headers
        .get("x-amz-sso_bearer_token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            portal_error(
                401,
                "UnauthorizedException",
                "Session token not found or invalid",
            )
        })?;
    let t = st
        .live_token(token)
        .map_err(|m| portal_error(401, "UnauthorizedException", m))?;
    if !t.scopes.is_empty() && !t.scopes.iter().any(|s| s == "sso:account:access") {
        return Err(portal_error(
            401,
            "UnauthorizedException",
            "The access token does not carry the sso:account:access scope",
        ));
    }
    Ok(Session {
        user: t.user,
        credential_id: t.credential_id.clone(),
    })
}

/// Query parameters the portal operations share.
#[derive(Deserialize, Default)]
pub struct PortalQuery {
    next_token: Option<String>,
    max_result: Option<String>,
    account_id: Option<String>,
    role_name: Option<String>,
    #[serde(rename = "paginationToken")]
    pagination_token: Option<String>,
}

/// `max_result` checked against 1..=100.
fn max_result(raw: Option<&str>) -> Result<Option<usize>, ApiError> {
    match raw {
        None => Ok(None),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => Ok(Some(n)),
            _ => Err(portal_error(
                400,
                "InvalidRequestException",
                format!("max_result must be between 1 and 100, got {s}"),
            )),
        },
    }
}

/// One page of `items` as `{ list_key: [...], nextToken }`.
fn portal_page(
    st: &EmuState,
    items: Vec<Value>,
    q: &PortalQuery,
    fingerprint: &str,
    list_key: &str,
) -> Result<Value, ApiError> {
    let page = st
        .page_of(
            items,
            max_result(q.max_result.as_deref())?,
            20,
            q.next_token.as_deref(),
            fingerprint,
            TokenStyle::UrlSafe,
        )
        .map_err(|_| portal_error(400, "InvalidRequestException", "Invalid next_token"))?;
    Ok(page.into_json(list_key, "nextToken"))
}

/// Run a portal operation: resolve the session, run `op`, record the event, render.
fn portal_call(
    emu: &Emu,
    ctx: &RequestCtx,
    event_name: &str,
    target: (Option<String>, Option<String>),
    op: impl FnOnce(&mut EmuState, &Session) -> Result<Value, ApiError>,
) -> Response {
    let mut st = emu.state();
    let s = match session(&st, &ctx.headers) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let result = op(&mut st, &s);
    let error = result
        .as_ref()
        .err()
        .map(|e| (e.code.clone(), e.message.clone()));
    st.record(Activity::Portal {
        user: s.user,
        credential_id: s.credential_id.clone(),
        origin: ctx.origin.clone(),
        event_name: event_name.to_string(),
        account_id: target.0,
        role_name: target.1,
        error,
    });
    match result {
        Ok(v) => ok_json(Protocol::RestJson, v),
        Err(e) => e.into_response(),
    }
}

/// GET /assignment/accounts
pub async fn list_accounts(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<PortalQuery>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    portal_call(&emu, &ctx, "ListAccounts", (None, None), |st, s| {
        let reach = st.reach(s.user);
        let accounts: Vec<Value> = reach
            .keys()
            .filter_map(|id| st.idx.account_by_id.get(id).map(|&i| &st.org.accounts[i]))
            .filter(|a| a.state == "ACTIVE")
            .map(|a| json!({"accountId": a.id, "accountName": a.name, "emailAddress": a.email}))
            .collect();
        portal_page(
            st,
            accounts,
            &q,
            &format!("ListAccounts|{}", s.user),
            "accountList",
        )
    })
}

/// GET /assignment/roles
pub async fn list_account_roles(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<PortalQuery>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let account = q.account_id.clone();
    portal_call(
        &emu,
        &ctx,
        "ListAccountRoles",
        (account.clone(), None),
        |st, s| {
            let account = account.filter(|a| !a.is_empty()).ok_or_else(|| {
                portal_error(400, "InvalidRequestException", "account_id is required")
            })?;
            let reach = st.reach(s.user);
            let roles: Vec<Value> = reach
                .get(&account)
                .map(|psets| psets.iter().map(|&p| json!({"roleName": st.org.permission_sets[p].name, "accountId": account})).collect())
                .unwrap_or_default();
            portal_page(
                st,
                roles,
                &q,
                &format!("ListAccountRoles|{}|{account}", s.user),
                "roleList",
            )
        },
    )
}

/// GET /federation/credentials
pub async fn get_role_credentials(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<PortalQuery>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let target = (q.account_id.clone(), q.role_name.clone());
    portal_call(&emu, &ctx, "GetRoleCredentials", target, |st, s| {
        let (Some(account), Some(role)) = (q.account_id.clone(), q.role_name.clone()) else {
            return Err(portal_error(
                400,
                "InvalidRequestException",
                "account_id and role_name are required",
            ));
        };
        let reach = st.reach(s.user);
        let pset = reach
            .get(&account)
            .and_then(|ps| {
                ps.iter()
                    .copied()
                    .find(|&p| st.org.permission_sets[p].name == role)
            })
            .ok_or_else(|| portal_error(403, "ForbiddenException", "No access"))?;
        // Identity Center allows 1 to 12 hours; a seed file may say anything.
        let secs = parse_duration_s(&st.org.permission_sets[pset].session_duration)
            .unwrap_or(3600)
            .clamp(1, 12 * 3600);
        let expires = OffsetDateTime::now_utc() + time::Duration::seconds(secs);
        let akid = format!("ASIA{}", random_from(UPPER_ALNUM, 16));
        let secret = random_from(ALNUM, 40);
        let session_token = format!("IQoJb3JpZ2luX2VjE{}", random_from(ALNUM, 300));
        st.credentials.insert(
            akid.clone(),
            Principal::Role(RoleSession {
                secret: secret.clone(),
                session_token: session_token.clone(),
                account_id: account.clone(),
                pset,
                user: s.user,
                expires,
                credential_id: s.credential_id.clone(),
                identity_context: None,
                role_arn: None,
            }),
        );
        Ok(json!({"roleCredentials": {
            "accessKeyId": akid,
            "secretAccessKey": secret,
            "sessionToken": session_token,
            "expiration": (expires.unix_timestamp_nanos() / 1_000_000) as i64,
        }}))
    })
}

/// POST /logout: revoke the token, its refresh tokens and the portal session.
pub async fn logout(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    portal_call(&emu, &ctx, "Logout", (None, None), |st, s| {
        for t in st
            .tokens
            .values_mut()
            .filter(|t| t.credential_id == s.credential_id)
        {
            t.revoked = true;
        }
        for r in st
            .refresh_tokens
            .values_mut()
            .filter(|r| r.credential_id == s.credential_id)
        {
            r.revoked = true;
        }
        Ok(json!({}))
    })
}

/// The portal's instance id for an application.
pub fn app_instance_id(app_id: &str) -> String {
    use sha1::Digest;
    format!(
        "ins-{}",
        &hex::encode(sha1::Sha1::digest(app_id.as_bytes()))[..16]
    )
}

fn provider_display(provider: &str) -> &'static str {
    match provider {
        "custom-saml" => "Custom SAML 2.0 application",
        "custom-oauth" => "Customer managed OAuth 2.0 application",
        "q-developer" => "Amazon Q Developer",
        _ => "Application",
    }
}

/// GET /instance/appinstances: the applications the person sees in the portal.
pub async fn list_app_instances(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<PortalQuery>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    portal_call(&emu, &ctx, "ListApplications", (None, None), |st, s| {
        let apps: Vec<Value> = (0..st.org.applications.len())
            .filter(|&i| {
                st.org.applications[i].visible
                    && st.org.applications[i].status == "ENABLED"
                    && st.user_has_app(s.user, i)
            })
            .map(|i| {
                let a = &st.org.applications[i];
                json!({
                    "id": app_instance_id(&a.id),
                    "name": a.name,
                    "description": a.description.clone().unwrap_or_default(),
                    "applicationId": format!("app-{}", &a.id.trim_start_matches("apl-")),
                    "applicationName": provider_display(&a.provider),
                    "icon": format!("https://static.emulator.invalid/icons/{}.png", a.provider),
                    "searchMetadata": {},
                })
            })
            .collect();
        let fp = format!("appinstances|{}", s.user);
        let page = st
            .page_of(
                apps,
                None,
                50,
                q.pagination_token.as_deref(),
                &fp,
                TokenStyle::UrlSafe,
            )
            .map_err(|_| portal_error(400, "InvalidRequestException", "Invalid paginationToken"))?;
        Ok(json!({ "result": page.items, "paginationToken": page.next }))
    })
}

/// GET /instance/appinstance/{id}/profiles: how to open an application.
pub async fn list_app_profiles(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    portal_call(
        &emu,
        &ctx,
        "ListProfilesForApplication",
        (None, None),
        |st, s| {
            let i = (0..st.org.applications.len())
                .find(|&i| app_instance_id(&st.org.applications[i].id) == id)
                .ok_or_else(|| {
                    portal_error(
                        404,
                        "ResourceNotFoundException",
                        format!("Application instance {id} not found"),
                    )
                })?;
            if !st.user_has_app(s.user, i) {
                return Err(portal_error(403, "ForbiddenException", "No access"));
            }
            let a = &st.org.applications[i];
            let url = a
                .url
                .clone()
                .unwrap_or_else(|| format!("{}/start/#/saml/default/{}", st.settings.origin, a.id));
            let profiles: Vec<Value> = if a.profiles.is_empty() {
                vec![
                    json!({"id": format!("p-{}", &app_instance_id(&a.id)[4..]), "name": "Default", "description": "", "url": url, "protocol": if a.provider == "custom-saml" { "SAML" } else { "OAUTH" }, "relayState": null}),
                ]
            } else {
                a.profiles
                    .iter()
                    .enumerate()
                    .map(|(n, p)| {
                        json!({
                            "id": format!("p-{}{n}", &app_instance_id(&a.id)[4..]),
                            "name": p.name,
                            "description": p.description.clone().unwrap_or_default(),
                            "url": url,
                            "protocol": p.protocol,
                            "relayState": p.relay_state,
                        })
                    })
                    .collect()
            };
            Ok(json!({ "result": profiles }))
        },
    )
}
