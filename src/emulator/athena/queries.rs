//! Athena query executions: StartQueryExecution queues a query and runs it on a task (DDL on
//! the catalogue, SELECT on the trail's SQL engine after delivering what the emulator recorded);
//! GetQueryExecution, BatchGetQueryExecution, ListQueryExecutions (newest first, ≤ 50 a page),
//! StopQueryExecution (a finished query stays as it ended), and GetQueryResults (≤ 1000 rows a
//! page, a SELECT's first page opening with the header row, `NextToken` for the rest).

use std::sync::Arc;
use std::time::Instant;

use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{AthenaState, CATALOG, IDC_WORKGROUP, invalid};
use crate::emulator::Emu;
use crate::emulator::activity::Caller;
use crate::emulator::rpc::{Call, Guard};
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, epoch_s};
use crate::trail_sql;

/// A query's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QState {
    /// Waiting to run.
    Queued,
    /// Running.
    Running,
    /// Done.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Stopped.
    Cancelled,
}

impl QState {
    fn name(self) -> &'static str {
        match self {
            QState::Queued => "QUEUED",
            QState::Running => "RUNNING",
            QState::Succeeded => "SUCCEEDED",
            QState::Failed => "FAILED",
            QState::Cancelled => "CANCELLED",
        }
    }

    fn finished(self) -> bool {
        matches!(self, QState::Succeeded | QState::Failed | QState::Cancelled)
    }
}

/// A query's results: column names and types, rows of cells, whether the header row leads.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// (name, type).
    pub columns: Vec<(String, String)>,
    /// Cells, `None` for NULL.
    pub rows: Vec<Vec<Option<String>>>,
    /// Whether the first page opens with the header row (SELECT).
    pub header: bool,
}

/// One query execution.
#[derive(Debug)]
pub struct Execution {
    /// `QueryExecutionId`.
    pub id: String,
    /// The statement.
    pub query: String,
    /// Its workgroup.
    pub workgroup: String,
    /// The database unqualified names resolve in.
    pub database: String,
    /// `ResultConfiguration.OutputLocation` (a folder).
    pub output: String,
    /// `DDL`, `DML` or `UTILITY`.
    pub statement_type: &'static str,
    /// Where it is.
    pub state: QState,
    /// Why it failed or was cancelled.
    pub reason: Option<String>,
    /// When it was submitted, started, finished.
    pub submitted: OffsetDateTime,
    /// When it started running.
    pub started: Option<OffsetDateTime>,
    /// When it finished.
    pub completed: Option<OffsetDateTime>,
    /// Bytes read.
    pub scanned: u64,
    /// Engine time.
    pub engine_ms: u64,
    /// The results, once it succeeded.
    pub results: Option<Results>,
    /// Stops the running task.
    pub abort: Option<tokio::task::AbortHandle>,
}

fn statement_type(sql: &str) -> &'static str {
    let first = sql
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    match first.as_str() {
        "SELECT" | "WITH" | "VALUES" | "TABLE" | "(" => "DML",
        "SHOW" | "DESCRIBE" | "EXPLAIN" => "UTILITY",
        _ if super::ddl::is_ddl(sql) => "DDL",
        _ => "DML",
    }
}

/// StartQueryExecution.
pub fn start(call: &Call, emu: &Arc<Emu>, guard: Guard) -> Response {
    let mut queued: Option<String> = None;
    let response = call.run(guard, |st, who| {
        let sql = call.required_str("QueryString")?.to_string();
        if sql.trim().is_empty() || sql.len() > 262_144 {
            return Err(ApiError::validation(
                "1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length between 1 and 262144",
            ));
        }
        let workgroup = call.optional_str("WorkGroup").unwrap_or("primary").to_string();
        if !super::metadata::workgroup_exists(&workgroup) {
            return Err(invalid(format!("WorkGroup {workgroup} is not found.")));
        }
        if workgroup == IDC_WORKGROUP
            && !matches!(
                who.caller,
                Caller::Role {
                    identity_enhanced: true,
                    ..
                }
            )
        {
            return Err(invalid(format!(
                "WorkGroup {IDC_WORKGROUP} is enabled for IAM Identity Center; only identity-enhanced role sessions (trusted identity propagation) may use it"
            )));
        }
        let context = &call.input["QueryExecutionContext"];
        let catalog = context["Catalog"].as_str().unwrap_or(CATALOG);
        if !catalog.eq_ignore_ascii_case(CATALOG) {
            return Err(invalid(format!("Catalog {catalog} is not found.")));
        }
        let database = context["Database"].as_str().unwrap_or("default").to_lowercase();
        let output = call.input["ResultConfiguration"]["OutputLocation"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("s3://{}/athena-results/", st.settings.trail.bucket));
        let id = uuid::Uuid::new_v4().to_string();
        st.athena.order.push(id.clone());
        st.athena.queries.insert(
            id.clone(),
            Execution {
                id: id.clone(),
                statement_type: statement_type(&sql),
                query: sql,
                workgroup,
                database,
                output,
                state: QState::Queued,
                reason: None,
                submitted: OffsetDateTime::now_utc(),
                started: None,
                completed: None,
                scanned: 0,
                engine_ms: 0,
                results: None,
                abort: None,
            },
        );
        queued = Some(id.clone());
        Ok(json!({ "QueryExecutionId": id }))
    });
    if let Some(id) = queued {
        let task = tokio::spawn(execute(emu.clone(), id.clone()));
        if let Some(q) = emu.state().athena.queries.get_mut(&id) {
            q.abort = Some(task.abort_handle());
        }
    }
    response
}

/// Run a queued query to its end.
async fn execute(emu: Arc<Emu>, id: String) {
    let (sql, database) = {
        let mut st = emu.state();
        let Some(q) = st.athena.queries.get_mut(&id) else {
            return;
        };
        if q.state != QState::Queued {
            return;
        }
        q.state = QState::Running;
        q.started = Some(OffsetDateTime::now_utc());
        (q.query.clone(), q.database.clone())
    };
    let clock = Instant::now();
    let outcome = if super::ddl::is_ddl(&sql) {
        let mut st = emu.state();
        super::metadata::run_ddl(&mut st, &sql, &database).map(|r| (r, 0))
    } else {
        select(&emu, &sql, &database).await
    };
    let mut st = emu.state();
    let Some(q) = st.athena.queries.get_mut(&id) else {
        return;
    };
    if q.state.finished() {
        return;
    }
    q.engine_ms = clock.elapsed().as_millis() as u64;
    q.completed = Some(OffsetDateTime::now_utc());
    match outcome {
        Ok((results, scanned)) => {
            q.state = QState::Succeeded;
            q.scanned = scanned;
            q.results = Some(results);
        }
        Err(reason) => {
            q.state = QState::Failed;
            q.reason = Some(reason);
        }
    }
}

/// Run a SELECT over the catalogue's tables.
async fn select(emu: &Arc<Emu>, sql: &str, database: &str) -> Result<(Results, u64), String> {
    let flush_emu = emu.clone();
    let _ = tokio::task::spawn_blocking(move || crate::emulator::trail::flush(&flush_emu)).await;
    let tables = {
        let st = emu.state();
        let (root, bucket) = (
            st.settings.trail.dir.clone(),
            st.settings.trail.bucket.clone(),
        );
        let mut defs = Vec::new();
        for (db, d) in &st.athena.databases {
            for t in d.tables.values() {
                // A table that cannot be read only fails the queries that use it.
                if let Ok(def) = t.def(db, &root, &bucket) {
                    defs.push(def);
                }
            }
        }
        defs
    };
    let answer = trail_sql::run(sql, database, &tables)
        .await
        .map_err(|e| e.to_string())?;
    let rows = trail_sql::format::cells(&answer).map_err(|e| e.to_string())?;
    Ok((
        Results {
            columns: trail_sql::format::columns(&answer),
            rows,
            header: true,
        },
        answer.bytes_scanned,
    ))
}

fn execution_json(q: &Execution) -> Value {
    let mut status = json!({
        "State": q.state.name(),
        "SubmissionDateTime": epoch_s(q.submitted),
    });
    if let Some(t) = q.completed {
        status["CompletionDateTime"] = epoch_s(t);
    }
    if let Some(r) = &q.reason {
        status["StateChangeReason"] = json!(r);
        if q.state == QState::Failed {
            status["AthenaError"] = json!({
                "ErrorCategory": 2,
                "ErrorType": 1300,
                "Retryable": false,
                "ErrorMessage": r,
            });
        }
    }
    let total = match (q.completed, q.started) {
        (Some(c), _) => (c - q.submitted).whole_milliseconds() as u64,
        (None, _) => (OffsetDateTime::now_utc() - q.submitted).whole_milliseconds() as u64,
    };
    let queue = q
        .started
        .map(|s| (s - q.submitted).whole_milliseconds() as u64)
        .unwrap_or(total);
    json!({
        "QueryExecutionId": q.id,
        "Query": q.query,
        "StatementType": q.statement_type,
        "ResultConfiguration": {
            "OutputLocation": format!("{}/{}.csv", q.output.trim_end_matches('/'), q.id),
        },
        "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": false}},
        "QueryExecutionContext": {"Database": q.database, "Catalog": CATALOG.to_lowercase()},
        "Status": status,
        "Statistics": {
            "EngineExecutionTimeInMillis": q.engine_ms,
            "DataScannedInBytes": q.scanned,
            "TotalExecutionTimeInMillis": total,
            "QueryQueueTimeInMillis": queue,
            "ServicePreProcessingTimeInMillis": 0,
            "QueryPlanningTimeInMillis": 0,
            "ServiceProcessingTimeInMillis": 0,
            "ResultReuseInformation": {"ReusedPreviousResult": false},
        },
        "WorkGroup": q.workgroup,
        "EngineVersion": {
            "SelectedEngineVersion": "AUTO",
            "EffectiveEngineVersion": "Athena engine version 3",
        },
    })
}

fn not_found(id: &str) -> ApiError {
    invalid(format!("QueryExecution {id} was not found"))
}

fn token(offset: usize, bound: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{offset}:{bound}"))
}

fn untoken(t: &str, bound: &str) -> Result<usize, ApiError> {
    let bad = || invalid("The NextToken is not valid");
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

/// The query-execution operations besides StartQueryExecution.
pub fn answer(call: &Call, st: &mut State) -> Result<Value, ApiError> {
    let a = &mut st.athena;
    match call.op {
        "GetQueryExecution" => {
            let id = call.required_str("QueryExecutionId")?;
            let q = a.queries.get(id).ok_or_else(|| not_found(id))?;
            Ok(json!({ "QueryExecution": execution_json(q) }))
        }
        "BatchGetQueryExecution" => {
            let ids: Vec<&str> = call.input["QueryExecutionIds"]
                .as_array()
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if ids.is_empty() || ids.len() > 50 {
                return Err(ApiError::validation(
                    "1 validation error detected: Value at 'queryExecutionIds' failed to satisfy constraint: Member must have length between 1 and 50",
                ));
            }
            let (found, missing): (Vec<&str>, Vec<&str>) =
                ids.into_iter().partition(|id| a.queries.contains_key(*id));
            Ok(json!({
                "QueryExecutions": found.iter().map(|id| execution_json(&a.queries[*id])).collect::<Vec<_>>(),
                "UnprocessedQueryExecutionIds": missing.iter().map(|id| json!({
                    "QueryExecutionId": id, "ErrorCode": "INVALID_INPUT",
                    "ErrorMessage": format!("QueryExecution {id} was not found"),
                })).collect::<Vec<_>>(),
            }))
        }
        "ListQueryExecutions" => list(call, a),
        "StopQueryExecution" => {
            let id = call.required_str("QueryExecutionId")?;
            let q = a.queries.get_mut(id).ok_or_else(|| not_found(id))?;
            if !q.state.finished() {
                if let Some(h) = q.abort.take() {
                    h.abort();
                }
                q.state = QState::Cancelled;
                q.reason = Some("Query was cancelled by the user".into());
                q.completed = Some(OffsetDateTime::now_utc());
            }
            Ok(json!({}))
        }
        _ => results(call, a),
    }
}

fn list(call: &Call, a: &AthenaState) -> Result<Value, ApiError> {
    let max = call.max_results("MaxResults", 50)?.unwrap_or(50);
    let workgroup = call.optional_str("WorkGroup").unwrap_or("primary");
    if !super::metadata::workgroup_exists(workgroup) {
        return Err(invalid(format!("WorkGroup {workgroup} is not found.")));
    }
    let ids: Vec<&String> = a
        .order
        .iter()
        .rev()
        .filter(|id| a.queries.get(*id).is_some_and(|q| q.workgroup == workgroup))
        .collect();
    let from = match call.optional_str("NextToken") {
        Some(t) => untoken(t, workgroup)?,
        None => 0,
    };
    let page: Vec<&String> = ids.iter().skip(from).take(max).copied().collect();
    let mut out = json!({ "QueryExecutionIds": page });
    if from + max < ids.len() {
        out["NextToken"] = json!(token(from + max, workgroup));
    }
    Ok(out)
}

fn results(call: &Call, a: &AthenaState) -> Result<Value, ApiError> {
    let id = call.required_str("QueryExecutionId")?;
    let max = call.max_results("MaxResults", 1000)?.unwrap_or(1000);
    let q = a.queries.get(id).ok_or_else(|| not_found(id))?;
    match q.state {
        QState::Succeeded => {}
        QState::Failed => {
            return Err(invalid(format!(
                "Query has not yet finished. Current state: FAILED. {}",
                q.reason.clone().unwrap_or_default()
            )));
        }
        other => {
            return Err(invalid(format!(
                "Query has not yet finished. Current state: {}",
                other.name()
            )));
        }
    }
    let r = q.results.clone().unwrap_or_default();
    let cell = |v: &Option<String>| match v {
        Some(s) => json!({ "VarCharValue": s }),
        None => json!({}),
    };
    let mut all: Vec<Value> = Vec::with_capacity(r.rows.len() + 1);
    if r.header {
        all.push(json!({ "Data": r.columns.iter().map(|(n, _)| json!({"VarCharValue": n})).collect::<Vec<_>>() }));
    }
    let from = match call.optional_str("NextToken") {
        Some(t) => untoken(t, id)?,
        None => 0,
    };
    let total = all.len() + r.rows.len();
    let header_rows = all.len();
    let page: Vec<Value> = (from..total.min(from + max))
        .map(|i| {
            if i < header_rows {
                all[i].clone()
            } else {
                json!({ "Data": r.rows[i - header_rows].iter().map(cell).collect::<Vec<_>>() })
            }
        })
        .collect();
    all.clear();
    let columns: Vec<Value> = r
        .columns
        .iter()
        .map(|(n, t)| {
            json!({
                "CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": n, "Label": n,
                "Type": t, "Precision": 0, "Scale": 0, "Nullable": "UNKNOWN", "CaseSensitive": t == "varchar",
            })
        })
        .collect();
    let mut out = json!({
        "UpdateCount": 0,
        "ResultSet": { "Rows": page, "ResultSetMetadata": { "ColumnInfo": columns } },
    });
    if from + max < total {
        out["NextToken"] = json!(token(from + max, id));
    }
    Ok(out)
}
