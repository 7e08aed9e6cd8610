//! The emulated identitystore and organizations APIs through the real SDK clients: answers
//! from the seed, paging through more than three pages, and each modeled error.

use std::collections::BTreeSet;

use aws_sdk_identitystore::types::{
    AlternateIdentifier, ExternalId, Filter, MemberId, ResourceType, UniqueAttribute,
};
use aws_smithy_types::Document;

use crate::admin_fixture::{self as fx, MGMT, STORE};
use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(deprecated)] // the deprecated Filters are part of what the emulator must answer
async fn identity_store_users_groups_and_memberships() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let ids = common::operator(&emu).identity_store(true);

    let mut token = None;
    let mut pages = 0;
    let mut names = Vec::new();
    loop {
        let page = ids
            .list_users()
            .identity_store_id(STORE)
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        names.extend(
            page.users()
                .iter()
                .filter_map(|u| u.user_name().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert!(pages > 3);
    assert_eq!(names.len(), org.users.len());
    assert_eq!(
        names.into_iter().collect::<BTreeSet<_>>(),
        org.users.iter().map(|u| u.user_name.clone()).collect()
    );

    // The deprecated filter, and the store named by its ARN.
    let store_arn = format!("arn:aws:identitystore::{MGMT}:identitystore/{STORE}");
    let found = ids
        .list_users()
        .identity_store_id(&store_arn)
        .filters(
            Filter::builder()
                .attribute_path("UserName")
                .attribute_value("mei.chen")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mei = &found.users()[0];
    assert_eq!(found.users().len(), 1);
    assert_eq!(mei.display_name(), Some("Mei Chen"));
    assert_eq!(mei.emails()[0].value(), Some("mei.chen@example.test"));
    assert_eq!(mei.name().unwrap().given_name(), Some("Mei"));
    assert!(mei.created_at().is_some());
    assert!(mei.user_arn().ends_with(mei.user_id()));

    let ana_id = fx::user_id(&org, "ana.silva");
    let ana = ids
        .describe_user()
        .identity_store_id(STORE)
        .user_id(format!("arn:aws:identitystore:::user/{ana_id}"))
        .extensions("aws:identitystore:enterprise")
        .send()
        .await
        .unwrap();
    assert_eq!(ana.user_name(), Some("ana.silva"));
    assert_eq!(ana.title(), Some("Platform Engineer"));
    assert_eq!(ana.external_ids()[0].issuer(), "https://idp.example.test");
    let ext = ana.extensions().unwrap();
    let Document::Object(enterprise) = &ext["aws:identitystore:enterprise"] else {
        panic!("the enterprise extension is an object");
    };
    assert_eq!(
        enterprise.get("department"),
        Some(&Document::from("Platform"))
    );
    let disabled = ids
        .describe_user()
        .identity_store_id(STORE)
        .user_id(fx::user_id(&org, "zoe.clarke"))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.user_status().map(|s| s.as_str()), Some("DISABLED"));

    let groups = ids
        .list_groups()
        .identity_store_id(STORE)
        .filters(
            Filter::builder()
                .attribute_path("DisplayName")
                .attribute_value("Security")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let security = groups.groups()[0].group_id().to_string();
    assert_eq!(security, fx::group_id(&org, "Security"));
    let g = ids
        .describe_group()
        .identity_store_id(STORE)
        .group_id(&security)
        .send()
        .await
        .unwrap();
    assert_eq!(g.description(), Some("Security operations."));

    let members = ids
        .list_group_memberships()
        .identity_store_id(STORE)
        .group_id(&security)
        .send()
        .await
        .unwrap();
    let member_ids: BTreeSet<_> = members
        .group_memberships()
        .iter()
        .filter_map(|m| match m.member_id() {
            Some(MemberId::UserId(u)) => Some(u.clone()),
            _ => None,
        })
        .collect();
    let expected: BTreeSet<_> = ["raj.mehta", "lena.fischer", "yuki.tanaka"]
        .iter()
        .map(|n| fx::user_id(&org, n))
        .collect();
    assert_eq!(member_ids, expected);

    let raj = fx::user_id(&org, "raj.mehta");
    let raj_groups = ids
        .list_group_memberships_for_member()
        .identity_store_id(STORE)
        .member_id(MemberId::UserId(raj.clone()))
        .send()
        .await
        .unwrap();
    let in_groups: BTreeSet<_> = raj_groups
        .group_memberships()
        .iter()
        .filter_map(|m| m.group_id().map(str::to_string))
        .collect();
    assert_eq!(
        in_groups,
        BTreeSet::from([
            fx::group_id(&org, "Platform Engineering"),
            fx::group_id(&org, "Security")
        ])
    );
    let data = fx::group_id(&org, "Data Engineering");
    let check = ids
        .is_member_in_groups()
        .identity_store_id(STORE)
        .member_id(MemberId::UserId(raj.clone()))
        .group_ids(&security)
        .group_ids(&data)
        .send()
        .await
        .unwrap();
    let answers: Vec<_> = check
        .results()
        .iter()
        .map(|r| (r.group_id().unwrap().to_string(), r.membership_exists()))
        .collect();
    assert_eq!(answers, [(security.clone(), true), (data, false)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_store_lookups_and_errors() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let ids = common::operator(&emu).identity_store(true);
    let by = |path: &str, value: &str| {
        AlternateIdentifier::UniqueAttribute(
            UniqueAttribute::builder()
                .attribute_path(path)
                .attribute_value(Document::from(value))
                .build()
                .unwrap(),
        )
    };
    let omar = fx::user_id(&org, "omar.haddad");
    for alt in [
        by("UserName", "omar.haddad"),
        by("emails.value", "omar.haddad@example.test"),
    ] {
        let got = ids
            .get_user_id()
            .identity_store_id(STORE)
            .alternate_identifier(alt)
            .send()
            .await
            .unwrap();
        assert_eq!(got.user_id(), omar);
    }
    let ana = org
        .users
        .iter()
        .find(|u| u.user_name == "ana.silva")
        .unwrap();
    let external = ana.external_id.as_ref().unwrap();
    let got = ids
        .get_user_id()
        .identity_store_id(STORE)
        .alternate_identifier(AlternateIdentifier::ExternalId(
            ExternalId::builder()
                .issuer(&external.issuer)
                .id(&external.id)
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_id(), ana.id);
    let group = ids
        .get_group_id()
        .identity_store_id(STORE)
        .alternate_identifier(by("DisplayName", "Contractors"))
        .send()
        .await
        .unwrap();
    assert_eq!(group.group_id(), fx::group_id(&org, "Contractors"));

    let nobody = ids
        .get_user_id()
        .identity_store_id(STORE)
        .alternate_identifier(by("UserName", "nobody"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(nobody.is_resource_not_found_exception(), "{nobody:?}");

    let missing = "a1b2c3d4e5-00000000-0000-4000-8000-000000000000";
    let err = ids
        .describe_user()
        .identity_store_id(STORE)
        .user_id(missing)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let aws_sdk_identitystore::operation::describe_user::DescribeUserError::ResourceNotFoundException(e) = &err else {
        panic!("ResourceNotFoundException, got {err:?}");
    };
    assert_eq!(e.resource_type(), Some(&ResourceType::User));
    assert_eq!(e.resource_id(), Some(missing));
    assert!(e.request_id().is_some_and(|r| r.len() == 36));

    let err = ids
        .list_users()
        .identity_store_id("d-0000000000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let aws_sdk_identitystore::operation::list_users::ListUsersError::ResourceNotFoundException(e) =
        &err
    else {
        panic!("ResourceNotFoundException, got {err:?}");
    };
    assert_eq!(e.resource_type(), Some(&ResourceType::IdentityStore));
    for bad in [0, 101] {
        let e = ids
            .list_groups()
            .identity_store_id(STORE)
            .max_results(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(e.is_validation_exception(), "MaxResults {bad}: {e:?}");
    }
    let e = ids
        .describe_group()
        .identity_store_id(STORE)
        .group_id("Security")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_validation_exception(), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizations_show_each_accounts_ou_path() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let orgs = common::operator(&emu).organizations(true);

    let mut token = None;
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    loop {
        let page = orgs
            .list_accounts()
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        ids.extend(
            page.accounts()
                .iter()
                .filter_map(|a| a.id().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        match &token {
            Some(t) => tokens.push(t.clone()),
            None => break,
        }
    }
    assert!(tokens.len() >= 3);
    assert_eq!(ids.len(), org.accounts.len());
    assert_eq!(
        ids.into_iter().collect::<BTreeSet<_>>(),
        org.accounts.iter().map(|a| a.id.clone()).collect()
    );

    let billing = fx::account_id(&org, "billing-prod");
    let a = orgs
        .describe_account()
        .account_id(&billing)
        .send()
        .await
        .unwrap();
    let a = a.account().unwrap();
    assert_eq!(a.name(), Some("billing-prod"));
    assert_eq!(
        a.paths(),
        [format!(
            "o-ab12cd34ef/r-ab12/ou-ab12-workload1/ou-ab12-prodprod/{billing}/"
        )]
    );
    assert!(a.joined_timestamp().is_some());
    let suspended = orgs
        .describe_account()
        .account_id(fx::account_id(&org, "sandbox-raj"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        suspended.account().unwrap().state().map(|s| s.as_str()),
        Some("SUSPENDED")
    );

    // Walk up from the account to the root, as a console does to show the path.
    let mut child = billing.clone();
    let mut names = Vec::new();
    loop {
        let parents = orgs.list_parents().child_id(&child).send().await.unwrap();
        let p = &parents.parents()[0];
        if p.r#type().map(|t| t.as_str()) == Some("ROOT") {
            break;
        }
        let ou = orgs
            .describe_organizational_unit()
            .organizational_unit_id(p.id().unwrap())
            .send()
            .await
            .unwrap();
        names.push(
            ou.organizational_unit()
                .unwrap()
                .name()
                .unwrap()
                .to_string(),
        );
        child = p.id().unwrap().to_string();
    }
    assert_eq!(names, ["Production", "Workloads"]);

    let roots = orgs.list_roots().send().await.unwrap();
    let root = roots.roots()[0].id().unwrap().to_string();
    assert_eq!(root, "r-ab12");
    let top: Vec<_> = orgs
        .list_organizational_units_for_parent()
        .parent_id(&root)
        .send()
        .await
        .unwrap()
        .organizational_units()
        .iter()
        .filter_map(|o| o.name().map(str::to_string))
        .collect();
    assert_eq!(
        top.len(),
        org.ous.iter().filter(|o| o.parent == root).count()
    );
    let children = orgs
        .list_children()
        .parent_id("ou-ab12-workload1")
        .child_type(aws_sdk_organizations::types::ChildType::Account)
        .send()
        .await
        .unwrap();
    let kids: Vec<_> = children.children().iter().filter_map(|c| c.id()).collect();
    assert_eq!(kids, [fx::account_id(&org, "shared-network").as_str()]);
    let o = orgs.describe_organization().send().await.unwrap();
    assert_eq!(o.organization().unwrap().master_account_id(), Some(MGMT));

    let e = orgs
        .describe_account()
        .account_id("999999999999")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");
    let e = orgs
        .list_accounts()
        .max_results(21)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_input_exception(), "{e:?}");
    let e = orgs
        .list_parents()
        .child_id("ou-ab12-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_child_not_found_exception(), "{e:?}");
}
