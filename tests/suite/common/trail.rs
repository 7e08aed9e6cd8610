//! Helpers for the CloudTrail tests: sign in through the device page as a chosen person (or
//! fail to), read every LookupEvents page, and read the emulator's record store directly.

use centry::emulator::{Emulator, Org};
use centry::services::Services;
use serde_json::Value;

/// A device authorization waiting for someone to approve it: (client id, secret, device code,
/// user code).
pub async fn start_device(emu: &Emulator) -> (String, String, String, String) {
    let oidc = super::services(emu).oidc();
    let reg = oidc
        .register_client()
        .client_name("trail-test")
        .client_type("public")
        .scopes("sso:account:access")
        .send()
        .await
        .expect("register");
    let id = reg.client_id().unwrap().to_string();
    let secret = reg.client_secret().unwrap().to_string();
    let dev = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(emu.start_url())
        .send()
        .await
        .expect("device authorization");
    (
        id,
        secret,
        dev.device_code().unwrap().to_string(),
        dev.user_code().unwrap().to_string(),
    )
}

/// Answer the device page as a browser with this user agent would.
pub async fn answer_device_page(
    emu: &Emulator,
    user_code: &str,
    user: &str,
    password: &str,
    decision: &str,
    user_agent: &[u8],
) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{}/device", emu.endpoint_url()))
        .header(
            "user-agent",
            reqwest::header::HeaderValue::from_bytes(user_agent).expect("header bytes"),
        )
        .form(&[
            ("user_code", user_code),
            ("user", user),
            ("password", password),
            ("decision", decision),
        ])
        .send()
        .await
        .expect("device page answers")
        .status()
}

/// Sign in as `user` through the device page; returns the access token.
pub async fn sign_in_as(emu: &Emulator, user: &str, user_agent: &[u8]) -> String {
    let (id, secret, device, code) = start_device(emu).await;
    let status = answer_device_page(emu, &code, user, "demo", "approve", user_agent).await;
    assert!(status.is_success(), "{status}");
    let t = super::services(emu)
        .oidc()
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(device)
        .send()
        .await
        .expect("token after approval");
    t.access_token().unwrap().to_string()
}

/// Every LookupEvents event for one attribute (or none), newest first, through every page.
pub async fn lookup_all(
    svc: &Services,
    attribute: Option<(aws_sdk_cloudtrail::types::LookupAttributeKey, &str)>,
) -> Vec<aws_sdk_cloudtrail::types::Event> {
    let ct = svc.cloudtrail(true);
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let mut req = ct.lookup_events().max_results(50).set_next_token(token);
        if let Some((k, v)) = &attribute {
            req = req.lookup_attributes(
                aws_sdk_cloudtrail::types::LookupAttribute::builder()
                    .attribute_key(k.clone())
                    .attribute_value(*v)
                    .build()
                    .unwrap(),
            );
        }
        let page = req.send().await.expect("LookupEvents");
        out.extend(page.events().iter().cloned());
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => return out,
        }
    }
}

/// Every record the emulator holds, oldest first (after taking in what just happened).
pub fn records(emu: &Emulator) -> Vec<Value> {
    let mut st = emu.emu().state();
    centry::emulator::cloudtrail::absorb(&mut st);
    st.trail
        .events()
        .iter()
        .map(|e| serde_json::from_str(&e.json).expect("stored records are JSON"))
        .collect()
}

/// The demo organisation without the start-up history (only what the test does is logged).
pub fn demo_without_history() -> Org {
    let mut org = Org::demo();
    org.history.days = 0;
    org
}

/// The demo organisation plus a `TrailReader` permission set (CloudTrail read only, no
/// directory) for jordan.lee in the management account.
pub fn demo_with_trail_reader() -> Org {
    let mut org = Org::demo();
    let mut pset = org.permission_sets[0].clone();
    pset.id = "ps-7472616931726561".into();
    pset.name = "TrailReader".into();
    pset.managed_policies = vec!["arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess".into()];
    org.permission_sets.push(pset);
    let mut a = org.account_assignments[0].clone();
    a.account = org.organization.management_account_id.clone();
    a.permission_set = "TrailReader".into();
    a.principal_type = centry::emulator::org::PrincipalKind::User;
    a.principal = "jordan.lee".into();
    org.account_assignments.push(a);
    org
}
