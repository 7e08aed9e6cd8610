//! The emulator's trusted identity propagation, through the official SDKs: the IdP's OAuth
//! endpoints, STS AssumeRoleWithWebIdentity and AssumeRole with ProvidedContexts, sso-oidc
//! CreateTokenWithIAM — with signatures, issuers, audiences, expiry and the application's
//! policy checked for real.

use aws_credential_types::Credentials;
use centry::emulator::Emulator;
use centry::emulator::activity::Activity;
use centry::emulator::jwt::{SigningKey, demo_key};
use serde_json::{Value, json};

use crate::common;

/// The demo application and its bridge role.
pub const APP_ARN: &str =
    "arn:aws:sso::381492058412:application/ssoins-7223a8c1f5e4b903/apl-f1d9f67a2cc20534";
/// The bridge role the demo application allows.
pub const BRIDGE: &str = "arn:aws:iam::381492058412:role/AcmeAnalyticsTokenBridge";
/// A target role for identity-enhanced sessions.
pub const TARGET: &str = "arn:aws:iam::801555981578:role/AnalyticsReader";

/// Claims of an IdP ID token for `email`, from `/idp` (or `issuer`), valid for `ttl` seconds.
pub fn claims(emu: &Emulator, email: &str, aud: &str, ttl: i64) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    json!({"iss": format!("{}/idp", emu.endpoint_url()), "sub": "00u-test", "aud": aud,
           "iat": now, "exp": now + ttl, "email": email})
}

fn token(emu: &Emulator, email: &str) -> String {
    demo_key()
        .sign(&claims(emu, email, "centry-demo", 600))
        .unwrap()
}

async fn bridge(emu: &Emulator, id_token: &str) -> Result<Credentials, String> {
    let out = common::services(emu)
        .sts()
        .assume_role_with_web_identity()
        .role_arn(BRIDGE)
        .role_session_name("centry-tip")
        .web_identity_token(id_token)
        .send()
        .await
        .map_err(|e| format!("{:?}", e.into_service_error()))?;
    let c = out.credentials().unwrap();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "bridge",
    ))
}

async fn exchange(emu: &Emulator, creds: Credentials, assertion: &str) -> Result<String, String> {
    let out = common::services(emu)
        .with_credentials(creds)
        .oidc()
        .create_token_with_iam()
        .client_id(APP_ARN)
        .grant_type("urn:ietf:params:oauth:grant-type:jwt-bearer")
        .assertion(assertion)
        .send()
        .await
        .map_err(|e| {
            let se = e.into_service_error();
            format!(
                "{} {}",
                aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&se).unwrap_or("?"),
                aws_smithy_types::error::metadata::ProvideErrorMetadata::message(&se).unwrap_or("")
            )
        })?;
    Ok(out
        .aws_additional_details()
        .and_then(|d| d.identity_context())
        .unwrap()
        .to_string())
}

#[tokio::test]
async fn the_whole_exchange_ends_in_an_identity_enhanced_session_for_the_person() {
    let emu = common::demo().await;
    let bridge_creds = bridge(&emu, &token(&emu, "jordan.lee@acme.example"))
        .await
        .unwrap();
    let ctx = exchange(
        &emu,
        bridge_creds.clone(),
        &token(&emu, "jordan.lee@acme.example"),
    )
    .await
    .unwrap();
    let svc = common::services(&emu).with_credentials(bridge_creds);
    let out = svc
        .sts()
        .assume_role()
        .role_arn(TARGET)
        .role_session_name("jordan.lee@acme.example")
        .provided_contexts(
            aws_sdk_sts::types::ProvidedContext::builder()
                .provider_arn("arn:aws:iam::aws:contextProvider/IdentityCenter")
                .context_assertion(&ctx)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    let enhanced = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "enhanced",
    );
    let me = common::services(&emu)
        .with_credentials(enhanced)
        .sts()
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.arn(),
        Some("arn:aws:sts::801555981578:assumed-role/AnalyticsReader/jordan.lee@acme.example")
    );
    assert_eq!(me.account(), Some("801555981578"));
    let st = emu.emu().state();
    let jordan = st.idx.user_by_name["jordan.lee"];
    assert!(
        st.activity.iter().any(|(_, a)| matches!(a,
            Activity::CreateTokenWithIam { user: Some(u), error: None, application_arn, .. }
                if *u == jordan && application_arn == APP_ARN)),
        "the exchange is recorded for the person"
    );
    assert!(st.activity.iter().any(|(_, a)| matches!(a,
        Activity::AwsCall { event_name, caller: centry::emulator::activity::Caller::Role { identity_enhanced: true, user, .. }, .. }
            if event_name == "GetCallerIdentity" && *user == jordan)));
}

#[tokio::test]
async fn tokens_signed_with_another_key_or_tampered_are_refused_by_sts_and_identity_center() {
    let emu = common::demo().await;
    let mut other = SigningKey::from_pem(include_str!("fixtures/idp-other-key.pem")).unwrap();
    other.kid = demo_key().kid.clone();
    let forged = other
        .sign(&claims(&emu, "jordan.lee@acme.example", "centry-demo", 600))
        .unwrap();
    let e = bridge(&emu, &forged).await.unwrap_err();
    assert!(
        e.contains("InvalidIdentityToken") && e.contains("signature"),
        "{e}"
    );
    let good = token(&emu, "priya.raman@acme.example");
    let parts: Vec<&str> = good.split('.').collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(claims(&emu, "jordan.lee@acme.example", "centry-demo", 600).to_string()),
        parts[2]
    );
    let e = bridge(&emu, &tampered).await.unwrap_err();
    assert!(e.contains("signature"), "{e}");

    let creds = bridge(&emu, &good).await.unwrap();
    for bad in [&forged, &tampered] {
        let e = exchange(&emu, creds.clone(), bad).await.unwrap_err();
        assert!(
            e.starts_with("InvalidGrantException") && e.contains("signature"),
            "{e}"
        );
    }
}

#[tokio::test]
async fn expired_tokens_are_refused_at_both_steps() {
    let emu = common::demo().await;
    let old = demo_key()
        .sign(&claims(
            &emu,
            "jordan.lee@acme.example",
            "centry-demo",
            -120,
        ))
        .unwrap();
    let e = bridge(&emu, &old).await.unwrap_err();
    assert!(e.contains("ExpiredTokenException"), "{e}");
    let creds = bridge(&emu, &token(&emu, "jordan.lee@acme.example"))
        .await
        .unwrap();
    let e = exchange(&emu, creds, &old).await.unwrap_err();
    assert!(
        e.starts_with("ExpiredTokenException") && e.contains("expired"),
        "{e}"
    );
}

#[tokio::test]
async fn create_token_with_iam_names_each_misconfiguration() {
    let emu = common::demo().await;
    let creds = bridge(&emu, &token(&emu, "jordan.lee@acme.example"))
        .await
        .unwrap();
    let sign = |c: Value| demo_key().sign(&c).unwrap();

    let wrong_aud = sign(claims(&emu, "jordan.lee@acme.example", "acme-reports", 600));
    let e = exchange(&emu, creds.clone(), &wrong_aud).await.unwrap_err();
    assert!(
        e.contains("aud acme-reports is not an audience") && e.contains("centry-demo"),
        "{e}"
    );

    let mut partners = claims(&emu, "jordan.lee@acme.example", "centry-demo", 600);
    partners["iss"] = json!(format!("{}/idp/partners", emu.endpoint_url()));
    let e = exchange(&emu, creds.clone(), &sign(partners))
        .await
        .unwrap_err();
    assert!(e.contains("is not a trusted token issuer"), "{e}");

    let nobody = sign(claims(&emu, "nobody@acme.example", "centry-demo", 600));
    let e = exchange(&emu, creds.clone(), &nobody).await.unwrap_err();
    assert!(
        e.contains("No user in the identity store has emails.value = nobody@acme.example"),
        "{e}"
    );

    // Kenji is in no group assigned to the application, which requires assignment.
    let unassigned = sign(claims(
        &emu,
        "kenji.watanabe@acme.example",
        "centry-demo",
        600,
    ));
    let e = exchange(&emu, creds.clone(), &unassigned)
        .await
        .unwrap_err();
    assert!(e.contains("is not assigned to application"), "{e}");

    // Role credentials from the portal are not the bridge role the application allows.
    let sso = common::role_credentials(
        &emu,
        &common::device_sign_in(&emu).await,
        common::MGMT,
        "IdentityCenterAuditor",
    )
    .await;
    let e = exchange(&emu, sso, &token(&emu, "jordan.lee@acme.example"))
        .await
        .unwrap_err();
    assert!(
        e.starts_with("AccessDeniedException")
            && e.contains("AWSReservedSSO_IdentityCenterAuditor")
            && e.contains(BRIDGE),
        "{e}"
    );
}

#[tokio::test]
async fn sts_refuses_roles_that_do_not_trust_the_idp_and_unknown_issuers() {
    let emu = common::demo().await;
    let e = common::services(&emu)
        .sts()
        .assume_role_with_web_identity()
        .role_arn("arn:aws:iam::381492058412:role/SomethingElse")
        .role_session_name("x1")
        .web_identity_token(token(&emu, "jordan.lee@acme.example"))
        .send()
        .await
        .unwrap_err();
    let e = format!("{:?}", e.into_service_error());
    assert!(
        e.contains("AccessDenied") && e.contains("trust policy"),
        "{e}"
    );
    let mut c = claims(&emu, "jordan.lee@acme.example", "centry-demo", 600);
    c["iss"] = json!("https://login.example.com");
    let e = bridge(&emu, &demo_key().sign(&c).unwrap())
        .await
        .unwrap_err();
    assert!(e.contains("No OpenIDConnect provider found"), "{e}");
}

#[tokio::test]
async fn the_idp_signs_people_in_with_pkce_and_refreshes() {
    let emu = common::demo().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("{}/idp", emu.endpoint_url());
    let disco: Value = http
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(disco["issuer"], json!(base));
    let jwks: Value = http
        .get(disco["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kid"], json!(demo_key().kid));
    let verifier = "v".repeat(50);
    let challenge = centry::emulator::oidc::pkce_s256(&verifier);
    let redirect = "http://127.0.0.1:9/oauth/callback";
    let resp = http
        .get(disco["authorization_endpoint"].as_str().unwrap())
        .query(&[
            ("response_type", "code"),
            ("client_id", "centry-demo"),
            ("redirect_uri", redirect),
            ("scope", "openid email offline_access"),
            ("state", "s1"),
            ("nonce", "n1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let loc = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "s1");
    let token_url = disco["token_endpoint"].as_str().unwrap().to_string();
    let post = |form: Vec<(&'static str, String)>| {
        let http = http.clone();
        let url = token_url.clone();
        async move { http.post(url).form(&form).send().await.unwrap() }
    };
    let bad = post(vec![
        ("grant_type", "authorization_code".into()),
        ("code", q["code"].clone()),
        ("redirect_uri", redirect.into()),
        ("client_id", "centry-demo".into()),
        ("code_verifier", "w".repeat(50)),
    ])
    .await;
    assert_eq!(
        bad.status(),
        400,
        "a wrong verifier is refused (and burns the code)"
    );
    let resp = http
        .get(disco["authorization_endpoint"].as_str().unwrap())
        .query(&[
            ("response_type", "code"),
            ("client_id", "centry-demo"),
            ("redirect_uri", redirect),
            ("scope", "openid email offline_access"),
            ("state", "s2"),
            ("nonce", "n2"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    let loc = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
    let ok: Value = post(vec![
        ("grant_type", "authorization_code".into()),
        ("code", q["code"].clone()),
        ("redirect_uri", redirect.into()),
        ("client_id", "centry-demo".into()),
        ("code_verifier", verifier.clone()),
    ])
    .await
    .json()
    .await
    .unwrap();
    let claims =
        centry::emulator::jwt::verify(ok["id_token"].as_str().unwrap(), demo_key()).unwrap();
    assert_eq!(claims["email"], json!("jordan.lee@acme.example"));
    assert_eq!(claims["aud"], json!("centry-demo"));
    assert_eq!(claims["nonce"], json!("n2"));
    assert_eq!(claims["iss"], json!(base));
    let refreshed: Value = post(vec![
        ("grant_type", "refresh_token".into()),
        (
            "refresh_token",
            ok["refresh_token"].as_str().unwrap().into(),
        ),
        ("client_id", "centry-demo".into()),
    ])
    .await
    .json()
    .await
    .unwrap();
    assert!(refreshed["id_token"].as_str().is_some(), "{refreshed}");
}

#[tokio::test]
async fn without_auto_approval_the_idp_asks_and_honours_the_answer() {
    let emu = common::with(centry::emulator::Org::demo(), |_| {}).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("{}/idp", emu.endpoint_url());
    let challenge = centry::emulator::oidc::pkce_s256(&"v".repeat(50));
    let q = |client: &str| {
        vec![
            ("response_type", "code".to_string()),
            ("client_id", client.to_string()),
            (
                "redirect_uri",
                "http://127.0.0.1:9/oauth/callback".to_string(),
            ),
            ("scope", "openid email".to_string()),
            ("state", "s9".to_string()),
            ("code_challenge", challenge.clone()),
            ("code_challenge_method", "S256".to_string()),
        ]
    };
    let unknown = http
        .get(format!("{base}/authorize"))
        .query(&q("someone-else"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        400,
        "an unknown client is never redirected"
    );
    let page = http
        .get(format!("{base}/authorize"))
        .query(&q("centry-demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sign in to Acme") && page.contains("jordan.lee@acme.example"),
        "{page}"
    );
    let mut form: Vec<(&str, String)> = q("centry-demo");
    form.push(("user", "priya.raman".into()));
    form.push(("decision", "approve".into()));
    let ok = http
        .post(format!("{base}/authorize/decision"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 302);
    let loc = ok.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.contains("code=") && loc.contains("state=s9"), "{loc}");
    form.pop();
    form.push(("decision", "deny".into()));
    let denied = http
        .post(format!("{base}/authorize/decision"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let loc = denied.headers()["location"].to_str().unwrap().to_string();
    assert!(
        loc.contains("error=access_denied") && !loc.contains("code="),
        "{loc}"
    );
}
