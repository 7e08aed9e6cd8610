//! Amazon Q Developer profiles and customizations, through the bearer-token API
//! (awsJson1_0, `AmazonCodeWhispererService`) on each regional endpoint, merged as the IDEs do:
//! a region that fails is reported beside the others.

use serde_json::{Value, json};

use super::web::send_json;
use super::{ServiceError, Services};
use crate::model::apps::{QCustomization, QProfile, arn_region};
use crate::model::secret::Secret;

/// The regions that host Q Developer profiles.
pub const REGIONS: &[&str] = &["us-east-1", "eu-central-1"];

fn endpoint(svc: &Services, region: &str) -> String {
    match &svc.endpoint.url {
        Some(u) => format!("{}/q/{region}/", u.trim_end_matches('/')),
        None => format!("https://q.{region}.amazonaws.com/"),
    }
}

async fn call(
    svc: &Services,
    region: &str,
    op: &str,
    token: &Secret,
    body: Value,
) -> Result<Value, ServiceError> {
    let req = svc
        .web
        .post(endpoint(svc, region))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AmazonCodeWhispererService.{op}"))
        .bearer_auth(token.expose())
        .body(body.to_string());
    send_json(op, req).await
}

/// Profiles in one region.
pub async fn list_profiles(
    svc: &Services,
    token: &Secret,
    region: &str,
) -> Result<Vec<QProfile>, ServiceError> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut body = json!({ "maxResults": 10 });
        if let Some(t) = &next {
            body["nextToken"] = json!(t);
        }
        let v = call(svc, region, "ListAvailableProfiles", token, body).await?;
        for p in v
            .get("profiles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let arn = p
                .get("arn")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            out.push(QProfile {
                region: arn_region(&arn),
                arn,
                name: p
                    .get("profileName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                description: p
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                status: p.get("status").and_then(Value::as_str).map(str::to_string),
                active_functionalities: p
                    .get("activeFunctionalities")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                customizations: None,
            });
        }
        next = v
            .get("nextToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// Profiles in every Q region, each region's outcome separately.
pub async fn list_profiles_everywhere(
    svc: &Services,
    token: &Secret,
) -> Vec<(String, Result<Vec<QProfile>, ServiceError>)> {
    let futs = REGIONS
        .iter()
        .map(|r| async move { (r.to_string(), list_profiles(svc, token, r).await) });
    futures::future::join_all(futs).await
}

/// A profile's customizations (called on the profile's own region).
pub async fn list_customizations(
    svc: &Services,
    token: &Secret,
    profile_arn: &str,
) -> Result<Vec<QCustomization>, ServiceError> {
    let region = arn_region(profile_arn);
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut body = json!({ "maxResults": 100, "profileArn": profile_arn });
        if let Some(t) = &next {
            body["nextToken"] = json!(t);
        }
        let v = call(svc, &region, "ListAvailableCustomizations", token, body).await?;
        for c in v
            .get("customizations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(QCustomization {
                arn: c
                    .get("arn")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                name: c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                description: c
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
        next = v
            .get("nextToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}
