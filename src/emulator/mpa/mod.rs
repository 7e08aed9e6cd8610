//! Multi-party approval (`mpa`, restJson1, SigV4): the read operations of reference §7 —
//! approval teams, their sessions with the approvers' votes, the identity source and the
//! policy versions teams attach. Timestamps are ISO-8601 strings. Routing needs the bare
//! `List` query flag (`POST /approval-teams?List` lists, without it would create), and ARN
//! labels arrive percent-encoded (`/` as `%2F`); axum matches the raw path segment by
//! segment and decodes each label afterwards, so an ARN stays one label.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, RawQuery, State as AxumState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Map, Value, json};

mod sessions;

use super::Emu;
use super::caller::{Power, authorize};
use super::org::{ApprovalSession, ApprovalTeam, Approver};
use super::router::RequestCtx;
use super::rpc::{Call, Guard};
use super::state::State;
use super::wire::{ApiError, Protocol, TokenStyle, iso_ms, paginate, parse_time};

/// The policy every seed team attaches: AWS Backup's restore-access vault protection.
const BACKUP_POLICY: &str =
    "arn:aws:mpa:::aws:policy/backup.amazonaws.com/CreateRestoreAccessVault";

fn mpa_error(status: u16, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(status, code, message).protocol(Protocol::RestJson)
}

fn validation(message: impl Into<String>) -> ApiError {
    mpa_error(400, "ValidationException", message)
}

fn not_found(message: impl Into<String>) -> ApiError {
    mpa_error(404, "ResourceNotFoundException", message)
}

/// Query parameters as a JSON input object: `MaxResults` as a number when it is one, the bare
/// `List` flag noted as `true`.
fn query_input(raw: Option<&str>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let value = match (k.as_ref(), v.parse::<i64>()) {
            ("MaxResults", Ok(n)) => json!(n),
            ("List", _) => json!(true),
            _ => json!(v),
        };
        out.insert(k.into_owned(), value);
    }
    out
}

type Handler = fn(&State, &Call) -> Result<Value, ApiError>;

/// Authenticate, authorize (403 on denial, as the model says), run, record, render.
fn serve(
    emu: &Emu,
    peer: SocketAddr,
    headers: HeaderMap,
    op: &str,
    input: Value,
    handler: Handler,
) -> Response {
    let ctx = RequestCtx::new(peer, headers);
    let call = Call {
        emu,
        ctx: &ctx,
        op,
        input: &input,
    };
    let guard = Guard {
        protocol: Protocol::RestJson,
        event_source: "mpa.amazonaws.com",
        action_prefix: "mpa",
        power: Power::Any,
        read_only: true,
    };
    call.run(guard, |st, who| {
        authorize(st, who, Power::MpaRead, &format!("mpa:{op}"))
            .map_err(|e| e.status(403))
            .and_then(|()| handler(st, &call))
    })
}

/// POST `/approval-teams?List`: ListApprovalTeams (creating teams is not emulated).
pub async fn approval_teams(
    AxumState(emu): AxumState<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let input = query_input(query.as_deref());
    if !input.contains_key("List") {
        return unsupported("CreateApprovalTeam");
    }
    serve(
        &emu,
        peer,
        headers,
        "ListApprovalTeams",
        Value::Object(input),
        list_approval_teams,
    )
}

/// GET `/approval-teams/{Arn}`: GetApprovalTeam.
pub async fn get_approval_team(
    AxumState(emu): AxumState<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(arn): Path<String>,
) -> Response {
    serve(
        &emu,
        peer,
        headers,
        "GetApprovalTeam",
        json!({ "Arn": arn }),
        get_team,
    )
}

/// POST `/approval-teams/{ApprovalTeamArn}/sessions?List`: ListSessions (paging in the body).
pub async fn team_sessions(
    AxumState(emu): AxumState<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    if !query_input(query.as_deref()).contains_key("List") {
        return unsupported("StartSession");
    }
    let mut input = if body.is_empty() {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => m,
            _ => return validation("The request body is not a JSON object").into_response(),
        }
    };
    input.insert("ApprovalTeamArn".into(), json!(arn));
    serve(
        &emu,
        peer,
        headers,
        "ListSessions",
        Value::Object(input),
        sessions::list_sessions,
    )
}

/// GET `/sessions/{SessionArn}`: GetSession.
pub async fn get_session(
    AxumState(emu): AxumState<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(arn): Path<String>,
) -> Response {
    serve(
        &emu,
        peer,
        headers,
        "GetSession",
        json!({ "SessionArn": arn }),
        sessions::session_detail,
    )
}

/// POST `/identity-sources?List`: ListIdentitySources.
pub async fn identity_sources(
    AxumState(emu): AxumState<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let input = query_input(query.as_deref());
    if !input.contains_key("List") {
        return unsupported("CreateIdentitySource");
    }
    serve(
        &emu,
        peer,
        headers,
        "ListIdentitySources",
        Value::Object(input),
        list_identity_sources,
    )
}

/// GET `/policy-versions/{PolicyVersionArn}`: GetPolicyVersion.
pub async fn get_policy_version(
    AxumState(emu): AxumState<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(arn): Path<String>,
) -> Response {
    serve(
        &emu,
        peer,
        headers,
        "GetPolicyVersion",
        json!({ "PolicyVersionArn": arn }),
        policy_version,
    )
}

fn unsupported(op: &str) -> Response {
    mpa_error(
        400,
        "ValidationException",
        format!("{op} is not supported by the emulator"),
    )
    .into_response()
}

fn region(st: &State) -> &str {
    &st.org.instance.region
}

fn team_arn(st: &State, t: &ApprovalTeam) -> String {
    format!(
        "arn:aws:mpa:{}:{}:approval-team/{}",
        region(st),
        st.org.instance.owner_account_id,
        t.id
    )
}

fn session_arn(st: &State, t: &ApprovalTeam, s: &ApprovalSession) -> String {
    format!(
        "arn:aws:mpa:{}:{}:session/{}/{}",
        region(st),
        st.org.instance.owner_account_id,
        t.id,
        s.id
    )
}

/// A stable id derived from `parts`, shaped like the service's ids.
fn stable_id(parts: &str, len: usize) -> String {
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(parts.as_bytes()))[..len].to_string()
}

/// The identity source: the Identity Center instance.
fn identity_source_arn(st: &State) -> String {
    format!(
        "arn:aws:mpa:{}:{}:identity-source/{}",
        region(st),
        st.org.instance.owner_account_id,
        stable_id(&st.org.instance.instance_arn, 26)
    )
}

/// The approver id of a team member (stable per team and person).
fn approver_id(team: &ApprovalTeam, user: &str) -> String {
    let h = stable_id(&format!("{}|{user}", team.id), 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn iso(s: &str) -> Value {
    parse_time(s)
        .map(|t| json!(iso_ms(t)))
        .unwrap_or(Value::Null)
}

fn strategy(m: u32) -> Value {
    json!({"MofN": {"MinApprovalsRequired": m}})
}

fn insert_some(out: &mut Value, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        out[key] = json!(v);
    }
}

fn team_summary(st: &State, t: &ApprovalTeam) -> Value {
    let mut out = json!({
        "CreationTime": iso(&t.created),
        "ApprovalStrategy": strategy(t.min_approvals),
        "NumberOfApprovers": t.approvers.len(),
        "Arn": team_arn(st, t),
        "Name": t.name,
        "Status": t.status,
    });
    insert_some(&mut out, "Description", &t.description);
    insert_some(&mut out, "StatusCode", &t.status_code);
    insert_some(&mut out, "StatusMessage", &t.status_message);
    out
}

fn list_approval_teams(st: &State, call: &Call) -> Result<Value, ApiError> {
    let items: Vec<Value> = st
        .org
        .approval_teams
        .iter()
        .map(|t| team_summary(st, t))
        .collect();
    page(st, call, items, "ApprovalTeams", "ListApprovalTeams")
}

/// `MaxResults` 1..20 and the opaque token, from wherever the operation carries them.
fn page(
    st: &State,
    call: &Call,
    mut items: Vec<Value>,
    key: &str,
    fp: &str,
) -> Result<Value, ApiError> {
    let asked = call
        .max_results("MaxResults", 20)
        .map_err(|e| validation(e.message))?;
    st.arrange(&mut items);
    let size = st.page_size(asked, 20);
    let p = paginate(
        &items,
        call.optional_str("NextToken"),
        size,
        fp,
        TokenStyle::UrlSafe,
    )
    .map_err(|_| validation("The NextToken is not valid for this request"))?;
    let mut out = json!({ key: p.items });
    if let Some(n) = p.next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}

fn find_team<'a>(st: &'a State, arn: &str) -> Result<&'a ApprovalTeam, ApiError> {
    let well_formed =
        arn.starts_with("arn:aws") && arn.contains(":mpa:") && arn.contains(":approval-team/");
    if !well_formed {
        return Err(validation(format!(
            "1 validation error detected: Value '{arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[^:]+)?:mpa:[a-z0-9-]{{1,20}}:[0-9]{{12}}:approval-team/[a-zA-Z0-9._-]+"
        )));
    }
    st.org
        .approval_teams
        .iter()
        .find(|t| team_arn(st, t) == arn)
        .ok_or_else(|| not_found(format!("Approval team {arn} does not exist")))
}

fn user_id(st: &State, name: &str) -> String {
    st.idx
        .user_by_name
        .get(name)
        .map(|&i| st.org.users[i].id.clone())
        .unwrap_or_default()
}

/// The latest vote a person cast in any of the team's sessions.
fn last_vote<'a>(t: &'a ApprovalTeam, user: &str) -> Option<&'a str> {
    t.sessions
        .iter()
        .flat_map(|s| s.votes.iter())
        .filter(|v| v.user == user)
        .map(|v| v.time.as_str())
        .max_by_key(|time| parse_time(time))
}

fn approver_json(st: &State, t: &ApprovalTeam, a: &Approver) -> Value {
    let mut out = json!({
        "ApproverId": approver_id(t, &a.user),
        "PrimaryIdentityId": user_id(st, &a.user),
        "PrimaryIdentitySourceArn": identity_source_arn(st),
        "PrimaryIdentityStatus": a.identity_status,
    });
    if let Some(r) = &a.response_time {
        out["ResponseTime"] = iso(r);
    }
    if let Some(v) = last_vote(t, &a.user) {
        out["LastActivity"] = json!("VOTED");
        out["LastActivityTime"] = iso(v);
    } else if let Some(r) = &a.response_time {
        out["LastActivity"] = json!("RESPONDED_TO_INVITATION");
        out["LastActivityTime"] = iso(r);
    }
    out
}

fn get_team(st: &State, call: &Call) -> Result<Value, ApiError> {
    let t = find_team(st, call.optional_str("Arn").unwrap_or_default())?;
    let mut out = team_summary(st, t);
    out["Approvers"] = json!(
        t.approvers
            .iter()
            .map(|a| approver_json(st, t, a))
            .collect::<Vec<_>>()
    );
    out["VersionId"] = json!("1");
    out["Policies"] = json!([{ "PolicyArn": format!("{BACKUP_POLICY}/1") }]);
    out["LastUpdateTime"] = iso(&t.created);
    if let Some(p) = &t.pending_update {
        let mut pending = json!({
            "VersionId": "2",
            "ApprovalStrategy": strategy(p.min_approvals),
            "NumberOfApprovers": p.approvers.len(),
            "Status": "PENDING",
            "StatusCode": "UPDATE_PENDING_APPROVAL",
            "Approvers": p.approvers.iter().map(|a| approver_json(st, t, a)).collect::<Vec<_>>(),
            "UpdateInitiationTime": iso(&p.initiated),
        });
        insert_some(&mut pending, "Description", &t.description);
        out["PendingUpdate"] = pending;
        out["LastUpdateTime"] = iso(&p.initiated);
    }
    Ok(out)
}

fn list_identity_sources(st: &State, call: &Call) -> Result<Value, ApiError> {
    let portal = st
        .org
        .instance
        .start_url
        .trim_end_matches("/start")
        .to_string();
    let items = vec![json!({
        "IdentitySourceType": "IAM_IDENTITY_CENTER",
        "IdentitySourceParameters": {"IamIdentityCenter": {
            "InstanceArn": st.org.instance.instance_arn,
            "ApprovalPortalUrl": format!("{portal}/approval"),
            "Region": region(st),
        }},
        "IdentitySourceArn": identity_source_arn(st),
        "CreationTime": iso(&st.org.instance.created),
        "Status": "ACTIVE",
    })];
    page(st, call, items, "IdentitySources", "ListIdentitySources")
}

fn policy_version(st: &State, call: &Call) -> Result<Value, ApiError> {
    let arn = call.optional_str("PolicyVersionArn").unwrap_or_default();
    let Some(version) = arn
        .strip_prefix(BACKUP_POLICY)
        .and_then(|v| v.strip_prefix('/'))
    else {
        return if arn.starts_with("arn:aws:mpa:::aws:policy/") {
            Err(not_found(format!("Policy version {arn} does not exist")))
        } else {
            Err(validation(format!(
                "1 validation error detected: Value '{arn}' at 'policyVersionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.{{1,63}}:mpa:::aws:policy/[a-zA-Z0-9_\\.-]{{1,1023}}/[a-zA-Z0-9_\\.-]{{1,1023}}/(?:[\\d]+|\\$DEFAULT)"
            )))
        };
    };
    if version != "1" && version != "$DEFAULT" {
        return Err(not_found(format!("Policy version {arn} does not exist")));
    }
    let document = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "VaultOwnerPermissions",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Resource": "*",
            "Action": ["mpa:StartSession", "mpa:CancelSession"],
            "Condition": {
                "StringEquals": {
                    "mpa:RequestedOperation": "backup:RevokeRestoreAccessBackupVault",
                    "mpa:ProtectedResourceAccount": "${aws:PrincipalAccount}",
                },
                "Bool": {"aws:ViaAWSService": "true"},
            },
        }],
    });
    let created = iso(&st.org.instance.created);
    Ok(json!({"PolicyVersion": {
        "Arn": format!("{BACKUP_POLICY}/1"),
        "PolicyArn": BACKUP_POLICY,
        "VersionId": 1,
        "PolicyType": "AWS_MANAGED",
        "IsDefault": true,
        "Name": "CreateRestoreAccessVault",
        "Status": "ATTACHABLE",
        "CreationTime": created,
        "LastUpdatedTime": created,
        "Document": document.to_string(),
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bare_list_flag_is_seen_and_max_results_is_a_number() {
        let q = query_input(Some("List&MaxResults=5&NextToken=abc"));
        assert_eq!(q.get("List"), Some(&json!(true)));
        assert_eq!(q.get("MaxResults"), Some(&json!(5)));
        assert_eq!(q.get("NextToken"), Some(&json!("abc")));
        assert!(!query_input(Some("MaxResults=5")).contains_key("List"));
    }
}
