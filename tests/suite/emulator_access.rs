//! Authorization is modeled: role credentials vended through the portal carry their account and
//! permission set, and the admin services answer them accordingly — a developer role reads
//! nothing, an auditor role in the Identity Center account reads but may not write.

use aws_sdk_ssoadmin::types::{PrincipalType, TargetType};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::admin_fixture::{self as fx, INSTANCE, MGMT, STORE};
use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_sets_decide_what_role_credentials_may_call() {
    let org = fx::org();
    let emu = fx::start(|c| {
        c.settings.auto_approve = Some("ana.silva".into());
        c.settings.auto_approve_delay_ms = 50;
    })
    .await;
    let token = common::device_sign_in(&emu).await;

    // A developer role in a member account: every admin read is denied.
    let dev = common::role_credentials(&emu, &token, "200000000001", "DeveloperAccess").await;
    let svc = common::services(&emu).with_credentials(dev);
    let e = svc
        .sso_admin(true)
        .list_instances()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    assert!(e.meta().message().unwrap().contains("sso:ListInstances"));
    let e = svc
        .identity_store(true)
        .list_users()
        .identity_store_id(STORE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let aws_sdk_identitystore::operation::list_users::ListUsersError::AccessDeniedException(denied) =
        &e
    else {
        panic!("AccessDeniedException, got {e:?}");
    };
    assert!(denied.request_id().is_some());
    let e = svc
        .organizations(true)
        .list_accounts()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    let e = svc
        .mpa(true)
        .list_approval_teams()
        .send()
        .await
        .unwrap_err();
    let status = e.raw_response().map(|r| r.status().as_u16());
    let e = e.into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    assert_eq!(status, Some(403));

    // The auditor in the Identity Center account reads everything but may not write.
    let auditor = common::role_credentials(&emu, &token, MGMT, "IdentityCenterAuditor").await;
    let svc = common::services(&emu).with_credentials(auditor);
    let admin = svc.sso_admin(true);
    let sets = admin
        .list_permission_sets()
        .instance_arn(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(sets.permission_sets().len(), org.permission_sets.len());
    let e = admin
        .create_account_assignment()
        .instance_arn(INSTANCE)
        .target_id("200000000003")
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(fx::pset_arn(&org, "ReadOnly"))
        .principal_type(PrincipalType::User)
        .principal_id(fx::user_id(&org, "ana.silva"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    let users = svc
        .identity_store(true)
        .list_users()
        .identity_store_id(STORE)
        .send()
        .await
        .unwrap();
    assert_eq!(users.users().len(), org.users.len());
    let accounts = svc
        .organizations(true)
        .list_accounts()
        .max_results(20)
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.accounts().len(), org.accounts.len());
    let teams = svc.mpa(true).list_approval_teams().send().await.unwrap();
    assert_eq!(teams.approval_teams().len(), org.approval_teams.len());

    // Power users in the management account administer Identity Center but not Organizations.
    let power = common::role_credentials(&emu, &token, MGMT, "DeveloperAccess").await;
    let svc = common::services(&emu).with_credentials(power);
    assert!(svc.sso_admin(true).list_instances().send().await.is_ok());
    let e = svc
        .organizations(true)
        .list_accounts()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");

    // Keys the emulator never issued are not recognised; restJson services say so with a 403.
    let stranger = signed_with(&emu, "AKIAUNKNOWNKEY000000", "secret", None);
    let e = stranger.sso_admin(false).list_instances().send().await;
    assert_eq!(
        refusal(e.unwrap_err()),
        (Some(400), "UnrecognizedClientException".into())
    );
    let e = stranger.mpa(false).list_approval_teams().send().await;
    assert_eq!(
        refusal(e.unwrap_err()),
        (Some(403), "UnrecognizedClientException".into())
    );
}

/// Services signing with this key.
fn signed_with(
    emu: &centry::emulator::Emulator,
    id: &str,
    secret: &str,
    token: Option<&str>,
) -> centry::services::Services {
    common::services(emu).with_credentials(aws_credential_types::Credentials::new(
        id,
        secret,
        token.map(str::to_string),
        None,
        "test",
    ))
}

/// The HTTP status and error code of a refused call.
fn refusal<E: ProvideErrorMetadata>(e: SdkError<E, HttpResponse>) -> (Option<u16>, String) {
    let status = e.raw_response().map(|r| r.status().as_u16());
    (status, e.code().unwrap_or_default().to_string())
}

/// A known key signed with the wrong secret is refused by every SigV4 service, each in its own
/// protocol's words; the right secret is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_are_checked_against_the_keys_secret() {
    let emu = common::demo().await;
    let (id, _) = emu.operator_credentials();
    let forger = signed_with(&emu, &id, "not-the-secret", None);
    let e = forger.sso_admin(false).list_instances().send().await;
    assert_eq!(
        refusal(e.unwrap_err()),
        (Some(400), "InvalidSignatureException".into())
    );
    let e = forger.sts().get_caller_identity().send().await;
    assert_eq!(
        refusal(e.unwrap_err()),
        (Some(403), "SignatureDoesNotMatch".into())
    );
    let e = forger.mpa(false).list_approval_teams().send().await;
    assert_eq!(
        refusal(e.unwrap_err()),
        (Some(403), "InvalidSignatureException".into())
    );

    // Role credentials: the vended secret works, another does not.
    let token = common::device_sign_in(&emu).await;
    let role = common::role_credentials(&emu, &token, common::MGMT, "IdentityCenterAuditor").await;
    let good = common::services(&emu).with_credentials(role.clone());
    good.sso_admin(false)
        .list_instances()
        .send()
        .await
        .expect("the vended secret signs");
    let bad = signed_with(&emu, role.access_key_id(), "wrong", role.session_token());
    let e = bad.sso_admin(false).list_instances().send().await;
    assert_eq!(
        refusal(e.unwrap_err()),
        (Some(400), "InvalidSignatureException".into())
    );
}
