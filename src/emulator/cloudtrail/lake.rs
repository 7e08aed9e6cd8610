//! CloudTrail Lake's query API over the organisation trail: one organisation event data store
//! (ListEventDataStores, GetEventDataStore) whose id a statement names in `FROM`; StartQuery
//! runs the SELECT asynchronously on the trail's SQL engine with Lake's column names and types
//! (maps for `additionalEventData` and friends); DescribeQuery, GetQueryResults (rows of
//! single-key maps, `MaxQueryResults` 1..1000, `NextToken`), CancelQuery, ListQueries; at most
//! 10 queries queued or running (`MaxConcurrentQueriesException`), `QueryIdNotFoundException`,
//! `InactiveQueryException`, and FAILED with `ErrorMessage` for what Lake refuses or cannot run.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::emulator::Emu;
use crate::emulator::caller::Power;
use crate::emulator::rpc::{Call, Guard};
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, Protocol, epoch_s};
use crate::trail_sql::{self, schema};

/// The operations this module answers.
pub const OPERATIONS: [&str; 7] = [
    "ListEventDataStores",
    "GetEventDataStore",
    "StartQuery",
    "DescribeQuery",
    "GetQueryResults",
    "CancelQuery",
    "ListQueries",
];

/// How many queries may be queued or running at once.
pub const MAX_CONCURRENT: usize = 10;

/// The table name a statement's event data store id is rewritten to.
const TABLE: &str = "lake_event_data_store";

/// One Lake query.
#[derive(Debug)]
pub struct LakeQuery {
    /// `QueryId`.
    pub id: String,
    /// The statement as given.
    pub statement: String,
    /// `QUEUED`, `RUNNING`, `FINISHED`, `FAILED`, `CANCELLED`.
    pub status: &'static str,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was created.
    pub created: OffsetDateTime,
    /// Engine time.
    pub elapsed_ms: u64,
    /// Bytes read, records read.
    pub bytes: u64,
    /// Records decoded.
    pub scanned: u64,
    /// Rows: (column, value) pairs, NULLs left out.
    pub rows: Vec<Vec<(String, String)>>,
    /// Stops the running task.
    pub abort: Option<tokio::task::AbortHandle>,
}

/// Lake's state: its queries.
#[derive(Debug, Default)]
pub struct LakeState {
    /// Queries by id.
    pub queries: HashMap<String, LakeQuery>,
    /// Ids in creation order.
    pub order: Vec<String>,
}

fn error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(400, code, message.into()).message_member("message")
}

/// The organisation event data store's id (stable for an organisation).
pub fn store_id(st: &State) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(st.org.organization.id.as_bytes());
    uuid::Builder::from_random_bytes(h[..16].try_into().unwrap_or_default())
        .into_uuid()
        .to_string()
}

fn store_arn(st: &State) -> String {
    format!(
        "arn:aws:cloudtrail:{}:{}:eventdatastore/{}",
        st.org.instance.region,
        st.org.organization.management_account_id,
        store_id(st)
    )
}

fn store(st: &State, full: bool) -> Value {
    let mut v = json!({
        "EventDataStoreArn": store_arn(st),
        "Name": "organization-events",
        "TerminationProtectionEnabled": true,
        "Status": "ENABLED",
        "AdvancedEventSelectors": [{"Name": "Management events",
            "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}],
        "MultiRegionEnabled": true,
        "OrganizationEnabled": true,
        "RetentionPeriod": 2557,
        "CreatedTimestamp": epoch_s(st.trail.started()),
        "UpdatedTimestamp": epoch_s(st.trail.started()),
    });
    if full {
        v["BillingMode"] = json!("EXTENDABLE_RETENTION_PRICING");
    }
    v
}

fn is_store(st: &State, name: &str) -> bool {
    name == store_id(st) || name == store_arn(st)
}

/// Dispatch one of [`OPERATIONS`].
pub fn dispatch(call: &Call, emu: &Arc<Emu>) -> Response {
    let guard = Guard {
        protocol: Protocol::AwsJson11,
        event_source: "cloudtrail.amazonaws.com",
        action_prefix: "cloudtrail",
        power: Power::TrailRead,
        read_only: !matches!(call.op, "StartQuery" | "CancelQuery"),
    };
    let mut started = None;
    let response = call.run(guard, |st, _| match call.op {
        "ListEventDataStores" => Ok(json!({ "EventDataStores": [store(st, false)] })),
        "GetEventDataStore" => {
            let name = call.required_str("EventDataStore")?;
            if !is_store(st, name) {
                return Err(not_found_store(name));
            }
            Ok(store(st, true))
        }
        "StartQuery" => {
            let (id, v) = start(call, st)?;
            started = Some(id);
            Ok(v)
        }
        "DescribeQuery" => {
            let q = query(call, st)?;
            let mut v = json!({
                "QueryId": q.id, "QueryString": q.statement, "QueryStatus": q.status,
                "QueryStatistics": {
                    "EventsMatched": q.rows.len(), "EventsScanned": q.scanned,
                    "BytesScanned": q.bytes, "ExecutionTimeInMillis": q.elapsed_ms,
                    "CreationTime": epoch_s(q.created),
                },
            });
            if let Some(e) = &q.error {
                v["ErrorMessage"] = json!(e);
            }
            Ok(v)
        }
        "GetQueryResults" => results(call, st),
        "CancelQuery" => {
            let id = query(call, st)?.id.clone();
            let q = st
                .lake
                .queries
                .get_mut(&id)
                .ok_or_else(|| not_found_query(&id))?;
            if !matches!(q.status, "QUEUED" | "RUNNING") {
                return Err(error(
                    "InactiveQueryException",
                    format!(
                        "The query {id} is in {} status and cannot be cancelled.",
                        q.status
                    ),
                ));
            }
            if let Some(h) = q.abort.take() {
                h.abort();
            }
            q.status = "CANCELLED";
            Ok(json!({ "QueryId": id, "QueryStatus": "CANCELLED" }))
        }
        _ => list(call, st),
    });
    if let Some(id) = started {
        let task = tokio::spawn(execute(emu.clone(), id.clone()));
        if let Some(q) = emu.state().lake.queries.get_mut(&id) {
            q.abort = Some(task.abort_handle());
        }
    }
    response
}

fn not_found_store(name: &str) -> ApiError {
    error(
        "EventDataStoreNotFoundException",
        format!("The specified event data store {name} was not found."),
    )
}

fn not_found_query(id: &str) -> ApiError {
    error(
        "QueryIdNotFoundException",
        format!("The query ID {id} does not exist or does not map to a query."),
    )
}

fn query<'a>(call: &Call, st: &'a State) -> Result<&'a LakeQuery, ApiError> {
    let id = call.required_str("QueryId")?;
    st.lake.queries.get(id).ok_or_else(|| not_found_query(id))
}

fn start(call: &Call, st: &mut State) -> Result<(String, Value), ApiError> {
    let statement = match call.optional_str("QueryStatement") {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => {
            return Err(error(
                "InvalidParameterException",
                "You must specify a QueryStatement or a QueryAlias.",
            ));
        }
    };
    if let Some(owner) = call.optional_str("EventDataStoreOwnerAccountId")
        && owner != st.org.organization.management_account_id
    {
        return Err(not_found_store(owner));
    }
    let active = st
        .lake
        .queries
        .values()
        .filter(|q| matches!(q.status, "QUEUED" | "RUNNING"))
        .count();
    if active >= MAX_CONCURRENT {
        return Err(error(
            "MaxConcurrentQueriesException",
            "You are already running the maximum number of concurrent queries. The maximum number of concurrent queries is 10.",
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    st.lake.order.push(id.clone());
    st.lake.queries.insert(
        id.clone(),
        LakeQuery {
            id: id.clone(),
            statement,
            status: "QUEUED",
            error: None,
            created: OffsetDateTime::now_utc(),
            elapsed_ms: 0,
            bytes: 0,
            scanned: 0,
            rows: Vec::new(),
            abort: None,
        },
    );
    Ok((id.clone(), json!({ "QueryId": id })))
}

/// The statement with the event data store's id (or ARN) in `FROM` replaced by the table name.
fn rewrite(statement: &str, id: &str, arn: &str) -> String {
    statement.replace(arn, TABLE).replace(id, TABLE)
}

/// Run a queued query to its end.
async fn execute(emu: Arc<Emu>, id: String) {
    let prepared = {
        let mut st = emu.state();
        let (store, arn) = (store_id(&st), store_arn(&st));
        let org = st.org.organization.id.clone();
        let root = st.settings.trail.dir.clone();
        let Some(q) = st.lake.queries.get_mut(&id) else {
            return;
        };
        if q.status != "QUEUED" {
            return;
        }
        q.status = "RUNNING";
        (rewrite(&q.statement, &store, &arn), org, root)
    };
    let (sql, org, root) = prepared;
    let flush_emu = emu.clone();
    let _ = tokio::task::spawn_blocking(move || crate::emulator::trail::flush(&flush_emu)).await;
    let clock = Instant::now();
    let mut table = trail_sql::folder_table(root, "default", TABLE, schema::lake());
    let inner = table.source.clone();
    table.partition_cols = Vec::new();
    table.source = Arc::new(move || {
        inner()
            .into_iter()
            .filter(|o| o.path.iter().nth_back(7).is_some_and(|p| p == org.as_str()))
            .map(|mut o| {
                o.values.clear();
                o
            })
            .collect()
    });
    let outcome = trail_sql::run(&sql, "default", &[table]).await;
    let mut st = emu.state();
    let Some(q) = st.lake.queries.get_mut(&id) else {
        return;
    };
    if q.status != "RUNNING" {
        return;
    }
    q.elapsed_ms = clock.elapsed().as_millis() as u64;
    match outcome.and_then(|a| Ok((trail_sql::format::cells(&a)?, a))) {
        Ok((cells, answer)) => {
            let names: Vec<String> = answer
                .schema
                .fields()
                .iter()
                .map(|f| {
                    schema::lake_spelling(f.name())
                        .map(str::to_string)
                        .unwrap_or_else(|| f.name().clone())
                })
                .collect();
            q.rows = cells
                .into_iter()
                .map(|row| {
                    names
                        .iter()
                        .zip(row)
                        .filter_map(|(n, c)| Some((n.clone(), c?)))
                        .collect()
                })
                .collect();
            q.bytes = answer.bytes_scanned;
            q.scanned = answer.records_scanned;
            q.status = "FINISHED";
        }
        Err(e) => {
            q.status = "FAILED";
            q.error = Some(e.to_string().replace(TABLE, "the event data store"));
        }
    }
}

fn token(offset: usize, bound: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{offset}:{bound}"))
}

fn untoken(t: &str, bound: &str) -> Result<usize, ApiError> {
    let bad = || error("InvalidNextTokenException", "The token is not valid.");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(t)
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (n, b) = text.split_once(':').ok_or_else(bad)?;
    if b != bound {
        return Err(bad());
    }
    n.parse().map_err(|_| bad())
}

fn results(call: &Call, st: &State) -> Result<Value, ApiError> {
    let q = query(call, st)?;
    let max = call.max_results("MaxQueryResults", 1000)?.unwrap_or(1000);
    let from = match call.optional_str("NextToken") {
        Some(t) => untoken(t, &q.id)?,
        None => 0,
    };
    let page: Vec<Value> = q
        .rows
        .iter()
        .skip(from)
        .take(max)
        .map(|row| Value::Array(row.iter().map(|(k, v)| json!({ k: v })).collect()))
        .collect();
    let mut out = json!({
        "QueryStatus": q.status,
        "QueryStatistics": {
            "ResultsCount": page.len(),
            "TotalResultsCount": q.rows.len(),
            "BytesScanned": q.bytes,
        },
        "QueryResultRows": page,
    });
    if let Some(e) = &q.error {
        out["ErrorMessage"] = json!(e);
    }
    if from + max < q.rows.len() {
        out["NextToken"] = json!(token(from + max, &q.id));
    }
    Ok(out)
}

fn list(call: &Call, st: &State) -> Result<Value, ApiError> {
    let name = call.required_str("EventDataStore")?;
    if !is_store(st, name) {
        return Err(not_found_store(name));
    }
    let max = call.max_results("MaxResults", 1000)?.unwrap_or(1000);
    let status = call.optional_str("QueryStatus");
    let ids: Vec<&LakeQuery> = st
        .lake
        .order
        .iter()
        .rev()
        .filter_map(|id| st.lake.queries.get(id))
        .filter(|q| status.is_none_or(|s| s == q.status))
        .collect();
    let from = match call.optional_str("NextToken") {
        Some(t) => untoken(t, name)?,
        None => 0,
    };
    let page: Vec<Value> = ids
        .iter()
        .skip(from)
        .take(max)
        .map(|q| json!({"QueryId": q.id, "QueryStatus": q.status, "CreationTime": epoch_s(q.created)}))
        .collect();
    let mut out = json!({ "Queries": page });
    if from + max < ids.len() {
        out["NextToken"] = json!(token(from + max, name));
    }
    Ok(out)
}
