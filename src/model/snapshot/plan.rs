//! The restore plan: which CreateAccountAssignment and CreateApplicationAssignment calls would
//! recreate a snapshot in the current instance. Names are resolved to today's ids (UserName and
//! group DisplayName in the current directory, permission set and application names in the
//! current instance); grants already present are skipped; what cannot be resolved is reported
//! with the reason, never guessed — an application that is gone (AWS-managed applications may
//! need redeploying after an identity-source change) is left for the administrator.

use std::collections::{BTreeMap, BTreeSet};

use super::{SnapAccountGrant, SnapAppGrant, Snapshot};
use crate::model::inventory::{AccountGrant, Inventory, PrincipalKind};

/// One CreateAccountAssignment call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedCreate {
    /// TargetId.
    pub account_id: String,
    /// PermissionSetArn (current).
    pub permission_set_arn: String,
    /// For people reading the plan.
    pub permission_set_name: String,
    /// PrincipalType.
    pub principal_kind: PrincipalKind,
    /// PrincipalId (current).
    pub principal_id: String,
    /// For people reading the plan.
    pub principal_name: String,
}

impl PlannedCreate {
    /// The assignment it creates.
    pub fn grant(&self) -> AccountGrant {
        AccountGrant {
            account_id: self.account_id.clone(),
            permission_set_arn: self.permission_set_arn.clone(),
            principal_kind: self.principal_kind,
            principal_id: self.principal_id.clone(),
        }
    }
}

/// A snapshot grant that cannot be recreated, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The grant as snapshotted.
    pub grant: SnapAccountGrant,
    /// Why.
    pub reason: String,
}

/// One CreateApplicationAssignment call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedAppCreate {
    /// ApplicationArn (current).
    pub application_arn: String,
    /// For people reading the plan.
    pub application_name: String,
    /// PrincipalType.
    pub principal_kind: PrincipalKind,
    /// PrincipalId (current).
    pub principal_id: String,
    /// For people reading the plan.
    pub principal_name: String,
}

/// An application assignment to recreate by hand (its application or principal is not in the
/// current instance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualApp {
    /// The grant as snapshotted.
    pub grant: SnapAppGrant,
    /// The principal's current id, when its name resolves.
    pub principal_id: Option<String>,
    /// The application's current ARN, when its name resolves.
    pub application_arn: Option<String>,
}

/// The plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestorePlan {
    /// Calls to make.
    pub create: Vec<PlannedCreate>,
    /// Snapshot grants already in place.
    pub present: usize,
    /// Snapshot grants that cannot be recreated.
    pub unresolved: Vec<Unresolved>,
    /// Application assignment calls to make.
    pub create_apps: Vec<PlannedAppCreate>,
    /// Application grants that cannot be recreated here, for the administrator.
    pub manual_apps: Vec<ManualApp>,
}

/// Why no plan can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot plan a restore without {section}: {problem}")]
pub struct PlanError {
    /// Which section of the current inventory is missing.
    pub section: &'static str,
    /// Why.
    pub problem: String,
}

/// Unique names → ids; a name held by two principals maps to `None` (ambiguous).
fn index<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<&'a str, Option<&'a str>> {
    let mut out: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for (name, id) in items {
        out.entry(name)
            .and_modify(|v| *v = None)
            .or_insert(Some(id));
    }
    out
}

/// Plan the calls that recreate `snap` in the instance `current` describes.
pub fn plan(snap: &Snapshot, current: &Inventory) -> Result<RestorePlan, PlanError> {
    for (section, state) in [
        ("account assignments", &current.sections.assignments),
        ("permission sets", &current.sections.permission_sets),
        (
            "users and groups (Identity Store)",
            &current.sections.directory,
        ),
    ] {
        if let Some(p) = state.problem() {
            return Err(PlanError {
                section,
                problem: p.to_string(),
            });
        }
    }
    let users = index(
        current
            .users
            .values()
            .map(|u| (u.user_name.as_str(), u.id.as_str())),
    );
    let groups = index(
        current
            .groups
            .values()
            .map(|g| (g.display_name.as_str(), g.id.as_str())),
    );
    let sets = index(
        current
            .permission_sets
            .values()
            .map(|p| (p.name.as_str(), p.arn.as_str())),
    );
    let accounts_known = current.sections.accounts.is_complete();
    let principal_id = |kind: PrincipalKind, name: &Option<String>| -> Result<String, String> {
        let (table, what) = match kind {
            PrincipalKind::User => (&users, "user"),
            PrincipalKind::Group => (&groups, "group"),
        };
        let Some(name) = name else {
            return Err(format!(
                "the {what} had no name when the snapshot was taken"
            ));
        };
        match table.get(name.as_str()) {
            Some(Some(id)) => Ok(id.to_string()),
            Some(None) => Err(format!("several {what}s are named {name}")),
            None => Err(format!("no {what} named {name} in the current directory")),
        }
    };
    let mut out = RestorePlan::default();
    let mut planned: BTreeSet<AccountGrant> = BTreeSet::new();
    for g in &snap.account_assignments {
        let resolved = (|| {
            let pid = principal_id(g.principal.kind, &g.principal.name)?;
            let arn = match sets.get(g.permission_set_name.as_str()) {
                Some(Some(arn)) => arn.to_string(),
                Some(None) => {
                    return Err(format!(
                        "several permission sets are named {}",
                        g.permission_set_name
                    ));
                }
                None => {
                    return Err(format!(
                        "no permission set named {} in this instance",
                        g.permission_set_name
                    ));
                }
            };
            if accounts_known && !current.accounts.contains_key(&g.account_id) {
                return Err(format!(
                    "account {} is not in the organisation",
                    g.account_id
                ));
            }
            Ok(PlannedCreate {
                account_id: g.account_id.clone(),
                permission_set_arn: arn,
                permission_set_name: g.permission_set_name.clone(),
                principal_kind: g.principal.kind,
                principal_id: pid,
                principal_name: g.principal.name.clone().unwrap_or_default(),
            })
        })();
        match resolved {
            Ok(p) => {
                let grant = p.grant();
                if current.assignments.contains(&grant) {
                    out.present += 1;
                } else if planned.insert(grant) {
                    out.create.push(p);
                }
            }
            Err(reason) => out.unresolved.push(Unresolved {
                grant: g.clone(),
                reason,
            }),
        }
    }
    out.create.sort();
    if snap.applications_included {
        let apps = index(
            current
                .applications
                .values()
                .map(|a| (a.name.as_str(), a.arn.as_str())),
        );
        for g in &snap.application_assignments {
            let pid = principal_id(g.principal.kind, &g.principal.name).ok();
            let arn = apps
                .get(g.application_name.as_str())
                .copied()
                .flatten()
                .map(str::to_string);
            let present = match (&pid, &arn) {
                (Some(p), Some(a)) => current.app_assignments.iter().any(|x| {
                    &x.application_arn == a
                        && &x.principal_id == p
                        && x.principal_kind == g.principal.kind
                }),
                _ => false,
            };
            match (present, pid, arn) {
                (true, _, _) => out.present += 1,
                (false, Some(principal_id), Some(application_arn)) => {
                    out.create_apps.push(PlannedAppCreate {
                        application_arn,
                        application_name: g.application_name.clone(),
                        principal_kind: g.principal.kind,
                        principal_id,
                        principal_name: g.principal.name.clone().unwrap_or_default(),
                    })
                }
                (false, principal_id, application_arn) => out.manual_apps.push(ManualApp {
                    grant: g.clone(),
                    principal_id,
                    application_arn,
                }),
            }
        }
    }
    out.create_apps.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::{GroupInfo, SectionState};
    use crate::model::snapshot::tests::inventory;

    #[test]
    fn names_resolve_to_the_new_directorys_ids() {
        let snap = Snapshot::from_inventory(&inventory("u-old", "g-old")).unwrap();
        let mut now = inventory("u-new", "g-new");
        now.assignments.clear();
        let p = plan(&snap, &now).unwrap();
        assert_eq!(p.create.len(), 2);
        assert!(p.create.iter().any(|c| c.principal_id == "u-new"));
        assert!(p.create.iter().any(|c| c.principal_id == "g-new"));
        assert!(p.unresolved.is_empty());
        assert_eq!(p.present, 0);
    }

    #[test]
    fn grants_already_in_place_are_skipped() {
        let snap = Snapshot::from_inventory(&inventory("u", "g")).unwrap();
        let p = plan(&snap, &inventory("u", "g")).unwrap();
        assert!(p.create.is_empty());
        assert_eq!(p.present, 2);
    }

    #[test]
    fn missing_and_ambiguous_names_are_reported() {
        let snap = Snapshot::from_inventory(&inventory("u", "g")).unwrap();
        let mut now = inventory("u2", "g2");
        now.assignments.clear();
        now.users.clear();
        now.groups.insert(
            "g3".into(),
            GroupInfo {
                id: "g3".into(),
                display_name: "Devs".into(),
                ..Default::default()
            },
        );
        let p = plan(&snap, &now).unwrap();
        assert!(p.create.is_empty());
        let reasons: Vec<&str> = p.unresolved.iter().map(|u| u.reason.as_str()).collect();
        assert!(reasons.contains(&"no user named ana in the current directory"));
        assert!(reasons.contains(&"several groups are named Devs"));
    }

    #[test]
    fn a_plan_needs_the_current_directory() {
        let snap = Snapshot::from_inventory(&inventory("u", "g")).unwrap();
        let mut now = inventory("u", "g");
        now.sections.directory = SectionState::Denied("no".into());
        let err = plan(&snap, &now).unwrap_err();
        assert_eq!(err.section, "users and groups (Identity Store)");
        assert!(err.problem.contains("no"), "{}", err.problem);
    }
}
