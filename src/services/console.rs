//! Opening the AWS console with role credentials through the federation endpoint:
//! getSigninToken, then the login URL (a single-use link valid for minutes).

use serde_json::{Value, json};

use super::web::send_json;
use super::{ErrorKind, ServiceError, Services};
use crate::model::credentials::RoleCredentials;

fn hosts(svc: &Services, region: &str) -> (String, String) {
    if let Some(u) = &svc.endpoint.url {
        return (
            format!("{}/federation", u.trim_end_matches('/')),
            "https://console.aws.amazon.com/".to_string(),
        );
    }
    if region.starts_with("cn-") {
        (
            "https://signin.amazonaws.cn/federation".into(),
            "https://console.amazonaws.cn/".into(),
        )
    } else if region.starts_with("us-gov-") {
        (
            "https://signin.amazonaws-us-gov.com/federation".into(),
            "https://console.amazonaws-us-gov.com/".into(),
        )
    } else {
        (
            "https://signin.aws.amazon.com/federation".into(),
            "https://console.aws.amazon.com/".into(),
        )
    }
}

/// A console sign-in URL for these credentials. `duration_s` is clamped to 900..=43200.
pub async fn console_url(
    svc: &Services,
    creds: &RoleCredentials,
    region: &str,
    duration_s: u32,
) -> Result<String, ServiceError> {
    let (federation, console) = hosts(svc, region);
    let session = json!({
        "sessionId": creds.access_key_id,
        "sessionKey": creds.secret_access_key.expose(),
        "sessionToken": creds.session_token.expose(),
    })
    .to_string();
    let duration = duration_s.clamp(900, 43200).to_string();
    let req = svc.web.get(&federation).query(&[
        ("Action", "getSigninToken"),
        ("SessionDuration", duration.as_str()),
        ("Session", session.as_str()),
    ]);
    let v = send_json("getSigninToken", req).await?;
    let token = v
        .get("SigninToken")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ServiceError::new(
                "getSigninToken",
                ErrorKind::Other,
                "the answer held no sign-in token",
            )
        })?;
    let mut url = url::Url::parse(&federation)
        .map_err(|e| ServiceError::new("getSigninToken", ErrorKind::Invalid, e.to_string()))?;
    url.query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Issuer", "https://github.com/centry")
        .append_pair("Destination", &console)
        .append_pair("SigninToken", token);
    Ok(url.to_string())
}
