//! ListSessions (paged in the body, with the filters the operation supports) and GetSession
//! (with every approver's response: their vote from the seed, or NO_RESPONSE).

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{
    approver_id, find_team, identity_source_arn, insert_some, iso, not_found, page, region,
    session_arn, strategy, team_arn, user_id, validation,
};
use crate::emulator::org::{ApprovalSession, ApprovalTeam};
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, parse_time};

/// The fields ListSessions and GetSession share.
fn session_common(st: &State, t: &ApprovalTeam, s: &ApprovalSession) -> Value {
    let requester_account = s.requester.split(':').nth(4).unwrap_or_default();
    let requester_region = s
        .protected_resource
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .unwrap_or(region(st));
    let service = s.action_name.split(':').next().unwrap_or_default();
    let mut out = json!({
        "SessionArn": session_arn(st, t, s),
        "ApprovalTeamName": t.name,
        "ApprovalTeamArn": team_arn(st, t),
        "InitiationTime": iso(&s.initiated),
        "ExpirationTime": iso(&s.expires),
        "ActionName": s.action_name,
        "ProtectedResourceArn": s.protected_resource,
        "RequesterServicePrincipal": format!("{service}.amazonaws.com"),
        "RequesterPrincipalArn": s.requester,
        "RequesterRegion": requester_region,
        "RequesterAccountId": requester_account,
        "Status": s.status,
        "ActionCompletionStrategy": "AUTO_COMPLETION_UPON_APPROVAL",
    });
    if let Some(c) = &s.completed {
        out["CompletionTime"] = iso(c);
    }
    insert_some(&mut out, "Description", &s.description);
    insert_some(&mut out, "StatusCode", &s.status_code);
    out
}

/// One ListSessions filter, checked against the fields and operators the operation supports.
fn filter_keeps(f: &Value, s: &ApprovalSession) -> Result<bool, ApiError> {
    let field = f
        .get("FieldName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let op = f
        .get("Operator")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let value = f.get("Value").and_then(Value::as_str).unwrap_or_default();
    let unsupported = || {
        validation(format!(
            "Filter {field} {op} is not supported by ListSessions"
        ))
    };
    match field {
        "SessionStatus" => match op {
            "EQ" => Ok(s.status == value),
            "NE" => Ok(s.status != value),
            _ => Err(unsupported()),
        },
        "ActionName" => match op {
            "EQ" => Ok(s.action_name == value),
            "NE" => Ok(s.action_name != value),
            "CONTAINS" => Ok(s.action_name.contains(value)),
            "NOT_CONTAINS" => Ok(!s.action_name.contains(value)),
            _ => Err(unsupported()),
        },
        "InitiationTime" => {
            let bad_time = || validation(format!("{value:?} is not an ISO-8601 time"));
            let at = parse_time(&s.initiated);
            let parse = |v: &str| parse_time(v.trim()).ok_or_else(bad_time);
            let keep =
                |t: Option<OffsetDateTime>, f: &dyn Fn(OffsetDateTime) -> bool| t.is_some_and(f);
            match op {
                "GT" => parse(value).map(|v| keep(at, &|a| a > v)),
                "LT" => parse(value).map(|v| keep(at, &|a| a < v)),
                "GTE" => parse(value).map(|v| keep(at, &|a| a >= v)),
                "LTE" => parse(value).map(|v| keep(at, &|a| a <= v)),
                "BETWEEN" => {
                    let (lo, hi) = value.split_once(" AND ").ok_or_else(bad_time)?;
                    let (lo, hi) = (parse(lo)?, parse(hi)?);
                    Ok(keep(at, &|a| a >= lo && a <= hi))
                }
                _ => Err(unsupported()),
            }
        }
        _ => Err(unsupported()),
    }
}

pub(super) fn list_sessions(st: &State, call: &Call) -> Result<Value, ApiError> {
    let t = find_team(st, call.optional_str("ApprovalTeamArn").unwrap_or_default())?;
    let filters = match call.input.get("Filters") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(f)) if f.len() <= 10 => f.clone(),
        Some(_) => return Err(validation("Filters must be a list of at most 10 filters")),
    };
    let mut items = Vec::new();
    for s in &t.sessions {
        let mut keep = true;
        for f in &filters {
            keep &= filter_keeps(f, s)?;
        }
        if keep {
            items.push(session_common(st, t, s));
        }
    }
    let fp = format!("ListSessions|{}|{}", t.id, Value::Array(filters));
    page(st, call, items, "Sessions", &fp)
}

pub(super) fn session_detail(st: &State, call: &Call) -> Result<Value, ApiError> {
    let arn = call.optional_str("SessionArn").unwrap_or_default();
    if !(arn.starts_with("arn:aws") && arn.contains(":mpa:") && arn.contains(":session/")) {
        return Err(validation(format!(
            "1 validation error detected: Value '{arn}' at 'sessionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[^:]+)?:mpa:[a-z0-9-]{{1,20}}:[0-9]{{12}}:session/[a-zA-Z0-9._-]+/[a-zA-Z0-9_-]+"
        )));
    }
    let (t, s) = st
        .org
        .approval_teams
        .iter()
        .flat_map(|t| t.sessions.iter().map(move |s| (t, s)))
        .find(|(t, s)| session_arn(st, t, s) == arn)
        .ok_or_else(|| not_found(format!("Session {arn} does not exist")))?;
    let mut out = session_common(st, t, s);
    out["ApprovalStrategy"] = strategy(t.min_approvals);
    out["NumberOfApprovers"] = json!(t.approvers.len());
    out["Metadata"] = json!({});
    if let Some(d) = &s.description {
        out["RequesterComment"] = json!(d);
    }
    let execution = match s.status.as_str() {
        "APPROVED" => Some("EXECUTED"),
        "PENDING" | "CREATING" => Some("PENDING"),
        _ => None,
    };
    if let Some(e) = execution {
        out["ExecutionStatus"] = json!(e);
    }
    let responses: Vec<Value> = t
        .approvers
        .iter()
        .map(|a| {
            let vote = s.votes.iter().find(|v| v.user == a.user);
            let mut r = json!({
                "ApproverId": approver_id(t, &a.user),
                "IdentitySourceArn": identity_source_arn(st),
                "IdentityId": user_id(st, &a.user),
                "Response": vote.map(|v| v.response.as_str()).unwrap_or("NO_RESPONSE"),
            });
            if let Some(v) = vote {
                r["ResponseTime"] = iso(&v.time);
            }
            r
        })
        .collect();
    out["ApproverResponses"] = json!(responses);
    Ok(out)
}
