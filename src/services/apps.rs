//! The access portal's application list (`/instance/appinstances`) and each application's
//! profiles: what the person sees in the portal, with the URL to open.

use serde_json::Value;

use super::web::send_json;
use super::{ServiceError, Services};
use crate::model::apps::{AppInstance, AppProfile};
use crate::model::secret::Secret;

fn portal_base(svc: &Services) -> String {
    match &svc.endpoint.url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => format!(
            "https://portal.sso.{}.amazonaws.com",
            svc.endpoint.sso_region
        ),
    }
}

fn s(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Every application instance the person can open.
pub async fn list_app_instances(
    svc: &Services,
    token: &Secret,
) -> Result<Vec<AppInstance>, ServiceError> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut req = svc
            .web
            .get(format!("{}/instance/appinstances", portal_base(svc)))
            .header("x-amz-sso_bearer_token", token.expose());
        if let Some(t) = &next {
            req = req.query(&[("paginationToken", t)]);
        }
        let v = send_json("ListApplications", req).await?;
        for a in v
            .get("result")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(AppInstance {
                id: s(a, "id"),
                name: s(a, "name"),
                description: s(a, "description"),
                application_name: s(a, "applicationName"),
                profiles: None,
            });
        }
        next = v
            .get("paginationToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// How to open one application.
pub async fn list_app_profiles(
    svc: &Services,
    token: &Secret,
    instance_id: &str,
) -> Result<Vec<AppProfile>, ServiceError> {
    let id: String = url::form_urlencoded::byte_serialize(instance_id.as_bytes()).collect();
    let req = svc
        .web
        .get(format!(
            "{}/instance/appinstance/{id}/profiles",
            portal_base(svc)
        ))
        .header("x-amz-sso_bearer_token", token.expose());
    let v = send_json("ListProfilesForApplication", req).await?;
    Ok(v.get("result")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| AppProfile {
            id: s(p, "id"),
            name: s(p, "name"),
            description: s(p, "description"),
            url: s(p, "url"),
            protocol: s(p, "protocol"),
            relay_state: p
                .get("relayState")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect())
}
