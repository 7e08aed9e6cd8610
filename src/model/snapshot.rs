//! Snapshots of who is assigned what, written so they survive an identity-source change: each
//! grant is keyed by names that a new directory keeps (UserName, group DisplayName, account
//! id, permission set name, application name), with the ids of the day alongside. Two
//! snapshots diff into grants added, removed and changed (same names, different ids — what
//! an identity-source switch does); a snapshot and the current inventory make a restore plan
//! ([`plan`]).

pub mod plan;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::inventory::{Inventory, PrincipalKind};

/// The `format` value of a snapshot file.
pub const FORMAT: &str = "centry-assignments";
/// The current version.
pub const VERSION: u32 = 1;

/// A principal by name, with the id it had.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapPrincipal {
    /// User or group.
    pub kind: PrincipalKind,
    /// UserName or group DisplayName; `None` when the directory had no such principal (an
    /// assignment left behind by a deleted user or group).
    pub name: Option<String>,
    /// The id at the time.
    pub id: String,
}

impl SnapPrincipal {
    /// The key part: the name, or the id when there is no name.
    fn key(&self) -> (PrincipalKind, String) {
        (
            self.kind,
            match &self.name {
                Some(n) => n.clone(),
                None => format!("id:{}", self.id),
            },
        )
    }

    /// For messages: `user ana`, `group Admins`, `user <id> (no name)`.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
        };
        match &self.name {
            Some(n) => format!("{kind} {n}"),
            None => format!("{kind} {} (no name)", self.id),
        }
    }
}

/// One account assignment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapAccountGrant {
    /// Account id.
    pub account_id: String,
    /// Account name, when known (informational).
    #[serde(default)]
    pub account_name: Option<String>,
    /// Permission set name.
    pub permission_set_name: String,
    /// Permission set ARN at the time.
    pub permission_set_arn: String,
    /// Who.
    pub principal: SnapPrincipal,
}

/// The identity of an account grant across identity sources.
pub type GrantKey = (String, String, PrincipalKind, String);

impl SnapAccountGrant {
    /// (account id, permission set name, kind, principal name).
    pub fn key(&self) -> GrantKey {
        let (kind, name) = self.principal.key();
        (
            self.account_id.clone(),
            self.permission_set_name.clone(),
            kind,
            name,
        )
    }

    /// Whether the ids differ from another grant with the same key.
    fn ids_differ(&self, other: &SnapAccountGrant) -> bool {
        self.principal.id != other.principal.id
            || self.permission_set_arn != other.permission_set_arn
    }
}

/// One application assignment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapAppGrant {
    /// Application name.
    pub application_name: String,
    /// Application ARN at the time.
    pub application_arn: String,
    /// Who.
    pub principal: SnapPrincipal,
}

impl SnapAppGrant {
    fn key(&self) -> (String, PrincipalKind, String) {
        let (kind, name) = self.principal.key();
        (self.application_name.clone(), kind, name)
    }
}

/// A snapshot file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// When it was taken.
    #[serde(with = "time::serde::rfc3339")]
    pub taken_at: OffsetDateTime,
    /// The instance it was taken from.
    pub instance_arn: String,
    /// Its identity store then.
    pub identity_store_id: String,
    /// Account assignments, sorted by key.
    pub account_assignments: Vec<SnapAccountGrant>,
    /// Whether application assignments were readable (when not, they are absent rather
    /// than empty).
    pub applications_included: bool,
    /// Application assignments, sorted by key.
    #[serde(default)]
    pub application_assignments: Vec<SnapAppGrant>,
}

/// Why a snapshot cannot be taken or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// A section the snapshot needs could not be read.
    #[error("cannot snapshot without {section}: {problem}")]
    Incomplete {
        /// Which.
        section: &'static str,
        /// Why.
        problem: String,
    },
    /// The file is not a snapshot.
    #[error("not a centry snapshot: {0}")]
    NotASnapshot(String),
    /// A newer version.
    #[error("snapshot version {0} is newer than this centry understands ({VERSION})")]
    TooNew(u32),
}

impl Snapshot {
    /// Take a snapshot of a full inventory. Names are what survive, so the directory, the
    /// permission sets and the assignments must all have been read.
    pub fn from_inventory(inv: &Inventory) -> Result<Snapshot, SnapshotError> {
        for (section, state) in [
            ("account assignments", &inv.sections.assignments),
            ("permission sets", &inv.sections.permission_sets),
            ("users and groups (Identity Store)", &inv.sections.directory),
        ] {
            if let Some(p) = state.problem() {
                return Err(SnapshotError::Incomplete {
                    section,
                    problem: p.to_string(),
                });
            }
        }
        let principal = |kind: PrincipalKind, id: &str| SnapPrincipal {
            kind,
            name: inv.principal_label(kind, id).name().map(str::to_string),
            id: id.to_string(),
        };
        let mut account_assignments: Vec<SnapAccountGrant> = Vec::new();
        for a in &inv.assignments {
            let ps = inv.permission_set_label(&a.permission_set_arn);
            account_assignments.push(SnapAccountGrant {
                account_id: a.account_id.clone(),
                account_name: inv.account_label(&a.account_id).name().map(str::to_string),
                permission_set_name: ps.name().unwrap_or(&a.permission_set_arn).to_string(),
                permission_set_arn: a.permission_set_arn.clone(),
                principal: principal(a.principal_kind, &a.principal_id),
            });
        }
        account_assignments.sort_by_key(|g| g.key());
        let applications_included = inv.sections.applications.is_complete();
        let mut application_assignments: Vec<SnapAppGrant> = Vec::new();
        if applications_included {
            for a in &inv.app_assignments {
                application_assignments.push(SnapAppGrant {
                    application_name: inv
                        .applications
                        .get(&a.application_arn)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| a.application_arn.clone()),
                    application_arn: a.application_arn.clone(),
                    principal: principal(a.principal_kind, &a.principal_id),
                });
            }
            application_assignments.sort_by_key(|g| g.key());
        }
        Ok(Snapshot {
            format: FORMAT.into(),
            version: VERSION,
            taken_at: inv.as_of,
            instance_arn: inv.instance.arn.clone(),
            identity_store_id: inv.instance.identity_store_id.clone(),
            account_assignments,
            applications_included,
            application_assignments,
        })
    }

    /// Read a snapshot from JSON text, checking it is one.
    pub fn parse(text: &str) -> Result<Snapshot, SnapshotError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SnapshotError::NotASnapshot(e.to_string()))?;
        if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(SnapshotError::NotASnapshot(format!(
                "the \"format\" field is not {FORMAT:?}"
            )));
        }
        let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0);
        if version > VERSION as u64 {
            return Err(SnapshotError::TooNew(version as u32));
        }
        serde_json::from_value(v).map_err(|e| SnapshotError::NotASnapshot(e.to_string()))
    }

    /// Pretty JSON for the file.
    pub fn to_json(&self) -> String {
        crate::model::text::json::to_pretty(self).unwrap_or_default()
    }
}

/// A grant present on both sides with the same names but different ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed<T> {
    /// In the older snapshot.
    pub before: T,
    /// In the newer one.
    pub after: T,
}

/// What changed between two snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Account grants only in the newer snapshot.
    pub added: Vec<SnapAccountGrant>,
    /// Account grants only in the older one.
    pub removed: Vec<SnapAccountGrant>,
    /// Account grants in both whose ids changed.
    pub changed: Vec<Changed<SnapAccountGrant>>,
    /// Application grants only in the newer snapshot.
    pub apps_added: Vec<SnapAppGrant>,
    /// Application grants only in the older one.
    pub apps_removed: Vec<SnapAppGrant>,
    /// Application grants whose ids changed.
    pub apps_changed: Vec<Changed<SnapAppGrant>>,
    /// Grants identical on both sides.
    pub unchanged: usize,
    /// Whether application grants were compared (both snapshots include them).
    pub apps_compared: bool,
}

impl Diff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.apps_added.is_empty()
            && self.apps_removed.is_empty()
            && self.apps_changed.is_empty()
    }
}

/// Compare keyed items: (only in a, only in b, changed, unchanged count).
fn compare<T: Clone, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    differ: impl Fn(&T, &T) -> bool,
) -> (Vec<T>, Vec<T>, Vec<Changed<T>>, usize) {
    let left: BTreeMap<K, &T> = a.iter().map(|x| (key(x), x)).collect();
    let right: BTreeMap<K, &T> = b.iter().map(|x| (key(x), x)).collect();
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    let mut same = 0;
    for (k, x) in &left {
        match right.get(k) {
            None => removed.push((*x).clone()),
            Some(y) if differ(x, y) => changed.push(Changed {
                before: (*x).clone(),
                after: (*y).clone(),
            }),
            Some(_) => same += 1,
        }
    }
    let added = right
        .iter()
        .filter(|(k, _)| !left.contains_key(*k))
        .map(|(_, y)| (*y).clone())
        .collect();
    (removed, added, changed, same)
}

/// What changed from `before` to `after`.
pub fn diff(before: &Snapshot, after: &Snapshot) -> Diff {
    let (removed, added, changed, same) = compare(
        &before.account_assignments,
        &after.account_assignments,
        SnapAccountGrant::key,
        SnapAccountGrant::ids_differ,
    );
    let mut d = Diff {
        added,
        removed,
        changed,
        unchanged: same,
        ..Default::default()
    };
    if before.applications_included && after.applications_included {
        let (r, a, c, s) = compare(
            &before.application_assignments,
            &after.application_assignments,
            SnapAppGrant::key,
            |x, y| x.principal.id != y.principal.id || x.application_arn != y.application_arn,
        );
        d.apps_removed = r;
        d.apps_added = a;
        d.apps_changed = c;
        d.unchanged += s;
        d.apps_compared = true;
    }
    d
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::inventory::{
        AccountGrant, GroupInfo, InstanceInfo, PermissionSetInfo, Scope, SectionState, UserInfo,
    };

    /// A small complete inventory: ana (direct ReadOnly in 111), Devs (Dev in 111).
    pub(crate) fn inventory(user_id: &str, group_id: &str) -> Inventory {
        let mut inv = Inventory::new(
            InstanceInfo {
                arn: "arn:aws:sso:::instance/ssoins-1111222233334444".into(),
                identity_store_id: "d-1234567890".into(),
                ..Default::default()
            },
            Scope::Full,
            OffsetDateTime::UNIX_EPOCH,
        );
        for (arn, name) in [("arn:ps/ro", "ReadOnly"), ("arn:ps/dev", "Dev")] {
            inv.permission_sets.insert(
                arn.into(),
                PermissionSetInfo {
                    arn: arn.into(),
                    name: name.into(),
                    ..Default::default()
                },
            );
        }
        inv.users.insert(
            user_id.into(),
            UserInfo {
                id: user_id.into(),
                user_name: "ana".into(),
                ..Default::default()
            },
        );
        inv.groups.insert(
            group_id.into(),
            GroupInfo {
                id: group_id.into(),
                display_name: "Devs".into(),
                ..Default::default()
            },
        );
        inv.assignments.insert(AccountGrant {
            account_id: "111111111111".into(),
            permission_set_arn: "arn:ps/ro".into(),
            principal_kind: PrincipalKind::User,
            principal_id: user_id.into(),
        });
        inv.assignments.insert(AccountGrant {
            account_id: "111111111111".into(),
            permission_set_arn: "arn:ps/dev".into(),
            principal_kind: PrincipalKind::Group,
            principal_id: group_id.into(),
        });
        inv.sections.assignments = SectionState::Complete;
        inv.sections.permission_sets = SectionState::Complete;
        inv.sections.directory = SectionState::Complete;
        inv
    }

    #[test]
    fn a_snapshot_keys_grants_by_names_and_round_trips() {
        let s = Snapshot::from_inventory(&inventory("u-old", "g-old")).unwrap();
        assert_eq!(s.account_assignments.len(), 2);
        let g = &s.account_assignments[1];
        assert_eq!(g.permission_set_name, "ReadOnly", "sorted by key");
        assert_eq!(g.principal.name.as_deref(), Some("ana"));
        assert_eq!(g.principal.id, "u-old");
        assert!(!s.applications_included);
        assert_eq!(Snapshot::parse(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn an_identity_source_switch_shows_as_changed_not_added_and_removed() {
        let before = Snapshot::from_inventory(&inventory("u-old", "g-old")).unwrap();
        let after = Snapshot::from_inventory(&inventory("u-new", "g-new")).unwrap();
        let d = diff(&before, &after);
        assert!(d.added.is_empty() && d.removed.is_empty());
        assert_eq!(d.changed.len(), 2);
        assert_eq!(d.changed[1].after.principal.id, "u-new");
        assert!(diff(&before, &before).is_empty());
        assert_eq!(diff(&before, &before).unchanged, 2);
    }

    #[test]
    fn removed_grants_are_found() {
        let before = Snapshot::from_inventory(&inventory("u", "g")).unwrap();
        let mut inv = inventory("u", "g");
        inv.assignments
            .retain(|a| a.principal_kind == PrincipalKind::Group);
        let after = Snapshot::from_inventory(&inv).unwrap();
        let d = diff(&before, &after);
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].principal.describe(), "user ana");
        assert!(d.added.is_empty());
    }

    #[test]
    fn an_unreadable_directory_refuses_a_snapshot() {
        let mut inv = inventory("u", "g");
        inv.sections.directory = SectionState::Denied("ListUsers: denied".into());
        let e = Snapshot::from_inventory(&inv).unwrap_err();
        assert!(e.to_string().contains("Identity Store"), "{e}");
    }

    #[test]
    fn foreign_or_corrupt_files_are_refused_clearly() {
        assert!(matches!(
            Snapshot::parse("{\"format\":\"other\"}"),
            Err(SnapshotError::NotASnapshot(_))
        ));
        assert!(matches!(
            Snapshot::parse("{oops"),
            Err(SnapshotError::NotASnapshot(_))
        ));
        let s = Snapshot::from_inventory(&inventory("u", "g")).unwrap();
        let newer = s.to_json().replace("\"version\": 1", "\"version\": 9");
        assert_eq!(Snapshot::parse(&newer), Err(SnapshotError::TooNew(9)));
    }

    #[test]
    fn orphaned_principals_keep_their_id_as_key() {
        let mut inv = inventory("u", "g");
        inv.users.clear();
        let s = Snapshot::from_inventory(&inv).unwrap();
        let orphan = s
            .account_assignments
            .iter()
            .find(|g| g.principal.kind == PrincipalKind::User)
            .unwrap();
        assert_eq!(orphan.principal.name, None);
        assert_eq!(orphan.principal.describe(), "user u (no name)");
    }
}
