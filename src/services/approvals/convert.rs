//! From aws-sdk-mpa answers to the model: every field optional on the wire stays optional,
//! and every enum goes through its wire string so unknown values survive as sent.

use aws_sdk_mpa::operation::get_approval_team::GetApprovalTeamOutput;
use aws_sdk_mpa::operation::get_session::GetSessionOutput;
use aws_sdk_mpa::types::{
    ApprovalStrategyResponse, GetApprovalTeamResponseApprover, GetSessionResponseApproverResponse,
    IdentitySourceForList, ListApprovalTeamsResponseApprovalTeam, ListSessionsResponseSession,
};
use aws_smithy_types::DateTime;
use time::OffsetDateTime;

use super::IdentitySource;
use crate::model::team::{Approver, IdentityStatus, PendingUpdate, Team, TeamStatus};
use crate::model::team_session::{ApproverResponse, Session, SessionStatus, Vote};

/// An SDK timestamp as `OffsetDateTime` (`None` when out of range).
pub fn time(t: Option<&DateTime>) -> Option<OffsetDateTime> {
    t.and_then(|t| OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos()).ok())
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn count(n: Option<i32>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

/// M from an approval strategy (`None` for a strategy this SDK does not know).
pub fn threshold(s: Option<&ApprovalStrategyResponse>) -> Option<u32> {
    match s? {
        ApprovalStrategyResponse::MofN(m) => u32::try_from(m.min_approvals_required()).ok(),
        _ => None,
    }
}

/// A team as listed (no approvers yet).
pub fn team_summary(t: &ListApprovalTeamsResponseApprovalTeam) -> Team {
    Team {
        arn: t.arn().unwrap_or_default().to_string(),
        name: t.name().unwrap_or_default().to_string(),
        description: owned(t.description()),
        status: t.status().map(|s| TeamStatus::from_wire(s.as_str())),
        status_code: t.status_code().map(|c| c.as_str().to_string()),
        status_message: owned(t.status_message()),
        threshold: threshold(t.approval_strategy()),
        approver_count: count(t.number_of_approvers()),
        created: time(t.creation_time()),
        ..Default::default()
    }
}

fn approver(a: &GetApprovalTeamResponseApprover) -> Approver {
    Approver {
        approver_id: a.approver_id().unwrap_or_default().to_string(),
        identity_id: a.primary_identity_id().unwrap_or_default().to_string(),
        identity_source_arn: a
            .primary_identity_source_arn()
            .unwrap_or_default()
            .to_string(),
        identity_status: a
            .primary_identity_status()
            .map(|s| IdentityStatus::from_wire(s.as_str())),
        response_time: time(a.response_time()),
        last_activity: a.last_activity().map(|x| x.as_str().to_string()),
        last_activity_time: time(a.last_activity_time()),
        person: Default::default(),
    }
}

/// A team with its approvers, pending update and policies.
pub fn team_detail(arn: &str, t: &GetApprovalTeamOutput) -> Team {
    let pending_update = t.pending_update().map(|p| PendingUpdate {
        version_id: owned(p.version_id()),
        description: owned(p.description()),
        threshold: threshold(p.approval_strategy()),
        approver_count: count(p.number_of_approvers()),
        status: p.status().map(|s| TeamStatus::from_wire(s.as_str())),
        status_code: p.status_code().map(|c| c.as_str().to_string()),
        status_message: owned(p.status_message()),
        approvers: p.approvers().iter().map(approver).collect(),
        initiated: time(p.update_initiation_time()),
    });
    Team {
        arn: t.arn().unwrap_or(arn).to_string(),
        name: t.name().unwrap_or_default().to_string(),
        description: owned(t.description()),
        status: t.status().map(|s| TeamStatus::from_wire(s.as_str())),
        status_code: t.status_code().map(|c| c.as_str().to_string()),
        status_message: owned(t.status_message()),
        threshold: threshold(t.approval_strategy()),
        approver_count: count(t.number_of_approvers()),
        approvers: t.approvers().iter().map(approver).collect(),
        detailed: true,
        pending_update,
        policies: t
            .policies()
            .iter()
            .map(|p| p.policy_arn().to_string())
            .collect(),
        created: time(t.creation_time()),
        last_updated: time(t.last_update_time()),
        version_id: owned(t.version_id()),
        update_session_arn: owned(t.update_session_arn()),
    }
}

/// A session as listed (no responses yet).
pub fn session_summary(s: &ListSessionsResponseSession) -> Session {
    Session {
        arn: s.session_arn().unwrap_or_default().to_string(),
        team_arn: s.approval_team_arn().unwrap_or_default().to_string(),
        team_name: s.approval_team_name().unwrap_or_default().to_string(),
        description: owned(s.description()),
        action_name: owned(s.action_name()),
        protected_resource: owned(s.protected_resource_arn()),
        requester_principal: owned(s.requester_principal_arn()),
        requester_account: owned(s.requester_account_id()),
        requester_region: owned(s.requester_region()),
        requester_service: owned(s.requester_service_principal()),
        status: s.status().map(|x| SessionStatus::from_wire(x.as_str())),
        status_code: s.status_code().map(|c| c.as_str().to_string()),
        status_message: owned(s.status_message()),
        initiated: time(s.initiation_time()),
        expires: time(s.expiration_time()),
        completed: time(s.completion_time()),
        ..Default::default()
    }
}

fn response(r: &GetSessionResponseApproverResponse) -> ApproverResponse {
    ApproverResponse {
        approver_id: r.approver_id().unwrap_or_default().to_string(),
        identity_id: r.identity_id().unwrap_or_default().to_string(),
        identity_source_arn: r.identity_source_arn().unwrap_or_default().to_string(),
        response: r.response().map(|v| Vote::from_wire(v.as_str())),
        response_time: time(r.response_time()),
        person: Default::default(),
    }
}

/// A session with every approver's response.
pub fn session_detail(arn: &str, s: &GetSessionOutput) -> Session {
    Session {
        arn: s.session_arn().unwrap_or(arn).to_string(),
        team_arn: s.approval_team_arn().unwrap_or_default().to_string(),
        team_name: s.approval_team_name().unwrap_or_default().to_string(),
        description: owned(s.description()),
        action_name: owned(s.action_name()),
        protected_resource: owned(s.protected_resource_arn()),
        requester_principal: owned(s.requester_principal_arn()),
        requester_account: owned(s.requester_account_id()),
        requester_region: owned(s.requester_region()),
        requester_service: owned(s.requester_service_principal()),
        requester_comment: owned(s.requester_comment()),
        status: s.status().map(|x| SessionStatus::from_wire(x.as_str())),
        status_code: s.status_code().map(|c| c.as_str().to_string()),
        status_message: owned(s.status_message()),
        execution_status: s.execution_status().map(|x| x.as_str().to_string()),
        initiated: time(s.initiation_time()),
        expires: time(s.expiration_time()),
        completed: time(s.completion_time()),
        threshold: threshold(s.approval_strategy()),
        approver_count: count(s.number_of_approvers()),
        responses: Some(s.approver_responses().iter().map(response).collect()),
    }
}

/// An identity source.
pub fn identity_source(s: &IdentitySourceForList) -> IdentitySource {
    let idc = s
        .identity_source_parameters()
        .and_then(|p| p.as_iam_identity_center().ok());
    IdentitySource {
        arn: s.identity_source_arn().unwrap_or_default().to_string(),
        kind: s
            .identity_source_type()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        instance_arn: idc.and_then(|i| owned(i.instance_arn())),
        region: idc.and_then(|i| owned(i.region())),
        approval_portal_url: idc.and_then(|i| owned(i.approval_portal_url())),
        status: s.status().map(|x| x.as_str().to_string()),
        status_code: s.status_code().map(|x| x.as_str().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_mpa::types::{IdentityStatus as SdkIdentityStatus, MofNApprovalStrategy};

    #[test]
    fn unknown_enum_values_and_strategies_survive() {
        let a = GetApprovalTeamResponseApprover::builder()
            .primary_identity_id("u-1")
            .primary_identity_status(SdkIdentityStatus::from("SUSPENDED"))
            .build();
        let out = GetApprovalTeamOutput::builder()
            .name("t")
            .approvers(a)
            .approval_strategy(ApprovalStrategyResponse::MofN(
                MofNApprovalStrategy::builder()
                    .min_approvals_required(2)
                    .build()
                    .unwrap(),
            ))
            .build();
        let team = team_detail("arn:t", &out);
        assert_eq!(team.arn, "arn:t");
        assert_eq!(team.threshold, Some(2));
        assert_eq!(
            team.approvers[0].identity_status,
            Some(IdentityStatus::Other("SUSPENDED".into()))
        );
        let negative = ApprovalStrategyResponse::MofN(
            MofNApprovalStrategy::builder()
                .min_approvals_required(-1)
                .build()
                .unwrap(),
        );
        assert_eq!(threshold(Some(&negative)), None);
        assert_eq!(threshold(None), None);
        assert_eq!(
            time(Some(&DateTime::from_secs(1_800_000_000))).map(|t| t.unix_timestamp()),
            Some(1_800_000_000)
        );
    }
}
