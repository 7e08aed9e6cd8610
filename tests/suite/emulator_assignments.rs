//! The asynchronous account-assignment writes through the real aws-sdk-ssoadmin client:
//! IN_PROGRESS, then SUCCEEDED (or FAILED with a reason) after a short delay, visible in the
//! listings and the portal once done; and the modeled errors of bad writes.

use std::time::Duration;

use aws_sdk_ssoadmin::types::{PrincipalType, StatusValues, TargetType};

use crate::admin_fixture::{self as fx, INSTANCE};
use crate::common;

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
