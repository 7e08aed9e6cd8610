//! `centry approvals teams` and `centry approvals sessions [TEAM]`: multi-party approval teams
//! with their health verdict, and their sessions with each approver's response. IAM
//! credentials come from the usual AWS chain (environment, `--profile`), so they work
//! against any endpoint that speaks the MPA API (`centry emulator serve` prints a key pair).

use std::sync::Arc;

use clap::Subcommand;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::GlobalArgs;
use super::output::{Format, Row, print_rows};
use crate::model::team::{Health, Team};
use crate::model::team_session::{Session, order_sessions};
use crate::model::text::sanitize;
use crate::services::approvals::{Approvals, TeamOverview, mpa_limiter};
use crate::services::limiter::Limiter;
use crate::services::{Endpoint, ServiceError, Services};

/// `centry approvals …`.
#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// Approval teams: M-of-N, usable approvers and whether each can still approve.
    Teams,
    /// Sessions of one team (name or ARN), or of every team: pending first, then newest.
    Sessions {
        /// The team's name or ARN (every team when absent).
        team: Option<String>,
    },
}

/// Run `centry approvals …`.
pub async fn run(global: &GlobalArgs, cmd: ApprovalsCommand) -> anyhow::Result<i32> {
    let svc = services(global).await?;
    let approvals = Approvals::new(
        &svc,
        Arc::new(mpa_limiter()),
        Arc::new(Limiter::identity_center()),
    );
    let format = Format::from_flags(global.json, global.csv);
    let code = match cmd {
        ApprovalsCommand::Teams => teams(&approvals, format).await?,
        ApprovalsCommand::Sessions { team } => {
            sessions(&approvals, team.as_deref(), format).await?
        }
    };
    if let Some(e) = approvals.directory_problem() {
        eprintln!(
            "people could not be looked up ({}: {}) — approver ids are shown marked \"unverified\", and DISABLED users cannot be seen",
            e.operation,
            sanitize(&e.message)
        );
    }
    Ok(code)
}

/// The region from the environment (`AWS_REGION`, `AWS_DEFAULT_REGION`) or the profile.
async fn default_region(profile: Option<&str>) -> Option<String> {
    use aws_config::meta::region::ProvideRegion;
    if let Some(r) = aws_config::environment::region::EnvironmentVariableRegionProvider::new()
        .region()
        .await
    {
        return Some(r.to_string());
    }
    let mut from_file = aws_config::profile::region::ProfileFileRegionProvider::builder();
    if let Some(p) = profile {
        from_file = from_file.profile_name(p);
    }
    from_file.build().region().await.map(|r| r.to_string())
}

/// Services with credentials from the default chain, in `--region` (or the chain's region).
pub(super) async fn services(global: &GlobalArgs) -> anyhow::Result<Services> {
    let region = match global.region.clone().or_else(|| global.sso_region.clone()) {
        Some(r) => r,
        None => default_region(global.profile.as_deref())
            .await
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no region: give --region (or set AWS_REGION, or a region in the profile)"
                )
            })?,
    };
    let svc = Services::new(Endpoint {
        url: global.endpoint_url.clone(),
        sso_region: global.sso_region.clone().unwrap_or_else(|| region.clone()),
        region: Some(region),
    });
    Ok(svc.with_default_chain(global.profile.as_deref()).await)
}

fn failed(what: &str, e: &ServiceError) -> anyhow::Error {
    anyhow::anyhow!(
        "{what}: {} ({}) — {}",
        sanitize(&e.message),
        e.operation,
        e.hint()
    )
}

fn rfc3339(t: Option<OffsetDateTime>) -> Option<String> {
    t.and_then(|t| t.format(&Rfc3339).ok())
}

fn short_time(t: Option<OffsetDateTime>) -> String {
    t.map(|t| {
        format!(
            "{} {:02}:{:02}Z",
            t.date(),
            t.to_offset(time::UtcOffset::UTC).hour(),
            t.minute()
        )
    })
    .unwrap_or_default()
}

/// One team for `approvals teams`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TeamRow {
    name: String,
    arn: String,
    status: Option<String>,
    status_code: Option<String>,
    min_approvals: Option<u32>,
    approvers: Option<usize>,
    usable: Option<usize>,
    health: &'static str,
    summary: String,
    reasons: Vec<String>,
    unverified: usize,
    pending_sessions: Option<usize>,
    pending_update: Option<PendingUpdateRow>,
    errors: Vec<String>,
    #[serde(skip)]
    m_of_n: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PendingUpdateRow {
    min_approvals: Option<u32>,
    approvers: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
    health: &'static str,
    initiated: Option<String>,
}

impl TeamRow {
    fn new(o: &TeamOverview) -> TeamRow {
        let t: &Team = &o.team;
        let h: Health = t.health();
        let mut errors = Vec::new();
        if let Some(e) = &o.detail_error {
            errors.push(format!("{}: {}", e.operation, e.message));
        }
        if let Err(e) = &o.pending_sessions {
            errors.push(format!("{}: {}", e.operation, e.message));
        }
        TeamRow {
            name: t.name.clone(),
            arn: t.arn.clone(),
            status: t.status.as_ref().map(|s| s.to_string()),
            status_code: t.status_code.clone(),
            min_approvals: t.threshold,
            approvers: t.detailed.then_some(t.approvers.len()),
            usable: t.detailed.then_some(h.usable),
            health: h.verdict.as_str(),
            summary: if t.detailed {
                h.summary()
            } else {
                "the team's approvers could not be read".to_string()
            },
            reasons: h.reasons(),
            unverified: h.unverified,
            pending_sessions: o.pending_sessions.as_ref().ok().copied(),
            pending_update: t.pending_update.as_ref().map(|p| PendingUpdateRow {
                min_approvals: p.threshold,
                approvers: p.approvers.iter().map(|a| a.who()).collect(),
                added: p.added(&t.approvers).iter().map(|a| a.who()).collect(),
                removed: p.removed(&t.approvers).iter().map(|a| a.who()).collect(),
                health: p.health().verdict.as_str(),
                initiated: rfc3339(p.initiated),
            }),
            errors,
            m_of_n: t.m_of_n(),
        }
    }
}

impl Row for TeamRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "NAME",
            "STATUS",
            "M-OF-N",
            "USABLE",
            "HEALTH",
            "PENDING SESSIONS",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let status = match (&self.status, &self.status_code) {
            (Some(s), Some(c)) => format!("{s} ({c})"),
            (Some(s), None) => s.clone(),
            _ => "?".into(),
        };
        vec![
            self.name.clone(),
            status,
            self.m_of_n.clone(),
            self.usable.map_or("?".into(), |u| u.to_string()),
            self.health.to_uppercase(),
            self.pending_sessions.map_or("?".into(), |n| n.to_string()),
        ]
    }
}

async fn teams(a: &Approvals, format: Format) -> anyhow::Result<i32> {
    let overview = a
        .overview()
        .await
        .map_err(|e| failed("could not list the approval teams", &e))?;
    let rows: Vec<TeamRow> = overview.iter().map(TeamRow::new).collect();
    let mut out = std::io::stdout().lock();
    print_rows(&mut out, format, &rows)?;
    if format == Format::Table {
        use std::io::Write;
        for r in rows.iter().filter(|r| r.health != "healthy") {
            writeln!(
                out,
                "\n{} — {}: {}",
                sanitize(&r.name),
                r.health.to_uppercase(),
                r.summary
            )?;
            for reason in &r.reasons {
                writeln!(out, "  {}", sanitize(reason))?;
            }
        }
    }
    for r in &rows {
        for e in &r.errors {
            eprintln!("{}: {}", sanitize(&r.name), sanitize(e));
        }
    }
    if rows.is_empty() {
        eprintln!("No approval teams in this account and region.");
    }
    Ok(0)
}

/// One session for `approvals sessions`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionRow {
    team: String,
    team_arn: String,
    session_arn: String,
    status: Option<String>,
    status_code: Option<String>,
    approvals: Option<usize>,
    min_approvals: Option<u32>,
    requester: String,
    requester_arn: Option<String>,
    requester_account_id: Option<String>,
    action: Option<String>,
    protected_resource: Option<String>,
    description: Option<String>,
    initiated: Option<String>,
    expires: Option<String>,
    completed: Option<String>,
    responses: Vec<ResponseRow>,
    error: Option<String>,
    #[serde(skip)]
    shown: Session,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseRow {
    approver_id: String,
    identity_id: String,
    person: String,
    verified: bool,
    response: String,
    response_time: Option<String>,
}

impl SessionRow {
    fn new(s: Session, error: Option<ServiceError>) -> SessionRow {
        SessionRow {
            team: s.team_name.clone(),
            team_arn: s.team_arn.clone(),
            session_arn: s.arn.clone(),
            status: s.status.as_ref().map(|x| x.to_string()),
            status_code: s.status_code.clone(),
            approvals: s.approvals(),
            min_approvals: s.threshold,
            requester: s.requester_short(),
            requester_arn: s.requester_principal.clone(),
            requester_account_id: s.requester_account.clone(),
            action: s.action_name.clone(),
            protected_resource: s.protected_resource.clone(),
            description: s.description.clone(),
            initiated: rfc3339(s.initiated),
            expires: rfc3339(s.expires),
            completed: rfc3339(s.completed),
            responses: s
                .responses
                .iter()
                .flatten()
                .map(|r| ResponseRow {
                    approver_id: r.approver_id.clone(),
                    identity_id: r.identity_id.clone(),
                    person: r.person.label(&r.identity_id),
                    verified: r.person.is_checked(),
                    response: r.response_label().to_string(),
                    response_time: rfc3339(r.response_time),
                })
                .collect(),
            error: error.map(|e| format!("{}: {}", e.operation, e.message)),
            shown: s,
        }
    }
}

impl Row for SessionRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "TEAM",
            "STATUS",
            "VOTES",
            "REQUESTER",
            "ACTION",
            "RESOURCE",
            "STARTED",
            "ENDS",
            "DESCRIPTION",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let s = &self.shown;
        let resource = s
            .protected_resource
            .as_deref()
            .map(|r| r.rsplit([':', '/']).next().unwrap_or(r).to_string())
            .unwrap_or_default();
        vec![
            s.team_name.clone(),
            s.status_label(),
            s.votes_label(),
            s.requester_short(),
            s.action_name.clone().unwrap_or_default(),
            resource,
            short_time(s.initiated),
            short_time(s.completed.or(s.expires)),
            s.description.clone().unwrap_or_default(),
        ]
    }
}

/// The team named `wanted` (ARN, or name without regard to case).
fn pick_team<'a>(teams: &'a [Team], wanted: &str) -> anyhow::Result<&'a Team> {
    if let Some(t) = teams.iter().find(|t| t.arn == wanted) {
        return Ok(t);
    }
    let named: Vec<&Team> = teams
        .iter()
        .filter(|t| t.name.eq_ignore_ascii_case(wanted))
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => anyhow::bail!(
            "no approval team named {wanted:?} (teams: {})",
            teams
                .iter()
                .map(|t| sanitize(&t.name).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => anyhow::bail!("several approval teams are named {wanted:?}: give its ARN"),
    }
}

async fn sessions(a: &Approvals, team: Option<&str>, format: Format) -> anyhow::Result<i32> {
    let teams = a
        .list_teams()
        .await
        .map_err(|e| failed("could not list the approval teams", &e))?;
    let chosen: Vec<&Team> = match team {
        Some(w) => vec![pick_team(&teams, w)?],
        None => teams.iter().collect(),
    };
    let mut listed = Vec::new();
    let mut failures = 0;
    for t in &chosen {
        match a.list_sessions(&t.arn, None).await {
            Ok(s) => listed.extend(s),
            Err(e) => {
                failures += 1;
                eprintln!(
                    "{}: {} — {}",
                    sanitize(&t.name),
                    sanitize(&e.message),
                    e.hint()
                );
            }
        }
    }
    order_sessions(&mut listed);
    let rows: Vec<SessionRow> = a
        .with_responses(listed)
        .await
        .into_iter()
        .map(|(s, e)| SessionRow::new(s, e))
        .collect();
    for r in rows.iter().filter(|r| r.error.is_some()) {
        eprintln!(
            "{}: responses not read ({})",
            sanitize(&r.session_arn),
            sanitize(r.error.as_deref().unwrap_or_default())
        );
    }
    print_rows(&mut std::io::stdout().lock(), format, &rows)?;
    if rows.is_empty() && failures == 0 {
        eprintln!("No sessions.");
    }
    Ok(if failures > 0 && failures == chosen.len() {
        1
    } else {
        0
    })
}
