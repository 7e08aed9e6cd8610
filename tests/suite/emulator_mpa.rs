//! The emulated multi-party approval API through the real aws-sdk-mpa client: teams, the
//! identity source, policy versions, sessions paged in the body and filtered, and votes.
//! Team and session ARNs travel as percent-encoded path labels.

use aws_sdk_mpa::types::{FilterField, Operator, SessionResponse};

use crate::admin_fixture::{self as fx, MGMT};
use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mpa_teams_sessions_and_votes() {
    let org = fx::org();
    let emu = fx::start(|_| {}).await;
    let mpa = common::operator(&emu).mpa(true);

    let teams = mpa.list_approval_teams().send().await.unwrap();
    assert_eq!(teams.approval_teams().len(), org.approval_teams.len());
    let guardians = teams
        .approval_teams()
        .iter()
        .find(|t| t.name() == Some("Vault Guardians"))
        .unwrap();
    let arn = guardians.arn().unwrap().to_string();
    assert!(arn.contains(":approval-team/"));
    assert!(guardians.creation_time().is_some());

    let sources = mpa.list_identity_sources().send().await.unwrap();
    let source = sources.identity_sources()[0]
        .identity_source_arn()
        .unwrap()
        .to_string();
    let team = mpa.get_approval_team().arn(&arn).send().await.unwrap();
    assert_eq!(team.number_of_approvers(), Some(3));
    let ana_id = fx::user_id(&org, "ana.silva");
    let ana = team
        .approvers()
        .iter()
        .find(|a| a.primary_identity_id() == Some(ana_id.as_str()))
        .expect("ana is an approver");
    assert_eq!(ana.primary_identity_source_arn(), Some(source.as_str()));
    let policy = team.policies()[0].policy_arn().to_string();
    let version = mpa
        .get_policy_version()
        .policy_version_arn(policy.replace("/1", "/$DEFAULT"))
        .send()
        .await
        .unwrap();
    assert!(
        version
            .policy_version()
            .unwrap()
            .document()
            .contains("mpa:StartSession")
    );

    let broken = teams
        .approval_teams()
        .iter()
        .find(|t| t.name() == Some("Break-glass (short-handed)"))
        .unwrap();
    assert_eq!(broken.status().map(|s| s.as_str()), Some("INACTIVE"));
    let broken = mpa
        .get_approval_team()
        .arn(broken.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        broken.pending_update().unwrap().number_of_approvers(),
        Some(2)
    );

    // Paging in the body, more than three pages.
    let mut token = None;
    let mut pages = 0;
    let mut sessions = Vec::new();
    loop {
        let page = mpa
            .list_sessions()
            .approval_team_arn(&arn)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        sessions.extend(page.sessions().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let seed = &org.approval_teams[0].sessions;
    assert!(pages > 3);
    assert_eq!(sessions.len(), seed.len());

    let filtered = |field: FilterField, op: Operator, value: &str| {
        mpa.list_sessions()
            .approval_team_arn(&arn)
            .filters(
                aws_sdk_mpa::types::Filter::builder()
                    .field_name(field)
                    .operator(op)
                    .value(value)
                    .build(),
            )
            .send()
    };
    let pending = filtered(FilterField::SessionStatus, Operator::Equals, "PENDING")
        .await
        .unwrap();
    let want = seed.iter().filter(|s| s.status == "PENDING").count();
    assert_eq!(pending.sessions().len(), want);
    let not_pending = filtered(FilterField::SessionStatus, Operator::NotEquals, "PENDING")
        .await
        .unwrap();
    assert_eq!(not_pending.sessions().len(), seed.len() - want);
    let first_half = filtered(
        FilterField::InitiationTime,
        Operator::Between,
        "2026-01-01T00:00:00Z AND 2026-03-31T00:00:00Z",
    )
    .await
    .unwrap();
    assert_eq!(first_half.sessions().len(), 3);
    let unsupported = filtered(FilterField::Vote, Operator::Equals, "APPROVED")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(unsupported.is_validation_exception(), "{unsupported:?}");

    // One vote in, the other approvers have not answered.
    let one_vote = pending
        .sessions()
        .iter()
        .find(|s| {
            s.initiation_time().is_some_and(|t| t.secs() > 0)
                && s.description() == Some("Restore drill 4")
        })
        .unwrap();
    let detail = mpa
        .get_session()
        .session_arn(one_vote.session_arn().unwrap())
        .send()
        .await
        .unwrap();
    let responses: Vec<_> = detail
        .approver_responses()
        .iter()
        .map(|r| (r.identity_id().unwrap().to_string(), r.response().cloned()))
        .collect();
    let raj = fx::user_id(&org, "raj.mehta");
    assert_eq!(responses.len(), 3);
    for (who, response) in responses {
        let want = if who == raj {
            SessionResponse::Approved
        } else {
            SessionResponse::NoResponse
        };
        assert_eq!(response, Some(want), "{who}");
    }

    let e = mpa
        .get_approval_team()
        .arn(format!("arn:aws:mpa:us-east-1:{MGMT}:approval-team/nope"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    let e = mpa
        .list_approval_teams()
        .max_results(21)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_validation_exception(), "{e:?}");
}
