//! Permission sets: listing, description, attached policies, boundary, and where each is
//! provisioned. A permission set is provisioned to an account while some assignment of it
//! exists there (or the seed marks it provisioned but out of date with `outdatedIn`).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{account_id, enum_error, instance_arn, listing, not_found, page, permission_set};
use crate::emulator::org::PolicyRef;
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, epoch_s, parse_time};

/// ListPermissionSets: every permission set's ARN.
pub fn list_permission_sets(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let arns: Vec<Value> = (0..st.org.permission_sets.len())
        .map(|p| json!(st.pset_arn(p)))
        .collect();
    let (items, next) = page(st, call, arns, 100, "ListPermissionSets")?;
    Ok(listing("PermissionSets", items, next))
}

/// DescribePermissionSet.
pub fn describe_permission_set(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let p = permission_set(st, call)?;
    let ps = &st.org.permission_sets[p];
    let mut out = json!({
        "Name": ps.name,
        "PermissionSetArn": st.pset_arn(p),
        "SessionDuration": ps.session_duration,
        "CreatedDate": parse_time(&ps.created).map(epoch_s).unwrap_or(json!(0)),
    });
    if let Some(d) = &ps.description {
        out["Description"] = json!(d);
    }
    if let Some(r) = &ps.relay_state {
        out["RelayState"] = json!(r);
    }
    Ok(json!({ "PermissionSet": out }))
}

/// ListManagedPoliciesInPermissionSet: AWS-managed policies with their names.
pub fn list_managed_policies(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let p = permission_set(st, call)?;
    let items: Vec<Value> = st.org.permission_sets[p]
        .managed_policies
        .iter()
        .map(|arn| json!({"Name": arn.rsplit('/').next().unwrap_or(arn), "Arn": arn}))
        .collect();
    let fp = format!("ListManagedPoliciesInPermissionSet|{p}");
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("AttachedManagedPolicies", items, next))
}

fn policy_ref(r: &PolicyRef) -> Value {
    json!({"Name": r.name, "Path": r.path.clone().unwrap_or_else(|| "/".into())})
}

/// ListCustomerManagedPolicyReferencesInPermissionSet.
pub fn list_customer_managed_policies(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let p = permission_set(st, call)?;
    let items: Vec<Value> = st.org.permission_sets[p]
        .customer_managed_policies
        .iter()
        .map(policy_ref)
        .collect();
    let fp = format!("ListCustomerManagedPolicyReferencesInPermissionSet|{p}");
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("CustomerManagedPolicyReferences", items, next))
}

/// GetInlinePolicyForPermissionSet: the policy document as a JSON string (absent when none).
pub fn get_inline_policy(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let p = permission_set(st, call)?;
    Ok(match &st.org.permission_sets[p].inline_policy {
        Some(Value::String(s)) => json!({ "InlinePolicy": s }),
        Some(doc) => json!({ "InlinePolicy": doc.to_string() }),
        None => json!({}),
    })
}

/// GetPermissionsBoundaryForPermissionSet: ResourceNotFoundException when none is attached.
pub fn get_boundary(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let p = permission_set(st, call)?;
    let Some(b) = &st.org.permission_sets[p].permissions_boundary else {
        return Err(not_found(format!(
            "Could not find PermissionsBoundary for PermissionSet with arn {}",
            st.pset_arn(p)
        )));
    };
    let mut out = json!({});
    if let Some(arn) = &b.managed_policy_arn {
        out["ManagedPolicyArn"] = json!(arn);
    }
    if let Some(r) = &b.customer_managed {
        out["CustomerManagedPolicyReference"] = policy_ref(r);
    }
    Ok(json!({ "PermissionsBoundary": out }))
}

/// Which provisioned pairs a `ProvisioningStatus` filter keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Provisioning {
    Any,
    Latest,
    Outdated,
}

fn provisioning_filter(call: &Call) -> Result<Provisioning, ApiError> {
    match call.optional_str("ProvisioningStatus") {
        None => Ok(Provisioning::Any),
        Some("LATEST_PERMISSION_SET_PROVISIONED") => Ok(Provisioning::Latest),
        Some("LATEST_PERMISSION_SET_NOT_PROVISIONED") => Ok(Provisioning::Outdated),
        Some(other) => Err(enum_error(
            "ProvisioningStatus",
            other,
            "[LATEST_PERMISSION_SET_PROVISIONED, LATEST_PERMISSION_SET_NOT_PROVISIONED]",
        )),
    }
}

/// Every (account, permission set) pair that is provisioned, with whether it is out of date.
fn provisioned(st: &State) -> BTreeSet<(String, usize, bool)> {
    let mut pairs: BTreeSet<(String, usize)> = st
        .assignments
        .iter()
        .map(|a| (a.account_id.clone(), a.pset))
        .collect();
    for (p, ps) in st.org.permission_sets.iter().enumerate() {
        for acct in &ps.outdated_in {
            if st.idx.account_by_id.contains_key(acct) {
                pairs.insert((acct.clone(), p));
            }
        }
    }
    pairs
        .into_iter()
        .map(|(acct, p)| {
            let outdated = st.org.permission_sets[p].outdated_in.contains(&acct);
            (acct, p, outdated)
        })
        .collect()
}

fn keep(filter: Provisioning, outdated: bool) -> bool {
    match filter {
        Provisioning::Any => true,
        Provisioning::Latest => !outdated,
        Provisioning::Outdated => outdated,
    }
}

/// ListAccountsForProvisionedPermissionSet.
pub fn list_accounts_for_provisioned(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let p = permission_set(st, call)?;
    let filter = provisioning_filter(call)?;
    let items: Vec<Value> = provisioned(st)
        .into_iter()
        .filter(|(_, q, outdated)| *q == p && keep(filter, *outdated))
        .map(|(acct, _, _)| json!(acct))
        .collect();
    let fp = format!(
        "ListAccountsForProvisionedPermissionSet|{p}|{:?}",
        call.optional_str("ProvisioningStatus")
    );
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("AccountIds", items, next))
}

/// ListPermissionSetsProvisionedToAccount.
pub fn list_provisioned_to_account(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let acct = account_id(call, "AccountId")?.to_string();
    let filter = provisioning_filter(call)?;
    let items: Vec<Value> = provisioned(st)
        .into_iter()
        .filter(|(a, _, outdated)| *a == acct && keep(filter, *outdated))
        .map(|(_, p, _)| json!(st.pset_arn(p)))
        .collect();
    let fp = format!(
        "ListPermissionSetsProvisionedToAccount|{acct}|{:?}",
        call.optional_str("ProvisioningStatus")
    );
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("PermissionSets", items, next))
}
