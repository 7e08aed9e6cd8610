//! The generated identity store: people (with departments, titles, upstream Okta ids and
//! home addresses) and groups with their members.

use std::collections::HashMap;

use rand::Rng;
use rand::rngs::StdRng;

use super::ids;
use super::names::{self, DEPARTMENTS, Department};
use crate::emulator::org::{ExternalId, Group, User};

/// The benchmark user: reaches every account with exactly three permission sets.
pub(super) const DEV_USER: &str = "dev.user";
/// The demo person: a platform engineer who also audits Identity Center.
pub(super) const JORDAN: &str = "jordan.lee";
/// The group that holds the three permission sets on every account.
pub(super) const ALL_DEVELOPERS: &str = "All Developers";

/// What a group is for; the access builder decides its assignments from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum GroupRole {
    /// Every developer, and `dev.user`.
    AllDevelopers,
    /// The platform team (owns the infrastructure accounts).
    Platform,
    /// Administrators of every account.
    CloudAdmins,
    /// Security engineering.
    SecurityOps,
    /// Internal auditors.
    Auditors,
    /// Finance.
    Finance,
    /// Developers of one business unit.
    UnitDevelopers(usize),
    /// On-call engineers of one business unit.
    UnitOnCall(usize),
    /// A cross-cutting project team.
    Project,
}

/// Users and groups, with what the access builder needs to know about them.
pub(super) struct Directory {
    /// People; index 0 is `dev.user`, index 1 is `jordan.lee` (when there are two or more).
    pub(super) users: Vec<User>,
    /// Each person's business unit (developers only).
    pub(super) unit_of: Vec<Option<usize>>,
    /// Groups, in `role` order.
    pub(super) groups: Vec<Group>,
    /// What each group is for (parallel to `groups`).
    pub(super) roles: Vec<GroupRole>,
}

const HOME_NETS: [&str; 3] = ["192.0.2.", "198.51.100.", "203.0.113."];

/// Builds `users` people and `groups` groups, spreading developers over `units` business units.
pub(super) fn build(rng: &mut StdRng, users: usize, groups: usize, units: usize) -> Directory {
    let units = units.max(1);
    let total_weight: u32 = DEPARTMENTS.iter().map(|d| d.weight).sum();
    let mut taken: HashMap<String, u32> = HashMap::with_capacity(users);
    let mut people = Vec::with_capacity(users);
    let mut departments: Vec<&Department> = Vec::with_capacity(users);
    let mut unit_of = Vec::with_capacity(users);
    for i in 0..users {
        let (person, dept) = match i {
            0 => (
                fixed_person(
                    rng,
                    "Dev",
                    "User",
                    DEV_USER,
                    "Software Engineer",
                    &DEPARTMENTS[0],
                ),
                &DEPARTMENTS[0],
            ),
            1 => (
                fixed_person(
                    rng,
                    "Jordan",
                    "Lee",
                    JORDAN,
                    "Platform Engineer",
                    &DEPARTMENTS[1],
                ),
                &DEPARTMENTS[1],
            ),
            _ => {
                let dept = pick_department(rng, total_weight);
                (random_person(rng, dept, &mut taken), dept)
            }
        };
        if i < 2 {
            taken.insert(person.user_name.clone(), 1);
        }
        unit_of.push(dept.engineering.then(|| rng.random_range(0..units)));
        departments.push(dept);
        people.push(person);
    }
    let roles = group_roles(groups, units);
    let members = memberships(rng, &roles, &departments, &unit_of);
    let first_project = roles
        .iter()
        .position(|r| *r == GroupRole::Project)
        .unwrap_or(0);
    let groups = roles
        .iter()
        .zip(members)
        .enumerate()
        .map(|(n, (role, member_ids))| Group {
            id: ids::store_id(rng, n % 4 == 2),
            display_name: group_name(*role, n.saturating_sub(first_project)),
            description: Some(group_description(*role)),
            members: member_ids
                .into_iter()
                .map(|u| people[u].user_name.clone())
                .collect(),
        })
        .collect();
    Directory {
        users: people,
        unit_of,
        groups,
        roles,
    }
}

fn pick_department(rng: &mut StdRng, total_weight: u32) -> &'static Department {
    let mut roll = rng.random_range(0..total_weight);
    for d in DEPARTMENTS {
        if roll < d.weight {
            return d;
        }
        roll -= d.weight;
    }
    &DEPARTMENTS[0]
}

fn fixed_person(
    rng: &mut StdRng,
    given: &str,
    family: &str,
    user_name: &str,
    title: &str,
    dept: &Department,
) -> User {
    User {
        id: ids::store_id(rng, false),
        user_name: user_name.to_string(),
        given_name: given.to_string(),
        family_name: family.to_string(),
        display_name: format!("{given} {family}"),
        email: format!("{user_name}@acme.example"),
        title: Some(title.to_string()),
        department: Some(dept.name.to_string()),
        external_id: Some(ExternalId {
            issuer: "https://acme.okta.com".into(),
            id: ids::okta_id(rng),
        }),
        status: "ENABLED".into(),
        home_ip: Some(home_ip(rng)),
    }
}

fn random_person(rng: &mut StdRng, dept: &Department, taken: &mut HashMap<String, u32>) -> User {
    let given = names::GIVEN[rng.random_range(0..names::GIVEN.len())];
    let family = names::FAMILY[rng.random_range(0..names::FAMILY.len())];
    let base: String = format!("{given}.{family}")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .flat_map(char::to_lowercase)
        .collect();
    let seen = taken.entry(base.clone()).or_insert(0);
    *seen += 1;
    let user_name = if *seen == 1 {
        base
    } else {
        format!("{base}{seen}")
    };
    let title = dept.titles[rng.random_range(0..dept.titles.len())];
    let external_id = rng.random_bool(0.92).then(|| ExternalId {
        issuer: "https://acme.okta.com".into(),
        id: ids::okta_id(rng),
    });
    let disabled = rng.random_bool(0.015);
    let prefixed = rng.random_bool(0.2);
    User {
        id: ids::store_id(rng, prefixed),
        email: format!("{user_name}@acme.example"),
        user_name,
        given_name: given.to_string(),
        family_name: family.to_string(),
        display_name: format!("{given} {family}"),
        title: Some(title.to_string()),
        department: Some(dept.name.to_string()),
        external_id,
        status: if disabled { "DISABLED" } else { "ENABLED" }.into(),
        home_ip: Some(home_ip(rng)),
    }
}

fn home_ip(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        HOME_NETS[rng.random_range(0..HOME_NETS.len())],
        rng.random_range(1..=254)
    )
}

/// The first `count` group roles: the fixed groups, then two per business unit, then projects.
fn group_roles(count: usize, units: usize) -> Vec<GroupRole> {
    use GroupRole::*;
    let fixed = [
        AllDevelopers,
        Platform,
        CloudAdmins,
        SecurityOps,
        Auditors,
        Finance,
    ];
    let per_unit = (0..units).flat_map(|u| [UnitDevelopers(u), UnitOnCall(u)]);
    fixed
        .into_iter()
        .chain(per_unit)
        .chain(std::iter::repeat(Project))
        .take(count)
        .collect()
}

/// A group's display name; `project` is the group's position among the project groups.
fn group_name(role: GroupRole, project: usize) -> String {
    let unit = |u: usize| names::BUSINESS_UNITS[u % names::BUSINESS_UNITS.len()];
    match role {
        GroupRole::AllDevelopers => ALL_DEVELOPERS.into(),
        GroupRole::Platform => "Platform Engineering".into(),
        GroupRole::CloudAdmins => "Cloud Admins".into(),
        GroupRole::SecurityOps => "Security Operations".into(),
        GroupRole::Auditors => "Auditors".into(),
        GroupRole::Finance => "Finance".into(),
        GroupRole::UnitDevelopers(u) => unit_label(u, unit(u), "Developers"),
        GroupRole::UnitOnCall(u) => unit_label(u, unit(u), "On-Call"),
        GroupRole::Project => {
            let word = names::PROJECTS[project % names::PROJECTS.len()];
            match project / names::PROJECTS.len() {
                0 => format!("Project {word}"),
                round => format!("Project {word} {}", round + 1),
            }
        }
    }
}

/// `Payments Developers`, or `Payments 2 Developers` once the unit names run out.
fn unit_label(u: usize, unit: &str, what: &str) -> String {
    match u / names::BUSINESS_UNITS.len() {
        0 => format!("{unit} {what}"),
        round => format!("{unit} {} {what}", round + 1),
    }
}

fn group_description(role: GroupRole) -> String {
    match role {
        GroupRole::AllDevelopers => {
            "Every developer: developer, read-only and view-only access everywhere."
        }
        GroupRole::Platform => "Builds and runs the shared AWS platform.",
        GroupRole::CloudAdmins => "Full administrators of every account.",
        GroupRole::SecurityOps => "Security engineering and incident response.",
        GroupRole::Auditors => "Internal auditors.",
        GroupRole::Finance => "Finance; billing and cost reports.",
        GroupRole::UnitDevelopers(_) => "Developers of this business unit.",
        GroupRole::UnitOnCall(_) => "On-call engineers of this business unit.",
        GroupRole::Project => "Cross-team project.",
    }
    .into()
}

/// Member indices per group. `dev.user` (index 0) is only ever in `All Developers`.
fn memberships(
    rng: &mut StdRng,
    roles: &[GroupRole],
    departments: &[&Department],
    unit_of: &[Option<usize>],
) -> Vec<Vec<usize>> {
    let mut members = vec![Vec::new(); roles.len()];
    let slot = |wanted: GroupRole| roles.iter().position(|r| *r == wanted);
    let all_devs = slot(GroupRole::AllDevelopers);
    let platform = slot(GroupRole::Platform);
    let admins = slot(GroupRole::CloudAdmins);
    let by_dept = [
        ("Security", slot(GroupRole::SecurityOps)),
        ("Finance", slot(GroupRole::Finance)),
        ("Compliance", slot(GroupRole::Auditors)),
    ];
    let mut unit_slots: HashMap<GroupRole, usize> = HashMap::new();
    for (n, role) in roles.iter().enumerate() {
        if matches!(
            role,
            GroupRole::UnitDevelopers(_) | GroupRole::UnitOnCall(_)
        ) {
            unit_slots.insert(*role, n);
        }
    }
    let projects: Vec<usize> = (0..roles.len())
        .filter(|n| roles[*n] == GroupRole::Project)
        .collect();
    let mut add = |slot: Option<usize>, user: usize| {
        if let Some(s) = slot {
            members[s].push(user);
        }
    };
    for (user, dept) in departments.iter().enumerate() {
        if dept.engineering {
            add(all_devs, user);
        }
        if user == 0 {
            continue;
        }
        if user == 1 || dept.name == "Platform" {
            add(platform, user);
        }
        if matches!(dept.name, "Platform" | "IT") && rng.random_ratio(1, 12) {
            add(admins, user);
        }
        for (name, s) in by_dept {
            if dept.name == name {
                add(s, user);
            }
        }
        if let Some(unit) = unit_of[user] {
            add(
                unit_slots.get(&GroupRole::UnitDevelopers(unit)).copied(),
                user,
            );
            let on_call = matches!(dept.name, "SRE" | "Platform") || rng.random_ratio(1, 10);
            if on_call {
                add(unit_slots.get(&GroupRole::UnitOnCall(unit)).copied(), user);
            }
            if !projects.is_empty() && rng.random_ratio(1, 4) {
                add(Some(projects[rng.random_range(0..projects.len())]), user);
            }
        }
    }
    // Small directories leave some groups empty; give those a few people (never dev.user).
    let people = departments.len();
    for group in members.iter_mut().filter(|m| m.is_empty()) {
        if people > 2 {
            let mut picks: Vec<usize> = (0..3).map(|_| rng.random_range(2..people)).collect();
            picks.sort_unstable();
            picks.dedup();
            group.extend(picks);
        }
    }
    members
}
