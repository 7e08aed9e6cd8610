//! The emulated sso-admin API through the real aws-sdk-ssoadmin client: the instance and
//! permission-set reads answer from the seed, lists page through more than three pages with
//! changing tokens, and answers do not depend on order or page size. (Writes:
//! `emulator_assignments`; applications and TIP: `emulator_applications`.)

use aws_sdk_ssoadmin::types::{PrincipalType, ProvisioningStatus};
use std::collections::BTreeSet;

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
