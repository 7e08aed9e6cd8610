//! The demo organisation's directory and access: accounts and OUs, people and groups, the
//! demo user's reach, permission sets and account assignments.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use centry::emulator::org::{Org, PrincipalKind};

use super::support::*;

#[test]
fn demo_org_file_loads_and_validates() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-org.json");
    let from_file = Org::from_file(&path).expect("demo org loads");
    demo().validate().expect("demo org validates");
    assert_eq!(
        serde_json::to_value(&from_file).unwrap(),
        serde_json::to_value(demo()).unwrap()
    );
    assert_ids_well_formed(&from_file);
}

#[test]
fn demo_instance_and_organization_are_acme() {
    let org = demo();
    assert_eq!(
        org.instance.instance_arn,
        "arn:aws:sso:::instance/ssoins-7223a8c1f5e4b903"
    );
    assert_eq!(org.instance.identity_store_id, "d-9067c3a2b1");
    assert_eq!(org.instance.owner_account_id, MANAGEMENT);
    assert_eq!(org.instance.region, "us-east-1");
    assert_eq!(org.instance.start_url, "https://acme.awsapps.com/start");
    assert_eq!(org.instance.name, "Acme Corp");
    assert_eq!(org.organization.id, "o-k3x9q2w7ab");
    assert_eq!(org.organization.root_id, "r-7x2k");
    assert_eq!(org.organization.management_account_id, MANAGEMENT);
    let history = &org.history;
    assert_eq!(
        (history.days, history.sign_ins_per_day, history.seed),
        (14, 40, 7)
    );
}

#[test]
fn demo_accounts_sit_in_a_landing_zone() {
    let org = demo();
    assert!(
        (35..=45).contains(&org.accounts.len()),
        "{} accounts",
        org.accounts.len()
    );
    let management = org
        .accounts
        .iter()
        .find(|a| a.id == MANAGEMENT)
        .expect("management account");
    assert_eq!(management.name, "acme-management");
    let ou = |name: &str| {
        org.ous
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("OU {name}"))
    };
    let workloads = ou("Workloads");
    for env in ["Prod", "Staging", "Dev"] {
        assert_eq!(ou(env).parent, workloads.id, "{env} is under Workloads");
    }
    for name in ["security-tooling", "log-archive", "audit"] {
        let account = org
            .accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(account.parent, ou("Security").id);
    }
    for name in ["network", "shared-services", "identity"] {
        let account = org
            .accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(account.parent, ou("Infrastructure").id);
    }
    for name in ["payments-prod", "payments-staging", "data-lake-prod"] {
        assert!(org.accounts.iter().any(|a| a.name == name), "{name}");
    }
    for ou_name in ["Sandbox", "Data", "Suspended"] {
        assert!(
            org.accounts.iter().any(|a| a.parent == ou(ou_name).id),
            "no account in {ou_name}"
        );
    }
    assert!(org.accounts.iter().any(|a| a.state == "SUSPENDED"));
    assert_eq!(
        org.accounts
            .iter()
            .filter(|a| a.joined_method == "INVITED")
            .count(),
        1
    );
    for a in org.accounts.iter().filter(|a| a.joined_method == "CREATED") {
        assert_eq!(a.email, format!("aws+{}@acme.example", a.name));
    }
    let years: HashSet<i32> = org
        .accounts
        .iter()
        .map(|a| time_of(&a.joined).year())
        .collect();
    assert!(
        years.len() >= 4,
        "accounts joined over several years: {years:?}"
    );
}

#[test]
fn demo_people_and_groups_are_believable() {
    let org = demo();
    assert!(
        (55..=65).contains(&org.users.len()),
        "{} users",
        org.users.len()
    );
    assert!(
        (8..=14).contains(&org.groups.len()),
        "{} groups",
        org.groups.len()
    );
    let disabled = org.users.iter().filter(|u| u.status == "DISABLED").count();
    assert!((2..=4).contains(&disabled), "{disabled} disabled");
    let prefixed = org.users.iter().filter(|u| u.id.len() == 47).count();
    assert!(
        prefixed > 0 && prefixed < org.users.len(),
        "some user ids use the older prefix form"
    );
    let okta = org
        .users
        .iter()
        .filter_map(|u| u.external_id.as_ref())
        .filter(|e| {
            e.issuer == "https://acme.okta.com" && e.id.len() == 20 && e.id.starts_with("00u")
        })
        .count();
    assert!(
        okta * 10 >= org.users.len() * 8,
        "most users come from Okta ({okta})"
    );
    for u in &org.users {
        let ip = u
            .home_ip
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no home IP", u.user_name));
        assert!(
            ["192.0.2.", "198.51.100.", "203.0.113."]
                .iter()
                .any(|net| ip.starts_with(net)),
            "{ip} is not a documentation address"
        );
        assert!(
            u.title.is_some() && u.department.is_some(),
            "{}",
            u.user_name
        );
    }
    let departments: HashSet<&str> = org
        .users
        .iter()
        .filter_map(|u| u.department.as_deref())
        .collect();
    assert!(departments.len() >= 8, "{departments:?}");
    for g in &org.groups {
        assert!(!g.members.is_empty(), "{} is empty", g.display_name);
    }
    for name in [
        "Platform Engineering",
        "Payments Developers",
        "Data Engineering",
        "Security Operations",
        "SRE On-Call",
        "Finance",
        "Cloud Admins",
        "Auditors",
        "Contractors",
        "Break Glass Approvers",
    ] {
        assert!(
            org.groups.iter().any(|g| g.display_name == name),
            "group {name}"
        );
    }
}

#[test]
fn demo_user_reaches_many_accounts_and_audits_identity_center() {
    let org = demo();
    let jordan = org
        .users
        .iter()
        .find(|u| u.user_name == "jordan.lee")
        .expect("jordan.lee");
    assert_eq!(jordan.display_name, "Jordan Lee");
    assert_eq!(jordan.title.as_deref(), Some("Platform Engineer"));
    assert_eq!(jordan.department.as_deref(), Some("Platform"));
    assert_eq!(jordan.status, "ENABLED");
    assert!(groups_of(&org, "jordan.lee").contains("Platform Engineering"));

    let reach = reach(&org, "jordan.lee");
    let pairs: usize = reach.values().map(BTreeSet::len).sum();
    assert!((15..=25).contains(&pairs), "{pairs} account/role pairs");
    assert!(reach.len() >= 8, "{} accounts", reach.len());
    let most = reach.values().map(BTreeSet::len).max().unwrap_or(0);
    assert!(
        (2..=4).contains(&most),
        "at most {most} roles in one account"
    );
    assert!(reach.values().filter(|roles| roles.len() >= 2).count() >= 3);

    let direct = |account: &str, set: &str| {
        org.account_assignments.iter().any(|a| {
            a.account == account
                && a.permission_set == set
                && a.principal_type == PrincipalKind::User
                && a.principal == "jordan.lee"
        })
    };
    assert!(
        direct(MANAGEMENT, "IdentityCenterAuditor"),
        "direct IdentityCenterAuditor in the management account"
    );
}

#[test]
fn demo_permission_sets_cover_the_landing_zone() {
    let org = demo();
    assert!(
        (10..=14).contains(&org.permission_sets.len()),
        "{}",
        org.permission_sets.len()
    );
    let set = |name: &str| {
        org.permission_sets
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    for name in [
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "ViewOnlyAccess",
        "DeveloperAccess",
        "DataEngineer",
        "SecurityAudit",
        "IdentityCenterAuditor",
        "IdentityCenterAdmin",
        "BillingReadOnly",
        "NetworkAdmin",
        "BreakGlass",
    ] {
        set(name);
    }
    let durations: Vec<u64> = org
        .permission_sets
        .iter()
        .filter_map(|p| duration_secs(&p.session_duration))
        .collect();
    assert_eq!(durations.len(), org.permission_sets.len());
    assert_eq!(durations.iter().min(), Some(&3600), "shortest is PT1H");
    assert_eq!(durations.iter().max(), Some(&43_200), "longest is PT12H");
    assert_eq!(set("BreakGlass").session_duration, "PT1H");
    assert!(set("NetworkAdmin").permissions_boundary.is_some());
    assert!(
        org.permission_sets
            .iter()
            .any(|p| !p.customer_managed_policies.is_empty())
    );
    let inline: Vec<_> = org
        .permission_sets
        .iter()
        .filter_map(|p| p.inline_policy.as_ref())
        .collect();
    assert!(inline.len() >= 3);
    for doc in inline {
        assert_eq!(doc["Version"], "2012-10-17");
        assert!(doc["Statement"].as_array().is_some_and(|s| !s.is_empty()));
    }

    let aws = |p: &str| format!("arn:aws:iam::aws:policy/{p}");
    assert_eq!(
        set("IdentityCenterAuditor").managed_policies,
        [
            "SecurityAudit",
            "AWSSSOReadOnly",
            "AWSCloudTrail_ReadOnlyAccess",
            "AWSOrganizationsReadOnlyAccess"
        ]
        .map(aws)
    );
    assert!(
        set("AdministratorAccess")
            .managed_policies
            .contains(&aws("AdministratorAccess"))
    );
    assert!(
        set("IdentityCenterAdmin")
            .managed_policies
            .contains(&aws("AWSSSOMasterAccountAdministrator"))
    );
    for name in [
        "DeveloperAccess",
        "ViewOnlyAccess",
        "DataEngineer",
        "BillingReadOnly",
    ] {
        for p in &set(name).managed_policies {
            assert!(
                !IDENTITY_CENTER_POWER.contains(&p.as_str()),
                "{name} must not carry {p}"
            );
        }
    }

    let outdated: Vec<_> = org
        .permission_sets
        .iter()
        .filter(|p| !p.outdated_in.is_empty())
        .collect();
    assert_eq!(outdated.len(), 1, "one set is provisioned but out of date");
    for account in &outdated[0].outdated_in {
        assert!(
            org.account_assignments
                .iter()
                .any(|a| &a.account == account && a.permission_set == outdated[0].name),
            "{} is outdated in {account}, where it is not provisioned",
            outdated[0].name
        );
    }
}

#[test]
fn demo_assignments_look_like_a_real_organisation() {
    let org = demo();
    let n = org.account_assignments.len();
    assert!((150..=500).contains(&n), "{n} assignments");
    let unique: HashSet<_> = org.account_assignments.iter().collect();
    assert_eq!(unique.len(), n, "no duplicate assignments");
    for p in &org.permission_sets {
        assert!(
            org.account_assignments
                .iter()
                .any(|a| a.permission_set == p.name),
            "{} is never assigned",
            p.name
        );
    }
    let prod_ou = &org
        .ous
        .iter()
        .find(|o| o.name == "Prod")
        .expect("Prod OU")
        .id;
    let prod: BTreeSet<&str> = org
        .accounts
        .iter()
        .filter(|a| &a.parent == prod_ou)
        .map(|a| a.id.as_str())
        .collect();
    let mut on_prod: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for a in org
        .account_assignments
        .iter()
        .filter(|a| a.principal_type == PrincipalKind::Group)
    {
        if prod.contains(a.account.as_str()) {
            on_prod
                .entry((&a.principal, &a.permission_set))
                .or_default()
                .insert(&a.account);
        }
    }
    assert!(
        on_prod.values().any(|accounts| *accounts == prod),
        "some group holds a role on every prod account"
    );

    // People who reach one account/role both directly and through a group.
    let mut both = BTreeSet::new();
    for a in org
        .account_assignments
        .iter()
        .filter(|a| a.principal_type == PrincipalKind::User)
    {
        let groups = groups_of(&org, &a.principal);
        if org.account_assignments.iter().any(|b| {
            b.principal_type == PrincipalKind::Group
                && groups.contains(b.principal.as_str())
                && b.account == a.account
                && b.permission_set == a.permission_set
        }) {
            both.insert(a.principal.as_str());
        }
    }
    assert!(both.len() >= 3, "{both:?}");
}
