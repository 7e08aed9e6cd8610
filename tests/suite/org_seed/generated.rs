//! Generated organisations: valid, deterministic, of the requested size, with `dev.user`
//! reaching every account with three permission sets.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use centry::emulator::generate::{GenerateSpec, generate};
use centry::emulator::org::PrincipalKind;

use super::support::*;

fn spec(text: &str) -> GenerateSpec {
    text.parse().expect("valid spec")
}

#[test]
fn generated_org_has_the_requested_sizes_and_validates() {
    let org = generate(&spec(
        "accounts=300,users=3000,groups=60,permission-sets=30,seed=11",
    ));
    org.validate().expect("generated org validates");
    assert_eq!(org.accounts.len(), 300);
    assert_eq!(org.users.len(), 3000);
    assert_eq!(org.groups.len(), 60);
    assert_eq!(org.permission_sets.len(), 30);
    assert_ids_well_formed(&org);
    assert_eq!(org.history.days, 0);
}

#[test]
fn generated_org_is_deterministic() {
    let text = "accounts=150,users=1200,groups=25,permission-sets=20,seed=42";
    let first = serde_json::to_string(&generate(&spec(text))).unwrap();
    let second = serde_json::to_string(&generate(&spec(text))).unwrap();
    assert!(first == second, "same spec, different organisation");
    let other = serde_json::to_string(&generate(&spec(
        "accounts=150,users=1200,groups=25,permission-sets=20,seed=43",
    )))
    .unwrap();
    assert_ne!(first, other, "the seed changes the organisation");
}

#[test]
fn dev_user_reaches_every_account_with_three_permission_sets() {
    for text in [
        "accounts=2000,users=20000,seed=5",
        "accounts=1,users=2,groups=1,permission-sets=4",
        "accounts=40,users=10",
    ] {
        let org = generate(&spec(text));
        org.validate().unwrap();
        let reach = reach(&org, "dev.user");
        assert_eq!(
            reach.len(),
            org.accounts.len(),
            "{text}: dev.user reaches every account"
        );
        for (account, sets) in &reach {
            assert_eq!(sets.len(), 3, "{text}: {account} offers {sets:?}");
        }
    }
}

#[test]
fn generated_org_shares_identifiers_and_policies_with_the_demo() {
    let demo = demo();
    let org = generate(&spec("accounts=120,users=500,permission-sets=40"));
    assert_eq!(
        serde_json::to_value(&org.instance).unwrap(),
        serde_json::to_value(&demo.instance).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&org.organization).unwrap(),
        serde_json::to_value(&demo.organization).unwrap()
    );
    assert!(
        org.accounts
            .iter()
            .any(|a| a.id == MANAGEMENT && a.name == "acme-management")
    );
    for set in &org.permission_sets {
        if let Some(same) = demo.permission_sets.iter().find(|d| d.name == set.name) {
            assert_eq!(
                set.managed_policies, same.managed_policies,
                "{} differs from the demo",
                set.name
            );
            assert_eq!(set.session_duration, same.session_duration, "{}", set.name);
        } else {
            for p in &set.managed_policies {
                assert!(
                    !IDENTITY_CENTER_POWER.contains(&p.as_str()),
                    "{} carries {p}",
                    set.name
                );
            }
        }
    }
    let jordan = reach(&org, "jordan.lee");
    assert!(
        jordan
            .get(MANAGEMENT)
            .is_some_and(|sets| sets.contains("IdentityCenterAuditor"))
    );
    assert!(
        org.account_assignments
            .iter()
            .any(|a| a.account == MANAGEMENT
                && a.permission_set == "IdentityCenterAuditor"
                && a.principal_type == PrincipalKind::User
                && a.principal == "jordan.lee")
    );
}

#[test]
fn generated_org_looks_like_a_real_organisation() {
    let org = generate(&spec(
        "accounts=600,users=5000,groups=80,permission-sets=60,seed=2",
    ));
    let durations: HashSet<&str> = org
        .permission_sets
        .iter()
        .map(|p| p.session_duration.as_str())
        .collect();
    assert!(durations.len() >= 4, "{durations:?}");
    let mut per_account: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for a in &org.account_assignments {
        per_account
            .entry(&a.account)
            .or_default()
            .insert(&a.permission_set);
    }
    let mut counts: Vec<usize> = per_account.values().map(BTreeSet::len).collect();
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    assert!(
        (4..=10).contains(&median),
        "median {median} permission sets per account"
    );
    assert!(org.ous.len() >= 10, "{} OUs", org.ous.len());
    assert!(org.accounts.iter().any(|a| a.state == "SUSPENDED"));
    assert!(org.accounts.iter().any(|a| a.joined_method == "INVITED"));
    assert!(org.users.iter().any(|u| u.status == "DISABLED"));
    let direct = org
        .account_assignments
        .iter()
        .filter(|a| a.principal_type == PrincipalKind::User)
        .count();
    assert!(direct >= 50, "{direct} direct user grants");
    let group_held: HashSet<&str> = org
        .account_assignments
        .iter()
        .filter(|a| a.principal_type == PrincipalKind::Group)
        .map(|a| a.principal.as_str())
        .collect();
    assert!(
        group_held.len() * 2 >= org.groups.len(),
        "most groups hold access ({})",
        group_held.len()
    );
    let sizes: Vec<usize> = org.groups.iter().map(|g| g.members.len()).collect();
    assert!(
        sizes.iter().filter(|n| **n > 0).count() * 10 >= sizes.len() * 9,
        "groups have members"
    );
    let all_developers = org
        .groups
        .iter()
        .find(|g| g.display_name == "All Developers")
        .expect("All Developers");
    assert!(
        all_developers.members.len() * 3 >= org.users.len(),
        "most people are developers"
    );
    assert!(
        org.permission_sets
            .iter()
            .any(|p| !p.outdated_in.is_empty())
    );
}
