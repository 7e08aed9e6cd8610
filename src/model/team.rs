//! Multi-party approval teams as centry reasons about them: the team, its M-of-N threshold, its
//! approvers (with the Identity Center person behind each, when the directory can be read),
//! a pending update, and a health verdict — can the team still reach its threshold, and how
//! many more losses can it take? Pure data and logic; no I/O.

use serde::Serialize;
use time::OffsetDateTime;

use super::wire::wire_enum;

wire_enum! {
    /// An approval team's status.
    TeamStatus {
        /// Can approve.
        Active = "ACTIVE",
        /// Cannot approve.
        Inactive = "INACTIVE",
        /// Being deleted.
        Deleting = "DELETING",
        /// Being created or validated.
        Pending = "PENDING",
    }
}

wire_enum! {
    /// Where an approver stands with their invitation (`PrimaryIdentityStatus`).
    IdentityStatus {
        /// Accepted the invitation: can vote.
        Accepted = "ACCEPTED",
        /// Invited, not answered yet.
        Pending = "PENDING",
        /// Declined the invitation.
        Rejected = "REJECTED",
        /// The identity no longer resolves (removed or changed in the identity source).
        Invalid = "INVALID",
    }
}

wire_enum! {
    /// An Identity Center user's status (`UserStatus`).
    UserStatus {
        /// Can sign in.
        Enabled = "ENABLED",
        /// Cannot sign in.
        Disabled = "DISABLED",
    }
}

/// The person behind an approver's identity id, as far as the directory could tell.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Person {
    /// Not looked up (yet).
    #[default]
    Unresolved,
    /// The Identity Store knows this user.
    Known {
        /// `UserName`.
        user_name: String,
        /// `DisplayName`, when set.
        display_name: Option<String>,
        /// `UserStatus`, when reported.
        status: Option<UserStatus>,
    },
    /// The Identity Store has no such user (deleted).
    Missing,
    /// The directory could not be read (access denied, unreachable): the id is unverified.
    Unverified,
}

impl Person {
    /// How to name the person behind `identity_id`: `Display Name (user.name)`, or the id
    /// marked when it could not be checked.
    pub fn label(&self, identity_id: &str) -> String {
        match self {
            Person::Known {
                user_name,
                display_name: Some(d),
                ..
            } if !d.is_empty() && d != user_name => format!("{d} ({user_name})"),
            Person::Known { user_name, .. } => user_name.clone(),
            Person::Missing => format!("{identity_id} (not in the directory)"),
            Person::Unverified => format!("{identity_id} (unverified)"),
            Person::Unresolved => identity_id.to_string(),
        }
    }

    /// Whether the directory confirmed (or refuted) who this is.
    pub fn is_checked(&self) -> bool {
        matches!(self, Person::Known { .. } | Person::Missing)
    }
}

/// One approver on a team (or in a pending update).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Approver {
    /// The team's id for this approver.
    pub approver_id: String,
    /// The Identity Center user id (`PrimaryIdentityId`).
    pub identity_id: String,
    /// The identity source it lives in.
    pub identity_source_arn: String,
    /// Invitation status; `None` when the service did not say.
    pub identity_status: Option<IdentityStatus>,
    /// When they answered the invitation.
    pub response_time: Option<OffsetDateTime>,
    /// What they did last (`VOTED`, `BASELINED`, `RESPONDED_TO_INVITATION`, …).
    pub last_activity: Option<String>,
    /// When.
    pub last_activity_time: Option<OffsetDateTime>,
    /// Who it is.
    pub person: Person,
}

impl Approver {
    /// Why this approver cannot vote; empty when they can (as far as can be known).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.identity_status {
            Some(IdentityStatus::Accepted) => {}
            Some(IdentityStatus::Pending) => {
                out.push("invitation not accepted yet (PENDING)".to_string())
            }
            Some(IdentityStatus::Rejected) => {
                out.push("declined the invitation (REJECTED)".to_string())
            }
            Some(IdentityStatus::Invalid) => {
                out.push("identity INVALID (gone or changed in the identity source)".to_string())
            }
            Some(IdentityStatus::Other(s)) => {
                out.push(format!("identity status {s} is not ACCEPTED"))
            }
            None => out.push("no identity status reported".to_string()),
        }
        match &self.person {
            Person::Known {
                status: Some(UserStatus::Disabled),
                ..
            } => out.push("user DISABLED in Identity Center".to_string()),
            Person::Known {
                status: Some(UserStatus::Other(s)),
                ..
            } => out.push(format!("user status {s} is not ENABLED")),
            Person::Missing => out.push("user not found in the identity store".to_string()),
            _ => {}
        }
        out
    }

    /// Whether this approver can vote.
    pub fn is_usable(&self) -> bool {
        self.problems().is_empty()
    }

    /// The person's name, or the id (marked when unverified).
    pub fn who(&self) -> String {
        self.person.label(&self.identity_id)
    }
}

/// The verdict on a team's ability to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// At least one approver to spare.
    Healthy,
    /// Exactly M usable: one more loss and it cannot approve.
    Marginal,
    /// Fewer than M usable (or the team is not active): it cannot reach its threshold.
    Broken,
    /// The threshold is not known, so nothing can be said.
    Unknown,
}

impl Verdict {
    /// Lower-case word for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::Marginal => "marginal",
            Verdict::Broken => "broken",
            Verdict::Unknown => "unknown",
        }
    }
}

/// Why one approver does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApproverProblem {
    /// Who (name, or id marked unverified).
    pub who: String,
    /// Why they cannot vote.
    pub reasons: Vec<String>,
}

/// How many approvers can vote against the threshold, and why the others cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// The verdict.
    pub verdict: Verdict,
    /// Approvers who can vote.
    pub usable: usize,
    /// All approvers.
    pub total: usize,
    /// M, when known.
    pub threshold: Option<u32>,
    /// The approvers who do not count, with reasons.
    pub problems: Vec<ApproverProblem>,
    /// A team-level reason (the team is not active).
    pub team_problem: Option<String>,
    /// Approvers whose Identity Center user could not be checked.
    pub unverified: usize,
}

impl Health {
    /// Judge `approvers` against `threshold` for a team in `status`.
    pub fn assess(
        threshold: Option<u32>,
        approvers: &[Approver],
        status: Option<&TeamStatus>,
    ) -> Health {
        let problems: Vec<ApproverProblem> = approvers
            .iter()
            .filter_map(|a| {
                let reasons = a.problems();
                (!reasons.is_empty()).then(|| ApproverProblem {
                    who: a.who(),
                    reasons,
                })
            })
            .collect();
        let usable = approvers.len() - problems.len();
        let unverified = approvers.iter().filter(|a| !a.person.is_checked()).count();
        let team_problem = match status {
            Some(s @ (TeamStatus::Inactive | TeamStatus::Deleting)) => {
                Some(format!("the team is {s}: it cannot approve anything"))
            }
            _ => None,
        };
        let verdict = match threshold {
            None | Some(0) => Verdict::Unknown,
            _ if team_problem.is_some() => Verdict::Broken,
            Some(m) if usable < m as usize => Verdict::Broken,
            Some(m) if usable == m as usize => Verdict::Marginal,
            Some(_) => Verdict::Healthy,
        };
        Health {
            verdict,
            usable,
            total: approvers.len(),
            threshold,
            problems,
            team_problem,
            unverified,
        }
    }

    /// One line: the verdict in words.
    pub fn summary(&self) -> String {
        let m = self.threshold.unwrap_or(0);
        if let Some(p) = &self.team_problem {
            return p.clone();
        }
        match self.verdict {
            Verdict::Unknown => "the approval threshold was not reported".to_string(),
            Verdict::Broken => format!(
                "cannot reach its threshold: {} usable of {}, needs {m}",
                self.usable, self.total
            ),
            Verdict::Marginal => format!(
                "one more loss and it cannot approve: {} usable of {}, needs {m}",
                self.usable, self.total
            ),
            Verdict::Healthy => format!(
                "{} usable of {}, needs {m} ({} to spare)",
                self.usable,
                self.total,
                self.usable - m as usize
            ),
        }
    }

    /// The reasons, one per approver: `who: reason; reason`.
    pub fn reasons(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| format!("{}: {}", p.who, p.reasons.join("; ")))
            .collect()
    }
}

/// An update to a team that waits for approval.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PendingUpdate {
    /// The version it would become.
    pub version_id: Option<String>,
    /// The new description.
    pub description: Option<String>,
    /// The new M.
    pub threshold: Option<u32>,
    /// The new N.
    pub approver_count: Option<u32>,
    /// Its status.
    pub status: Option<TeamStatus>,
    /// Its status code (`UPDATE_PENDING_APPROVAL`, …), as sent.
    pub status_code: Option<String>,
    /// Its status message.
    pub status_message: Option<String>,
    /// The approvers it would leave.
    pub approvers: Vec<Approver>,
    /// When it was started.
    pub initiated: Option<OffsetDateTime>,
}

impl PendingUpdate {
    /// Approvers the update adds (by identity id).
    pub fn added<'a>(&'a self, current: &[Approver]) -> Vec<&'a Approver> {
        self.approvers
            .iter()
            .filter(|a| !current.iter().any(|c| c.identity_id == a.identity_id))
            .collect()
    }

    /// Approvers the update removes.
    pub fn removed<'a>(&self, current: &'a [Approver]) -> Vec<&'a Approver> {
        current
            .iter()
            .filter(|c| {
                !self
                    .approvers
                    .iter()
                    .any(|a| a.identity_id == c.identity_id)
            })
            .collect()
    }

    /// How healthy the team would be once the update is in.
    pub fn health(&self) -> Health {
        Health::assess(self.threshold, &self.approvers, None)
    }
}

/// An approval team.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Team {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Status.
    pub status: Option<TeamStatus>,
    /// Status code, as sent (`UPDATE_PENDING_APPROVAL`, …).
    pub status_code: Option<String>,
    /// Status message.
    pub status_message: Option<String>,
    /// M (`MinApprovalsRequired`), when the strategy is M-of-N.
    pub threshold: Option<u32>,
    /// N as reported (`NumberOfApprovers`).
    pub approver_count: Option<u32>,
    /// Approvers (empty until the team's detail is read).
    pub approvers: Vec<Approver>,
    /// Whether `approvers` and the rest of the detail were read (GetApprovalTeam).
    pub detailed: bool,
    /// An update waiting for approval.
    pub pending_update: Option<PendingUpdate>,
    /// Attached policy ARNs (what kind of resource the team protects).
    pub policies: Vec<String>,
    /// Created.
    pub created: Option<OffsetDateTime>,
    /// Last updated.
    pub last_updated: Option<OffsetDateTime>,
    /// Current version.
    pub version_id: Option<String>,
    /// The session approving the pending update, if any.
    pub update_session_arn: Option<String>,
}

impl Team {
    /// The health verdict (needs the detail; `Unknown` until then).
    pub fn health(&self) -> Health {
        if !self.detailed {
            return Health {
                verdict: Verdict::Unknown,
                usable: 0,
                total: self.approver_count.unwrap_or(0) as usize,
                threshold: self.threshold,
                problems: vec![],
                team_problem: None,
                unverified: 0,
            };
        }
        Health::assess(self.threshold, &self.approvers, self.status.as_ref())
    }

    /// `3 of 4` (N from the approvers when read, else as reported).
    pub fn m_of_n(&self) -> String {
        let n = if self.detailed {
            Some(self.approvers.len() as u32)
        } else {
            self.approver_count
        };
        let show = |v: Option<u32>| v.map_or("?".to_string(), |v| v.to_string());
        format!("{} of {}", show(self.threshold), show(n))
    }

    /// Status and code for display: `ACTIVE`, `ACTIVE (UPDATE_PENDING_APPROVAL)`.
    pub fn status_label(&self) -> String {
        let s = self.status.as_ref().map_or("?", |s| s.as_str());
        match &self.status_code {
            Some(c) if !c.is_empty() => format!("{s} ({c})"),
            _ => s.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approver(id: &str, status: &str, person: Person) -> Approver {
        Approver {
            approver_id: format!("ap-{id}"),
            identity_id: id.to_string(),
            identity_status: Some(IdentityStatus::from_wire(status)),
            person,
            ..Default::default()
        }
    }

    fn user(name: &str, status: &str) -> Person {
        Person::Known {
            user_name: name.to_string(),
            display_name: None,
            status: Some(UserStatus::from_wire(status)),
        }
    }

    fn ok(id: &str) -> Approver {
        approver(id, "ACCEPTED", user(id, "ENABLED"))
    }

    #[test]
    fn margin_decides_healthy_marginal_broken() {
        let four = [ok("a"), ok("b"), ok("c"), ok("d")];
        let h = Health::assess(Some(2), &four, Some(&TeamStatus::Active));
        assert_eq!((h.verdict, h.usable, h.total), (Verdict::Healthy, 4, 4));
        assert!(h.summary().contains("2 to spare"), "{}", h.summary());
        let h = Health::assess(Some(3), &four[..3], Some(&TeamStatus::Active));
        assert_eq!(h.verdict, Verdict::Marginal, "M = N leaves no margin");
        let h = Health::assess(Some(4), &four[..3], Some(&TeamStatus::Active));
        assert_eq!(h.verdict, Verdict::Broken);
        assert!(h.summary().contains("needs 4"));
    }

    #[test]
    fn invalid_identity_and_disabled_user_both_break_a_three_of_four_team() {
        let team = [
            ok("rebecca"),
            ok("ravi"),
            approver("ahmed", "ACCEPTED", user("ahmed", "DISABLED")),
            approver("emeka", "INVALID", user("emeka", "ENABLED")),
        ];
        let h = Health::assess(Some(3), &team, Some(&TeamStatus::Active));
        assert_eq!((h.verdict, h.usable), (Verdict::Broken, 2));
        let reasons = h.reasons();
        assert_eq!(reasons.len(), 2);
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("ahmed:") && r.contains("DISABLED"))
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("emeka:") && r.contains("INVALID"))
        );
    }

    #[test]
    fn all_invalid_is_broken_with_every_approver_listed() {
        let team = [
            approver("a", "INVALID", Person::Unresolved),
            approver("b", "INVALID", Person::Unresolved),
        ];
        let h = Health::assess(Some(1), &team, None);
        assert_eq!(
            (h.verdict, h.usable, h.problems.len()),
            (Verdict::Broken, 0, 2)
        );
        assert_eq!(h.unverified, 2);
    }

    #[test]
    fn unknown_statuses_do_not_count_and_are_shown_as_sent() {
        let team = [
            ok("a"),
            approver("b", "SUSPENDED_BY_FUTURE_FEATURE", user("b", "ENABLED")),
            approver("c", "ACCEPTED", user("c", "LOCKED")),
        ];
        let h = Health::assess(Some(1), &team, Some(&TeamStatus::from_wire("ARCHIVED")));
        assert_eq!((h.verdict, h.usable), (Verdict::Marginal, 1));
        let r = h.reasons().join(" | ");
        assert!(r.contains("SUSPENDED_BY_FUTURE_FEATURE"), "{r}");
        assert!(r.contains("LOCKED"), "{r}");
        assert_eq!(TeamStatus::from_wire("ARCHIVED").as_str(), "ARCHIVED");
        let mut missing = ok("d");
        missing.identity_status = None;
        assert!(!missing.is_usable());
    }

    #[test]
    fn an_unreadable_directory_counts_on_identity_status_alone() {
        let team = [
            approver("a", "ACCEPTED", Person::Unverified),
            approver("b", "ACCEPTED", Person::Unverified),
            approver("c", "PENDING", Person::Unverified),
        ];
        let h = Health::assess(Some(2), &team, Some(&TeamStatus::Active));
        assert_eq!(
            (h.verdict, h.usable, h.unverified),
            (Verdict::Marginal, 2, 3)
        );
        assert_eq!(team[0].who(), "a (unverified)");
        assert_eq!(
            approver("x", "ACCEPTED", Person::Missing).problems(),
            vec!["user not found in the identity store"]
        );
    }

    #[test]
    fn inactive_teams_and_missing_thresholds() {
        let two = [ok("a"), ok("b")];
        let h = Health::assess(Some(1), &two, Some(&TeamStatus::Inactive));
        assert_eq!(h.verdict, Verdict::Broken);
        assert!(h.summary().contains("INACTIVE"));
        assert_eq!(Health::assess(None, &two, None).verdict, Verdict::Unknown);
        assert_eq!(
            Health::assess(Some(0), &two, None).verdict,
            Verdict::Unknown
        );
        assert_eq!(Health::assess(Some(1), &[], None).verdict, Verdict::Broken);
    }

    #[test]
    fn pending_updates_show_who_comes_and_goes() {
        let current = vec![
            ok("a"),
            ok("b"),
            approver("c", "PENDING", Person::Unresolved),
        ];
        let update = PendingUpdate {
            threshold: Some(2),
            approvers: vec![
                ok("a"),
                approver("c", "PENDING", Person::Unresolved),
                approver("d", "PENDING", Person::Unresolved),
            ],
            ..Default::default()
        };
        let added: Vec<_> = update
            .added(&current)
            .iter()
            .map(|a| a.identity_id.clone())
            .collect();
        let removed: Vec<_> = update
            .removed(&current)
            .iter()
            .map(|a| a.identity_id.clone())
            .collect();
        assert_eq!(
            (added, removed),
            (vec!["d".to_string()], vec!["b".to_string()])
        );
        assert_eq!(update.health().verdict, Verdict::Broken);
    }

    #[test]
    fn labels() {
        let known = Person::Known {
            user_name: "jordan.lee".into(),
            display_name: Some("Jordan Lee".into()),
            status: None,
        };
        assert_eq!(known.label("id"), "Jordan Lee (jordan.lee)");
        assert_eq!(Person::Missing.label("id-1"), "id-1 (not in the directory)");
        let t = Team {
            threshold: Some(3),
            approver_count: Some(4),
            status: Some(TeamStatus::Active),
            status_code: Some("UPDATE_PENDING_APPROVAL".into()),
            ..Default::default()
        };
        assert_eq!(t.m_of_n(), "3 of 4");
        assert_eq!(t.status_label(), "ACTIVE (UPDATE_PENDING_APPROVAL)");
        assert_eq!(
            t.health().verdict,
            Verdict::Unknown,
            "no verdict before the detail is read"
        );
    }
}
