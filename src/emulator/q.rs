//! Amazon Q Developer's bearer-token API (awsJson1_0, `AmazonCodeWhispererService`):
//! ListAvailableProfiles and ListAvailableCustomizations, per region. The emulator serves the
//! regional endpoints at `/q/{region}/` (and `/` as us-east-1).

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::activity::Activity;
use super::org::PrincipalKind;
use super::rpc::Call;
use super::state::State;
use super::wire::{ApiError, Protocol, TokenStyle, ok_json};

fn q_error(status: u16, code: &str, msg: &str) -> ApiError {
    ApiError::new(status, code, msg)
        .protocol(Protocol::AwsJson10)
        .message_member("message")
}

/// The regions that host Q Developer profiles.
pub const Q_REGIONS: &[&str] = &["us-east-1", "eu-central-1"];

/// Dispatch a Q Developer operation for a regional endpoint.
pub fn dispatch(call: &Call, region: &str) -> Response {
    if !Q_REGIONS.contains(&region) {
        return q_error(
            400,
            "ValidationException",
            &format!("Amazon Q Developer is not available in {region}"),
        )
        .into_response();
    }
    let mut st = call.emu.state();
    let token = call
        .ctx
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let t = match st.live_token(&token) {
        Ok(t) => t.clone(),
        Err(_) => {
            return q_error(
                403,
                "AccessDeniedException",
                "The bearer token included in the request is invalid.",
            )
            .into_response();
        }
    };
    if !t.scopes.iter().any(|s| s.starts_with("codewhisperer:")) {
        return q_error(
            403,
            "AccessDeniedException",
            "User is not authorized to make this call",
        )
        .into_response();
    }
    let result = match call.op {
        "ListAvailableProfiles" => list_profiles(&st, call, region, t.user),
        "ListAvailableCustomizations" => list_customizations(&st, call, region, t.user),
        other => Err(q_error(
            400,
            "UnknownOperationException",
            &format!("Unknown operation {other}"),
        )),
    };
    st.record(Activity::Portal {
        user: t.user,
        credential_id: t.credential_id.clone(),
        origin: call.ctx.origin.clone(),
        event_name: call.op.to_string(),
        account_id: None,
        role_name: None,
        error: result
            .as_ref()
            .err()
            .map(|e| (e.code.clone(), e.message.clone())),
    });
    match result {
        Ok(v) => ok_json(Protocol::AwsJson10, v),
        Err(e) => e.into_response(),
    }
}

fn subscribed(st: &State, user: usize, profile: usize) -> bool {
    let u = &st.org.users[user];
    st.org.q_profiles[profile]
        .subscribers
        .iter()
        .any(|p| match p.principal_type {
            PrincipalKind::User => p.principal == u.user_name,
            PrincipalKind::Group => st
                .idx
                .group_by_name
                .get(&p.principal)
                .is_some_and(|g| st.idx.user_groups[user].contains(g)),
        })
}

fn profile_region(arn: &str) -> &str {
    arn.split(':').nth(3).unwrap_or_default()
}

fn max_results(call: &Call, max: u64) -> Result<usize, ApiError> {
    match call.input.get("maxResults") {
        None | Some(Value::Null) => Ok(max as usize),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=max).contains(&n) => Ok(n as usize),
            _ => Err(q_error(
                400,
                "ValidationException",
                &format!("maxResults must be between 1 and {max}"),
            )),
        },
    }
}

fn list_profiles(st: &State, call: &Call, region: &str, user: usize) -> Result<Value, ApiError> {
    let size = st.page_size(Some(max_results(call, 10)?), 10);
    let profiles: Vec<Value> = (0..st.org.q_profiles.len())
        .filter(|&i| profile_region(&st.org.q_profiles[i].arn) == region && subscribed(st, user, i))
        .map(|i| {
            let p = &st.org.q_profiles[i];
            json!({
                "arn": p.arn,
                "profileName": p.name,
                "description": p.description,
                "identityDetails": {"ssoIdentityDetails": {
                    "instanceArn": st.org.instance.instance_arn,
                    "oidcClientId": format!("arn:aws:sso::{}:application/{}/apl-qdeveloper0000", st.org.instance.owner_account_id, st.instance_id()),
                    "ssoRegion": st.org.instance.region,
                }},
                "referenceTrackerConfiguration": {"recommendationsWithReferences": "BLOCK"},
                "activeFunctionalities": p.active_functionalities,
                "status": "ACTIVE",
                "profileType": "Q_DEVELOPER",
            })
        })
        .collect();
    let fp = format!("ListAvailableProfiles|{user}|{region}");
    let page = st
        .page_of(
            profiles,
            Some(size),
            size,
            call.input.get("nextToken").and_then(Value::as_str),
            &fp,
            TokenStyle::Standard,
        )
        .map_err(|_| q_error(400, "ValidationException", "Invalid nextToken"))?;
    Ok(page.into_json("profiles", "nextToken"))
}

fn list_customizations(
    st: &State,
    call: &Call,
    region: &str,
    user: usize,
) -> Result<Value, ApiError> {
    let size = st.page_size(Some(max_results(call, 100)?), 100);
    let arn = call
        .input
        .get("profileArn")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(i) = st.org.q_profiles.iter().position(|p| p.arn == arn) else {
        return Err(q_error(
            400,
            "ValidationException",
            "profileArn is not a known profile",
        ));
    };
    if profile_region(arn) != region {
        return Err(q_error(
            400,
            "ValidationException",
            &format!("Profile {arn} is not in {region}"),
        ));
    }
    if !subscribed(st, user, i) {
        return Err(q_error(
            403,
            "AccessDeniedException",
            "User is not authorized to make this call",
        ));
    }
    let items: Vec<Value> = st.org.q_profiles[i]
        .customizations
        .iter()
        .map(|c| json!({"arn": c.arn, "name": c.name, "description": c.description}))
        .collect();
    let fp = format!("ListAvailableCustomizations|{user}|{arn}");
    let page = st
        .page_of(
            items,
            Some(size),
            size,
            call.input.get("nextToken").and_then(Value::as_str),
            &fp,
            TokenStyle::Standard,
        )
        .map_err(|_| q_error(400, "ValidationException", "Invalid nextToken"))?;
    Ok(page.into_json("customizations", "nextToken"))
}
