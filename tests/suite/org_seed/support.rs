//! Helpers shared by the seed-organisation tests: reach through groups, id shapes, times.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use centry::emulator::org::{Org, PrincipalKind, PrincipalRef};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub(super) const MANAGEMENT: &str = "381492058412";

/// Managed policies that give Identity Center admin or directory power in the emulator.
pub(super) const IDENTITY_CENTER_POWER: [&str; 7] = [
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/SecurityAudit",
    "arn:aws:iam::aws:policy/AWSSSOReadOnly",
    "arn:aws:iam::aws:policy/AWSSSODirectoryReadOnly",
    "arn:aws:iam::aws:policy/AWSSSOMasterAccountAdministrator",
];

pub(super) fn demo() -> Org {
    Org::demo()
}

/// Seconds in an ISO-8601 `PT…H…M…S` duration.
pub(super) fn duration_secs(text: &str) -> Option<u64> {
    let mut rest = text.strip_prefix("PT")?;
    let mut total = 0;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: u64 = rest[..end].parse().ok()?;
        total += n * match rest[end..].chars().next()? {
            'H' => 3600,
            'M' => 60,
            'S' => 1,
            _ => return None,
        };
        rest = &rest[end + 1..];
    }
    Some(total)
}

pub(super) fn time_of(text: &str) -> OffsetDateTime {
    assert!(text.ends_with('Z'), "not a UTC time: {text}");
    OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{text} is not RFC 3339: {e}"))
}

/// Group display names `user` belongs to.
pub(super) fn groups_of<'a>(org: &'a Org, user: &str) -> HashSet<&'a str> {
    org.groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m == user))
        .map(|g| g.display_name.as_str())
        .collect()
}

/// account → permission sets `user` reaches, directly or through a group.
pub(super) fn reach(org: &Org, user: &str) -> BTreeMap<String, BTreeSet<String>> {
    let groups = groups_of(org, user);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for a in &org.account_assignments {
        let mine = match a.principal_type {
            PrincipalKind::User => a.principal == user,
            PrincipalKind::Group => groups.contains(a.principal.as_str()),
        };
        if mine {
            out.entry(a.account.clone())
                .or_default()
                .insert(a.permission_set.clone());
        }
    }
    out
}

pub(super) fn subscribed(org: &Org, user: &str, who: &[PrincipalRef]) -> bool {
    let groups = groups_of(org, user);
    who.iter().any(|p| match p.principal_type {
        PrincipalKind::User => p.principal == user,
        PrincipalKind::Group => groups.contains(p.principal.as_str()),
    })
}

pub(super) fn is_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok() && text.len() == 36 && text == text.to_lowercase()
}

/// `<uuid>` or `<10 hex>-<uuid>`, as identity-store user and group ids are.
pub(super) fn is_store_id(text: &str) -> bool {
    match text.len() {
        36 => is_uuid(text),
        47 => {
            text[..10]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                && &text[10..11] == "-"
                && is_uuid(&text[11..])
        }
        _ => false,
    }
}

pub(super) fn is_prefixed_hex(text: &str, prefix: &str, len: usize) -> bool {
    text.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == len && rest.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
    })
}

/// Every id in the organisation is unique within its kind and has the AWS shape.
pub(super) fn assert_ids_well_formed(org: &Org) {
    let unique = |what: &str, ids: Vec<&str>| {
        let set: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(set.len(), ids.len(), "duplicate {what}");
    };
    unique(
        "account id",
        org.accounts.iter().map(|a| a.id.as_str()).collect(),
    );
    unique("OU id", org.ous.iter().map(|o| o.id.as_str()).collect());
    unique("user id", org.users.iter().map(|u| u.id.as_str()).collect());
    unique(
        "user name",
        org.users.iter().map(|u| u.user_name.as_str()).collect(),
    );
    unique(
        "group id",
        org.groups.iter().map(|g| g.id.as_str()).collect(),
    );
    unique(
        "group name",
        org.groups.iter().map(|g| g.display_name.as_str()).collect(),
    );
    unique(
        "permission set id",
        org.permission_sets.iter().map(|p| p.id.as_str()).collect(),
    );
    unique(
        "permission set name",
        org.permission_sets
            .iter()
            .map(|p| p.name.as_str())
            .collect(),
    );
    unique(
        "application id",
        org.applications.iter().map(|a| a.id.as_str()).collect(),
    );
    for a in &org.accounts {
        assert!(
            a.id.len() == 12 && a.id.chars().all(|c| c.is_ascii_digit()),
            "account id {}",
            a.id
        );
        assert!(
            a.email.len() <= 64 && a.email.contains('@'),
            "account email {}",
            a.email
        );
    }
    let parents: HashSet<&str> = org
        .ous
        .iter()
        .map(|o| o.id.as_str())
        .chain([org.organization.root_id.as_str()])
        .collect();
    for o in &org.ous {
        let suffix =
            o.id.strip_prefix("ou-7x2k-")
                .unwrap_or_else(|| panic!("OU id {}", o.id));
        assert!(
            suffix.len() == 8
                && suffix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            "{}",
            o.id
        );
        assert!(
            parents.contains(o.parent.as_str()),
            "OU {} has unknown parent",
            o.name
        );
    }
    for a in &org.accounts {
        assert!(
            parents.contains(a.parent.as_str()),
            "account {} has unknown parent",
            a.name
        );
    }
    for u in &org.users {
        assert!(is_store_id(&u.id), "user id {}", u.id);
        assert_eq!(u.email, format!("{}@acme.example", u.user_name));
        assert!(
            matches!(u.status.as_str(), "ENABLED" | "DISABLED"),
            "{}",
            u.status
        );
    }
    for g in &org.groups {
        assert!(is_store_id(&g.id), "group id {}", g.id);
    }
    for p in &org.permission_sets {
        assert!(
            is_prefixed_hex(&p.id, "ps-", 16),
            "permission set id {}",
            p.id
        );
        assert!(
            (1..=32).contains(&p.name.len()),
            "permission set name {}",
            p.name
        );
        assert!(
            duration_secs(&p.session_duration).is_some_and(|s| (3600..=43_200).contains(&s)),
            "{}",
            p.session_duration
        );
    }
    for a in &org.applications {
        assert!(
            is_prefixed_hex(&a.id, "apl-", 16),
            "application id {}",
            a.id
        );
    }
}
