//! The Identity Store (`identitystore`, awsJson1_1, `AWSIdentityStore`): the read operations of
//! reference §5 over the seed's users, groups and memberships. The store may be named by its
//! bare id or its ARN, users and groups by id or ARN. Every error carries `RequestId`, and
//! ResourceNotFoundException also `ResourceType` and `ResourceId`, as the model says.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::caller::{Power, authorize};
use super::rpc::{Call, Guard};
use super::state::State;
use super::wire::{ApiError, Protocol, TokenStyle, epoch_s, paginate, parse_time};

/// The enterprise extension, the only one the service knows.
const ENTERPRISE: &str = "aws:identitystore:enterprise";

/// Dispatch an identitystore operation.
pub fn dispatch(call: &Call) -> Response {
    let handler: fn(&State, &Call) -> Result<Value, ApiError> = match call.op {
        "ListUsers" => list_users,
        "DescribeUser" => describe_user,
        "ListGroups" => list_groups,
        "DescribeGroup" => describe_group,
        "ListGroupMemberships" => list_group_memberships,
        "ListGroupMembershipsForMember" => list_memberships_for_member,
        "GetUserId" => get_user_id,
        "GetGroupId" => get_group_id,
        "IsMemberInGroups" => is_member_in_groups,
        other => {
            return ApiError::new(
                400,
                "UnknownOperationException",
                format!("Unknown operation AWSIdentityStore.{other}"),
            )
            .into_response();
        }
    };
    let guard = Guard {
        protocol: Protocol::AwsJson11,
        event_source: "identitystore.amazonaws.com",
        action_prefix: "identitystore",
        // Authorization happens inside so that its AccessDeniedException carries RequestId.
        power: Power::Any,
        read_only: true,
    };
    call.run(guard, |st, who| {
        let action = format!("identitystore:{}", call.op);
        authorize(st, who, Power::DirectoryRead, &action)
            .and_then(|()| store(st, call))
            .and_then(|()| handler(st, call))
            .map_err(|e| e.with("RequestId", uuid::Uuid::new_v4().to_string()))
    })
}

fn not_found(kind: &str, id: &str, message: String) -> ApiError {
    ApiError::not_found(message)
        .with("ResourceType", kind)
        .with("ResourceId", id)
}

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::validation(message)
}

/// Check `IdentityStoreId` (bare id or ARN) names this store.
fn store(st: &State, call: &Call) -> Result<(), ApiError> {
    let given = call.required_str("IdentityStoreId")?;
    let id = match given.strip_prefix("arn:aws:identitystore::") {
        Some(rest) => rest
            .split_once(":identitystore/")
            .map(|(_, id)| id)
            .unwrap_or_default(),
        None => given,
    };
    let well_formed =
        (id.len() == 12 && id.starts_with("d-") && id[2..].chars().all(|c| c.is_ascii_hexdigit()))
            || uuid::Uuid::parse_str(id).is_ok();
    if !well_formed || given.len() > 93 {
        return Err(validation(format!(
            "1 validation error detected: Value '{given}' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^((arn:aws:identitystore::\\d{{12}}:identitystore/)?d-[0-9a-f]{{10}}|[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}})$"
        )));
    }
    if id != st.org.instance.identity_store_id {
        return Err(not_found(
            "IDENTITY_STORE",
            id,
            format!("Identity store {id} does not exist"),
        ));
    }
    Ok(())
}

/// A resource id given bare or as `arn:aws:identitystore:::<kind>/<id>`; malformed → validation.
fn resource_id<'a>(value: &'a str, member: &str, kind: &str) -> Result<&'a str, ApiError> {
    let id = value
        .strip_prefix(&format!("arn:aws:identitystore:::{kind}/"))
        .unwrap_or(value);
    let uuid = match id.split_once('-') {
        Some((p, rest)) if p.len() == 10 && p.chars().all(|c| c.is_ascii_hexdigit()) => rest,
        _ => id,
    };
    if uuid::Uuid::parse_str(uuid).is_ok() && uuid.len() == 36 {
        Ok(id)
    } else {
        Err(validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([0-9a-f]{{10}}-|)[A-Fa-f0-9]{{8}}-[A-Fa-f0-9]{{4}}-[A-Fa-f0-9]{{4}}-[A-Fa-f0-9]{{4}}-[A-Fa-f0-9]{{12}}$"
        )))
    }
}

fn user_index(st: &State, value: &str, member: &str) -> Result<usize, ApiError> {
    let id = resource_id(value, member, "user")?;
    st.idx
        .user_by_id
        .get(id)
        .copied()
        .ok_or_else(|| not_found("USER", id, format!("User with id {id} does not exist")))
}

fn group_index(st: &State, value: &str, member: &str) -> Result<usize, ApiError> {
    let id = resource_id(value, member, "group")?;
    st.idx
        .group_by_id
        .get(id)
        .copied()
        .ok_or_else(|| not_found("GROUP", id, format!("Group with id {id} does not exist")))
}

/// The user id named by a `MemberId` union (`{"UserId": …}`).
fn member_user(st: &State, call: &Call) -> Result<usize, ApiError> {
    let m = call.input.get("MemberId").ok_or_else(|| {
        validation("1 validation error detected: Value null at 'memberId' failed to satisfy constraint: Member must not be null")
    })?;
    let uid = m
        .get("UserId")
        .and_then(Value::as_str)
        .ok_or_else(|| validation("MemberId must name a UserId"))?;
    user_index(st, uid, "memberId.userId")
}

/// Requested extensions: only the enterprise extension exists.
fn extensions(call: &Call) -> Result<bool, ApiError> {
    match call.input.get("Extensions") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Array(names)) => {
            for n in names {
                if n.as_str() != Some(ENTERPRISE) {
                    return Err(validation(format!(
                        "Extension {n} is not supported; the only extension is {ENTERPRISE}"
                    )));
                }
            }
            Ok(!names.is_empty())
        }
        Some(_) => Err(validation("Extensions must be a list of extension names")),
    }
}

fn seed_time(st: &State) -> Value {
    parse_time(&st.org.instance.created)
        .map(epoch_s)
        .unwrap_or(json!(0))
}

fn user_json(st: &State, i: usize, with_enterprise: bool) -> Value {
    let u = &st.org.users[i];
    let created_by = if u.external_id.is_some() {
        "SCIM".to_string()
    } else {
        format!("arn:aws:iam::{}:root", st.org.instance.owner_account_id)
    };
    let mut out = json!({
        "IdentityStoreId": st.org.instance.identity_store_id,
        "UserId": u.id,
        "UserArn": format!("arn:aws:identitystore:::user/{}", u.id),
        "Revision": "1",
        "UserName": u.user_name,
        "Name": {
            "Formatted": format!("{} {}", u.given_name, u.family_name),
            "FamilyName": u.family_name,
            "GivenName": u.given_name,
        },
        "DisplayName": u.display_name,
        "Emails": [{"Value": u.email, "Type": "work", "Primary": true}],
        "UserStatus": u.status,
        "CreatedAt": seed_time(st),
        "CreatedBy": created_by,
        "UpdatedAt": seed_time(st),
        "UpdatedBy": created_by,
    });
    if let Some(x) = &u.external_id {
        out["ExternalIds"] = json!([{"Issuer": x.issuer, "Id": x.id}]);
    }
    if let Some(t) = &u.title {
        out["Title"] = json!(t);
    }
    if with_enterprise {
        let mut ext = json!({});
        if let Some(d) = &u.department {
            ext["department"] = json!(d);
        }
        out["Extensions"] = json!({ ENTERPRISE: ext });
    }
    out
}

fn group_json(st: &State, g: usize) -> Value {
    let grp = &st.org.groups[g];
    let mut out = json!({
        "IdentityStoreId": st.org.instance.identity_store_id,
        "GroupId": grp.id,
        "GroupArn": format!("arn:aws:identitystore:::group/{}", grp.id),
        "Revision": "1",
        "DisplayName": grp.display_name,
        "CreatedAt": seed_time(st),
        "UpdatedAt": seed_time(st),
    });
    if let Some(d) = &grp.description {
        out["Description"] = json!(d);
    }
    out
}

fn membership_json(st: &State, g: usize, u: usize) -> Value {
    let mid = st
        .idx
        .membership_id
        .get(&(g, u))
        .cloned()
        .unwrap_or_default();
    json!({
        "IdentityStoreId": st.org.instance.identity_store_id,
        "MembershipId": mid,
        "MembershipArn": format!("arn:aws:identitystore:::membership/{mid}"),
        "GroupId": st.org.groups[g].id,
        "MemberId": {"UserId": st.org.users[u].id},
        "CreatedAt": seed_time(st),
        "UpdatedAt": seed_time(st),
    })
}

/// The one deprecated `Filters` entry, if any, on the allowed attribute.
fn filter<'a>(call: &'a Call, allowed: &str) -> Result<Option<&'a str>, ApiError> {
    let Some(Value::Array(filters)) = call.input.get("Filters") else {
        return Ok(None);
    };
    match filters.as_slice() {
        [] => Ok(None),
        [f] => {
            let path = f
                .get("AttributePath")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let value = f.get("AttributeValue").and_then(Value::as_str);
            if !path.eq_ignore_ascii_case(allowed) {
                return Err(validation(format!(
                    "Filtering on attribute path {path:?} is not supported; use {allowed}"
                )));
            }
            value
                .map(Some)
                .ok_or_else(|| validation("Filters[0].AttributeValue must be a string"))
        }
        _ => Err(validation(
            "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 1",
        )),
    }
}

/// Page `items` (already in the emulator's order) for this call.
fn page(
    st: &State,
    call: &Call,
    mut items: Vec<Value>,
    key: &str,
    fingerprint: &str,
) -> Result<Value, ApiError> {
    let asked = call.max_results("MaxResults", 100)?;
    st.arrange(&mut items);
    let size = st.page_size(asked, 100);
    let p = paginate(
        &items,
        call.optional_str("NextToken"),
        size,
        fingerprint,
        TokenStyle::UrlSafe,
    )
    .map_err(|_| validation("The NextToken is not valid for this request"))?;
    let mut out = json!({ key: p.items });
    if let Some(n) = p.next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}

fn list_users(st: &State, call: &Call) -> Result<Value, ApiError> {
    let ext = extensions(call)?;
    let name = filter(call, "UserName")?;
    let items: Vec<Value> = (0..st.org.users.len())
        .filter(|&i| name.is_none_or(|n| st.org.users[i].user_name == n))
        .map(|i| user_json(st, i, ext))
        .collect();
    page(
        st,
        call,
        items,
        "Users",
        &format!("ListUsers|{name:?}|{ext}"),
    )
}

fn describe_user(st: &State, call: &Call) -> Result<Value, ApiError> {
    let ext = extensions(call)?;
    let i = user_index(st, call.required_str("UserId")?, "userId")?;
    Ok(user_json(st, i, ext))
}

fn list_groups(st: &State, call: &Call) -> Result<Value, ApiError> {
    let name = filter(call, "DisplayName")?;
    let items: Vec<Value> = (0..st.org.groups.len())
        .filter(|&g| name.is_none_or(|n| st.org.groups[g].display_name == n))
        .map(|g| group_json(st, g))
        .collect();
    page(st, call, items, "Groups", &format!("ListGroups|{name:?}"))
}

fn describe_group(st: &State, call: &Call) -> Result<Value, ApiError> {
    let g = group_index(st, call.required_str("GroupId")?, "groupId")?;
    Ok(group_json(st, g))
}

fn list_group_memberships(st: &State, call: &Call) -> Result<Value, ApiError> {
    let g = group_index(st, call.required_str("GroupId")?, "groupId")?;
    let items: Vec<Value> = st.idx.group_members[g]
        .iter()
        .map(|&u| membership_json(st, g, u))
        .collect();
    page(
        st,
        call,
        items,
        "GroupMemberships",
        &format!("ListGroupMemberships|{g}"),
    )
}

fn list_memberships_for_member(st: &State, call: &Call) -> Result<Value, ApiError> {
    let u = member_user(st, call)?;
    let items: Vec<Value> = st.idx.user_groups[u]
        .iter()
        .map(|&g| membership_json(st, g, u))
        .collect();
    page(
        st,
        call,
        items,
        "GroupMemberships",
        &format!("ListGroupMembershipsForMember|{u}"),
    )
}

/// What an `AlternateIdentifier` union asks for.
enum Alternate<'a> {
    External { issuer: &'a str, id: &'a str },
    Unique { path: &'a str, value: &'a Value },
}

fn alternate<'a>(call: &'a Call) -> Result<Alternate<'a>, ApiError> {
    let alt = call.input.get("AlternateIdentifier").ok_or_else(|| {
        validation("1 validation error detected: Value null at 'alternateIdentifier' failed to satisfy constraint: Member must not be null")
    })?;
    if let Some(x) = alt.get("ExternalId") {
        let issuer = x.get("Issuer").and_then(Value::as_str);
        let id = x.get("Id").and_then(Value::as_str);
        return match (issuer, id) {
            (Some(issuer), Some(id)) => Ok(Alternate::External { issuer, id }),
            _ => Err(validation("ExternalId needs Issuer and Id")),
        };
    }
    if let Some(u) = alt.get("UniqueAttribute") {
        let path = u.get("AttributePath").and_then(Value::as_str);
        let value = u.get("AttributeValue");
        return match (path, value) {
            (Some(path), Some(value)) => Ok(Alternate::Unique { path, value }),
            _ => Err(validation(
                "UniqueAttribute needs AttributePath and AttributeValue",
            )),
        };
    }
    Err(validation(
        "AlternateIdentifier must set ExternalId or UniqueAttribute",
    ))
}

fn get_user_id(st: &State, call: &Call) -> Result<Value, ApiError> {
    let found = match alternate(call)? {
        Alternate::External { issuer, id } => st.org.users.iter().position(|u| {
            u.external_id
                .as_ref()
                .is_some_and(|x| x.issuer == issuer && x.id == id)
        }),
        Alternate::Unique { path, value } => {
            let v = value.as_str().unwrap_or_default();
            if path.eq_ignore_ascii_case("UserName") {
                st.idx.user_by_name.get(v).copied()
            } else if path.eq_ignore_ascii_case("Emails.Value") {
                st.org
                    .users
                    .iter()
                    .position(|u| u.email.eq_ignore_ascii_case(v))
            } else {
                return Err(validation(format!(
                    "AttributePath {path:?} is not a unique attribute of users; use UserName or Emails.Value"
                )));
            }
        }
    };
    let i = found.ok_or_else(|| {
        not_found(
            "USER",
            "",
            "No user matches the alternate identifier".into(),
        )
    })?;
    let u = &st.org.users[i];
    Ok(json!({
        "IdentityStoreId": st.org.instance.identity_store_id,
        "UserId": u.id,
        "UserArn": format!("arn:aws:identitystore:::user/{}", u.id),
    }))
}

fn get_group_id(st: &State, call: &Call) -> Result<Value, ApiError> {
    let found = match alternate(call)? {
        // Seed groups are not synchronised from an external directory.
        Alternate::External { .. } => None,
        Alternate::Unique { path, value } => {
            if !path.eq_ignore_ascii_case("DisplayName") {
                return Err(validation(format!(
                    "AttributePath {path:?} is not a unique attribute of groups; use DisplayName"
                )));
            }
            st.idx
                .group_by_name
                .get(value.as_str().unwrap_or_default())
                .copied()
        }
    };
    let g = found.ok_or_else(|| {
        not_found(
            "GROUP",
            "",
            "No group matches the alternate identifier".into(),
        )
    })?;
    let grp = &st.org.groups[g];
    Ok(json!({
        "IdentityStoreId": st.org.instance.identity_store_id,
        "GroupId": grp.id,
        "GroupArn": format!("arn:aws:identitystore:::group/{}", grp.id),
    }))
}

fn is_member_in_groups(st: &State, call: &Call) -> Result<Value, ApiError> {
    let u = member_user(st, call)?;
    let ids = match call.input.get("GroupIds") {
        Some(Value::Array(ids)) if (1..=100).contains(&ids.len()) => ids,
        _ => {
            return Err(validation(
                "1 validation error detected: Value at 'groupIds' failed to satisfy constraint: Member must have length between 1 and 100",
            ));
        }
    };
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.as_str().unwrap_or_default();
        let g = group_index(st, id, "groupIds")?;
        results.push(json!({
            "GroupId": st.org.groups[g].id,
            "MemberId": {"UserId": st.org.users[u].id},
            "MembershipExists": st.idx.user_groups[u].contains(&g),
        }));
    }
    Ok(json!({ "Results": results }))
}
