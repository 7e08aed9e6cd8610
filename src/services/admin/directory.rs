//! The directory (Identity Store): users and groups listed in pages of 100, memberships read
//! only for the groups that matter, people found by user name, email or id, and names
//! resolved for a set of ids with whichever costs fewer calls (one DescribeUser each, or
//! ListUsers pages until all are seen).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute};
use aws_smithy_types::Document;

use super::{Admin, sdk};
use crate::model::inventory::{GroupInfo, UserInfo};
use crate::services::{ErrorKind, ServiceError};

/// Up to this many ids are resolved one DescribeUser each; more, by listing.
pub const DESCRIBE_LIMIT: usize = 25;

fn user(u: &aws_sdk_identitystore::types::User) -> UserInfo {
    UserInfo {
        id: u.user_id().to_string(),
        user_name: u.user_name().unwrap_or(u.user_id()).to_string(),
        display_name: u.display_name().map(str::to_string),
        email: u
            .emails()
            .iter()
            .find(|e| e.primary())
            .or_else(|| u.emails().first())
            .and_then(|e| e.value())
            .map(str::to_string),
    }
}

fn group(g: &aws_sdk_identitystore::types::Group) -> GroupInfo {
    GroupInfo {
        id: g.group_id().to_string(),
        display_name: g.display_name().unwrap_or(g.group_id()).to_string(),
        description: g.description().map(str::to_string),
    }
}

/// Every user, by id.
pub async fn list_users(
    admin: &Admin,
    store: &str,
) -> Result<BTreeMap<String, UserInfo>, ServiceError> {
    let ids = &admin.ids;
    let all = admin
        .collect(|next| async move {
            let page = ids
                .list_users()
                .identity_store_id(store)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListUsers"))?;
            Ok((
                page.users().iter().map(user).collect::<Vec<_>>(),
                page.next_token().map(str::to_string),
            ))
        })
        .await?;
    Ok(all.into_iter().map(|u| (u.id.clone(), u)).collect())
}

/// Every group, by id.
pub async fn list_groups(
    admin: &Admin,
    store: &str,
) -> Result<BTreeMap<String, GroupInfo>, ServiceError> {
    let ids = &admin.ids;
    let all = admin
        .collect(|next| async move {
            let page = ids
                .list_groups()
                .identity_store_id(store)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListGroups"))?;
            Ok((
                page.groups().iter().map(group).collect::<Vec<_>>(),
                page.next_token().map(str::to_string),
            ))
        })
        .await?;
    Ok(all.into_iter().map(|g| (g.id.clone(), g)).collect())
}

/// The user ids in one group.
pub async fn members(
    admin: &Admin,
    store: &str,
    group_id: &str,
) -> Result<BTreeSet<String>, ServiceError> {
    let ids = &admin.ids;
    let all = admin
        .collect(|next| async move {
            let page = ids
                .list_group_memberships()
                .identity_store_id(store)
                .group_id(group_id)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListGroupMemberships"))?;
            let users: Vec<String> = page
                .group_memberships()
                .iter()
                .filter_map(|m| m.member_id()?.as_user_id().ok().cloned())
                .collect();
            Ok((users, page.next_token().map(str::to_string)))
        })
        .await?;
    Ok(all.into_iter().collect())
}

/// Members of each of `groups`, by group id.
pub async fn members_of(
    admin: &Admin,
    store: &str,
    groups: Vec<String>,
) -> Result<BTreeMap<String, BTreeSet<String>>, ServiceError> {
    let found = admin
        .each("group memberships", groups, |g| async move {
            let m = members(admin, store, &g).await?;
            Ok((g, m))
        })
        .await?;
    Ok(found.into_iter().collect())
}

/// The groups a user belongs to.
pub async fn groups_of(
    admin: &Admin,
    store: &str,
    user_id: &str,
) -> Result<Vec<String>, ServiceError> {
    let ids = &admin.ids;
    admin
        .collect(|next| async move {
            let page = ids
                .list_group_memberships_for_member()
                .identity_store_id(store)
                .member_id(MemberId::UserId(user_id.to_string()))
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListGroupMembershipsForMember"))?;
            let groups: Vec<String> = page
                .group_memberships()
                .iter()
                .filter_map(|m| m.group_id().map(str::to_string))
                .collect();
            Ok((groups, page.next_token().map(str::to_string)))
        })
        .await
}

/// One user; `None` when there is no such user.
pub async fn describe_user(
    admin: &Admin,
    store: &str,
    id: &str,
) -> Result<Option<UserInfo>, ServiceError> {
    let r = admin
        .call(|| async {
            admin
                .ids
                .describe_user()
                .identity_store_id(store)
                .user_id(id)
                .send()
                .await
                .map_err(sdk("DescribeUser"))
        })
        .await;
    match r {
        Ok(u) => Ok(Some(UserInfo {
            id: u.user_id().to_string(),
            user_name: u.user_name().unwrap_or(id).to_string(),
            display_name: u.display_name().map(str::to_string),
            email: u
                .emails()
                .first()
                .and_then(|e| e.value())
                .map(str::to_string),
        })),
        Err(e) if e.kind == ErrorKind::NotFound || e.kind == ErrorKind::Invalid => Ok(None),
        Err(e) => Err(e),
    }
}

/// One group; `None` when there is no such group.
pub async fn describe_group(
    admin: &Admin,
    store: &str,
    id: &str,
) -> Result<Option<GroupInfo>, ServiceError> {
    let r = admin
        .call(|| async {
            admin
                .ids
                .describe_group()
                .identity_store_id(store)
                .group_id(id)
                .send()
                .await
                .map_err(sdk("DescribeGroup"))
        })
        .await;
    match r {
        Ok(g) => Ok(Some(GroupInfo {
            id: g.group_id().to_string(),
            display_name: g.display_name().unwrap_or(id).to_string(),
            description: g.description().map(str::to_string),
        })),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Groups by id, one DescribeGroup each (unknown ids are left out).
pub async fn describe_groups(
    admin: &Admin,
    store: &str,
    ids: Vec<String>,
) -> Result<BTreeMap<String, GroupInfo>, ServiceError> {
    let found = admin
        .each("groups", ids, |g| async move {
            describe_group(admin, store, &g).await
        })
        .await?;
    Ok(found
        .into_iter()
        .flatten()
        .map(|g| (g.id.clone(), g))
        .collect())
}

/// Users by id with the fewest calls: one DescribeUser each for a few, otherwise ListUsers
/// pages until every id has been seen. Unknown ids are left out.
pub async fn resolve_users(
    admin: &Admin,
    store: &str,
    wanted: BTreeSet<String>,
) -> Result<BTreeMap<String, UserInfo>, ServiceError> {
    if wanted.len() <= DESCRIBE_LIMIT {
        let found = admin
            .each("users", wanted.into_iter().collect(), |u| async move {
                describe_user(admin, store, &u).await
            })
            .await?;
        return Ok(found
            .into_iter()
            .flatten()
            .map(|u| (u.id.clone(), u))
            .collect());
    }
    let mut out = BTreeMap::new();
    let mut missing = wanted;
    let mut next: Option<String> = None;
    loop {
        let page = admin
            .call(|| async {
                admin
                    .ids
                    .list_users()
                    .identity_store_id(store)
                    .max_results(100)
                    .set_next_token(next.clone())
                    .send()
                    .await
                    .map_err(sdk("ListUsers"))
            })
            .await?;
        for u in page.users().iter().map(user) {
            if missing.remove(&u.id) {
                out.insert(u.id.clone(), u);
            }
        }
        next = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if missing.is_empty() || next.is_none() {
            return Ok(out);
        }
    }
}

/// Whether text has the shape of an identity-store id (optional 10-hex prefix + UUID).
pub fn looks_like_id(s: &str) -> bool {
    let uuid = match s.split_once('-') {
        Some((p, rest)) if p.len() == 10 && p.chars().all(|c| c.is_ascii_hexdigit()) => rest,
        _ => s,
    };
    uuid.len() == 36 && uuid::Uuid::parse_str(uuid).is_ok()
}

async fn user_id_by(
    admin: &Admin,
    store: &str,
    path: &str,
    value: &str,
) -> Result<Option<String>, ServiceError> {
    let attr = UniqueAttribute::builder()
        .attribute_path(path)
        .attribute_value(Document::String(value.to_string()))
        .build()
        .map_err(|e| ServiceError::new("GetUserId", ErrorKind::Invalid, e.to_string()))?;
    let r = admin
        .call(|| async {
            admin
                .ids
                .get_user_id()
                .identity_store_id(store)
                .alternate_identifier(AlternateIdentifier::UniqueAttribute(attr.clone()))
                .send()
                .await
                .map_err(sdk("GetUserId"))
        })
        .await;
    match r {
        Ok(o) => Ok(Some(o.user_id().to_string())),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A person by user name, email or user id; `None` when nobody matches.
pub async fn find_user(
    admin: &Admin,
    store: &str,
    query: &str,
) -> Result<Option<UserInfo>, ServiceError> {
    if looks_like_id(query)
        && let Some(u) = describe_user(admin, store, query).await?
    {
        return Ok(Some(u));
    }
    let mut id = user_id_by(admin, store, "UserName", query).await?;
    if id.is_none() && query.contains('@') {
        id = user_id_by(admin, store, "Emails.Value", query).await?;
    }
    match id {
        Some(id) => describe_user(admin, store, &id).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_told_from_names() {
        assert!(looks_like_id(
            "9067c3a2b1-4f1e2d3c-aaaa-4bbb-8ccc-0123456789ab"
        ));
        assert!(looks_like_id("4f1e2d3c-aaaa-4bbb-8ccc-0123456789ab"));
        assert!(!looks_like_id("jordan.lee"));
        assert!(!looks_like_id("jordan.lee@acme.example"));
    }
}
