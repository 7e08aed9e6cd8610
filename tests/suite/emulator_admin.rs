//! The emulated sso-admin API through the real aws-sdk-ssoadmin client: every read operation
//! answers from the seed, lists page through more than three pages with changing tokens and
//! do not depend on order, the assignment writes are asynchronous, and each modeled error
//! comes back as the SDK's modeled variant.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_ssoadmin::types::{
    Grant, GrantType, PrincipalType, ProvisioningStatus, StatusValues, TargetType,
};

use crate::admin_fixture::{self as fx, INSTANCE, MGMT};
use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_and_permission_sets_read_from_the_seed() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let admin = common::operator(&emu).sso_admin(true);

    let instances = admin.list_instances().send().await.unwrap();
    let i = &instances.instances()[0];
    assert_eq!(instances.instances().len(), 1);
    assert_eq!(i.instance_arn(), Some(INSTANCE));
    assert_eq!(i.identity_store_id(), Some(fx::STORE));
    assert_eq!(i.owner_account_id(), Some(MGMT));
    assert!(i.created_date().is_some());
    let d = admin
        .describe_instance()
        .instance_arn(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(d.name(), Some("Example Test Org"));

    let arns: BTreeSet<String> = admin
        .list_permission_sets()
        .instance_arn(INSTANCE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .collect();
    let expected: BTreeSet<String> = org
        .permission_sets
        .iter()
        .map(|p| fx::pset_arn(&org, &p.name))
        .collect();
    assert_eq!(arns, expected);

    let dev = fx::pset_arn(&org, "DeveloperAccess");
    let ps = admin
        .describe_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(&dev)
        .send()
        .await
        .unwrap();
    let ps = ps.permission_set().unwrap();
    assert_eq!(ps.name(), Some("DeveloperAccess"));
    assert_eq!(ps.session_duration(), Some("PT8H"));
    assert_eq!(ps.description(), Some("Build and deploy workloads."));
    assert!(ps.created_date().is_some());

    let managed = admin
        .list_managed_policies_in_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(&dev)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = managed
        .attached_managed_policies()
        .iter()
        .filter_map(|p| p.name())
        .collect();
    assert_eq!(names, ["PowerUserAccess", "AWSSupportAccess"]);

    let customer = admin
        .list_customer_managed_policy_references_in_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(&dev)
        .send()
        .await
        .unwrap();
    let refs: Vec<_> = customer
        .customer_managed_policy_references()
        .iter()
        .map(|r| {
            (
                r.name().to_string(),
                r.path().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            ("deny-iam-users".to_string(), "/".to_string()),
            ("kms-decrypt-app".to_string(), "/app/".to_string())
        ]
    );

    let inline = admin
        .get_inline_policy_for_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(&dev)
        .send()
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(inline.inline_policy().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "organizations:*");

    let boundary = admin
        .get_permissions_boundary_for_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(&dev)
        .send()
        .await
        .unwrap();
    assert_eq!(
        boundary
            .permissions_boundary()
            .unwrap()
            .managed_policy_arn(),
        Some("arn:aws:iam::aws:policy/PowerUserAccess")
    );
    let ro_boundary = admin
        .get_permissions_boundary_for_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(fx::pset_arn(&org, "ReadOnly"))
        .send()
        .await
        .unwrap();
    let r = ro_boundary.permissions_boundary().unwrap();
    let r = r.customer_managed_policy_reference().unwrap();
    assert_eq!(
        (r.name(), r.path()),
        ("readonly-boundary", Some("/boundaries/"))
    );
    let none = admin
        .get_permissions_boundary_for_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(fx::pset_arn(&org, "AdministratorAccess"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(none.is_resource_not_found_exception(), "{none:?}");
    let no_inline = admin
        .get_inline_policy_for_permission_set()
        .instance_arn(INSTANCE)
        .permission_set_arn(fx::pset_arn(&org, "AdministratorAccess"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_inline.inline_policy(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioning_follows_assignments_and_marks_outdated_accounts() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let admin = common::operator(&emu).sso_admin(true);
    let dev = fx::pset_arn(&org, "DeveloperAccess");
    let accounts = |status: Option<ProvisioningStatus>| {
        admin
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(INSTANCE)
            .permission_set_arn(&dev)
            .set_provisioning_status(status)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<String>, _>>()
    };
    let set = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
    let all = set(accounts(None).await.unwrap());
    let mut expected: BTreeSet<String> = org
        .account_assignments
        .iter()
        .filter(|a| a.permission_set == "DeveloperAccess")
        .map(|a| a.account.clone())
        .collect();
    expected.insert("200000000002".into());
    assert_eq!(all, expected);
    let outdated = set(
        accounts(Some(ProvisioningStatus::LatestPermissionSetNotProvisioned))
            .await
            .unwrap(),
    );
    assert_eq!(outdated, BTreeSet::from(["200000000002".to_string()]));
    let latest = set(
        accounts(Some(ProvisioningStatus::LatestPermissionSetProvisioned))
            .await
            .unwrap(),
    );
    assert_eq!(latest.len(), all.len() - 1);
    assert!(!latest.contains("200000000002"));

    let psets = set(admin
        .list_permission_sets_provisioned_to_account()
        .instance_arn(INSTANCE)
        .account_id("200000000000")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap());
    let names = ["DeveloperAccess", "ReadOnly", "AdministratorAccess"];
    assert_eq!(
        psets,
        names
            .iter()
            .map(|n| fx::pset_arn(&org, n))
            .collect::<BTreeSet<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_assignments_page_through_more_than_three_pages_with_fresh_tokens() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let admin = common::operator(&emu).sso_admin(true);
    let dev = fx::pset_arn(&org, "DeveloperAccess");
    let mut token: Option<String> = None;
    let mut tokens = Vec::new();
    let mut seen = Vec::new();
    loop {
        let page = admin
            .list_account_assignments()
            .instance_arn(INSTANCE)
            .account_id("200000000000")
            .permission_set_arn(&dev)
            .max_results(3)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        assert!(page.account_assignments().len() <= 3);
        for a in page.account_assignments() {
            assert_eq!(a.account_id(), Some("200000000000"));
            assert_eq!(a.permission_set_arn(), Some(dev.as_str()));
            seen.push((
                a.principal_type().unwrap().as_str().to_string(),
                a.principal_id().unwrap().to_string(),
            ));
        }
        match page.next_token() {
            Some(t) => {
                tokens.push(t.to_string());
                token = Some(t.to_string());
            }
            None => break,
        }
    }
    let expected: BTreeSet<(String, String)> = org
        .account_assignments
        .iter()
        .filter(|a| a.account == "200000000000" && a.permission_set == "DeveloperAccess")
        .map(|a| match a.principal_type {
            centry::emulator::org::PrincipalKind::User => {
                ("USER".to_string(), fx::user_id(&org, &a.principal))
            }
            centry::emulator::org::PrincipalKind::Group => {
                ("GROUP".to_string(), fx::group_id(&org, &a.principal))
            }
        })
        .collect();
    assert_eq!(seen.len(), expected.len(), "every assignment exactly once");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), expected);
    assert!(tokens.len() >= 3, "more than three pages: {tokens:?}");
    assert_eq!(
        tokens.iter().collect::<BTreeSet<_>>().len(),
        tokens.len(),
        "tokens change every page"
    );

    // A token belongs to its request: reused for another permission set it is refused.
    let other = admin
        .list_account_assignments()
        .instance_arn(INSTANCE)
        .account_id("200000000000")
        .permission_set_arn(fx::pset_arn(&org, "ReadOnly"))
        .next_token(&tokens[0])
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(other.is_validation_exception(), "{other:?}");

    let ana = fx::user_id(&org, "ana.silva");
    let for_ana = |account: Option<&str>| {
        let filter = account.map(|a| {
            aws_sdk_ssoadmin::types::ListAccountAssignmentsFilter::builder()
                .account_id(a)
                .build()
        });
        admin
            .list_account_assignments_for_principal()
            .instance_arn(INSTANCE)
            .principal_type(PrincipalType::User)
            .principal_id(&ana)
            .set_filter(filter)
            .max_results(1)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    };
    let direct = org
        .account_assignments
        .iter()
        .filter(|a| a.principal == "ana.silva")
        .count();
    assert_eq!(for_ana(None).await.unwrap().len(), direct);
    let in_mgmt = for_ana(Some(MGMT)).await.unwrap();
    assert_eq!(
        in_mgmt.len(),
        org.account_assignments
            .iter()
            .filter(|a| a.principal == "ana.silva" && a.account == MGMT)
            .count()
    );
    assert!(in_mgmt.iter().all(|a| a.account_id() == Some(MGMT)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_do_not_depend_on_order_or_page_size() {
    let org = fx::org();
    let plain = fx::start(|_| {}).await;
    let shuffled = fx::start(|c| {
        c.settings.shuffle_seed = Some(7);
        c.settings.page_cap = Some(2);
    })
    .await;
    let list = |emu: &centry::emulator::Emulator| {
        let admin = common::operator(emu).sso_admin(true);
        async move {
            admin
                .list_permission_sets()
                .instance_arn(INSTANCE)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<String>, _>>()
                .await
                .unwrap()
        }
    };
    let a = list(&plain).await;
    let b = list(&shuffled).await;
    assert_eq!(a.len(), org.permission_sets.len());
    assert_ne!(a, b, "the seeded shuffle changes the order");
    assert_eq!(
        a.iter().collect::<BTreeSet<_>>(),
        b.iter().collect::<BTreeSet<_>>()
    );
}

/// Poll a status until it leaves IN_PROGRESS.
async fn settle<F, Fut>(mut status: F) -> (StatusValues, Option<String>)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (StatusValues, Option<String>)>,
{
    for _ in 0..50 {
        let s = status().await;
        if s.0 != StatusValues::InProgress {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the operation never completed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assignment_writes_are_asynchronous_and_take_effect() {
    let org = fx::org();
    let emu = fx::start(|c| {
        c.settings.auto_approve = Some("omar.haddad".into());
        c.settings.auto_approve_delay_ms = 50;
    })
    .await;
    let admin = common::operator(&emu).sso_admin(true);
    let dev = fx::pset_arn(&org, "DeveloperAccess");
    let omar = fx::user_id(&org, "omar.haddad");
    let target = "200000000003";
    let holders = || async {
        admin
            .list_account_assignments()
            .instance_arn(INSTANCE)
            .account_id(target)
            .permission_set_arn(&dev)
            .send()
            .await
            .unwrap()
            .account_assignments()
            .iter()
            .filter_map(|a| a.principal_id().map(str::to_string))
            .collect::<Vec<_>>()
    };
    assert!(!holders().await.contains(&omar));

    let created = admin
        .create_account_assignment()
        .instance_arn(INSTANCE)
        .target_id(target)
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(&dev)
        .principal_type(PrincipalType::User)
        .principal_id(&omar)
        .send()
        .await
        .unwrap();
    let status = created.account_assignment_creation_status().unwrap();
    assert_eq!(status.status(), Some(&StatusValues::InProgress));
    assert_eq!(status.target_id(), Some(target));
    let request_id = status.request_id().unwrap().to_string();
    assert!(!holders().await.contains(&omar), "not yet in effect");

    let describe = || async {
        let s = admin
            .describe_account_assignment_creation_status()
            .instance_arn(INSTANCE)
            .account_assignment_creation_request_id(&request_id)
            .send()
            .await
            .unwrap();
        let s = s.account_assignment_creation_status().unwrap();
        (
            s.status().unwrap().clone(),
            s.failure_reason().map(str::to_string),
        )
    };
    assert_eq!(settle(describe).await, (StatusValues::Succeeded, None));
    assert!(holders().await.contains(&omar));
    let listed = admin
        .list_account_assignment_creation_status()
        .instance_arn(INSTANCE)
        .send()
        .await
        .unwrap();
    assert!(
        listed
            .account_assignments_creation_status()
            .iter()
            .any(|s| s.request_id() == Some(request_id.as_str())
                && s.status() == Some(&StatusValues::Succeeded))
    );

    // The person now reaches the role through the portal.
    let token = common::device_sign_in(&emu).await;
    let roles = common::services(&emu)
        .sso(true)
        .list_account_roles()
        .access_token(&token)
        .account_id(target)
        .send()
        .await
        .unwrap();
    assert!(
        roles
            .role_list()
            .iter()
            .any(|r| r.role_name() == Some("DeveloperAccess"))
    );

    // Creating it again succeeds without a duplicate.
    let again = admin
        .create_account_assignment()
        .instance_arn(INSTANCE)
        .target_id(target)
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(&dev)
        .principal_type(PrincipalType::User)
        .principal_id(&omar)
        .send()
        .await
        .unwrap();
    let again_id = again
        .account_assignment_creation_status()
        .unwrap()
        .request_id()
        .unwrap()
        .to_string();
    let describe_again = || async {
        let s = admin
            .describe_account_assignment_creation_status()
            .instance_arn(INSTANCE)
            .account_assignment_creation_request_id(&again_id)
            .send()
            .await
            .unwrap();
        let s = s.account_assignment_creation_status().unwrap();
        (s.status().unwrap().clone(), None)
    };
    assert_eq!(settle(describe_again).await.0, StatusValues::Succeeded);
    assert_eq!(holders().await.iter().filter(|p| **p == omar).count(), 1);

    // Delete, then delete what is no longer there.
    let delete = || async {
        let d = admin
            .delete_account_assignment()
            .instance_arn(INSTANCE)
            .target_id(target)
            .target_type(TargetType::AwsAccount)
            .permission_set_arn(&dev)
            .principal_type(PrincipalType::User)
            .principal_id(&omar)
            .send()
            .await
            .unwrap();
        let s = d.account_assignment_deletion_status().unwrap();
        assert_eq!(s.status(), Some(&StatusValues::InProgress));
        s.request_id().unwrap().to_string()
    };
    let deletion_status = |id: String| {
        let admin = admin.clone();
        move || {
            let admin = admin.clone();
            let id = id.clone();
            async move {
                let s = admin
                    .describe_account_assignment_deletion_status()
                    .instance_arn(INSTANCE)
                    .account_assignment_deletion_request_id(id)
                    .send()
                    .await
                    .unwrap();
                let s = s.account_assignment_deletion_status().unwrap();
                (
                    s.status().unwrap().clone(),
                    s.failure_reason().map(str::to_string),
                )
            }
        }
    };
    let first = delete().await;
    assert_eq!(
        settle(deletion_status(first)).await,
        (StatusValues::Succeeded, None)
    );
    assert!(!holders().await.contains(&omar));
    let second = delete().await;
    let (status, reason) = settle(deletion_status(second.clone())).await;
    assert_eq!(status, StatusValues::Failed);
    assert!(reason.unwrap().contains("does not exist"));
    let failed = admin
        .list_account_assignment_deletion_status()
        .instance_arn(INSTANCE)
        .filter(
            aws_sdk_ssoadmin::types::OperationStatusFilter::builder()
                .status(StatusValues::Failed)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = failed
        .account_assignments_deletion_status()
        .iter()
        .filter_map(|s| s.request_id())
        .collect();
    assert_eq!(ids, [second.as_str()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_writes_get_the_modeled_errors() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let admin = common::operator(&emu).sso_admin(true);
    let create = |pset: String, principal: String| {
        admin
            .create_account_assignment()
            .instance_arn(INSTANCE)
            .target_id("200000000003")
            .target_type(TargetType::AwsAccount)
            .permission_set_arn(pset)
            .principal_type(PrincipalType::User)
            .principal_id(principal)
            .send()
    };
    let omar = fx::user_id(&org, "omar.haddad");
    let unknown_pset = "arn:aws:sso:::permissionSet/ssoins-72230000c0ffee01/ps-0000000000000000";
    let e = create(unknown_pset.into(), omar.clone())
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    let dev = fx::pset_arn(&org, "DeveloperAccess");
    let e = create(dev.clone(), "omar.haddad".into())
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_validation_exception(), "{e:?}");
    let e = create(dev.clone(), "6a1b2c3d-0000-4000-8000-000000000000".into())
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    let e = admin
        .describe_account_assignment_creation_status()
        .instance_arn(INSTANCE)
        .account_assignment_creation_request_id("8d1bd7f6-0000-4000-8000-000000000000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    for bad in [0, 101] {
        let e = admin
            .list_permission_sets()
            .instance_arn(INSTANCE)
            .max_results(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(e.is_validation_exception(), "MaxResults {bad}: {e:?}");
        assert!(e.meta().message().unwrap().contains("between 1 and 100"));
    }
    let e = admin
        .list_permission_sets()
        .instance_arn("arn:aws:sso:::instance/ssoins-0000000000000000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    let e = admin
        .list_permission_sets()
        .instance_arn("not-an-arn")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_validation_exception(), "{e:?}");
}

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
