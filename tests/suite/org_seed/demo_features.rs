//! The demo organisation's applications, trusted token issuer, Q Developer profiles,
//! approval teams and timestamps.

use std::collections::{BTreeSet, HashSet};

use centry::emulator::org::{ApprovalTeam, PrincipalKind};

use super::support::*;

#[test]
fn demo_applications_and_token_issuer() {
    let org = demo();
    let providers: HashSet<&str> = org
        .applications
        .iter()
        .map(|a| a.provider.as_str())
        .collect();
    for p in ["custom-saml", "custom-oauth", "q-developer"] {
        assert!(providers.contains(p), "no {p} application");
    }
    for app in &org.applications {
        assert!(
            app.assignments
                .iter()
                .any(|a| a.principal_type == PrincipalKind::User),
            "{} has no user",
            app.name
        );
        assert!(
            app.assignments
                .iter()
                .any(|a| a.principal_type == PrincipalKind::Group),
            "{} has no group",
            app.name
        );
    }
    assert!(
        org.applications
            .iter()
            .any(|a| a.provider == "custom-saml" && a.profiles.len() >= 2)
    );

    let portal = org
        .applications
        .iter()
        .find(|a| a.name == "Acme Analytics Portal")
        .expect("analytics portal");
    assert_eq!(portal.provider, "custom-oauth");
    assert_eq!(
        portal.scopes,
        [
            "redshift:connect",
            "s3:access_grants:read_write",
            "sso:account:access"
        ]
    );
    assert_eq!(
        portal.authorized_roles,
        ["arn:aws:iam::381492058412:role/AcmeAnalyticsTokenBridge"]
    );
    let grant = |t: &str| {
        portal
            .grants
            .iter()
            .find(|g| g.grant_type == t)
            .unwrap_or_else(|| panic!("{t} grant"))
    };
    assert_eq!(
        grant("authorization_code").redirect_uris,
        ["http://127.0.0.1/oauth/callback"]
    );
    grant("refresh_token");
    let jwt = grant("jwt_bearer");
    assert_eq!(jwt.authorized_token_issuers.len(), 1);
    assert_eq!(
        jwt.authorized_token_issuers[0].issuer,
        "Acme Okta (emulated)"
    );
    assert_eq!(jwt.authorized_token_issuers[0].audiences, ["centry-demo"]);

    assert_eq!(org.trusted_token_issuers.len(), 1);
    let tti = &org.trusted_token_issuers[0];
    assert_eq!(tti.name, "Acme Okta (emulated)");
    assert_eq!(tti.issuer_url, "{emulator}/idp");
    assert_eq!(
        (
            tti.claim_attribute_path.as_str(),
            tti.identity_store_attribute_path.as_str()
        ),
        ("email", "emails.value")
    );
    assert!(
        tti.id.strip_prefix("tti-").is_some_and(is_uuid),
        "{}",
        tti.id
    );
}

#[test]
fn demo_q_developer_profiles_span_two_regions() {
    let org = demo();
    let region = |arn: &str| arn.split(':').nth(3).unwrap_or_default().to_string();
    let in_region = |r: &str| {
        org.q_profiles
            .iter()
            .filter(|p| region(&p.arn) == r)
            .collect::<Vec<_>>()
    };
    assert_eq!(in_region("us-east-1").len(), 2);
    assert_eq!(in_region("eu-central-1").len(), 1);
    for p in &org.q_profiles {
        let id = p.arn.rsplit('/').next().unwrap_or_default();
        assert!(
            p.arn.starts_with(&format!(
                "arn:aws:codewhisperer:{}:{MANAGEMENT}:profile/",
                region(&p.arn)
            )),
            "{}",
            p.arn
        );
        assert!(
            id.len() == 12 && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{}",
            p.arn
        );
        assert!(
            !p.customizations.is_empty()
                && !p.active_functionalities.is_empty()
                && !p.subscribers.is_empty()
        );
        for c in &p.customizations {
            let prefix = format!(
                "arn:aws:codewhisperer:{}:{MANAGEMENT}:customization/",
                region(&p.arn)
            );
            assert!(
                c.arn.strip_prefix(&prefix).is_some_and(|id| id.len() == 12),
                "{}",
                c.arn
            );
        }
    }
    assert!(
        in_region("us-east-1")
            .iter()
            .any(|p| subscribed(&org, "jordan.lee", &p.subscribers))
    );
    assert!(in_region("eu-central-1").iter().all(|p| subscribed(
        &org,
        "jordan.lee",
        &p.subscribers
    )));
}

#[test]
fn demo_approval_teams_include_one_that_cannot_reach_its_threshold() {
    let org = demo();
    assert_eq!(org.approval_teams.len(), 3);
    let enabled: HashSet<&str> = org
        .users
        .iter()
        .filter(|u| u.status == "ENABLED")
        .map(|u| u.user_name.as_str())
        .collect();
    let usable = |t: &ApprovalTeam| {
        t.approvers
            .iter()
            .filter(|a| a.identity_status == "ACCEPTED" && enabled.contains(a.user.as_str()))
            .count() as u32
    };
    let stuck: Vec<_> = org
        .approval_teams
        .iter()
        .filter(|t| usable(t) < t.min_approvals)
        .collect();
    let marginal: Vec<_> = org
        .approval_teams
        .iter()
        .filter(|t| usable(t) == t.min_approvals)
        .collect();
    let healthy: Vec<_> = org
        .approval_teams
        .iter()
        .filter(|t| usable(t) > t.min_approvals)
        .collect();
    assert_eq!((stuck.len(), marginal.len(), healthy.len()), (1, 1, 1));
    assert!(
        stuck[0]
            .approvers
            .iter()
            .any(|a| a.identity_status == "ACCEPTED" && !enabled.contains(a.user.as_str())),
        "the stuck team counts an accepted approver whose user is disabled"
    );
    let update = marginal[0]
        .pending_update
        .as_ref()
        .expect("the marginal team has a pending update");
    time_of(&update.initiated);
    for a in &update.approvers {
        assert!(
            org.users.iter().any(|u| u.user_name == a.user),
            "unknown approver {}",
            a.user
        );
    }

    let mut states = BTreeSet::new();
    for team in &org.approval_teams {
        assert!(!team.protected_resources.is_empty());
        for r in &team.protected_resources {
            assert!(
                r.starts_with("arn:aws:backup:") && r.contains(":backup-vault:"),
                "{r}"
            );
        }
        for s in &team.sessions {
            let initiated = time_of(&s.initiated);
            assert_eq!(initiated.year(), 2026, "{}", s.initiated);
            assert!(time_of(&s.expires) > initiated);
            assert!(
                team.protected_resources.contains(&s.protected_resource),
                "{}",
                s.protected_resource
            );
            let approved = s.votes.iter().filter(|v| v.response == "APPROVED").count() as u32;
            for v in &s.votes {
                assert!(
                    team.approvers.iter().any(|a| a.user == v.user),
                    "{} voted outside {}",
                    v.user,
                    team.name
                );
                assert!(time_of(&v.time) >= initiated);
            }
            match s.status.as_str() {
                "PENDING" => {
                    assert!(s.completed.is_none());
                    assert!(
                        approved > 0 && approved < team.min_approvals,
                        "pending with partial votes"
                    );
                }
                "APPROVED" => assert!(approved >= team.min_approvals),
                "FAILED" => assert!(matches!(
                    s.status_code.as_deref(),
                    Some("REJECTED" | "EXPIRED")
                )),
                "CANCELLED" => {}
                other => panic!("unexpected session status {other}"),
            }
            if s.status != "PENDING" {
                assert!(time_of(s.completed.as_deref().expect("completed time")) >= initiated);
            }
            states.insert(format!(
                "{}/{}",
                s.status,
                s.status_code.as_deref().unwrap_or("-")
            ));
        }
    }
    for state in [
        "PENDING/-",
        "APPROVED/-",
        "FAILED/REJECTED",
        "FAILED/EXPIRED",
        "CANCELLED/-",
    ] {
        assert!(states.contains(state), "no {state} session in {states:?}");
    }
}

#[test]
fn demo_times_are_rfc3339_utc() {
    let org = demo();
    let mut times = vec![org.instance.created.as_str()];
    times.extend(org.accounts.iter().map(|a| a.joined.as_str()));
    times.extend(org.permission_sets.iter().map(|p| p.created.as_str()));
    for t in &org.approval_teams {
        times.push(&t.created);
        times.extend(
            t.approvers
                .iter()
                .filter_map(|a| a.response_time.as_deref()),
        );
        for s in &t.sessions {
            times.extend([s.initiated.as_str(), s.expires.as_str()]);
            times.extend(s.completed.as_deref());
            times.extend(s.votes.iter().map(|v| v.time.as_str()));
        }
    }
    for t in times {
        time_of(t);
    }
}
