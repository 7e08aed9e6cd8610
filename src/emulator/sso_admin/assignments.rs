//! Account assignments as they stand now: by account and permission set, and by principal.

use serde_json::{Value, json};

use super::{
    account_id, instance_arn, kind_str, listing, not_found, page, pattern_error, permission_set,
    principal_shape,
};
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::ApiError;

/// ListAccountAssignments: who holds a permission set in an account.
pub fn list_account_assignments(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let acct = account_id(call, "AccountId")?.to_string();
    let p = permission_set(st, call)?;
    let arn = st.pset_arn(p);
    let items: Vec<Value> = st
        .assignments
        .iter()
        .filter(|a| a.account_id == acct && a.pset == p)
        .map(|a| {
            json!({
                "AccountId": a.account_id,
                "PermissionSetArn": arn,
                "PrincipalType": kind_str(a.principal_type),
                "PrincipalId": a.principal_id,
            })
        })
        .collect();
    let fp = format!("ListAccountAssignments|{acct}|{p}");
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("AccountAssignments", items, next))
}

/// ListAccountAssignmentsForPrincipal: a principal's direct assignments (a user's group
/// assignments are not included, as in AWS), optionally for one account.
pub fn list_for_principal(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let (kind, id) = principal_shape(call)?;
    let only_account = match call.input.get("Filter").and_then(|f| f.get("AccountId")) {
        None | Some(Value::Null) => None,
        Some(Value::String(a)) if a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()) => {
            Some(a.clone())
        }
        Some(other) => {
            let shown = other
                .as_str()
                .map(str::to_string)
                .unwrap_or(other.to_string());
            return Err(pattern_error("Filter.AccountId", &shown, "\\d{12}"));
        }
    };
    let items: Vec<Value> = st
        .assignments
        .iter()
        .filter(|a| a.principal_type == kind && a.principal_id == id)
        .filter(|a| only_account.as_ref().is_none_or(|o| &a.account_id == o))
        .map(|a| {
            json!({
                "AccountId": a.account_id,
                "PermissionSetArn": st.pset_arn(a.pset),
                "PrincipalId": a.principal_id,
                "PrincipalType": kind_str(a.principal_type),
            })
        })
        .collect();
    let fp = format!(
        "ListAccountAssignmentsForPrincipal|{}|{id}|{only_account:?}",
        kind_str(kind)
    );
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("AccountAssignments", items, next))
}
