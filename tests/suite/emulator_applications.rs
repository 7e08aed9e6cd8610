//! Applications and trusted identity propagation in the emulated sso-admin API, through the
//! real aws-sdk-ssoadmin client.

use aws_sdk_ssoadmin::types::{Grant, GrantType, PrincipalType};

use crate::admin_fixture::{self as fx, INSTANCE};
use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_and_trusted_identity_propagation() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let admin = common::operator(&emu).sso_admin(true);
    let apps = admin
        .list_applications()
        .instance_arn(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(apps.applications().len(), org.applications.len());
    let arn_of = |name: &str| {
        apps.applications()
            .iter()
            .find(|a| a.name() == Some(name))
            .and_then(|a| a.application_arn())
            .unwrap()
            .to_string()
    };
    let analytics = arn_of("Analytics Portal");
    let wiki = arn_of("Team Wiki");
    let d = admin
        .describe_application()
        .application_arn(&wiki)
        .send()
        .await
        .unwrap();
    assert_eq!(
        d.application_provider_arn(),
        Some("arn:aws:sso::aws:applicationProvider/custom-saml")
    );
    let url = d.portal_options().unwrap().sign_in_options().unwrap();
    assert_eq!(url.application_url(), Some("https://wiki.example.test"));

    let wiki_assignments = admin
        .list_application_assignments()
        .application_arn(&wiki)
        .send()
        .await
        .unwrap();
    assert_eq!(wiki_assignments.application_assignments().len(), 2);
    let ana = fx::user_id(&org, "ana.silva");
    let for_ana = admin
        .list_application_assignments_for_principal()
        .instance_arn(INSTANCE)
        .principal_type(PrincipalType::User)
        .principal_id(&ana)
        .send()
        .await
        .unwrap();
    let arns: Vec<_> = for_ana
        .application_assignments()
        .iter()
        .filter_map(|a| a.application_arn())
        .collect();
    assert_eq!(arns, [analytics.as_str()]);

    let providers = admin.list_application_providers().send().await.unwrap();
    let q = providers
        .application_providers()
        .iter()
        .find(|p| p.application_provider_arn().ends_with("/q-developer"))
        .expect("the Q Developer provider");
    assert!(
        q.resource_server_config()
            .unwrap()
            .scopes()
            .unwrap()
            .contains_key("codewhisperer:completions")
    );

    let issuers = admin
        .list_trusted_token_issuers()
        .instance_arn(INSTANCE)
        .send()
        .await
        .unwrap();
    let tti = issuers.trusted_token_issuers()[0]
        .trusted_token_issuer_arn()
        .unwrap()
        .to_string();
    let described = admin
        .describe_trusted_token_issuer()
        .trusted_token_issuer_arn(&tti)
        .send()
        .await
        .unwrap();
    let aws_sdk_ssoadmin::types::TrustedTokenIssuerConfiguration::OidcJwtConfiguration(oidc) =
        described.trusted_token_issuer_configuration().unwrap()
    else {
        panic!("an OIDC JWT issuer");
    };
    assert_eq!(oidc.issuer_url(), format!("{}/idp", emu.endpoint_url()));
    assert_eq!(oidc.claim_attribute_path(), "email");

    let grants = admin
        .list_application_grants()
        .application_arn(&analytics)
        .send()
        .await
        .unwrap();
    let kinds: Vec<_> = grants
        .grants()
        .iter()
        .map(|g| g.grant_type().clone())
        .collect();
    assert_eq!(
        kinds,
        [
            GrantType::AuthorizationCode,
            GrantType::RefreshToken,
            GrantType::JwtBearer,
            GrantType::TokenExchange
        ]
    );
    let jwt = admin
        .get_application_grant()
        .application_arn(&analytics)
        .grant_type(GrantType::JwtBearer)
        .send()
        .await
        .unwrap();
    let Some(Grant::JwtBearer(jwt)) = jwt.grant() else {
        panic!("a JWT bearer grant");
    };
    let issuer = &jwt.authorized_token_issuers()[0];
    assert_eq!(issuer.trusted_token_issuer_arn(), Some(tti.as_str()));
    assert_eq!(issuer.authorized_audiences(), ["analytics-portal"]);
    let missing = admin
        .get_application_grant()
        .application_arn(&wiki)
        .grant_type(GrantType::AuthorizationCode)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_resource_not_found_exception(), "{missing:?}");

    let methods = admin
        .list_application_authentication_methods()
        .application_arn(&analytics)
        .send()
        .await
        .unwrap();
    let m = &methods.authentication_methods()[0];
    let policy = match m.authentication_method().unwrap() {
        aws_sdk_ssoadmin::types::AuthenticationMethod::Iam(iam) => {
            format!("{:?}", iam.actor_policy())
        }
        _ => panic!("an IAM authentication method"),
    };
    assert!(policy.contains("AnalyticsPortalBackend"), "{policy}");

    let scopes: Vec<String> = admin
        .list_application_access_scopes()
        .application_arn(&analytics)
        .max_results(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.scope().to_string())
        .collect();
    assert_eq!(scopes, org.applications[1].scopes);
    let too_many = admin
        .list_application_access_scopes()
        .application_arn(&analytics)
        .max_results(11)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(too_many.is_validation_exception(), "{too_many:?}");
    let unknown = admin
        .describe_application()
        .application_arn(
            "arn:aws:sso::111122223333:application/ssoins-72230000c0ffee01/apl-0000000000000000",
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(unknown.is_resource_not_found_exception(), "{unknown:?}");
}
