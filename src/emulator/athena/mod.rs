//! Amazon Athena (awsJson1.1, `AmazonAthena.*`) over the organisation trail: queries run
//! asynchronously on the trail's SQL engine ([`crate::trail_sql`]) — QUEUED → RUNNING →
//! SUCCEEDED / FAILED / CANCELLED — with Athena's statistics (bytes actually read after
//! partition pruning), results paged as Athena pages them, DDL for the catalogue, and two
//! workgroups: `primary` and an Identity Center-enabled one that takes only identity-enhanced
//! role sessions (trusted identity propagation).
//!
//! Submodules: [`ddl`] (parsing DDL), [`catalog`] (databases, tables, where their objects
//! are), [`projection`] (partition projection), [`queries`] (query executions),
//! [`metadata`] (workgroups, catalogues, databases, tables).

pub mod catalog;
pub mod ddl;
pub mod metadata;
pub mod projection;
pub mod queries;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::response::{IntoResponse, Response};

use super::Emu;
use super::caller::Power;
use super::rpc::{Call, Guard};
use super::wire::{ApiError, Protocol};

/// The catalogue's name as Athena spells it.
pub const CATALOG: &str = "AwsDataCatalog";
/// The Identity Center-enabled workgroup's name.
pub const IDC_WORKGROUP: &str = "identity-center";

/// Athena's state: the catalogue and the query executions.
#[derive(Debug)]
pub struct AthenaState {
    /// Databases by lower-case name (`default` always there).
    pub databases: BTreeMap<String, catalog::Database>,
    /// Query executions by id.
    pub queries: HashMap<String, queries::Execution>,
    /// Ids in submission order.
    pub order: Vec<String>,
}

impl Default for AthenaState {
    fn default() -> Self {
        AthenaState {
            databases: BTreeMap::from([("default".to_string(), catalog::Database::default())]),
            queries: HashMap::new(),
            order: Vec::new(),
        }
    }
}

/// Athena's error shape (`Message`, and `AthenaErrorCode` on InvalidRequestException).
pub fn error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(400, code, message.into()).message_member("Message")
}

/// `InvalidRequestException`.
pub fn invalid(message: impl Into<String>) -> ApiError {
    error("InvalidRequestException", message)
}

/// Dispatch an Athena operation.
pub fn dispatch(call: &Call, emu: &Arc<Emu>) -> Response {
    let read_only = !matches!(call.op, "StartQueryExecution" | "StopQueryExecution");
    let guard = Guard {
        protocol: Protocol::AwsJson11,
        event_source: "athena.amazonaws.com",
        action_prefix: "athena",
        power: Power::TrailRead,
        read_only,
    };
    match call.op {
        "StartQueryExecution" => queries::start(call, emu, guard),
        "GetQueryExecution"
        | "GetQueryResults"
        | "StopQueryExecution"
        | "ListQueryExecutions"
        | "BatchGetQueryExecution" => call.run(guard, |st, _| queries::answer(call, st)),
        "ListWorkGroups" | "GetWorkGroup" | "ListDataCatalogs" | "GetDataCatalog"
        | "ListDatabases" | "GetDatabase" | "ListTableMetadata" | "GetTableMetadata" => {
            call.run(guard, |st, _| metadata::answer(call, st))
        }
        other => invalid(format!("The emulator does not implement Athena {other}"))
            .protocol(Protocol::AwsJson11)
            .into_response(),
    }
}
