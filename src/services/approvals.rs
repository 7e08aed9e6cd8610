//! Multi-party approval (`mpa`): approval teams, their sessions and the identity sources,
//! with approver ids resolved to Identity Center people. Every call goes through a shared
//! [`Limiter`] on SDK clients with retries off (so throttling is paced, never shown); lists
//! are paged to the end and sorted here, so nothing depends on the service's page size or
//! order. Failures stay with the section they belong to: a team whose detail cannot be read,
//! a pending-session count that failed, or a directory that refuses lookups (ids are then
//! shown marked "unverified") never take the rest of the answer down.

mod convert;
mod people;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aws_sdk_mpa::types::{Filter, FilterField, Operator};
use futures::StreamExt;

use super::limiter::Limiter;
use super::{ErrorKind, ServiceError, Services};
use crate::model::team::{Person, Team};
use crate::model::team_session::{Session, SessionStatus, order_sessions};
use people::People;

/// The pace MPA calls start at (requests per second); the limiter adapts from there.
pub const MPA_TPS: f64 = 10.0;

/// Concurrent requests per batch (the limiter sets the pace; this bounds what waits).
const CONCURRENCY: usize = 4;

/// A limiter for MPA calls, starting at [`MPA_TPS`].
pub fn mpa_limiter() -> Limiter {
    Limiter::new(MPA_TPS)
}

/// An MPA identity source: where approvers' identities live.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentitySource {
    /// ARN (approvers name it as `PrimaryIdentitySourceArn`).
    pub arn: String,
    /// `IAM_IDENTITY_CENTER`, or what the service sent.
    pub kind: String,
    /// The Identity Center instance.
    pub instance_arn: Option<String>,
    /// The instance's region.
    pub region: Option<String>,
    /// Where approvers vote.
    pub approval_portal_url: Option<String>,
    /// Status, as sent.
    pub status: Option<String>,
    /// Status code, as sent.
    pub status_code: Option<String>,
}

/// A team for the overview: its detail when it could be read, and its pending sessions.
#[derive(Debug, Clone)]
pub struct TeamOverview {
    /// The team (only the listed fields when `detail_error` is set).
    pub team: Team,
    /// Why GetApprovalTeam failed, if it did.
    pub detail_error: Option<ServiceError>,
    /// Pending sessions, or why they could not be counted.
    pub pending_sessions: Result<usize, ServiceError>,
}

/// The MPA client with its limiter and the cached directory lookups.
pub struct Approvals {
    mpa: aws_sdk_mpa::Client,
    limiter: Arc<Limiter>,
    people: People,
    ic_limiter: Arc<Limiter>,
    sources: Mutex<Option<Result<Vec<IdentitySource>, ServiceError>>>,
}

impl Approvals {
    /// MPA calls paced by `mpa_limiter`; directory lookups with the same credentials, paced by
    /// the Identity Center limiter.
    pub fn new(svc: &Services, mpa_limiter: Arc<Limiter>, ic_limiter: Arc<Limiter>) -> Approvals {
        Approvals {
            mpa: svc.mpa(false),
            limiter: mpa_limiter,
            people: People::new(svc.clone(), ic_limiter.clone()),
            ic_limiter,
            sources: Mutex::new(None),
        }
    }

    /// Look people up with other credentials (a role that may read the directory).
    pub fn with_directory(self, svc: &Services) -> Approvals {
        Approvals {
            people: People::new(svc.clone(), self.ic_limiter.clone()),
            ..self
        }
    }

    /// Why approver ids could not be resolved to people, if they could not.
    pub fn directory_problem(&self) -> Option<ServiceError> {
        self.people.problem()
    }

    /// Every approval team (as listed: no approvers), sorted by name.
    pub async fn list_teams(&self) -> Result<Vec<Team>, ServiceError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = HashSet::new();
        loop {
            let page = self
                .limiter
                .call(|| async {
                    self.mpa
                        .list_approval_teams()
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| ServiceError::from_sdk("ListApprovalTeams", e))
                })
                .await?;
            out.extend(page.approval_teams().iter().map(convert::team_summary));
            token = next_page(page.next_token(), &mut seen, "ListApprovalTeams")?;
            if token.is_none() {
                break;
            }
        }
        out.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.arn.cmp(&b.arn))
        });
        Ok(out)
    }

    /// One team with its approvers (people resolved), pending update and policies.
    pub async fn get_team(&self, arn: &str) -> Result<Team, ServiceError> {
        let out = self
            .limiter
            .call(|| async {
                self.mpa
                    .get_approval_team()
                    .arn(arn)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("GetApprovalTeam", e))
            })
            .await?;
        let mut team = convert::team_detail(arn, &out);
        let mut ids: Vec<(String, String)> = team
            .approvers
            .iter()
            .map(|a| (a.identity_source_arn.clone(), a.identity_id.clone()))
            .collect();
        if let Some(p) = &team.pending_update {
            ids.extend(
                p.approvers
                    .iter()
                    .map(|a| (a.identity_source_arn.clone(), a.identity_id.clone())),
            );
        }
        let people = self.resolve(ids).await;
        let lookup = |src: &str, id: &str| {
            people
                .get(&(src.to_string(), id.to_string()))
                .cloned()
                .unwrap_or(Person::Unverified)
        };
        for a in &mut team.approvers {
            a.person = lookup(&a.identity_source_arn, &a.identity_id);
        }
        if let Some(p) = &mut team.pending_update {
            for a in &mut p.approvers {
                a.person = lookup(&a.identity_source_arn, &a.identity_id);
            }
        }
        Ok(team)
    }

    /// A team's sessions (optionally only those in `status`), open ones first, then newest.
    pub async fn list_sessions(
        &self,
        team_arn: &str,
        status: Option<&SessionStatus>,
    ) -> Result<Vec<Session>, ServiceError> {
        let filter = status.map(|s| {
            Filter::builder()
                .field_name(FilterField::SessionStatus)
                .operator(Operator::Equals)
                .value(s.as_str())
                .build()
        });
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = HashSet::new();
        loop {
            let page = self
                .limiter
                .call(|| async {
                    let mut req = self
                        .mpa
                        .list_sessions()
                        .approval_team_arn(team_arn)
                        .set_next_token(token.clone());
                    if let Some(f) = &filter {
                        req = req.filters(f.clone());
                    }
                    req.send()
                        .await
                        .map_err(|e| ServiceError::from_sdk("ListSessions", e))
                })
                .await?;
            out.extend(page.sessions().iter().map(convert::session_summary));
            token = next_page(page.next_token(), &mut seen, "ListSessions")?;
            if token.is_none() {
                break;
            }
        }
        order_sessions(&mut out);
        Ok(out)
    }

    /// One session with every approver's response (people resolved).
    pub async fn get_session(&self, arn: &str) -> Result<Session, ServiceError> {
        let out = self
            .limiter
            .call(|| async {
                self.mpa
                    .get_session()
                    .session_arn(arn)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("GetSession", e))
            })
            .await?;
        let mut s = convert::session_detail(arn, &out);
        let ids = s
            .responses
            .iter()
            .flatten()
            .map(|r| (r.identity_source_arn.clone(), r.identity_id.clone()))
            .collect();
        let people = self.resolve(ids).await;
        for r in s.responses.iter_mut().flatten() {
            r.person = people
                .get(&(r.identity_source_arn.clone(), r.identity_id.clone()))
                .cloned()
                .unwrap_or(Person::Unverified);
        }
        Ok(s)
    }

    /// Replace each listed session with its detail (responses); the ones whose detail failed
    /// stay as listed, with the error alongside. Order is kept.
    pub async fn with_responses(
        &self,
        sessions: Vec<Session>,
    ) -> Vec<(Session, Option<ServiceError>)> {
        futures::stream::iter(sessions)
            .map(|s| async move {
                match self.get_session(&s.arn).await {
                    Ok(d) => (d, None),
                    Err(e) => (s, Some(e)),
                }
            })
            .buffered(CONCURRENCY)
            .collect()
            .await
    }

    /// The identity sources (cached after the first answer).
    pub async fn list_identity_sources(&self) -> Result<Vec<IdentitySource>, ServiceError> {
        if let Some(r) = self
            .sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return r;
        }
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = HashSet::new();
        let result = loop {
            let page = self
                .limiter
                .call(|| async {
                    self.mpa
                        .list_identity_sources()
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| ServiceError::from_sdk("ListIdentitySources", e))
                })
                .await;
            match page {
                Ok(p) => {
                    out.extend(p.identity_sources().iter().map(convert::identity_source));
                    match next_page(p.next_token(), &mut seen, "ListIdentitySources") {
                        Ok(Some(t)) => token = Some(t),
                        Ok(None) => break Ok(out),
                        Err(e) => break Err(e),
                    }
                }
                Err(e) => break Err(e),
            }
        };
        *self.sources.lock().unwrap_or_else(|e| e.into_inner()) = Some(result.clone());
        result
    }

    /// Every team with its detail and pending-session count; a team whose detail or count
    /// fails keeps its listed fields and carries the error.
    pub async fn overview(&self) -> Result<Vec<TeamOverview>, ServiceError> {
        let teams = self.list_teams().await?;
        Ok(futures::stream::iter(teams)
            .map(|t| async move {
                let (detail, pending) = futures::join!(
                    self.get_team(&t.arn),
                    self.list_sessions(&t.arn, Some(&SessionStatus::Pending))
                );
                let pending_sessions = pending.map(|v| v.len());
                match detail {
                    Ok(team) => TeamOverview {
                        team,
                        detail_error: None,
                        pending_sessions,
                    },
                    Err(e) => TeamOverview {
                        team: t,
                        detail_error: Some(e),
                        pending_sessions,
                    },
                }
            })
            .buffered(CONCURRENCY)
            .collect()
            .await)
    }

    /// People for (identity source ARN, identity id) pairs; unknown sources come back
    /// unverified.
    async fn resolve(&self, ids: Vec<(String, String)>) -> HashMap<(String, String), Person> {
        let mut distinct: Vec<(String, String)> = ids;
        distinct.sort();
        distinct.dedup();
        if distinct.is_empty() {
            return HashMap::new();
        }
        let sources = match self.list_identity_sources().await {
            Ok(s) => s,
            Err(e) => {
                self.people.fail(&e);
                Vec::new()
            }
        };
        let source_for = |arn: &str| {
            sources
                .iter()
                .find(|s| s.arn == arn)
                .or_else(|| (arn.is_empty() && sources.len() == 1).then(|| &sources[0]))
        };
        futures::stream::iter(distinct)
            .map(|key| {
                let src = source_for(&key.0);
                async move {
                    let p = self.people.person(src, &key.1).await;
                    (key, p)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await
    }
}

/// The next page token, or an error when the service hands back one it already gave (a
/// broken paginator would otherwise loop forever).
fn next_page(
    token: Option<&str>,
    seen: &mut HashSet<String>,
    op: &str,
) -> Result<Option<String>, ServiceError> {
    match token {
        None | Some("") => Ok(None),
        Some(t) if !seen.insert(t.to_string()) => Err(ServiceError::new(
            op,
            ErrorKind::Other,
            "the service returned the same page token twice; stopped paging",
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_stops_at_the_end_and_on_a_repeated_token() {
        let mut seen = HashSet::new();
        assert_eq!(
            next_page(Some("a"), &mut seen, "X").unwrap(),
            Some("a".into())
        );
        assert_eq!(
            next_page(Some("b"), &mut seen, "X").unwrap(),
            Some("b".into())
        );
        assert!(next_page(Some("a"), &mut seen, "X").is_err());
        assert_eq!(next_page(None, &mut seen, "X").unwrap(), None);
        assert_eq!(next_page(Some(""), &mut seen, "X").unwrap(), None);
    }
}
