//! What an administrator's inventory of one Identity Center instance holds: accounts (with
//! their OU path), permission sets, people, groups and the memberships that matter, account
//! and application assignments — each section with whether it could be read. A targeted
//! question (one person, one account) yields a partial inventory of the same shape, so the
//! effective-access logic in [`crate::model::access`] works on either.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// `USER` or `GROUP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PrincipalKind {
    /// A person.
    User,
    /// A group of people.
    Group,
}

impl PrincipalKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "USER",
            PrincipalKind::Group => "GROUP",
        }
    }

    /// Parse the wire spelling (unknown values are `None`, never a panic).
    pub fn parse(s: &str) -> Option<PrincipalKind> {
        match s {
            "USER" => Some(PrincipalKind::User),
            "GROUP" => Some(PrincipalKind::Group),
            _ => None,
        }
    }
}

/// The Identity Center instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceInfo {
    /// Instance ARN.
    pub arn: String,
    /// Identity store id (`d-…`).
    pub identity_store_id: String,
    /// Friendly name, when set.
    pub name: Option<String>,
    /// The account that owns it.
    pub owner_account_id: Option<String>,
    /// `ACTIVE`, …
    pub status: Option<String>,
}

/// An AWS account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// 12-digit id.
    pub id: String,
    /// Name (Organizations).
    pub name: Option<String>,
    /// Root email.
    pub email: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, …
    pub status: Option<String>,
    /// OU names from the root down (`["Workloads", "Prod"]`), when known.
    pub ou_path: Vec<String>,
}

/// A permission set's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetInfo {
    /// ARN.
    pub arn: String,
    /// Name (unique in the instance).
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// ISO-8601 session duration (`PT4H`).
    pub session_duration: Option<String>,
    /// Console relay state.
    pub relay_state: Option<String>,
}

/// A person in the identity store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    /// User id.
    pub id: String,
    /// Sign-in name (survives an identity-source change).
    pub user_name: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Primary email.
    pub email: Option<String>,
}

/// A group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInfo {
    /// Group id.
    pub id: String,
    /// Display name (unique; survives an identity-source change).
    pub display_name: String,
    /// Description.
    pub description: Option<String>,
}

/// One account assignment: a principal holds a permission set in an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountGrant {
    /// Account id.
    pub account_id: String,
    /// Permission set ARN.
    pub permission_set_arn: String,
    /// User or group.
    pub principal_kind: PrincipalKind,
    /// Principal id.
    pub principal_id: String,
}

/// An application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Application ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Provider ARN.
    pub provider: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// One application assignment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppGrant {
    /// Application ARN.
    pub application_arn: String,
    /// User or group.
    pub principal_kind: PrincipalKind,
    /// Principal id.
    pub principal_id: String,
}

/// Whether a section could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state", content = "message")]
pub enum SectionState {
    /// Not asked for (a targeted question does not read everything).
    #[default]
    NotLoaded,
    /// Read in full.
    Complete,
    /// The credentials may not read it (the message says which call was refused).
    Denied(String),
    /// Reading failed for another reason.
    Failed(String),
}

impl SectionState {
    /// Whether the section is fully known.
    pub fn is_complete(&self) -> bool {
        matches!(self, SectionState::Complete)
    }

    /// A short note for screens and warnings, `None` when complete.
    pub fn problem(&self) -> Option<&str> {
        match self {
            SectionState::Denied(m) | SectionState::Failed(m) => Some(m),
            SectionState::NotLoaded => Some("not loaded"),
            SectionState::Complete => None,
        }
    }
}

/// The state of each section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sections {
    /// Accounts and OU paths (Organizations).
    pub accounts: SectionState,
    /// Permission sets.
    pub permission_sets: SectionState,
    /// Users, groups and memberships (Identity Store).
    pub directory: SectionState,
    /// Account assignments.
    pub assignments: SectionState,
    /// Applications and their assignments.
    pub applications: SectionState,
}

/// What an inventory covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
pub enum Scope {
    /// The whole instance.
    #[default]
    Full,
    /// One person's access (by user id).
    Person(String),
    /// One account's access (by account id).
    Account(String),
}

/// How an inventory was gathered (shown with it; compared by the benchmark).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalkStats {
    /// API calls made.
    pub calls: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// How assignments were found (`by permission set`, `by account`, …).
    pub strategy: String,
}

/// The inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// The instance.
    pub instance: InstanceInfo,
    /// When it was gathered.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// What it covers.
    pub scope: Scope,
    /// Accounts by id.
    pub accounts: BTreeMap<String, AccountInfo>,
    /// Permission sets by ARN.
    pub permission_sets: BTreeMap<String, PermissionSetInfo>,
    /// Users by id.
    pub users: BTreeMap<String, UserInfo>,
    /// Groups by id.
    pub groups: BTreeMap<String, GroupInfo>,
    /// Members (user ids) of the groups whose members were read, by group id. A group absent
    /// here has unknown members — never "no members".
    pub members: BTreeMap<String, BTreeSet<String>>,
    /// Account assignments.
    pub assignments: BTreeSet<AccountGrant>,
    /// Applications by ARN.
    pub applications: BTreeMap<String, AppInfo>,
    /// Application assignments.
    pub app_assignments: BTreeSet<AppGrant>,
    /// What could be read.
    pub sections: Sections,
    /// How it was gathered.
    pub stats: WalkStats,
}

/// A name to show, and whether it was confirmed by the service (an unconfirmed one is an id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// What to show.
    pub text: String,
    /// Whether `text` is a real name (false: it is an id, shown because the name is unknown).
    pub verified: bool,
}

impl Label {
    /// Show as text, marking unverified ids.
    pub fn display(&self) -> String {
        if self.verified {
            self.text.clone()
        } else {
            format!("{} (unverified)", self.text)
        }
    }

    /// For table cells, where the end may be cut off: the mark comes first.
    pub fn cell(&self) -> String {
        if self.verified {
            self.text.clone()
        } else {
            format!("(unverified) {}", self.text)
        }
    }

    /// The name when verified.
    pub fn name(&self) -> Option<&str> {
        self.verified.then_some(self.text.as_str())
    }
}

impl Inventory {
    /// An empty inventory of an instance.
    pub fn new(instance: InstanceInfo, scope: Scope, now: OffsetDateTime) -> Inventory {
        Inventory {
            instance,
            as_of: now,
            scope,
            accounts: BTreeMap::new(),
            permission_sets: BTreeMap::new(),
            users: BTreeMap::new(),
            groups: BTreeMap::new(),
            members: BTreeMap::new(),
            assignments: BTreeSet::new(),
            applications: BTreeMap::new(),
            app_assignments: BTreeSet::new(),
            sections: Sections::default(),
            stats: WalkStats::default(),
        }
    }

    /// A user's name, or the id marked unverified.
    pub fn user_label(&self, id: &str) -> Label {
        match self.users.get(id) {
            Some(u) => Label {
                text: u.user_name.clone(),
                verified: true,
            },
            None => unverified(id),
        }
    }

    /// A group's display name, or the id marked unverified.
    pub fn group_label(&self, id: &str) -> Label {
        match self.groups.get(id) {
            Some(g) => Label {
                text: g.display_name.clone(),
                verified: true,
            },
            None => unverified(id),
        }
    }

    /// A principal's name, or its id marked unverified.
    pub fn principal_label(&self, kind: PrincipalKind, id: &str) -> Label {
        match kind {
            PrincipalKind::User => self.user_label(id),
            PrincipalKind::Group => self.group_label(id),
        }
    }

    /// An account's name, or its id marked unverified.
    pub fn account_label(&self, id: &str) -> Label {
        match self.accounts.get(id).and_then(|a| a.name.clone()) {
            Some(name) => Label {
                text: name,
                verified: true,
            },
            None => unverified(id),
        }
    }

    /// A permission set's name, or its ARN marked unverified.
    pub fn permission_set_label(&self, arn: &str) -> Label {
        match self.permission_sets.get(arn) {
            Some(p) => Label {
                text: p.name.clone(),
                verified: true,
            },
            None => unverified(arn),
        }
    }

    /// A permission set by name.
    pub fn permission_set_by_name(&self, name: &str) -> Option<&PermissionSetInfo> {
        self.permission_sets.values().find(|p| p.name == name)
    }

    /// A user by user name, email (case-insensitive) or id.
    pub fn find_user(&self, query: &str) -> Option<&UserInfo> {
        self.users.get(query).or_else(|| {
            self.users.values().find(|u| {
                u.user_name == query
                    || u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(query))
            })
        })
    }

    /// An account by id or exact name.
    pub fn find_account(&self, query: &str) -> Option<&AccountInfo> {
        self.accounts.get(query).or_else(|| {
            self.accounts
                .values()
                .find(|a| a.name.as_deref() == Some(query))
        })
    }

    /// The groups a user belongs to, among groups whose members are known.
    pub fn groups_of(&self, user_id: &str) -> Vec<&str> {
        self.members
            .iter()
            .filter(|(_, m)| m.contains(user_id))
            .map(|(g, _)| g.as_str())
            .collect()
    }

    /// Every account id that appears anywhere (listed, or only in assignments).
    pub fn account_ids(&self) -> BTreeSet<String> {
        let mut ids: BTreeSet<String> = self.accounts.keys().cloned().collect();
        ids.extend(self.assignments.iter().map(|a| a.account_id.clone()));
        ids
    }

    /// Age in whole seconds at `now` (never negative).
    pub fn age_secs(&self, now: OffsetDateTime) -> i64 {
        (now - self.as_of).whole_seconds().max(0)
    }

    /// Every section with its name and state.
    pub fn section_states(&self) -> [(&'static str, &SectionState); 5] {
        let s = &self.sections;
        [
            ("accounts (Organizations)", &s.accounts),
            ("permission sets", &s.permission_sets),
            ("users and groups (Identity Store)", &s.directory),
            ("account assignments", &s.assignments),
            ("applications", &s.applications),
        ]
    }

    /// Sections that are not complete, as `(section, problem)` for warnings.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        self.section_states()
            .into_iter()
            .filter(|(_, st)| !matches!(st, SectionState::Complete | SectionState::NotLoaded))
            .filter_map(|(n, st)| st.problem().map(|p| (n, p.to_string())))
            .collect()
    }
}

fn unverified(id: &str) -> Label {
    Label {
        text: id.to_string(),
        verified: false,
    }
}

/// How old something is, in words (`just now`, `4 min`, `3 h`, `2 days`).
pub fn age_words(secs: i64) -> String {
    if secs < 10 {
        "just now".into()
    } else {
        super::words::span(secs)
    }
}

/// How long ago, in words (`just now`, `4 min ago`): [`super::words::ago`].
pub fn age_ago(secs: i64) -> String {
    super::words::ago(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv() -> Inventory {
        let mut inv = Inventory::new(
            InstanceInfo::default(),
            Scope::Full,
            OffsetDateTime::UNIX_EPOCH,
        );
        inv.users.insert(
            "u1".into(),
            UserInfo {
                id: "u1".into(),
                user_name: "ana".into(),
                email: Some("Ana@Example.com".into()),
                ..Default::default()
            },
        );
        inv.members
            .insert("g1".into(), ["u1".to_string()].into_iter().collect());
        inv
    }

    #[test]
    fn unknown_names_are_ids_marked_unverified() {
        let inv = inv();
        assert_eq!(inv.user_label("u1").display(), "ana");
        let l = inv.group_label("g-77");
        assert!(!l.verified);
        assert_eq!(l.display(), "g-77 (unverified)");
        assert_eq!(l.name(), None);
    }

    #[test]
    fn users_are_found_by_name_email_or_id() {
        let inv = inv();
        assert_eq!(inv.find_user("ana").map(|u| &u.id[..]), Some("u1"));
        assert_eq!(
            inv.find_user("ana@example.com").map(|u| &u.id[..]),
            Some("u1")
        );
        assert_eq!(inv.find_user("u1").map(|u| &u.id[..]), Some("u1"));
        assert!(inv.find_user("bob").is_none());
        assert_eq!(inv.groups_of("u1"), vec!["g1"]);
    }

    #[test]
    fn section_state_round_trips_and_reports_problems() {
        let mut inv = inv();
        inv.sections.directory = SectionState::Denied("ListUsers: not authorized".into());
        inv.sections.accounts = SectionState::Complete;
        let text = serde_json::to_string(&inv).unwrap();
        let back: Inventory = serde_json::from_str(&text).unwrap();
        assert_eq!(back, inv);
        let p = inv.problems();
        assert_eq!(p.len(), 1);
        assert!(p[0].1.contains("not authorized"));
        assert_eq!(PrincipalKind::parse("ROBOT"), None);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_words(5), "just now");
        assert_eq!(age_words(600), "10 min");
        assert_eq!(age_words(7200), "2 h");
        assert_eq!(age_words(5 * 86400), "5 days");
        assert_eq!(age_ago(5), "just now");
        assert_eq!(age_ago(120), "2 min ago");
    }
}
