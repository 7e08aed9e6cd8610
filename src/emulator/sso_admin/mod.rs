//! The IAM Identity Center admin API (`sso-admin`, awsJson1_1, `SWBExternalService`): the read
//! operations of reference §4 and the asynchronous account-assignment writes. Every operation
//! is authenticated and authorized by [`Call::run`]; this module checks the inputs the way the
//! service does (ranges, patterns, the instance ARN) and answers from the seed and the live
//! assignments.

mod applications;
mod assignment_ops;
mod assignments;
mod instance;
mod permission_sets;
mod tip;

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Emu;
use super::caller::Power;
use super::org::PrincipalKind;
use super::rpc::{Call, Guard};
use super::state::State;
use super::wire::{ApiError, Protocol, TokenStyle};

pub use assignment_ops::{ASSIGNMENT_DELAY_MS, settle_assignment_ops};
pub use {applications::application_arn, tip::tti_arn};

/// An operation handler: the call's input and the state, to the answer or a modeled error.
type Handler = fn(&mut State, &Call) -> Result<Value, ApiError>;

/// Dispatch an sso-admin operation. `emu` is the shared handle the asynchronous writes use to
/// complete later.
pub fn dispatch(call: &Call, emu: &Arc<Emu>) -> Response {
    let read = |handler: Handler| {
        call.run(guard(Power::SsoRead, true), |st, _| {
            settle_assignment_ops(st);
            handler(st, call)
        })
    };
    match call.op {
        "ListInstances" => read(instance::list_instances),
        "DescribeInstance" => read(instance::describe_instance),
        "ListPermissionSets" => read(permission_sets::list_permission_sets),
        "DescribePermissionSet" => read(permission_sets::describe_permission_set),
        "ListManagedPoliciesInPermissionSet" => read(permission_sets::list_managed_policies),
        "ListCustomerManagedPolicyReferencesInPermissionSet" => {
            read(permission_sets::list_customer_managed_policies)
        }
        "GetInlinePolicyForPermissionSet" => read(permission_sets::get_inline_policy),
        "GetPermissionsBoundaryForPermissionSet" => read(permission_sets::get_boundary),
        "ListAccountsForProvisionedPermissionSet" => {
            read(permission_sets::list_accounts_for_provisioned)
        }
        "ListPermissionSetsProvisionedToAccount" => {
            read(permission_sets::list_provisioned_to_account)
        }
        "ListAccountAssignments" => read(assignments::list_account_assignments),
        "ListAccountAssignmentsForPrincipal" => read(assignments::list_for_principal),
        "ListApplications" => read(applications::list_applications),
        "DescribeApplication" => read(applications::describe_application),
        "ListApplicationAssignments" => read(applications::list_application_assignments),
        "ListApplicationAssignmentsForPrincipal" => read(applications::list_for_principal),
        "ListApplicationProviders" => read(applications::list_application_providers),
        "ListTrustedTokenIssuers" => read(tip::list_trusted_token_issuers),
        "DescribeTrustedTokenIssuer" => read(tip::describe_trusted_token_issuer),
        "ListApplicationGrants" => read(tip::list_application_grants),
        "GetApplicationGrant" => read(tip::get_application_grant),
        "ListApplicationAuthenticationMethods" => read(tip::list_authentication_methods),
        "ListApplicationAccessScopes" => read(tip::list_access_scopes),
        "GetApplicationAssignmentConfiguration" => read(tip::get_assignment_configuration),
        "DescribeAccountAssignmentCreationStatus" => read(assignment_ops::describe_creation),
        "DescribeAccountAssignmentDeletionStatus" => read(assignment_ops::describe_deletion),
        "ListAccountAssignmentCreationStatus" => read(assignment_ops::list_creation),
        "ListAccountAssignmentDeletionStatus" => read(assignment_ops::list_deletion),
        "CreateApplicationAssignment" | "DeleteApplicationAssignment" => call
            .run(guard(Power::SsoWrite, false), |st, _| {
                applications::write_assignment(st, call)
            }),
        "CreateAccountAssignment" | "DeleteAccountAssignment" => {
            call.run(guard(Power::SsoWrite, false), |st, _| {
                settle_assignment_ops(st);
                assignment_ops::request(st, call, emu)
            })
        }
        other => ApiError::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation SWBExternalService.{other}"),
        )
        .into_response(),
    }
}

fn guard(power: Power, read_only: bool) -> Guard<'static> {
    Guard {
        protocol: Protocol::AwsJson11,
        event_source: "sso.amazonaws.com",
        action_prefix: "sso",
        power,
        read_only,
    }
}

/// The service's validation message for a member that fails its pattern.
fn pattern_error(member: &str, value: &str, pattern: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}",
        lower_first(member)
    ))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

const INSTANCE_ARN_PATTERN: &str =
    "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}";
const PSET_ARN_PATTERN: &str = "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}";
const PRINCIPAL_ID_PATTERN: &str =
    "^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$";
const ACCOUNT_ID_PATTERN: &str = "\\d{12}";

/// Whether `s` is `len` characters from `[a-zA-Z0-9-.]`.
fn id_chars(s: &str, len: usize, extra: &str) -> bool {
    s.len() == len
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || extra.contains(c))
}

/// The partition prefix of an sso ARN (`arn:aws:sso:`), if it is one.
fn strip_partition<'a>(arn: &'a str, service: &str) -> Option<&'a str> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    if !["aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b"].contains(&partition) {
        return None;
    }
    rest.strip_prefix(service)?.strip_prefix(':')
}

/// The `ins-…` part of a well-formed instance id (`ins-` or `ssoins-` + 16).
fn well_formed_instance_id(id: &str) -> bool {
    let rest = id.strip_prefix("sso").unwrap_or(id);
    rest.strip_prefix("ins-")
        .is_some_and(|r| id_chars(r, 16, ""))
}

/// Check `InstanceArn` (required): malformed → ValidationException; another instance →
/// `not_ours` (ResourceNotFoundException where the operation models it).
fn instance_arn(st: &State, call: &Call, not_ours: fn(String) -> ApiError) -> Result<(), ApiError> {
    let arn = call.required_str("InstanceArn")?;
    let ok = strip_partition(arn, "sso")
        .and_then(|r| r.strip_prefix("::instance/"))
        .is_some_and(well_formed_instance_id);
    if !ok {
        return Err(pattern_error("InstanceArn", arn, INSTANCE_ARN_PATTERN));
    }
    if arn != st.org.instance.instance_arn {
        return Err(not_ours(format!("Instance {arn} does not exist")));
    }
    Ok(())
}

/// ResourceNotFoundException with sso-admin's members.
fn not_found(message: String) -> ApiError {
    ApiError::not_found(message)
}

/// ValidationException, for operations that do not model ResourceNotFoundException.
fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// Resolve the required `PermissionSetArn` to an index.
fn permission_set(st: &State, call: &Call) -> Result<usize, ApiError> {
    let arn = call.required_str("PermissionSetArn")?;
    let ok = strip_partition(arn, "sso")
        .and_then(|r| r.strip_prefix("::permissionSet/"))
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(ins, ps)| {
            well_formed_instance_id(ins)
                && ps.strip_prefix("ps-").is_some_and(|p| id_chars(p, 16, "/"))
        });
    if !ok {
        return Err(pattern_error("PermissionSetArn", arn, PSET_ARN_PATTERN));
    }
    st.pset_by_arn(arn)
        .ok_or_else(|| not_found(format!("Could not find PermissionSet with arn {arn}")))
}

/// Check a 12-digit account id member.
fn account_id<'a>(call: &'a Call, member: &str) -> Result<&'a str, ApiError> {
    let id = call.required_str(member)?;
    if id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()) {
        Ok(id)
    } else {
        Err(pattern_error(member, id, ACCOUNT_ID_PATTERN))
    }
}

/// Whether a principal id has the identity store's shape (optional 10-hex prefix + UUID).
fn well_formed_principal_id(id: &str) -> bool {
    let uuid = match id.split_once('-') {
        Some((p, rest)) if p.len() == 10 && p.chars().all(|c| c.is_ascii_hexdigit()) => rest,
        _ => id,
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Parse and check the shape of the required `PrincipalType` and `PrincipalId`.
fn principal_shape(call: &Call) -> Result<(PrincipalKind, String), ApiError> {
    let kind = principal_type(call)?;
    let id = call.required_str("PrincipalId")?;
    if id.is_empty() || id.len() > 47 || !well_formed_principal_id(id) {
        return Err(pattern_error("PrincipalId", id, PRINCIPAL_ID_PATTERN));
    }
    Ok((kind, id.to_string()))
}

/// [`principal_shape`], and the principal must exist in the identity store.
fn principal(st: &State, call: &Call) -> Result<(PrincipalKind, String), ApiError> {
    let (kind, id) = principal_shape(call)?;
    let id = id.as_str();
    let exists = match kind {
        PrincipalKind::User => st.idx.user_by_id.contains_key(id),
        PrincipalKind::Group => st.idx.group_by_id.contains_key(id),
    };
    if !exists {
        return Err(not_found(format!(
            "{} with id {id} does not exist in the identity store",
            if kind == PrincipalKind::User {
                "User"
            } else {
                "Group"
            }
        )));
    }
    Ok((kind, id.to_string()))
}

fn principal_type(call: &Call) -> Result<PrincipalKind, ApiError> {
    match call.required_str("PrincipalType")? {
        "USER" => Ok(PrincipalKind::User),
        "GROUP" => Ok(PrincipalKind::Group),
        other => Err(enum_error("PrincipalType", other, "[USER, GROUP]")),
    }
}

fn enum_error(member: &str, value: &str, set: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: Member must satisfy enum value set: {set}",
        lower_first(member)
    ))
}

/// One page of `items` for this call: `MaxResults` checked against `1..=max`, the emulator's
/// order and page cap applied, the token checked against the request's fingerprint.
fn page<T: Clone>(
    st: &State,
    call: &Call,
    items: Vec<T>,
    max: usize,
    fingerprint: &str,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let asked = call.max_results("MaxResults", max)?;
    let p = st
        .page_of(
            items,
            asked,
            max,
            call.optional_str("NextToken"),
            fingerprint,
            TokenStyle::UrlSafe,
        )
        .map_err(|_| ApiError::validation("The NextToken is not valid for this request"))?;
    Ok((p.items, p.next))
}

/// `{ key: items, "NextToken": next }` with the token omitted on the last page.
fn listing(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut out = json!({ key: items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    out
}

/// The wire form of a principal kind.
fn kind_str(kind: PrincipalKind) -> &'static str {
    kind.as_str()
}

/// The identity-store id of a seed principal named by user name or group display name.
fn principal_id_of(st: &State, kind: PrincipalKind, name: &str) -> Option<String> {
    match kind {
        PrincipalKind::User => st
            .idx
            .user_by_name
            .get(name)
            .map(|&i| st.org.users[i].id.clone()),
        PrincipalKind::Group => st
            .idx
            .group_by_name
            .get(name)
            .map(|&i| st.org.groups[i].id.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_ids_follow_the_identity_store_shape() {
        assert!(well_formed_principal_id(
            "9067c3a2b1-4f1e2d3c-aaaa-4bbb-8ccc-0123456789ab"
        ));
        assert!(well_formed_principal_id(
            "6a1b2c3d-1111-4222-8333-944455566677"
        ));
        assert!(!well_formed_principal_id("jordan.lee"));
        assert!(!well_formed_principal_id(
            "9067c3a2b-4f1e2d3c-aaaa-4bbb-8ccc-0123456789ab"
        ));
    }

    #[test]
    fn instance_ids_need_sixteen_characters() {
        assert!(well_formed_instance_id("ssoins-7223a8c1f5e4b903"));
        assert!(well_formed_instance_id("ins-7223a8c1f5e4b903"));
        assert!(!well_formed_instance_id("ssoins-7223"));
        assert_eq!(
            strip_partition("arn:aws:sso:::instance/x", "sso"),
            Some("::instance/x")
        );
        assert_eq!(strip_partition("arn:foo:sso:::instance/x", "sso"), None);
    }
}
