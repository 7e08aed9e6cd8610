//! AWS Organizations (awsJson1_1, `AWSOrganizationsV20161128`): accounts, the root, OUs and
//! the parent/child links — enough to show an account's OU path. Only the management account
//! may call (the operator key is an IAM user there); errors are the service's own modeled
//! shapes (InvalidInputException with `Reason`, …NotFoundException).

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::caller::{Authenticated, Power};
use super::org::{Account, OrgUnit};
use super::rpc::{Call, Guard};
use super::state::State;
use super::wire::{ApiError, Protocol, TokenStyle, epoch_s, paginate, parse_time};

/// Dispatch an Organizations operation.
pub fn dispatch(call: &Call) -> Response {
    let handler: fn(&State, &Call) -> Result<Value, ApiError> = match call.op {
        "ListAccounts" => list_accounts,
        "DescribeAccount" => describe_account,
        "ListParents" => list_parents,
        "ListChildren" => list_children,
        "ListOrganizationalUnitsForParent" => list_ous_for_parent,
        "DescribeOrganizationalUnit" => describe_ou,
        "ListRoots" => list_roots,
        "DescribeOrganization" => describe_organization,
        other => {
            return ApiError::new(
                400,
                "UnknownOperationException",
                format!("Unknown operation AWSOrganizationsV20161128.{other}"),
            )
            .into_response();
        }
    };
    let guard = Guard {
        protocol: Protocol::AwsJson11,
        event_source: "organizations.amazonaws.com",
        action_prefix: "organizations",
        power: Power::OrgsRead,
        read_only: true,
    };
    call.run(guard, |st, who| {
        management_only(st, who)?;
        handler(st, call)
    })
}

/// Member accounts may not read the organisation; accounts outside it get NotInUse.
fn management_only(st: &State, who: &Authenticated) -> Result<(), ApiError> {
    if !st.idx.account_by_id.contains_key(&who.account_id) {
        return Err(ApiError::new(
            400,
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        ));
    }
    if who.account_id != st.org.organization.management_account_id {
        return Err(ApiError::access_denied(
            "You don't have permissions to access this resource.",
        ));
    }
    Ok(())
}

fn invalid_input(reason: &str, message: &str) -> ApiError {
    ApiError::new(400, "InvalidInputException", message).with("Reason", reason)
}

fn mgmt(st: &State) -> &str {
    &st.org.organization.management_account_id
}

fn org_id(st: &State) -> &str {
    &st.org.organization.id
}

/// The chain of OU ids from the root down to `parent` (exclusive of the root).
fn ou_chain<'a>(st: &'a State, mut parent: &'a str) -> Vec<String> {
    let mut chain = Vec::new();
    while let Some(ou) = st.org.ous.iter().find(|o| o.id == parent) {
        if chain.contains(&ou.id) || chain.len() > st.org.ous.len() {
            break;
        }
        chain.push(ou.id.clone());
        parent = &ou.parent;
    }
    chain.reverse();
    chain
}

fn prefix_path(st: &State, parent: &str) -> String {
    let mut path = format!("{}/{}/", org_id(st), st.org.organization.root_id);
    for ou in ou_chain(st, parent) {
        path.push_str(&ou);
        path.push('/');
    }
    path
}

fn account_json(st: &State, a: &Account) -> Value {
    let status = match a.state.as_str() {
        "SUSPENDED" | "CLOSED" => "SUSPENDED",
        "PENDING_CLOSURE" => "PENDING_CLOSURE",
        _ => "ACTIVE",
    };
    json!({
        "Id": a.id,
        "Arn": format!("arn:aws:organizations::{}:account/{}/{}", mgmt(st), org_id(st), a.id),
        "Email": a.email,
        "Name": a.name,
        "Status": status,
        "State": a.state,
        "Paths": [format!("{}{}/", prefix_path(st, &a.parent), a.id)],
        "JoinedMethod": a.joined_method,
        "JoinedTimestamp": parse_time(&a.joined).map(epoch_s).unwrap_or(json!(0)),
    })
}

fn ou_json(st: &State, ou: &OrgUnit) -> Value {
    json!({
        "Id": ou.id,
        "Arn": format!("arn:aws:organizations::{}:ou/{}/{}", mgmt(st), org_id(st), ou.id),
        "Name": ou.name,
        "Path": format!("{}{}/", prefix_path(st, &ou.parent), ou.id),
    })
}

/// One page (`MaxResults` 1..20), with the service's own input errors.
fn page(
    st: &State,
    call: &Call,
    mut items: Vec<Value>,
    key: &str,
    fp: &str,
) -> Result<Value, ApiError> {
    let asked = match call.input.get("MaxResults") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(n) if n < 1 => {
                return Err(invalid_input(
                    "MIN_VALUE_EXCEEDED",
                    "You provided a value that is less than the minimum allowed value (1) for MaxResults.",
                ));
            }
            Some(n) if n > 20 => {
                return Err(invalid_input(
                    "MAX_VALUE_EXCEEDED",
                    "You provided a value that exceeds the maximum allowed value (20) for MaxResults.",
                ));
            }
            Some(n) => Some(n as usize),
            None => {
                return Err(invalid_input(
                    "INVALID_ENUM",
                    "MaxResults must be an integer.",
                ));
            }
        },
    };
    st.arrange(&mut items);
    let size = st.page_size(asked, 20);
    let p = paginate(
        &items,
        call.optional_str("NextToken"),
        size,
        fp,
        TokenStyle::UrlSafe,
    )
    .map_err(|_| {
        invalid_input(
            "INVALID_NEXT_TOKEN",
            "The specified NextToken is not valid.",
        )
    })?;
    let mut out = json!({ key: p.items });
    if let Some(n) = p.next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}

fn required<'a>(call: &'a Call, member: &str) -> Result<&'a str, ApiError> {
    call.optional_str(member).ok_or_else(|| {
        invalid_input(
            "INPUT_REQUIRED",
            &format!("You must specify a value for {member}."),
        )
    })
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

fn is_ou_id(s: &str) -> bool {
    s.strip_prefix("ou-")
        .and_then(|r| r.split_once('-'))
        .is_some_and(|(a, b)| {
            (4..=32).contains(&a.len())
                && (8..=32).contains(&b.len())
                && a.chars()
                    .chain(b.chars())
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn is_root_id(s: &str) -> bool {
    s.strip_prefix("r-").is_some_and(|r| {
        (4..=32).contains(&r.len())
            && r.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

fn bad_pattern(member: &str) -> ApiError {
    invalid_input(
        "INVALID_PATTERN",
        &format!("You provided a value that does not match the required pattern for {member}."),
    )
}

fn list_accounts(st: &State, call: &Call) -> Result<Value, ApiError> {
    let items: Vec<Value> = st
        .org
        .accounts
        .iter()
        .map(|a| account_json(st, a))
        .collect();
    page(st, call, items, "Accounts", "ListAccounts")
}

fn describe_account(st: &State, call: &Call) -> Result<Value, ApiError> {
    let id = required(call, "AccountId")?;
    if !is_account_id(id) {
        return Err(bad_pattern("AccountId"));
    }
    let a = st
        .idx
        .account_by_id
        .get(id)
        .map(|&i| &st.org.accounts[i])
        .ok_or_else(|| {
            ApiError::new(
                400,
                "AccountNotFoundException",
                "You specified an account that doesn't exist.",
            )
        })?;
    Ok(json!({ "Account": account_json(st, a) }))
}

/// The parent of an account or OU, by id.
fn parent_of<'a>(st: &'a State, child: &str) -> Option<&'a str> {
    if let Some(&i) = st.idx.account_by_id.get(child) {
        return Some(&st.org.accounts[i].parent);
    }
    st.org
        .ous
        .iter()
        .find(|o| o.id == child)
        .map(|o| o.parent.as_str())
}

fn list_parents(st: &State, call: &Call) -> Result<Value, ApiError> {
    let child = required(call, "ChildId")?;
    if !is_account_id(child) && !is_ou_id(child) {
        return Err(bad_pattern("ChildId"));
    }
    let parent = parent_of(st, child).ok_or_else(|| {
        ApiError::new(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
    })?;
    let kind = if parent == st.org.organization.root_id {
        "ROOT"
    } else {
        "ORGANIZATIONAL_UNIT"
    };
    let items = vec![json!({"Id": parent, "Type": kind})];
    page(st, call, items, "Parents", &format!("ListParents|{child}"))
}

/// Check a `ParentId` names the root or an OU.
fn parent_id<'a>(st: &State, call: &'a Call) -> Result<&'a str, ApiError> {
    let parent = required(call, "ParentId")?;
    if !is_root_id(parent) && !is_ou_id(parent) {
        return Err(bad_pattern("ParentId"));
    }
    let exists = parent == st.org.organization.root_id || st.org.ous.iter().any(|o| o.id == parent);
    if !exists {
        return Err(ApiError::new(
            400,
            "ParentNotFoundException",
            "We can't find a root or OU with the ParentId that you specified.",
        ));
    }
    Ok(parent)
}

fn list_children(st: &State, call: &Call) -> Result<Value, ApiError> {
    let parent = parent_id(st, call)?;
    let kind = required(call, "ChildType")?;
    let items: Vec<Value> = match kind {
        "ACCOUNT" => st
            .org
            .accounts
            .iter()
            .filter(|a| a.parent == parent)
            .map(|a| json!({"Id": a.id, "Type": "ACCOUNT"}))
            .collect(),
        "ORGANIZATIONAL_UNIT" => st
            .org
            .ous
            .iter()
            .filter(|o| o.parent == parent)
            .map(|o| json!({"Id": o.id, "Type": "ORGANIZATIONAL_UNIT"}))
            .collect(),
        _ => {
            return Err(invalid_input(
                "INVALID_ENUM",
                "You specified an invalid value for ChildType.",
            ));
        }
    };
    page(
        st,
        call,
        items,
        "Children",
        &format!("ListChildren|{parent}|{kind}"),
    )
}

fn list_ous_for_parent(st: &State, call: &Call) -> Result<Value, ApiError> {
    let parent = parent_id(st, call)?;
    let items: Vec<Value> = st
        .org
        .ous
        .iter()
        .filter(|o| o.parent == parent)
        .map(|o| ou_json(st, o))
        .collect();
    page(
        st,
        call,
        items,
        "OrganizationalUnits",
        &format!("ListOrganizationalUnitsForParent|{parent}"),
    )
}

fn describe_ou(st: &State, call: &Call) -> Result<Value, ApiError> {
    let id = required(call, "OrganizationalUnitId")?;
    if !is_ou_id(id) {
        return Err(bad_pattern("OrganizationalUnitId"));
    }
    let ou = st.org.ous.iter().find(|o| o.id == id).ok_or_else(|| {
        ApiError::new(
            400,
            "OrganizationalUnitNotFoundException",
            "We can't find an OU with the OrganizationalUnitId that you specified.",
        )
    })?;
    Ok(json!({ "OrganizationalUnit": ou_json(st, ou) }))
}

fn list_roots(st: &State, call: &Call) -> Result<Value, ApiError> {
    let root = &st.org.organization.root_id;
    let items = vec![json!({
        "Id": root,
        "Arn": format!("arn:aws:organizations::{}:root/{}/{root}", mgmt(st), org_id(st)),
        "Name": "Root",
        "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    })];
    page(st, call, items, "Roots", "ListRoots")
}

fn describe_organization(st: &State, _call: &Call) -> Result<Value, ApiError> {
    let m = mgmt(st);
    let email = st
        .idx
        .account_by_id
        .get(m)
        .map(|&i| st.org.accounts[i].email.clone())
        .unwrap_or_default();
    Ok(json!({"Organization": {
        "Id": org_id(st),
        "Arn": format!("arn:aws:organizations::{m}:organization/{}", org_id(st)),
        "FeatureSet": "ALL",
        "MasterAccountArn": format!("arn:aws:organizations::{m}:account/{}/{m}", org_id(st)),
        "MasterAccountId": m,
        "MasterAccountEmail": email,
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_organizations_patterns() {
        assert!(is_ou_id("ou-7x2k-prod0001"));
        assert!(!is_ou_id("ou-7x2k-prod"));
        assert!(is_root_id("r-7x2k"));
        assert!(!is_root_id("r-7X2K"));
        assert!(is_account_id("381492058412"));
        assert!(!is_account_id("38149205841"));
    }
}
