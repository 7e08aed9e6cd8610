//! Helpers for the admin tests: services and an [`Admin`] on an emulator, and effective
//! access computed independently of centry's walk, straight from the raw SDK answers: for
//! every user, ListAccountAssignmentsForPrincipal for them (direct) and for each group
//! ListGroupMembershipsForMember names (via that group).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_identitystore::types::MemberId;
use aws_sdk_ssoadmin::types::PrincipalType;
use centry::emulator::generate::{GenerateSpec, generate};
use centry::emulator::{Emulator, Org};
use centry::model::access::{Query, Via, account_access};
use centry::model::inventory::{InstanceInfo, Inventory};
use centry::services::Services;
use centry::services::admin::{Admin, instances};
use centry::services::limiter::Limiter;

use crate::common;

/// One effective grant: (user id, account, permission set ARN, paths as `direct` / group id).
pub type Reach = BTreeSet<(String, String, String, BTreeSet<String>)>;

/// A small generated organisation (fast enough to walk with one-item pages).
pub fn small_org(seed: u64) -> Org {
    generate(&GenerateSpec {
        accounts: 24,
        users: 40,
        groups: 8,
        permission_sets: 7,
        seed,
        ..GenerateSpec::default()
    })
}

/// An [`Admin`] on `svc` with a fast limiter (the emulator enforces no quota unless asked).
pub fn admin(svc: &Services) -> Admin {
    Admin::new(svc, Arc::new(Limiter::new(400.0)), Default::default())
}

/// The emulator's only instance.
pub async fn instance(admin: &Admin) -> InstanceInfo {
    let all = instances::list_instances(admin)
        .await
        .expect("ListInstances");
    instances::choose(&all, None).expect("one instance")
}

/// Effective access for every user computed from the raw API answers.
pub async fn independent_reach(emu: &Emulator, inst: &InstanceInfo) -> Reach {
    let svc = common::operator(emu);
    let sso = svc.sso_admin(true);
    let ids = svc.identity_store(true);
    let users: Vec<String> = ids
        .list_users()
        .identity_store_id(&inst.identity_store_id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListUsers")
        .into_iter()
        .map(|u| u.user_id().to_string())
        .collect();
    let mut by_group: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut out = Reach::new();
    for u in users {
        let mut paths: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for (a, p) in principal_grants(&sso, &inst.arn, PrincipalType::User, &u).await {
            paths.entry((a, p)).or_default().insert("direct".into());
        }
        let groups: Vec<String> = ids
            .list_group_memberships_for_member()
            .identity_store_id(&inst.identity_store_id)
            .member_id(MemberId::UserId(u.clone()))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .expect("ListGroupMembershipsForMember")
            .into_iter()
            .filter_map(|m| m.group_id().map(str::to_string))
            .collect();
        for g in groups {
            if !by_group.contains_key(&g) {
                let grants = principal_grants(&sso, &inst.arn, PrincipalType::Group, &g).await;
                by_group.insert(g.clone(), grants);
            }
            for (a, p) in &by_group[&g] {
                paths
                    .entry((a.clone(), p.clone()))
                    .or_default()
                    .insert(g.clone());
            }
        }
        for ((a, p), via) in paths {
            out.insert((u.clone(), a, p, via));
        }
    }
    out
}

async fn principal_grants(
    sso: &aws_sdk_ssoadmin::Client,
    instance: &str,
    kind: PrincipalType,
    id: &str,
) -> Vec<(String, String)> {
    sso.list_account_assignments_for_principal()
        .instance_arn(instance)
        .principal_type(kind)
        .principal_id(id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListAccountAssignmentsForPrincipal")
        .into_iter()
        .map(|a| {
            (
                a.account_id().unwrap().to_string(),
                a.permission_set_arn().unwrap().to_string(),
            )
        })
        .collect()
}

/// centry's effective access from an inventory, in the same shape.
pub fn model_reach(inv: &Inventory, q: Query<'_>) -> Reach {
    let access = account_access(inv, q);
    assert!(
        access.unexpanded.is_empty(),
        "every group's members are known: {:?}",
        access.unexpanded
    );
    access
        .grants
        .into_iter()
        .map(|g| {
            let via = g
                .via
                .iter()
                .map(|v| match v {
                    Via::Direct => "direct".to_string(),
                    Via::Group(id) => id.clone(),
                })
                .collect();
            (g.user_id, g.account_id, g.permission_set_arn, via)
        })
        .collect()
}
