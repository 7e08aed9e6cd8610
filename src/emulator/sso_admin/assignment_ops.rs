//! CreateAccountAssignment and DeleteAccountAssignment, asynchronous as in AWS: the write
//! answers IN_PROGRESS with a request id, and the change takes effect (status SUCCEEDED, or
//! FAILED with a reason) [`ASSIGNMENT_DELAY_MS`] later. A timer task completes the operation;
//! every sso-admin call also settles due operations first, so what a caller reads is never
//! behind the status it was shown.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{account_id, enum_error, instance_arn, kind_str, not_found, page, permission_set};
use crate::emulator::Emu;
use crate::emulator::rpc::Call;
use crate::emulator::state::{Assignment, AssignmentOp, State};
use crate::emulator::wire::{ApiError, epoch_s};

/// How long an assignment create or delete stays IN_PROGRESS.
pub const ASSIGNMENT_DELAY_MS: u64 = 300;

/// The two kinds of operation, as stored in [`AssignmentOp::kind`].
const CREATE: &str = "CREATE";
const DELETE: &str = "DELETE";

/// Apply every operation whose time has come, in the order they complete.
pub fn settle_assignment_ops(st: &mut State) {
    let now = OffsetDateTime::now_utc();
    let mut due: Vec<(OffsetDateTime, String)> = st
        .assignment_ops
        .iter()
        .filter(|(_, op)| !op.applied && op.completes <= now)
        .map(|(id, op)| (op.completes, id.clone()))
        .collect();
    if due.is_empty() {
        return;
    }
    due.sort();
    for (_, id) in due {
        let Some(op) = st.assignment_ops.get(&id).cloned() else {
            continue;
        };
        let failure = if op.kind == CREATE {
            if st.idx.account_by_id.contains_key(&op.assignment.account_id) {
                st.assignments.insert(op.assignment.clone());
                None
            } else {
                Some(format!(
                    "Received a 404 status error: Not supported account {}.",
                    op.assignment.account_id
                ))
            }
        } else if st.assignments.remove(&op.assignment) {
            None
        } else {
            Some("Received a 404 status error: The account assignment does not exist.".into())
        };
        if let Some(entry) = st.assignment_ops.get_mut(&id) {
            entry.applied = true;
            entry.failure = failure;
        }
    }
    st.assignments_changed();
}

fn status_of(op: &AssignmentOp) -> &'static str {
    match (op.applied, &op.failure) {
        (false, _) => "IN_PROGRESS",
        (true, None) => "SUCCEEDED",
        (true, Some(_)) => "FAILED",
    }
}

/// The full `AccountAssignmentOperationStatus` of an operation.
fn status_json(st: &State, id: &str, op: &AssignmentOp) -> Value {
    let mut out = json!({
        "Status": status_of(op),
        "RequestId": id,
        "TargetId": op.assignment.account_id,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": st.pset_arn(op.assignment.pset),
        "PrincipalType": kind_str(op.assignment.principal_type),
        "PrincipalId": op.assignment.principal_id,
        "CreatedDate": epoch_s(op.created),
    });
    if let (true, Some(reason)) = (op.applied, &op.failure) {
        out["FailureReason"] = json!(reason);
    }
    out
}

/// CreateAccountAssignment / DeleteAccountAssignment: validate, record the operation, start
/// its timer, answer IN_PROGRESS.
pub fn request(st: &mut State, call: &Call, emu: &Arc<Emu>) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let account = account_id(call, "TargetId")?.to_string();
    match call.required_str("TargetType")? {
        "AWS_ACCOUNT" => {}
        other => return Err(enum_error("TargetType", other, "[AWS_ACCOUNT]")),
    }
    let pset = permission_set(st, call)?;
    let (kind, principal_id) = super::principal(st, call)?;
    let in_flight = st.assignment_ops.values().filter(|op| !op.applied).count();
    if in_flight >= 15 {
        return Err(ApiError::new(
            400,
            "ThrottlingException",
            "Too many account assignment operations are in progress; retry later",
        ));
    }
    let (op_kind, key) = if call.op == "CreateAccountAssignment" {
        (CREATE, "AccountAssignmentCreationStatus")
    } else {
        (DELETE, "AccountAssignmentDeletionStatus")
    };
    let now = OffsetDateTime::now_utc();
    let delay = Duration::from_millis(ASSIGNMENT_DELAY_MS);
    let op = AssignmentOp {
        kind: op_kind,
        assignment: Assignment {
            account_id: account,
            pset,
            principal_type: kind,
            principal_id,
        },
        created: now,
        completes: now + delay,
        failure: None,
        applied: false,
    };
    let id = uuid::Uuid::new_v4().to_string();
    let out = status_json(st, &id, &op);
    st.assignment_ops.insert(id, op);
    let emu = emu.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        settle_assignment_ops(&mut emu.state());
    });
    Ok(json!({ key: out }))
}

fn describe(
    st: &State,
    call: &Call,
    kind: &str,
    member: &str,
    key: &str,
) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let id = call.required_str(member)?;
    match st.assignment_ops.get(id) {
        Some(op) if op.kind == kind => Ok(json!({ key: status_json(st, id, op) })),
        _ => Err(not_found(format!(
            "Could not find the account assignment {} request with id {id}",
            if kind == CREATE {
                "creation"
            } else {
                "deletion"
            }
        ))),
    }
}

/// DescribeAccountAssignmentCreationStatus.
pub fn describe_creation(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    describe(
        st,
        call,
        CREATE,
        "AccountAssignmentCreationRequestId",
        "AccountAssignmentCreationStatus",
    )
}

/// DescribeAccountAssignmentDeletionStatus.
pub fn describe_deletion(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    describe(
        st,
        call,
        DELETE,
        "AccountAssignmentDeletionRequestId",
        "AccountAssignmentDeletionStatus",
    )
}

fn list(st: &State, call: &Call, kind: &str, key: &str) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let wanted = match call.input.get("Filter").and_then(|f| f.get("Status")) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if ["IN_PROGRESS", "FAILED", "SUCCEEDED"].contains(&s.as_str()) => {
            Some(s.clone())
        }
        Some(other) => {
            let shown = other
                .as_str()
                .map(str::to_string)
                .unwrap_or(other.to_string());
            return Err(enum_error(
                "Filter.Status",
                &shown,
                "[IN_PROGRESS, FAILED, SUCCEEDED]",
            ));
        }
    };
    let mut ops: Vec<(&String, &AssignmentOp)> = st
        .assignment_ops
        .iter()
        .filter(|(_, op)| op.kind == kind)
        .filter(|(_, op)| wanted.as_deref().is_none_or(|w| status_of(op) == w))
        .collect();
    ops.sort_by(|a, b| (a.1.created, a.0).cmp(&(b.1.created, b.0)));
    let items: Vec<Value> = ops
        .into_iter()
        .map(|(id, op)| {
            json!({"Status": status_of(op), "RequestId": id, "CreatedDate": epoch_s(op.created)})
        })
        .collect();
    let fp = format!("List{kind}Status|{wanted:?}");
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(super::listing(key, items, next))
}

/// ListAccountAssignmentCreationStatus.
pub fn list_creation(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    list(st, call, CREATE, "AccountAssignmentsCreationStatus")
}

/// ListAccountAssignmentDeletionStatus.
pub fn list_deletion(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    list(st, call, DELETE, "AccountAssignmentsDeletionStatus")
}
