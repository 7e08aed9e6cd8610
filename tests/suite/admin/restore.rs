//! Snapshot → wipe every assignment (DeleteAccountAssignment and DeleteApplicationAssignment
//! as the operator) → restore → snapshot gives the same grants, account and application ones,
//! on the demo organisation and a generated one; failed creations are reported with the
//! service's reason.

use std::time::Duration;

use aws_sdk_ssoadmin::types::{PrincipalType, TargetType};
use centry::emulator::Emulator;
use centry::model::inventory::{Inventory, PrincipalKind};
use centry::model::snapshot::plan::{self, PlannedCreate};
use centry::model::snapshot::{self, Snapshot};
use centry::services::admin::inventory::{self, Options};
use centry::services::admin::restore;

use super::support::{admin, instance, small_org};
use crate::common;

async fn take(emu: &Emulator) -> Inventory {
    let a = admin(&common::operator(emu));
    let inst = instance(&a).await;
    inventory::full(&a, &inst, Options::default())
        .await
        .unwrap()
}

/// Delete every assignment, ten at a time (the service caps outstanding operations).
async fn wipe(emu: &Emulator, inv: &Inventory) {
    let sso = common::operator(emu).sso_admin(true);
    let grants: Vec<_> = inv.assignments.iter().cloned().collect();
    for chunk in grants.chunks(10) {
        let calls = chunk.iter().map(|g| {
            sso.delete_account_assignment()
                .instance_arn(&inv.instance.arn)
                .target_id(&g.account_id)
                .target_type(TargetType::AwsAccount)
                .permission_set_arn(&g.permission_set_arn)
                .principal_type(PrincipalType::from(g.principal_kind.as_str()))
                .principal_id(&g.principal_id)
                .send()
        });
        for r in futures::future::join_all(calls).await {
            r.expect("DeleteAccountAssignment");
        }
        tokio::time::sleep(Duration::from_millis(350)).await;
    }
    for g in &inv.app_assignments {
        sso.delete_application_assignment()
            .application_arn(&g.application_arn)
            .principal_type(PrincipalType::from(g.principal_kind.as_str()))
            .principal_id(&g.principal_id)
            .send()
            .await
            .expect("DeleteApplicationAssignment");
    }
}

/// The round trip; returns the snapshot it restored.
async fn round_trip(emu: Emulator) -> Snapshot {
    let before = take(&emu).await;
    let snap = Snapshot::from_inventory(&before).unwrap();
    assert!(snap.account_assignments.len() > 20);
    wipe(&emu, &before).await;
    let empty = take(&emu).await;
    assert!(empty.assignments.is_empty(), "wiped");
    assert!(empty.app_assignments.is_empty(), "wiped");

    let p = plan::plan(&snap, &empty).unwrap();
    assert_eq!(p.create.len(), snap.account_assignments.len());
    assert_eq!(p.create_apps.len(), snap.application_assignments.len());
    assert!(p.unresolved.is_empty(), "{:?}", p.unresolved);
    assert!(p.manual_apps.is_empty(), "{:?}", p.manual_apps);
    let a = admin(&common::operator(&emu));
    let outcome = restore::apply(&a, &empty.instance.arn, &p.create)
        .await
        .unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert_eq!(outcome.created.len(), p.create.len());
    let apps = restore::apply_apps(&a, &p.create_apps).await.unwrap();
    assert!(apps.failed.is_empty(), "{:?}", apps.failed);
    assert_eq!(apps.created.len(), p.create_apps.len());

    let after = take(&emu).await;
    let again = Snapshot::from_inventory(&after).unwrap();
    assert_eq!(again.account_assignments, snap.account_assignments);
    assert_eq!(again.application_assignments, snap.application_assignments);
    assert!(snapshot::diff(&snap, &again).is_empty());
    assert_eq!(after.assignments, before.assignments);
    // Restoring again is a no-op.
    let p = plan::plan(&snap, &after).unwrap();
    assert!(p.create.is_empty() && p.create_apps.is_empty());
    assert_eq!(
        p.present,
        snap.account_assignments.len() + snap.application_assignments.len()
    );
    snap
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_snapshot_wipe_restore_snapshot_gives_the_same_grants() {
    let snap = round_trip(common::demo().await).await;
    assert!(
        snap.application_assignments.len() >= 5,
        "the demo's application assignments came back too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_snapshot_wipe_restore_snapshot_gives_the_same_grants() {
    let emu = common::with(small_org(21), |c| {
        c.settings.page_cap = Some(3);
        c.settings.shuffle_seed = Some(4);
    })
    .await;
    round_trip(emu).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_creations_are_reported_with_the_reason() {
    let emu = common::demo().await;
    let inv = take(&emu).await;
    let user = inv.users.values().next().unwrap();
    let set = inv.permission_sets.values().next().unwrap();
    let good = PlannedCreate {
        account_id: common::MGMT.into(),
        permission_set_arn: set.arn.clone(),
        permission_set_name: set.name.clone(),
        principal_kind: PrincipalKind::User,
        principal_id: user.id.clone(),
        principal_name: user.user_name.clone(),
    };
    let bad = PlannedCreate {
        account_id: "000000000000".into(),
        ..good.clone()
    };
    let a = admin(&common::operator(&emu));
    let outcome = restore::apply(&a, &inv.instance.arn, &[good.clone(), bad.clone()])
        .await
        .unwrap();
    assert_eq!(outcome.created, vec![good]);
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].0, bad);
    assert!(
        outcome.failed[0].1.contains("000000000000"),
        "the service's reason: {}",
        outcome.failed[0].1
    );
}
