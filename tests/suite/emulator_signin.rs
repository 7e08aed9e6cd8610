//! Sign-in against the emulator with the real SDK clients over HTTP: the device flow (approved
//! through the verification page a person would use), the authorization-code + PKCE flow
//! (following the `/authorize` redirect), refresh, logout, and role credentials that STS accepts.

use crate::common::{self, MGMT};
use base64::Engine;
use sha2::Digest;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_flow_through_the_verification_page_ends_in_working_role_credentials() {
    // No auto-approval: a person approves on the HTML page.
    let emu = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let svc = common::services(&emu);
    let oidc = svc.oidc();
    let reg = oidc
        .register_client()
        .client_name("t")
        .client_type("public")
        .scopes("sso:account:access")
        .send()
        .await
        .unwrap();
    let (id, secret) = (
        reg.client_id().unwrap().to_string(),
        reg.client_secret().unwrap().to_string(),
    );
    let dev = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(emu.start_url())
        .send()
        .await
        .unwrap();
    assert_eq!(dev.interval(), 1);
    assert!(
        dev.verification_uri_complete()
            .unwrap()
            .contains(dev.user_code().unwrap())
    );

    let poll = || {
        oidc.create_token()
            .client_id(&id)
            .client_secret(&secret)
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(dev.device_code().unwrap())
            .send()
    };
    let pending = poll().await.unwrap_err().into_service_error();
    assert!(pending.is_authorization_pending_exception(), "{pending:?}");
    // Polling again at once is too fast.
    let slow = poll().await.unwrap_err().into_service_error();
    assert!(slow.is_slow_down_exception(), "{slow:?}");

    // The verification page, as a browser would use it.
    let page = reqwest::get(dev.verification_uri_complete().unwrap())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(dev.user_code().unwrap()));
    let resp = reqwest::Client::new()
        .post(format!("{}/device", emu.endpoint_url()))
        .form(&[
            ("user_code", dev.user_code().unwrap()),
            ("user", "jordan.lee"),
            ("password", "x"),
            ("decision", "approve"),
        ])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());

    let token = poll().await.expect("token after approval");
    assert_eq!(token.token_type(), Some("Bearer"));
    assert!(
        token.refresh_token().is_some(),
        "scoped registrations get refresh tokens"
    );
    let access = token.access_token().unwrap().to_string();
    // A device code is single-use.
    assert!(
        poll()
            .await
            .unwrap_err()
            .into_service_error()
            .is_invalid_grant_exception()
    );

    let sso = svc.sso(true);
    let accounts = sso
        .list_accounts()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    assert!(
        accounts
            .account_list()
            .iter()
            .any(|a| a.account_id() == Some(MGMT))
    );
    let roles = sso
        .list_account_roles()
        .access_token(&access)
        .account_id(MGMT)
        .send()
        .await
        .unwrap();
    assert!(
        roles
            .role_list()
            .iter()
            .any(|r| r.role_name() == Some("IdentityCenterAuditor"))
    );

    let creds = common::role_credentials(&emu, &access, MGMT, "IdentityCenterAuditor").await;
    let who = svc
        .with_credentials(creds)
        .sts()
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.account(), Some(MGMT));
    assert!(
        who.arn()
            .unwrap()
            .contains("assumed-role/AWSReservedSSO_IdentityCenterAuditor_"),
        "{:?}",
        who.arn()
    );
    assert!(who.arn().unwrap().ends_with("/jordan.lee"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_device_request_is_access_denied() {
    let emu = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let oidc = common::services(&emu).oidc();
    let reg = oidc
        .register_client()
        .client_name("t")
        .client_type("public")
        .send()
        .await
        .unwrap();
    let (id, secret) = (
        reg.client_id().unwrap().to_string(),
        reg.client_secret().unwrap().to_string(),
    );
    let dev = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(emu.start_url())
        .send()
        .await
        .unwrap();
    reqwest::Client::new()
        .post(format!("{}/device", emu.endpoint_url()))
        .form(&[
            ("user_code", dev.user_code().unwrap()),
            ("user", "jordan.lee"),
            ("decision", "deny"),
        ])
        .send()
        .await
        .unwrap();
    let err = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(dev.device_code().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
}

fn pkce_pair() -> (String, String) {
    let verifier: String = "abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .take(64)
        .collect();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkce_flow_follows_the_authorize_redirect_and_verifies_the_challenge() {
    let emu = common::demo().await;
    let svc = common::services(&emu);
    let oidc = svc.oidc();
    let reg = oidc
        .register_client()
        .client_name("centry-pkce")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .issuer_url(emu.start_url())
        .send()
        .await
        .unwrap();
    let (id, secret) = (
        reg.client_id().unwrap().to_string(),
        reg.client_secret().unwrap().to_string(),
    );
    let (verifier, challenge) = pkce_pair();
    let redirect = "http://127.0.0.1:49152/oauth/callback";
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let authorize = |state: &str| {
        http.get(format!("{}/authorize", emu.endpoint_url()))
            .query(&[
                ("response_type", "code"),
                ("client_id", id.as_str()),
                ("redirect_uri", redirect),
                ("state", state),
                ("code_challenge_method", "S256"),
                ("code_challenge", challenge.as_str()),
                ("scopes", "sso:account:access"),
            ])
            .send()
    };
    let resp = authorize("state-123").await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(location.port(), Some(49152));
    assert_eq!(location.path(), "/oauth/callback");
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "state-123");
    let code = q["code"].clone();

    let exchange = |code: String, verifier: String| {
        oidc.create_token()
            .client_id(&id)
            .client_secret(&secret)
            .grant_type("authorization_code")
            .code(code)
            .redirect_uri(redirect)
            .code_verifier(verifier)
            .send()
    };
    // The wrong verifier is refused and burns the code.
    let bad = exchange(code.clone(), "x".repeat(64))
        .await
        .unwrap_err()
        .into_service_error();
    assert!(bad.is_invalid_grant_exception(), "{bad:?}");
    let resp = authorize("state-456").await.unwrap();
    let location = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let token = exchange(code, verifier).await.expect("token");
    let refresh = token.refresh_token().expect("refresh token").to_string();

    // Refresh gives a new working access token.
    let refreshed = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(&refresh)
        .send()
        .await
        .expect("refresh");
    let access = refreshed.access_token().unwrap().to_string();
    let sso = svc.sso(true);
    sso.list_accounts()
        .access_token(&access)
        .send()
        .await
        .expect("refreshed token works");

    // Logout revokes the session: both tokens and the refresh token stop working.
    sso.logout().access_token(&access).send().await.unwrap();
    let err = sso
        .list_accounts()
        .access_token(&access)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_unauthorized_exception(), "{err:?}");
    let err = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(&refresh)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_grant_exception(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_refuses_unregistered_redirects_without_redirecting() {
    let emu = common::demo().await;
    let oidc = common::services(&emu).oidc();
    let reg = oidc
        .register_client()
        .client_name("c")
        .client_type("public")
        .grant_types("authorization_code")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .send()
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http
        .get(format!("{}/authorize", emu.endpoint_url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", reg.client_id().unwrap()),
            ("redirect_uri", "http://evil.example/oauth/callback"),
            ("state", "s"),
            ("code_challenge_method", "S256"),
            ("code_challenge", &"a".repeat(43)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.headers().get("location").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_credentials_only_for_assigned_roles_and_expired_tokens_are_refused() {
    let emu = common::with(centry::emulator::Org::demo(), |c| {
        c.settings.auto_approve = Some("jordan.lee".into());
        c.settings.auto_approve_delay_ms = 10;
        c.settings.token_ttl = 2;
    })
    .await;
    let token = common::device_sign_in(&emu).await;
    let sso = common::services(&emu).sso(true);
    let err = sso
        .get_role_credentials()
        .access_token(&token)
        .account_id(MGMT)
        .role_name("AdministratorAccess")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&err),
        Some("ForbiddenException")
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let err = sso
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_unauthorized_exception(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_are_unrecognized_clients() {
    let emu = common::demo().await;
    let svc = common::services(&emu).with_credentials(aws_credential_types::Credentials::new(
        "AKIAUNKNOWN",
        "x",
        None,
        None,
        "t",
    ));
    let err = svc.sts().get_caller_identity().send().await.unwrap_err();
    let code =
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&err).map(str::to_string);
    assert_eq!(code.as_deref(), Some("InvalidClientTokenId"));
    let who = common::operator(&emu)
        .sts()
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.account(), Some(MGMT));
}
