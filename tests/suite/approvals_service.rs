//! `services::approvals` against the emulator's demo organisation: the three approval teams
//! get the verdicts a person would give them (healthy; broken by an INVALID identity and a
//! DISABLED user; marginal with a pending update), sessions come pending-first then newest,
//! nothing changes when pages hold one item or come shuffled, and a role that may not read
//! the directory gets ids marked unverified instead of a failure.

use std::sync::Arc;

use centry::emulator::Org;
use centry::model::team::{Person, Verdict};
use centry::model::team_session::{SessionStatus, Vote, protected_resources};
use centry::services::ErrorKind;
use centry::services::approvals::{Approvals, TeamOverview, mpa_limiter};
use centry::services::limiter::Limiter;

use crate::common;

const BREAK_GLASS: &str = "Break Glass Approvers";
const DATA: &str = "Data Recovery Approvers";
const PROD: &str = "Prod Vault Guardians";

fn approvals(svc: &centry::services::Services) -> Approvals {
    Approvals::new(
        svc,
        Arc::new(mpa_limiter()),
        Arc::new(Limiter::identity_center()),
    )
}

fn team<'a>(o: &'a [TeamOverview], name: &str) -> &'a TeamOverview {
    o.iter().find(|t| t.team.name == name).expect("team listed")
}

/// Everything a person reads off the teams screen, as plain values for comparison.
fn digest(o: &[TeamOverview]) -> Vec<(String, String, usize, usize, Vec<String>, usize)> {
    o.iter()
        .map(|t| {
            let h = t.team.health();
            (
                t.team.name.clone(),
                h.verdict.as_str().to_string(),
                h.usable,
                h.total,
                h.reasons(),
                *t.pending_sessions.as_ref().expect("pending counted"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_teams_get_their_verdicts_and_sessions_come_pending_first() {
    let emu = common::demo().await;
    let token = common::device_sign_in(&emu).await;
    let creds = common::role_credentials(&emu, &token, common::MGMT, "IdentityCenterAuditor").await;
    let svc = common::services(&emu).with_credentials(creds);
    let a = approvals(&svc);

    let o = a.overview().await.expect("overview");
    let names: Vec<&str> = o.iter().map(|t| t.team.name.as_str()).collect();
    assert_eq!(names, [BREAK_GLASS, DATA, PROD], "sorted by name");
    assert!(o.iter().all(|t| t.detail_error.is_none()));
    assert!(a.directory_problem().is_none());

    let bg = team(&o, BREAK_GLASS);
    let h = bg.team.health();
    assert_eq!((h.verdict, h.usable, h.total), (Verdict::Broken, 2, 4));
    assert_eq!(bg.team.m_of_n(), "3 of 4");
    let reasons = h.reasons();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("ahmed.farouk") && r.contains("DISABLED")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("emeka.nwosu") && r.contains("INVALID")),
        "{reasons:?}"
    );
    assert_eq!(bg.pending_sessions.as_ref().ok(), Some(&1));

    let data = team(&o, DATA);
    let h = data.team.health();
    assert_eq!((h.verdict, h.usable, h.total), (Verdict::Marginal, 2, 3));
    assert!(h.reasons()[0].contains("tariq.rahman"), "{:?}", h.reasons());
    let update = data.team.pending_update.as_ref().expect("pending update");
    let added: Vec<String> = update
        .added(&data.team.approvers)
        .iter()
        .map(|a| a.who())
        .collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].contains("valentina.cruz"), "{added:?}");
    assert_eq!(
        data.team.status_code.as_deref(),
        Some("UPDATE_PENDING_APPROVAL")
    );
    assert_eq!(data.pending_sessions.as_ref().ok(), Some(&0));

    let prod = team(&o, PROD);
    let h = prod.team.health();
    assert_eq!((h.verdict, h.usable, h.total), (Verdict::Healthy, 4, 4));
    assert!(h.problems.is_empty());
    assert_eq!(prod.pending_sessions.as_ref().ok(), Some(&1));
    let jordan = prod
        .team
        .approvers
        .iter()
        .find(|a| a.who().contains("jordan.lee"))
        .expect("jordan is a guardian");
    assert_eq!(jordan.who(), "Jordan Lee (jordan.lee)");

    // Sessions: pending first, then newest.
    let sessions = a.list_sessions(&prod.team.arn, None).await.unwrap();
    let order: Vec<(String, String)> = sessions
        .iter()
        .map(|s| {
            (
                s.status_label(),
                s.initiated
                    .map(|t| t.date().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("PENDING".to_string(), "2026-11-20".to_string()),
            ("CANCELLED".into(), "2026-09-02".into()),
            ("FAILED (EXPIRED)".into(), "2026-06-10".into()),
            ("APPROVED".into(), "2026-03-04".into()),
        ]
    );
    let p = protected_resources(&prod.team, &sessions);
    assert_eq!(
        p.resources,
        [
            "arn:aws:backup:us-east-1:381492058412:backup-vault:payments-prod-vault",
            "arn:aws:backup:us-east-1:381492058412:backup-vault:prod-vault",
        ]
    );
    assert_eq!(p.policies.len(), 1);

    // The break-glass team's pending session: two of three approvals, named people.
    let pending = a
        .list_sessions(&bg.team.arn, Some(&SessionStatus::Pending))
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    let s = a.get_session(&pending[0].arn).await.unwrap();
    assert_eq!(s.votes_label(), "2 of 3");
    assert_eq!(s.requester_short(), "noah.williams");
    let responses = s.responses.as_ref().unwrap();
    assert_eq!(responses.len(), 4);
    let approved: Vec<String> = responses
        .iter()
        .filter(|r| r.response == Some(Vote::Approved))
        .map(|r| r.person.label(&r.identity_id))
        .collect();
    assert_eq!(approved.len(), 2);
    assert!(approved.iter().any(|p| p.contains("rebecca.goldberg")));
    assert!(approved.iter().any(|p| p.contains("ravi.shankar")));
    assert_eq!(
        responses
            .iter()
            .filter(|r| r.response == Some(Vote::NoResponse))
            .count(),
        2
    );

    // Every session of every team, with responses: the order survives the detail calls.
    let all = a.with_responses(sessions).await;
    assert!(all.iter().all(|(_, e)| e.is_none()));
    assert_eq!(all[0].0.status, Some(SessionStatus::Pending));
    assert_eq!(all[0].0.votes_label(), "1 of 2");
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_sizes_and_ordering_do_not_change_the_answer() {
    let plain = common::demo().await;
    let expected = digest(
        &approvals(&common::operator(&plain))
            .overview()
            .await
            .unwrap(),
    );
    plain.stop().await;
    for (cap, seed) in [(Some(1), None), (Some(2), Some(7)), (None, Some(42))] {
        let emu = common::with(Org::demo(), |c| {
            c.settings.page_cap = cap;
            c.settings.shuffle_seed = seed;
        })
        .await;
        let a = approvals(&common::operator(&emu));
        let got = a.overview().await.unwrap();
        assert_eq!(digest(&got), expected, "page cap {cap:?}, shuffle {seed:?}");
        let prod = team(&got, PROD);
        let sessions = a.list_sessions(&prod.team.arn, None).await.unwrap();
        assert_eq!(sessions.len(), 4, "page cap {cap:?}, shuffle {seed:?}");
        assert!(sessions[0].is_open());
        assert!(
            sessions[1..]
                .windows(2)
                .all(|w| w[0].initiated >= w[1].initiated),
            "newest first after the pending one"
        );
        emu.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_without_directory_access_gets_unverified_ids_not_a_failure() {
    let emu = common::demo().await;
    let token = common::device_sign_in(&emu).await;
    // jordan.lee's ReadOnlyAccess role lives outside the Identity Center account: it may not
    // read the identity store (or the instance).
    let outside = common::role_credentials(&emu, &token, "898781089880", "ReadOnlyAccess").await;
    let denied = common::services(&emu).with_credentials(outside);
    let a = approvals(&common::operator(&emu)).with_directory(&denied);

    let o = a.overview().await.expect("the overview still loads");
    assert_eq!(o.len(), 3);
    let problem = a.directory_problem().expect("the denial is reported");
    assert_eq!(problem.kind, ErrorKind::AccessDenied);

    let bg = team(&o, BREAK_GLASS);
    assert!(
        bg.team
            .approvers
            .iter()
            .all(|x| x.person == Person::Unverified && x.who().ends_with("(unverified)"))
    );
    // Without the directory the DISABLED user cannot be seen: only the INVALID identity
    // counts, and the verdict says how many could not be checked.
    let h = bg.team.health();
    assert_eq!(
        (h.verdict, h.usable, h.unverified),
        (Verdict::Marginal, 3, 4)
    );
    assert_eq!(team(&o, PROD).team.health().verdict, Verdict::Healthy);
    emu.stop().await;
}
