//! Permission sets: the list with each one's summary (one ListPermissionSets walk, one
//! DescribePermissionSet each), and one permission set in detail (policies, boundary, where
//! it is provisioned and whether that is current).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ssoadmin::types::ProvisioningStatus;

use super::{Admin, sdk};
use crate::model::inventory::PermissionSetInfo;
use crate::model::permission_set::{
    Boundary, ManagedPolicy, PermissionSetDetail, PolicyRef, Provisioned,
};
use crate::services::{ErrorKind, ServiceError};

/// Every permission set ARN in the instance.
pub async fn list_arns(admin: &Admin, instance: &str) -> Result<Vec<String>, ServiceError> {
    let sso = &admin.sso;
    admin
        .collect(|next| async move {
            let page = sso
                .list_permission_sets()
                .instance_arn(instance)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListPermissionSets"))?;
            Ok((
                page.permission_sets().to_vec(),
                page.next_token().map(str::to_string),
            ))
        })
        .await
}

/// One permission set's summary.
pub async fn describe(
    admin: &Admin,
    instance: &str,
    arn: &str,
) -> Result<PermissionSetInfo, ServiceError> {
    let out = admin
        .call(|| async {
            admin
                .sso
                .describe_permission_set()
                .instance_arn(instance)
                .permission_set_arn(arn)
                .send()
                .await
                .map_err(sdk("DescribePermissionSet"))
        })
        .await?;
    let p = out.permission_set();
    Ok(PermissionSetInfo {
        arn: arn.to_string(),
        name: p
            .and_then(|p| p.name())
            .unwrap_or(arn.rsplit('/').next().unwrap_or(arn))
            .to_string(),
        description: p.and_then(|p| p.description()).map(str::to_string),
        session_duration: p.and_then(|p| p.session_duration()).map(str::to_string),
        relay_state: p.and_then(|p| p.relay_state()).map(str::to_string),
    })
}

/// Summaries of the given permission sets, by ARN.
pub async fn describe_all(
    admin: &Admin,
    instance: &str,
    arns: Vec<String>,
) -> Result<BTreeMap<String, PermissionSetInfo>, ServiceError> {
    let infos = admin
        .each("permission sets", arns, |arn| async move {
            describe(admin, instance, &arn).await
        })
        .await?;
    Ok(infos.into_iter().map(|p| (p.arn.clone(), p)).collect())
}

/// Every permission set with its summary.
pub async fn list(
    admin: &Admin,
    instance: &str,
) -> Result<BTreeMap<String, PermissionSetInfo>, ServiceError> {
    let arns = list_arns(admin, instance).await?;
    describe_all(admin, instance, arns).await
}

/// Accounts a permission set is provisioned to, optionally only those with a given status.
pub async fn provisioned_accounts(
    admin: &Admin,
    instance: &str,
    arn: &str,
    status: Option<ProvisioningStatus>,
) -> Result<Vec<String>, ServiceError> {
    let sso = &admin.sso;
    admin
        .collect(|next| {
            let status = status.clone();
            async move {
                let page = sso
                    .list_accounts_for_provisioned_permission_set()
                    .instance_arn(instance)
                    .permission_set_arn(arn)
                    .set_provisioning_status(status)
                    .max_results(100)
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(sdk("ListAccountsForProvisionedPermissionSet"))?;
                Ok((
                    page.account_ids().to_vec(),
                    page.next_token().map(str::to_string),
                ))
            }
        })
        .await
}

/// One permission set in detail. A part that cannot be read is noted in `problems`.
pub async fn detail(
    admin: &Admin,
    instance: &str,
    arn: &str,
) -> Result<PermissionSetDetail, ServiceError> {
    let info = describe(admin, instance, arn).await?;
    let sso = &admin.sso;
    let (managed, customer, inline, boundary, all, outdated) = tokio::join!(
        admin.collect(|next| async move {
            let page = sso
                .list_managed_policies_in_permission_set()
                .instance_arn(instance)
                .permission_set_arn(arn)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListManagedPoliciesInPermissionSet"))?;
            let items = page
                .attached_managed_policies()
                .iter()
                .map(|p| ManagedPolicy {
                    name: p.name().unwrap_or_default().to_string(),
                    arn: p.arn().unwrap_or_default().to_string(),
                })
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        }),
        admin.collect(|next| async move {
            let page = sso
                .list_customer_managed_policy_references_in_permission_set()
                .instance_arn(instance)
                .permission_set_arn(arn)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListCustomerManagedPolicyReferencesInPermissionSet"))?;
            let items = page
                .customer_managed_policy_references()
                .iter()
                .map(|r| PolicyRef {
                    name: r.name().to_string(),
                    path: r.path().unwrap_or("/").to_string(),
                })
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        }),
        admin.call(|| async {
            sso.get_inline_policy_for_permission_set()
                .instance_arn(instance)
                .permission_set_arn(arn)
                .send()
                .await
                .map_err(sdk("GetInlinePolicyForPermissionSet"))
                .map(|o| {
                    o.inline_policy()
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                })
        }),
        admin.call(|| async {
            match sso
                .get_permissions_boundary_for_permission_set()
                .instance_arn(instance)
                .permission_set_arn(arn)
                .send()
                .await
                .map_err(sdk("GetPermissionsBoundaryForPermissionSet"))
            {
                Ok(o) => Ok(o.permissions_boundary().and_then(|b| {
                    if let Some(r) = b.customer_managed_policy_reference() {
                        Some(Boundary::CustomerManaged(PolicyRef {
                            name: r.name().to_string(),
                            path: r.path().unwrap_or("/").to_string(),
                        }))
                    } else {
                        b.managed_policy_arn()
                            .map(|a| Boundary::Managed(a.to_string()))
                    }
                })),
                // The service answers ResourceNotFound when there is no boundary.
                Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        }),
        provisioned_accounts(admin, instance, arn, None),
        provisioned_accounts(
            admin,
            instance,
            arn,
            Some(ProvisioningStatus::LatestPermissionSetNotProvisioned)
        ),
    );
    let mut d = PermissionSetDetail {
        info,
        ..Default::default()
    };
    let mut note = |part: &str, e: &ServiceError| {
        d.problems
            .push((part.to_string(), format!("{}: {}", e.operation, e.message)))
    };
    match managed {
        Ok(v) => d.managed_policies = v,
        Err(e) => note("AWS-managed policies", &e),
    }
    match customer {
        Ok(v) => d.customer_managed = v,
        Err(e) => note("customer-managed policies", &e),
    }
    match inline {
        Ok(v) => d.inline_policy = v,
        Err(e) => note("inline policy", &e),
    }
    match boundary {
        Ok(v) => d.boundary = v,
        Err(e) => note("permissions boundary", &e),
    }
    match (all, outdated) {
        (Ok(all), Ok(outdated)) => {
            let outdated: BTreeSet<String> = outdated.into_iter().collect();
            let all: BTreeSet<String> = all.into_iter().chain(outdated.iter().cloned()).collect();
            d.provisioned = all
                .into_iter()
                .map(|a| Provisioned {
                    current: !outdated.contains(&a),
                    account_id: a,
                })
                .collect();
        }
        (Err(e), _) | (_, Err(e)) => note("provisioning", &e),
    }
    if admin.cancel.is_cancelled() {
        return Err(super::cancelled());
    }
    Ok(d)
}
