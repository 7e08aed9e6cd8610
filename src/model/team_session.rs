//! Approval sessions: one request to an approval team (restore access to a vault, …) with
//! each approver's response, the votes so far against M, the requester, the action and the
//! times; the order people want them in (open ones first, then newest); and what the team
//! protects, gathered from its policies and its sessions. Pure data and logic; no I/O.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::team::{Person, Team};
use super::wire::wire_enum;

wire_enum! {
    /// A session's status.
    SessionStatus {
        /// Waiting for votes.
        Pending = "PENDING",
        /// Reached its threshold.
        Approved = "APPROVED",
        /// Rejected or expired.
        Failed = "FAILED",
        /// Withdrawn.
        Cancelled = "CANCELLED",
        /// Being set up.
        Creating = "CREATING",
    }
}

wire_enum! {
    /// One approver's response in a session.
    Vote {
        /// Approved.
        Approved = "APPROVED",
        /// Rejected.
        Rejected = "REJECTED",
        /// Has not answered.
        NoResponse = "NO_RESPONSE",
    }
}

/// An approver's response in one session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApproverResponse {
    /// The team's id for the approver.
    pub approver_id: String,
    /// The Identity Center user id.
    pub identity_id: String,
    /// The identity source.
    pub identity_source_arn: String,
    /// The response; `None` when not reported.
    pub response: Option<Vote>,
    /// When they answered.
    pub response_time: Option<OffsetDateTime>,
    /// Who it is.
    pub person: Person,
}

impl ApproverResponse {
    /// The response word, `NO_RESPONSE` when not reported.
    pub fn response_label(&self) -> &str {
        self.response.as_ref().map_or("NO_RESPONSE", |v| v.as_str())
    }
}

/// One approval session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Session {
    /// ARN.
    pub arn: String,
    /// The team's ARN.
    pub team_arn: String,
    /// The team's name.
    pub team_name: String,
    /// What the requester wrote.
    pub description: Option<String>,
    /// The operation to approve (`backup:CreateRestoreAccessBackupVault`).
    pub action_name: Option<String>,
    /// The resource it touches.
    pub protected_resource: Option<String>,
    /// Who asked (an IAM principal ARN).
    pub requester_principal: Option<String>,
    /// Their account.
    pub requester_account: Option<String>,
    /// Their region.
    pub requester_region: Option<String>,
    /// The service that asked on their behalf.
    pub requester_service: Option<String>,
    /// The requester's comment (GetSession).
    pub requester_comment: Option<String>,
    /// Status.
    pub status: Option<SessionStatus>,
    /// Status code, as sent (`EXPIRED`, `REJECTED`, …).
    pub status_code: Option<String>,
    /// Status message.
    pub status_message: Option<String>,
    /// Whether the approved action ran (GetSession).
    pub execution_status: Option<String>,
    /// Started.
    pub initiated: Option<OffsetDateTime>,
    /// Expires (or expired).
    pub expires: Option<OffsetDateTime>,
    /// Finished.
    pub completed: Option<OffsetDateTime>,
    /// M for this session (GetSession).
    pub threshold: Option<u32>,
    /// N for this session (GetSession).
    pub approver_count: Option<u32>,
    /// Every approver's response, once read (GetSession).
    pub responses: Option<Vec<ApproverResponse>>,
}

impl Session {
    /// Still waiting for votes (pending, or being created).
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            Some(SessionStatus::Pending | SessionStatus::Creating)
        )
    }

    /// Approvals so far, once the responses are read.
    pub fn approvals(&self) -> Option<usize> {
        self.count(&Vote::Approved)
    }

    /// Rejections so far, once the responses are read.
    pub fn rejections(&self) -> Option<usize> {
        self.count(&Vote::Rejected)
    }

    fn count(&self, vote: &Vote) -> Option<usize> {
        self.responses.as_ref().map(|r| {
            r.iter()
                .filter(|x| x.response.as_ref() == Some(vote))
                .count()
        })
    }

    /// `1 of 2 approvals` (`? of 2` before the responses are read).
    pub fn votes_label(&self) -> String {
        let got = self.approvals().map_or("?".into(), |n| n.to_string());
        let need = self.threshold.map_or("?".into(), |m| m.to_string());
        format!("{got} of {need}")
    }

    /// Status and code: `FAILED (EXPIRED)`.
    pub fn status_label(&self) -> String {
        let s = self.status.as_ref().map_or("?", |s| s.as_str());
        match &self.status_code {
            Some(c) if !c.is_empty() => format!("{s} ({c})"),
            _ => s.to_string(),
        }
    }

    /// A short name for the requester: the role session name of an assumed-role ARN (the
    /// person, for Identity Center roles), else the ARN's last part.
    pub fn requester_short(&self) -> String {
        let Some(arn) = self.requester_principal.as_deref() else {
            return "?".to_string();
        };
        let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
        match resource.strip_prefix("assumed-role/") {
            Some(rest) => rest.rsplit('/').next().unwrap_or(rest).to_string(),
            None => resource.rsplit('/').next().unwrap_or(resource).to_string(),
        }
    }
}

/// For an open session: how many more approvals it needs, and how many of the approvers who
/// have not answered can still vote (as judged on `team`). `None` when the session is closed
/// or its responses or threshold are not known.
pub fn outlook(session: &Session, team: &Team) -> Option<(usize, usize)> {
    if !session.is_open() {
        return None;
    }
    let need = (session.threshold? as usize).saturating_sub(session.approvals()?);
    let usable_waiting = session
        .responses
        .as_ref()?
        .iter()
        .filter(|r| matches!(r.response, None | Some(Vote::NoResponse)))
        .filter(|r| {
            team.approvers
                .iter()
                .find(|a| a.approver_id == r.approver_id || a.identity_id == r.identity_id)
                .is_some_and(|a| a.is_usable())
        })
        .count();
    Some((need, usable_waiting))
}

/// Sort sessions the way people read them: open ones first, then newest first (sessions
/// without a start time last), ties by ARN so the order never depends on the service's.
pub fn order_sessions(sessions: &mut [Session]) {
    sessions.sort_by(|a, b| {
        b.is_open()
            .cmp(&a.is_open())
            .then_with(|| match (a.initiated, b.initiated) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.arn.cmp(&b.arn))
    });
}

/// What a team protects: its policies (which kind of operation it guards) and the resources
/// its sessions touched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProtectedResources {
    /// Attached policy ARNs.
    pub policies: Vec<String>,
    /// Resource ARNs seen in its sessions, sorted.
    pub resources: Vec<String>,
}

/// Gather what `team` protects from its policies and `sessions`.
pub fn protected_resources(team: &Team, sessions: &[Session]) -> ProtectedResources {
    let resources: BTreeSet<String> = sessions
        .iter()
        .filter(|s| s.team_arn.is_empty() || s.team_arn == team.arn)
        .filter_map(|s| s.protected_resource.clone())
        .filter(|r| !r.is_empty())
        .collect();
    ProtectedResources {
        policies: team.policies.clone(),
        resources: resources.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + s).ok()
    }

    fn session(arn: &str, status: &str, initiated: Option<OffsetDateTime>) -> Session {
        Session {
            arn: arn.into(),
            status: Some(SessionStatus::from_wire(status)),
            initiated,
            ..Default::default()
        }
    }

    #[test]
    fn open_sessions_first_then_newest() {
        let mut v = vec![
            session("old-approved", "APPROVED", at(0)),
            session("new-failed", "FAILED", at(300)),
            session("old-pending", "PENDING", at(100)),
            session("creating", "CREATING", at(50)),
            session("no-time", "CANCELLED", None),
            session("new-pending", "PENDING", at(200)),
            session("future-status", "PAUSED", at(400)),
        ];
        order_sessions(&mut v);
        let order: Vec<&str> = v.iter().map(|s| s.arn.as_str()).collect();
        assert_eq!(
            order,
            [
                "new-pending",
                "old-pending",
                "creating",
                "future-status",
                "new-failed",
                "old-approved",
                "no-time"
            ]
        );
        assert_eq!(v[3].status_label(), "PAUSED");
    }

    #[test]
    fn votes_are_counted_against_the_threshold() {
        let mut s = session("s", "PENDING", at(0));
        s.threshold = Some(3);
        assert_eq!(s.votes_label(), "? of 3");
        let r = |v: &str| ApproverResponse {
            response: Some(Vote::from_wire(v)),
            ..Default::default()
        };
        s.responses = Some(vec![
            r("APPROVED"),
            r("REJECTED"),
            r("NO_RESPONSE"),
            r("ABSTAINED"),
            ApproverResponse::default(),
        ]);
        assert_eq!(s.votes_label(), "1 of 3");
        assert_eq!(s.rejections(), Some(1));
        assert_eq!(
            s.responses.as_ref().unwrap()[3].response_label(),
            "ABSTAINED"
        );
        assert_eq!(
            s.responses.as_ref().unwrap()[4].response_label(),
            "NO_RESPONSE"
        );
    }

    #[test]
    fn an_open_session_that_no_one_left_can_pass() {
        use crate::model::team::{Approver, IdentityStatus};
        let approver = |id: &str, status: &str| Approver {
            approver_id: id.into(),
            identity_id: format!("u-{id}"),
            identity_status: Some(IdentityStatus::from_wire(status)),
            ..Default::default()
        };
        let team = Team {
            approvers: vec![
                approver("a", "ACCEPTED"),
                approver("b", "ACCEPTED"),
                approver("c", "INVALID"),
                approver("d", "ACCEPTED"),
            ],
            ..Default::default()
        };
        let vote = |id: &str, v: &str| ApproverResponse {
            approver_id: id.into(),
            response: Some(Vote::from_wire(v)),
            ..Default::default()
        };
        let mut s = session("s", "PENDING", at(0));
        s.threshold = Some(3);
        s.responses = Some(vec![
            vote("a", "APPROVED"),
            vote("b", "APPROVED"),
            vote("c", "NO_RESPONSE"),
            vote("d", "REJECTED"),
        ]);
        assert_eq!(outlook(&s, &team), Some((1, 0)), "only INVALID c is left");
        s.responses.as_mut().unwrap()[3] = vote("d", "NO_RESPONSE");
        assert_eq!(outlook(&s, &team), Some((1, 1)));
        s.status = Some(SessionStatus::Approved);
        assert_eq!(outlook(&s, &team), None);
    }

    #[test]
    fn requester_names_and_protected_resources() {
        let mut s = session("s", "APPROVED", at(0));
        s.requester_principal = Some(
            "arn:aws:sts::381492058412:assumed-role/AWSReservedSSO_BreakGlass_48f4e9d156e3cc58/noah.williams".into(),
        );
        assert_eq!(s.requester_short(), "noah.williams");
        s.requester_principal = Some("arn:aws:iam::381492058412:user/ops/alice".into());
        assert_eq!(s.requester_short(), "alice");
        s.requester_principal = None;
        assert_eq!(s.requester_short(), "?");

        let team = Team {
            arn: "team".into(),
            policies: vec![
                "arn:aws:mpa:::aws:policy/backup.amazonaws.com/CreateRestoreAccessVault/1".into(),
            ],
            ..Default::default()
        };
        let mut a = session("a", "APPROVED", at(0));
        a.team_arn = "team".into();
        a.protected_resource = Some("vault-b".into());
        let mut b = a.clone();
        b.protected_resource = Some("vault-a".into());
        let mut c = a.clone();
        c.team_arn = "other".into();
        c.protected_resource = Some("elsewhere".into());
        let p = protected_resources(&team, &[a.clone(), b, a, c]);
        assert_eq!(p.resources, ["vault-a", "vault-b"]);
        assert_eq!(p.policies.len(), 1);
    }
}
