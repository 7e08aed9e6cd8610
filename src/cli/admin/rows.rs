//! The rows `centry admin` prints, built from an inventory. JSON keys are camelCase and, for
//! `access` and `who`, exactly the ones issue 4 promises to scripts; a name that could not
//! be read is `null` in JSON and the id marked `(unverified)` in tables.

use serde::Serialize;

use crate::cli::output::Row;
use crate::model::access::{self, Query, access_window, format_hours, via_labels};
use crate::model::inventory::{InstanceInfo, Inventory, PrincipalKind};
use std::time::Duration;

fn or_dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

/// `centry admin instances`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceRow {
    instance_arn: String,
    identity_store_id: String,
    name: Option<String>,
    owner_account_id: Option<String>,
    status: Option<String>,
}

impl From<&InstanceInfo> for InstanceRow {
    fn from(i: &InstanceInfo) -> Self {
        InstanceRow {
            instance_arn: i.arn.clone(),
            identity_store_id: i.identity_store_id.clone(),
            name: i.name.clone(),
            owner_account_id: i.owner_account_id.clone(),
            status: i.status.clone(),
        }
    }
}

impl Row for InstanceRow {
    fn headers() -> Vec<&'static str> {
        vec!["INSTANCE", "IDENTITY STORE", "NAME", "OWNER", "STATUS"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.instance_arn.clone(),
            self.identity_store_id.clone(),
            or_dash(&self.name),
            or_dash(&self.owner_account_id),
            or_dash(&self.status),
        ]
    }
}

/// `centry admin permission-sets`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetRow {
    name: String,
    permission_set_arn: String,
    session_duration: Option<String>,
    description: Option<String>,
    relay_state: Option<String>,
}

/// Permission sets by name.
pub fn permission_set_rows(inv: &Inventory) -> Vec<PermissionSetRow> {
    let mut rows: Vec<PermissionSetRow> = inv
        .permission_sets
        .values()
        .map(|p| PermissionSetRow {
            name: p.name.clone(),
            permission_set_arn: p.arn.clone(),
            session_duration: p.session_duration.clone(),
            description: p.description.clone(),
            relay_state: p.relay_state.clone(),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

impl Row for PermissionSetRow {
    fn headers() -> Vec<&'static str> {
        vec!["NAME", "SESSION", "DESCRIPTION", "ARN"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            or_dash(&self.session_duration),
            or_dash(&self.description),
            self.permission_set_arn.clone(),
        ]
    }
}

/// `centry admin accounts`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRow {
    account_id: String,
    account_name: Option<String>,
    email: Option<String>,
    status: Option<String>,
    ou_path: String,
}

/// Accounts by name.
pub fn account_rows(inv: &Inventory) -> Vec<AccountRow> {
    let mut rows: Vec<AccountRow> = inv
        .accounts
        .values()
        .map(|a| AccountRow {
            account_id: a.id.clone(),
            account_name: a.name.clone(),
            email: a.email.clone(),
            status: a.status.clone(),
            ou_path: a.ou_path.join("/"),
        })
        .collect();
    rows.sort_by(|a, b| (&a.account_name, &a.account_id).cmp(&(&b.account_name, &b.account_id)));
    rows
}

impl Row for AccountRow {
    fn headers() -> Vec<&'static str> {
        vec!["ACCOUNT ID", "NAME", "EMAIL", "STATUS", "OU PATH"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.account_id.clone(),
            or_dash(&self.account_name),
            or_dash(&self.email),
            or_dash(&self.status),
            format!("/{}", self.ou_path),
        ]
    }
}

/// How `centry admin assignments` orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// By account.
    Account,
    /// By principal (user or group).
    Principal,
    /// By permission set.
    PermissionSet,
}

/// `centry admin assignments`: one row per assignment, as made (groups not expanded).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentRow {
    account_id: String,
    account_name: Option<String>,
    permission_set_name: Option<String>,
    permission_set_arn: String,
    principal_type: &'static str,
    principal_id: String,
    principal_name: Option<String>,
    #[serde(skip)]
    account_shown: String,
    #[serde(skip)]
    principal_shown: String,
    #[serde(skip)]
    set_shown: String,
}

/// Assignments, ordered `by`.
pub fn assignment_rows(inv: &Inventory, by: By) -> Vec<AssignmentRow> {
    let mut rows: Vec<AssignmentRow> = inv
        .assignments
        .iter()
        .map(|a| {
            let acct = inv.account_label(&a.account_id);
            let set = inv.permission_set_label(&a.permission_set_arn);
            let who = inv.principal_label(a.principal_kind, &a.principal_id);
            AssignmentRow {
                account_id: a.account_id.clone(),
                account_name: acct.name().map(str::to_string),
                permission_set_name: set.name().map(str::to_string),
                permission_set_arn: a.permission_set_arn.clone(),
                principal_type: a.principal_kind.as_str(),
                principal_id: a.principal_id.clone(),
                principal_name: who.name().map(str::to_string),
                account_shown: acct.display(),
                principal_shown: who.display(),
                set_shown: set.display(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &AssignmentRow| match by {
            By::Account => (
                r.account_shown.clone(),
                r.set_shown.clone(),
                r.principal_shown.clone(),
            ),
            By::Principal => (
                r.principal_shown.clone(),
                r.account_shown.clone(),
                r.set_shown.clone(),
            ),
            By::PermissionSet => (
                r.set_shown.clone(),
                r.account_shown.clone(),
                r.principal_shown.clone(),
            ),
        };
        key(a).cmp(&key(b))
    });
    rows
}

impl Row for AssignmentRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "ACCOUNT",
            "ACCOUNT ID",
            "PERMISSION SET",
            "TYPE",
            "PRINCIPAL",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.account_shown.clone(),
            self.account_id.clone(),
            self.set_shown.clone(),
            self.principal_type.to_string(),
            self.principal_shown.clone(),
        ]
    }
}

/// `centry admin access USER`: one row per effective grant.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessRow {
    account_id: String,
    account_name: Option<String>,
    permission_set_arn: String,
    permission_set_name: Option<String>,
    session_duration: Option<String>,
    via: Vec<String>,
    #[serde(skip)]
    window: String,
    #[serde(skip)]
    account_shown: String,
    #[serde(skip)]
    set_shown: String,
}

/// A person's effective grants (`user_id`), with their access window.
pub fn access_rows(inv: &Inventory, user_id: &str, portal: Duration) -> Vec<AccessRow> {
    let a = access::account_access(
        inv,
        Query {
            user: Some(user_id),
            ..Default::default()
        },
    );
    let mut rows: Vec<AccessRow> = a
        .grants
        .iter()
        .map(|g| {
            let acct = inv.account_label(&g.account_id);
            let set = inv.permission_set_label(&g.permission_set_arn);
            let session = inv.permission_sets.get(&g.permission_set_arn).map(|p| {
                p.session_duration
                    .clone()
                    .unwrap_or_else(|| access::DEFAULT_SET_SESSION.into())
            });
            AccessRow {
                account_id: g.account_id.clone(),
                account_name: acct.name().map(str::to_string),
                permission_set_arn: g.permission_set_arn.clone(),
                permission_set_name: set.name().map(str::to_string),
                window: access_window(session.as_deref(), portal)
                    .filter(|_| session.is_some())
                    .map(format_hours)
                    .unwrap_or_else(|| "?".into()),
                session_duration: session,
                via: via_labels(inv, &g.via),
                account_shown: acct.display(),
                set_shown: set.display(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.account_shown, &a.set_shown).cmp(&(&b.account_shown, &b.set_shown)));
    rows
}

impl Row for AccessRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "ACCOUNT",
            "ACCOUNT ID",
            "PERMISSION SET",
            "SESSION",
            "WINDOW",
            "VIA",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.account_shown.clone(),
            self.account_id.clone(),
            self.set_shown.clone(),
            or_dash(&self.session_duration),
            self.window.clone(),
            self.via.join(", "),
        ]
    }
}

/// `centry admin who ACCOUNT`: one row per (person, permission set). A grant to a group
/// whose members could not be read is one row with no user, so it is never missed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoRow {
    user_id: Option<String>,
    user_name: Option<String>,
    permission_set_name: Option<String>,
    via: Vec<String>,
    #[serde(skip)]
    user_shown: String,
    #[serde(skip)]
    set_shown: String,
}

/// Everyone who reaches `account_id` (optionally only with the permission set `set_arn`).
pub fn who_rows(inv: &Inventory, account_id: &str, set_arn: Option<&str>) -> Vec<WhoRow> {
    let a = access::account_access(
        inv,
        Query {
            account: Some(account_id),
            permission_set: set_arn,
            ..Default::default()
        },
    );
    let mut rows: Vec<WhoRow> = a
        .grants
        .iter()
        .map(|g| {
            let user = inv.user_label(&g.user_id);
            let set = inv.permission_set_label(&g.permission_set_arn);
            WhoRow {
                user_id: Some(g.user_id.clone()),
                user_name: user.name().map(str::to_string),
                permission_set_name: set.name().map(str::to_string),
                via: via_labels(inv, &g.via),
                user_shown: user.display(),
                set_shown: set.display(),
            }
        })
        .collect();
    for u in &a.unexpanded {
        let set = inv.permission_set_label(&u.permission_set_arn);
        let group = inv.group_label(&u.principal_id);
        debug_assert_eq!(u.principal_kind, PrincipalKind::Group);
        rows.push(WhoRow {
            user_id: None,
            user_name: None,
            permission_set_name: set.name().map(str::to_string),
            via: vec![format!("group:{}", group.display())],
            user_shown: "(members unknown)".into(),
            set_shown: set.display(),
        });
    }
    rows.sort_by(|a, b| (&a.user_shown, &a.set_shown).cmp(&(&b.user_shown, &b.set_shown)));
    rows
}

impl Row for WhoRow {
    fn headers() -> Vec<&'static str> {
        vec!["USER", "USER ID", "PERMISSION SET", "VIA"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.user_shown.clone(),
            or_dash(&self.user_id),
            self.set_shown.clone(),
            self.via.join(", "),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::tests::inventory;
    use std::collections::BTreeSet;

    fn keys(v: &impl Serialize) -> BTreeSet<String> {
        match serde_json::to_value(v).unwrap() {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            _ => panic!("not an object"),
        }
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn access_and_who_rows_have_exactly_the_promised_keys() {
        let mut inv = inventory("u1", "g1");
        inv.members
            .insert("g1".into(), ["u1".to_string()].into_iter().collect());
        let rows = access_rows(&inv, "u1", access::DEFAULT_PORTAL_SESSION);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            keys(&rows[0]),
            set(&[
                "accountId",
                "accountName",
                "permissionSetArn",
                "permissionSetName",
                "sessionDuration",
                "via"
            ])
        );
        let dev = rows.iter().find(|r| r.set_shown == "Dev").unwrap();
        assert_eq!(dev.via, vec!["group:Devs"]);
        assert_eq!(dev.window, "9h", "default PT1H + 8 h portal");
        let who = who_rows(&inv, "111111111111", None);
        assert_eq!(
            keys(&who[0]),
            set(&["userId", "userName", "permissionSetName", "via"])
        );
        assert_eq!(who.len(), 2);
    }

    #[test]
    fn group_grants_with_unknown_members_still_show_in_who() {
        let inv = inventory("u1", "g1");
        let who = who_rows(&inv, "111111111111", None);
        let unknown = who
            .iter()
            .find(|r| r.user_id.is_none())
            .expect("a row for the group");
        assert_eq!(unknown.via, vec!["group:Devs"]);
        assert_eq!(unknown.cells()[0], "(members unknown)");
        let json = serde_json::to_string(unknown).unwrap();
        assert!(json.contains("\"userId\":null"), "{json}");
    }

    #[test]
    fn unknown_names_are_null_in_json_and_marked_in_tables() {
        let mut inv = inventory("u1", "g1");
        inv.users.clear();
        let rows = assignment_rows(&inv, By::Principal);
        let user_row = rows.iter().find(|r| r.principal_type == "USER").unwrap();
        assert_eq!(user_row.principal_name, None);
        assert!(
            user_row.cells()[4].ends_with("(unverified)"),
            "{:?}",
            user_row.cells()
        );
    }
}
