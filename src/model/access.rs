//! Effective access: who can reach what, and through which path. A grant to a group reaches
//! each of its members; a person can hold the same permission set in an account both
//! directly and through several groups, and every path is kept (user → group → permission set
//! → account). Works in both directions (a person's access, an account's people) on a full
//! or a targeted [`Inventory`]. Grants to groups whose members could not be read are returned
//! apart, so an unreadable directory never looks like "nobody has access".
//!
//! The access window of a grant is how long a person can keep using it after losing it: the
//! access-portal session (8 hours by default; the API does not expose it, so it is
//! configurable) plus the permission set's session duration — 8 h + 1 h = a 9-hour window
//! even after they leave the group, and longer if they signed in just before.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::inventory::{AccountGrant, AppGrant, Inventory, PrincipalKind};

/// The access portal's default session duration.
pub const DEFAULT_PORTAL_SESSION: Duration = Duration::from_secs(8 * 3600);

/// A permission set's session duration when the service leaves it unset.
pub const DEFAULT_SET_SESSION: &str = "PT1H";

/// How a person holds a grant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// Assigned to the person.
    Direct,
    /// Assigned to a group they belong to (group id).
    Group(String),
}

/// A person's grant of one permission set in one account, with every path to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EffectiveGrant {
    /// The person (user id).
    pub user_id: String,
    /// Account id.
    pub account_id: String,
    /// Permission set ARN.
    pub permission_set_arn: String,
    /// Paths, direct first, then groups by id.
    pub via: Vec<Via>,
}

/// A person's access to one application, with every path to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EffectiveAppGrant {
    /// The person (user id).
    pub user_id: String,
    /// Application ARN.
    pub application_arn: String,
    /// Paths.
    pub via: Vec<Via>,
}

/// Effective account access, plus grants that could not be expanded to people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountAccess {
    /// Grants per person.
    pub grants: Vec<EffectiveGrant>,
    /// Grants to groups whose members are unknown.
    pub unexpanded: Vec<AccountGrant>,
}

/// Effective application access, plus grants that could not be expanded to people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppAccess {
    /// Grants per person.
    pub grants: Vec<EffectiveAppGrant>,
    /// Grants to groups whose members are unknown.
    pub unexpanded: Vec<AppGrant>,
}

/// Which grants to compute: any combination of one person, one account, one permission set.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    /// Only this user id.
    pub user: Option<&'a str>,
    /// Only this account id.
    pub account: Option<&'a str>,
    /// Only this permission set ARN.
    pub permission_set: Option<&'a str>,
}

/// Paths per (user, target).
type Paths<T> = BTreeMap<(String, T), BTreeSet<Via>>;

/// Expand principal grants on `target`s to people. Returns (user, target) → paths, and the
/// group grants (target, group id) whose members are unknown.
fn expand<'a, T: Ord + Clone + 'a>(
    inv: &Inventory,
    grants: impl Iterator<Item = (T, PrincipalKind, &'a str)>,
    user: Option<&str>,
) -> (Paths<T>, Vec<(T, String)>) {
    let mut out: BTreeMap<(String, T), BTreeSet<Via>> = BTreeMap::new();
    let mut unexpanded = Vec::new();
    for (target, kind, principal) in grants {
        match kind {
            PrincipalKind::User => {
                if user.is_none_or(|u| u == principal) {
                    out.entry((principal.to_string(), target))
                        .or_default()
                        .insert(Via::Direct);
                }
            }
            PrincipalKind::Group => match inv.members.get(principal) {
                Some(members) => {
                    for m in members.iter().filter(|m| user.is_none_or(|u| u == *m)) {
                        out.entry((m.clone(), target.clone()))
                            .or_default()
                            .insert(Via::Group(principal.to_string()));
                    }
                }
                None => unexpanded.push((target, principal.to_string())),
            },
        }
    }
    (out, unexpanded)
}

/// Effective account access matching `q`, sorted by person, account, permission set.
pub fn account_access(inv: &Inventory, q: Query<'_>) -> AccountAccess {
    let matching = inv.assignments.iter().filter(|a| {
        q.account.is_none_or(|x| x == a.account_id)
            && q.permission_set.is_none_or(|x| x == a.permission_set_arn)
    });
    let (map, unexpanded) = expand(
        inv,
        matching.map(|a| {
            (
                (a.account_id.clone(), a.permission_set_arn.clone()),
                a.principal_kind,
                a.principal_id.as_str(),
            )
        }),
        q.user,
    );
    AccountAccess {
        grants: map
            .into_iter()
            .map(
                |((user_id, (account_id, permission_set_arn)), via)| EffectiveGrant {
                    user_id,
                    account_id,
                    permission_set_arn,
                    via: via.into_iter().collect(),
                },
            )
            .collect(),
        unexpanded: unexpanded
            .into_iter()
            .map(
                |((account_id, permission_set_arn), principal_id)| AccountGrant {
                    account_id,
                    permission_set_arn,
                    principal_kind: PrincipalKind::Group,
                    principal_id,
                },
            )
            .collect(),
    }
}

/// Effective application access for one person and/or one application.
pub fn app_access(inv: &Inventory, user: Option<&str>, application: Option<&str>) -> AppAccess {
    let matching = inv
        .app_assignments
        .iter()
        .filter(|a| application.is_none_or(|x| x == a.application_arn));
    let (map, unexpanded) = expand(
        inv,
        matching.map(|a| {
            (
                a.application_arn.clone(),
                a.principal_kind,
                a.principal_id.as_str(),
            )
        }),
        user,
    );
    AppAccess {
        grants: map
            .into_iter()
            .map(|((user_id, application_arn), via)| EffectiveAppGrant {
                user_id,
                application_arn,
                via: via.into_iter().collect(),
            })
            .collect(),
        unexpanded: unexpanded
            .into_iter()
            .map(|(application_arn, principal_id)| AppGrant {
                application_arn,
                principal_kind: PrincipalKind::Group,
                principal_id,
            })
            .collect(),
    }
}

/// Parse an ISO-8601 duration as the service writes them (`PT1H`, `PT1H30M`, `P1DT2H`).
/// Anything else is `None`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let rest = s.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    if days.is_empty() && time.is_empty() {
        return None;
    }
    let mut secs: u64 = 0;
    let mut take = |part: &str, units: &[(char, u64)]| -> Option<()> {
        let mut num = String::new();
        let mut allowed = units.iter();
        for c in part.chars() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let (_, mult) = allowed.by_ref().find(|(u, _)| *u == c)?;
            let n: u64 = num.parse().ok()?;
            secs = secs.checked_add(n.checked_mul(*mult)?)?;
            num.clear();
        }
        num.is_empty().then_some(())
    };
    take(days, &[('D', 86_400)])?;
    take(time, &[('H', 3600), ('M', 60), ('S', 1)])?;
    Some(Duration::from_secs(secs))
}

/// A permission set's session duration (the service default when unset); `None` when the
/// value cannot be read.
pub fn session_duration(iso: Option<&str>) -> Option<Duration> {
    parse_duration(iso.unwrap_or(DEFAULT_SET_SESSION))
}

/// The access window of a grant: portal session + permission-set session.
pub fn access_window(iso: Option<&str>, portal: Duration) -> Option<Duration> {
    session_duration(iso).map(|d| d + portal)
}

/// A duration in hours and minutes (`10h`, `1h30m`, `45m`).
pub fn format_hours(d: Duration) -> String {
    let mins = d.as_secs() / 60;
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// The `via` list as the CLI prints it: `direct` and/or `group:DISPLAYNAME` (a group whose
/// name is unknown shows its id, marked `(unverified)`).
pub fn via_labels(inv: &Inventory, via: &[Via]) -> Vec<String> {
    via.iter()
        .map(|v| match v {
            Via::Direct => "direct".to_string(),
            Via::Group(id) => format!("group:{}", inv.group_label(id).display()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::{InstanceInfo, Scope};
    use time::OffsetDateTime;

    fn grant(acct: &str, ps: &str, kind: PrincipalKind, id: &str) -> AccountGrant {
        AccountGrant {
            account_id: acct.into(),
            permission_set_arn: ps.into(),
            principal_kind: kind,
            principal_id: id.into(),
        }
    }

    fn inv() -> Inventory {
        let mut inv = Inventory::new(
            InstanceInfo::default(),
            Scope::Full,
            OffsetDateTime::UNIX_EPOCH,
        );
        inv.members.insert(
            "devs".into(),
            ["ana", "bo"].iter().map(|s| s.to_string()).collect(),
        );
        inv.members.insert(
            "ops".into(),
            ["ana"].iter().map(|s| s.to_string()).collect(),
        );
        inv.assignments.extend([
            grant("111", "ps-dev", PrincipalKind::Group, "devs"),
            grant("111", "ps-dev", PrincipalKind::Group, "ops"),
            grant("111", "ps-dev", PrincipalKind::User, "ana"),
            grant("222", "ps-ro", PrincipalKind::User, "bo"),
            grant("333", "ps-admin", PrincipalKind::Group, "unknown-members"),
        ]);
        inv
    }

    #[test]
    fn every_path_to_a_grant_is_kept() {
        let a = account_access(&inv(), Query::default());
        let ana: Vec<_> = a.grants.iter().filter(|g| g.user_id == "ana").collect();
        assert_eq!(ana.len(), 1);
        assert_eq!(
            ana[0].via,
            vec![
                Via::Direct,
                Via::Group("devs".into()),
                Via::Group("ops".into())
            ]
        );
        assert_eq!(a.grants.len(), 3, "ana@111, bo@111, bo@222");
        assert_eq!(
            a.unexpanded.len(),
            1,
            "unknown members are reported, not dropped"
        );
    }

    #[test]
    fn both_directions_and_permission_set_filter() {
        let inv = inv();
        let bo = account_access(
            &inv,
            Query {
                user: Some("bo"),
                ..Default::default()
            },
        );
        let accts: Vec<_> = bo.grants.iter().map(|g| g.account_id.as_str()).collect();
        assert_eq!(accts, vec!["111", "222"]);
        let who = account_access(
            &inv,
            Query {
                account: Some("111"),
                permission_set: Some("ps-dev"),
                ..Default::default()
            },
        );
        let users: Vec<_> = who.grants.iter().map(|g| g.user_id.as_str()).collect();
        assert_eq!(users, vec!["ana", "bo"]);
        let none = account_access(
            &inv,
            Query {
                account: Some("111"),
                permission_set: Some("ps-ro"),
                ..Default::default()
            },
        );
        assert!(none.grants.is_empty() && none.unexpanded.is_empty());
    }

    #[test]
    fn application_access_expands_groups_too() {
        let mut inv = inv();
        inv.app_assignments.insert(AppGrant {
            application_arn: "app".into(),
            principal_kind: PrincipalKind::Group,
            principal_id: "devs".into(),
        });
        let a = app_access(&inv, None, Some("app"));
        assert_eq!(a.grants.len(), 2);
        assert_eq!(a.grants[0].via, vec![Via::Group("devs".into())]);
    }

    #[test]
    fn durations_parse_and_windows_add_the_portal_session() {
        assert_eq!(parse_duration("PT1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("PT1H30M"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("P1DT2H"), Some(Duration::from_secs(93_600)));
        assert_eq!(parse_duration("PT"), None);
        assert_eq!(parse_duration("1H"), None);
        assert_eq!(parse_duration("PT1X"), None);
        assert_eq!(parse_duration("PTH"), None);
        assert_eq!(parse_duration("P"), None);
        // The seed's example: one hour in the group + 8 h portal + 1 h permission set is a
        // 10-hour window; what outlives the membership is 8 h + 1 h.
        let w = access_window(Some("PT1H"), DEFAULT_PORTAL_SESSION).unwrap();
        assert_eq!(format_hours(w), "9h");
        assert_eq!(
            format_hours(access_window(None, Duration::from_secs(900)).unwrap()),
            "1h15m"
        );
        assert_eq!(access_window(Some("forever"), DEFAULT_PORTAL_SESSION), None);
        assert_eq!(format_hours(Duration::from_secs(45 * 60)), "45m");
    }
}
