//! Profile names from a template (`{account_name}.{role_name}` …), made safe for a section
//! header, and the plan of profiles to write: refused, before anything is written, when two
//! roles would get the same name (the second would silently overwrite the first).

use std::collections::BTreeMap;

use super::ProfileSpec;
use crate::model::text::sanitize;

/// A role to write a profile for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRef {
    /// Account id.
    pub account_id: String,
    /// Account name (for the template and for messages).
    pub account_name: String,
    /// Role (permission set) name.
    pub role_name: String,
}

/// Two or more roles that a template gives the same profile name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NameCollision {
    /// The template used.
    pub template: String,
    /// How many roles there are, and how many names the template gives them.
    pub counts: (usize, usize),
    /// Each name given to more than one role, with those roles.
    pub collisions: Vec<(String, Vec<RoleRef>)>,
    /// A template that gives every role its own name, when one of the usual ones does.
    pub suggestion: Option<String>,
}

/// How many colliding names a message lists before "… and N more".
const SHOWN: usize = 8;

fn role_label(r: &RoleRef) -> String {
    format!(
        "{} ({}) {}",
        sanitize(&r.account_name),
        sanitize(&r.account_id),
        sanitize(&r.role_name)
    )
}

impl std::fmt::Display for NameCollision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (roles, names) = self.counts;
        writeln!(
            f,
            "profile template {:?} gives {roles} roles only {names} names, so nothing was written:",
            sanitize(&self.template),
        )?;
        for (name, roles) in self.collisions.iter().take(SHOWN) {
            let labels: Vec<String> = roles.iter().map(role_label).collect();
            writeln!(f, "  {:?} for: {}", sanitize(name), labels.join("; "))?;
        }
        if self.collisions.len() > SHOWN {
            writeln!(f, "  … and {} more names", self.collisions.len() - SHOWN)?;
        }
        match &self.suggestion {
            Some(t) => write!(
                f,
                "use a template that separates them, e.g. --template {t:?}"
            ),
            None => write!(f, "use a template that separates them"),
        }
    }
}

impl NameCollision {
    /// The same in one line (for the console's status line).
    pub fn summary(&self) -> String {
        let (name, roles) = &self.collisions[0];
        let labels: Vec<String> = roles.iter().map(role_label).collect();
        let more = match self.collisions.len() {
            1 => String::new(),
            n => format!(" (and {} more names)", n - 1),
        };
        let fix = self
            .suggestion
            .as_ref()
            .map(|t| format!("; try the template {t:?} ([profiles] template in config.toml)"))
            .unwrap_or_default();
        format!(
            "profile names collide, nothing written: {:?} for {}{more}{fix}",
            sanitize(name),
            labels.join(", ")
        )
    }
}

/// The profiles to write for `roles`, named by `template`; refused when two roles would share
/// a name.
pub fn plan_profiles(
    template: &str,
    session: &str,
    region: Option<&str>,
    roles: &[RoleRef],
) -> Result<Vec<ProfileSpec>, NameCollision> {
    let name = |t: &str, r: &RoleRef| {
        profile_name(t, &r.account_name, &r.account_id, &r.role_name, session)
    };
    let collisions = collisions(roles, |r| name(template, r));
    if !collisions.is_empty() {
        let names: std::collections::BTreeSet<String> =
            roles.iter().map(|r| name(template, r)).collect();
        let suggestion = candidates(template)
            .into_iter()
            .find(|t| self::collisions(roles, |r| name(t, r)).is_empty());
        return Err(NameCollision {
            template: template.to_string(),
            counts: (roles.len(), names.len()),
            collisions,
            suggestion,
        });
    }
    Ok(roles
        .iter()
        .map(|r| ProfileSpec {
            name: name(template, r),
            session: session.to_string(),
            account_id: r.account_id.clone(),
            role_name: r.role_name.clone(),
            region: region.map(str::to_string),
        })
        .collect())
}

/// Names given to more than one role, in name order.
fn collisions(roles: &[RoleRef], name: impl Fn(&RoleRef) -> String) -> Vec<(String, Vec<RoleRef>)> {
    let mut by_name: BTreeMap<String, Vec<RoleRef>> = BTreeMap::new();
    for r in roles {
        by_name.entry(name(r)).or_default().push(r.clone());
    }
    by_name.into_iter().filter(|(_, r)| r.len() > 1).collect()
}

/// Templates to suggest instead of `template`: it with what it lacks added, then the plainest
/// unique one.
fn candidates(template: &str) -> Vec<String> {
    let mut t = template.to_string();
    if !t.contains("{account_id}") {
        t = if t.contains("{account_name}") {
            t.replacen("{account_name}", "{account_name}-{account_id}", 1)
        } else {
            format!("{{account_id}}.{t}")
        };
    }
    if !t.contains("{role_name}") {
        t.push_str(".{role_name}");
    }
    vec![t, "{account_id}.{role_name}".to_string()]
}

/// Expand a profile-name template: `{account_name}`, `{account_id}`, `{role_name}`, `{session}`.
/// The result is made safe for a section header: spaces, brackets, line breaks and control
/// characters become `-` (see [`crate::model::text::ini::section_name`]).
pub fn profile_name(
    template: &str,
    account_name: &str,
    account_id: &str,
    role: &str,
    session: &str,
) -> String {
    let vars: BTreeMap<&str, &str> = [
        ("account_name", account_name),
        ("account_id", account_id),
        ("role_name", role),
        ("session", session),
    ]
    .into_iter()
    .collect();
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    crate::model::text::ini::section_name(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: &str, name: &str, role: &str) -> RoleRef {
        RoleRef {
            account_id: id.into(),
            account_name: name.into(),
            role_name: role.into(),
        }
    }

    #[test]
    fn colliding_names_are_refused_with_the_roles_and_a_template_that_separates_them() {
        let roles = [
            role("111111111111", "prod", "Admin"),
            role("222222222222", "prod", "Admin"),
            role("333333333333", "dev", "Admin"),
            role("333333333333", "dev", "ReadOnly"),
        ];
        let e = plan_profiles("{account_name}.{role_name}", "s", None, &roles).unwrap_err();
        assert_eq!(e.collisions.len(), 1);
        assert_eq!(e.collisions[0].0, "prod.Admin");
        assert_eq!(
            e.suggestion.as_deref(),
            Some("{account_name}-{account_id}.{role_name}")
        );
        let text = e.to_string();
        assert!(
            text.contains(
                "\"prod.Admin\" for: prod (111111111111) Admin; prod (222222222222) Admin"
            ),
            "{text}"
        );
        let e = plan_profiles("{role_name}", "s", None, &roles).unwrap_err();
        assert_eq!(e.collisions.len(), 1, "Admin thrice; ReadOnly once");
        assert_eq!(e.collisions[0].1.len(), 3);
        assert_eq!(e.suggestion.as_deref(), Some("{account_id}.{role_name}"));
        assert!(
            e.summary()
                .starts_with("profile names collide, nothing written: \"Admin\"")
        );
        let ok = plan_profiles("{account_id}.{role_name}", "s", Some("eu-west-1"), &roles).unwrap();
        assert_eq!(ok.len(), 4);
        assert_eq!(ok[0].name, "111111111111.Admin");
    }

    #[test]
    fn templates_make_safe_names() {
        assert_eq!(
            profile_name(
                "{account_name}.{role_name}",
                "Payments Prod",
                "1",
                "Admin",
                "s"
            ),
            "Payments-Prod.Admin"
        );
    }
}
