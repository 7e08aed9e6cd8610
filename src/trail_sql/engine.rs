//! Running one statement: a fresh DataFusion session per query, holding the caller's tables
//! (each counting what it reads into the query's [`Meter`]), the Trino functions, and Trino's
//! name rules (identifiers case-insensitive, quoted ones too). Only SELECT runs; anything else,
//! and anything DataFusion cannot plan or run, is an error naming the construct.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::MemorySchemaProvider;
use datafusion::common::TableReference;
use datafusion::execution::context::{SessionConfig, SessionContext};
use datafusion::sql::parser::Statement;
use datafusion::sql::sqlparser::ast::{self, Expr as SqlExpr, Ident};

use super::table::{Meter, ObjectSource, TrailTable};

/// The catalog every table sits in (Athena's `AwsDataCatalog`).
pub const CATALOG: &str = "awsdatacatalog";

/// A table to offer a query.
#[derive(Clone)]
pub struct TableDef {
    /// Its database (schema).
    pub database: String,
    /// Its name (lower case).
    pub name: String,
    /// Its data columns.
    pub data: SchemaRef,
    /// Its partition columns (strings, after the data columns).
    pub partition_cols: Vec<String>,
    /// Where its objects are.
    pub source: ObjectSource,
}

/// A finished query's rows and what it read.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The result's columns.
    pub schema: SchemaRef,
    /// The rows.
    pub batches: Vec<RecordBatch>,
    /// Bytes of the objects read.
    pub bytes_scanned: u64,
    /// Objects read.
    pub objects_read: u64,
    /// Records decoded from them.
    pub records_scanned: u64,
}

impl Answer {
    /// How many rows.
    pub fn row_count(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Why a statement did not run: a message naming the construct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl From<datafusion::error::DataFusionError> for QueryError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        QueryError(clean(&e.to_string()))
    }
}

/// DataFusion's message without its internal prefixes ("Error during planning: ").
fn clean(message: &str) -> String {
    let mut m = message.trim();
    for prefix in [
        "Error during planning: ",
        "Execution error: ",
        "This feature is not implemented: ",
        "SQL error: ",
        "Schema error: ",
        "External error: ",
    ] {
        while let Some(rest) = m.strip_prefix(prefix) {
            m = rest;
        }
    }
    m.to_string()
}

/// A session for one query over `tables`, `default_db` being the database unqualified names
/// resolve in.
pub fn session(
    default_db: &str,
    tables: &[TableDef],
    meter: &Arc<Meter>,
) -> Result<SessionContext, QueryError> {
    let mut config = SessionConfig::new()
        .with_default_catalog_and_schema(CATALOG, default_db)
        .with_create_default_catalog_and_schema(true)
        .with_information_schema(false)
        .with_target_partitions(2);
    config.options_mut().sql_parser.map_string_types_to_utf8view = false;
    let ctx = SessionContext::new_with_config(config);
    super::functions::register(&ctx);
    let catalog = ctx
        .catalog(CATALOG)
        .ok_or_else(|| QueryError("no catalog".into()))?;
    let mut dbs: Vec<&str> = tables.iter().map(|t| t.database.as_str()).collect();
    dbs.push(default_db);
    for db in dbs {
        if catalog.schema(db).is_none() {
            catalog.register_schema(db, Arc::new(MemorySchemaProvider::new()))?;
        }
    }
    for t in tables {
        let table = TrailTable::new(
            &t.data,
            t.partition_cols.clone(),
            t.source.clone(),
            meter.clone(),
        );
        ctx.register_table(
            TableReference::full(CATALOG, t.database.as_str(), t.name.as_str()),
            Arc::new(table),
        )?;
    }
    Ok(ctx)
}

/// Lower-case every identifier, quoted or not (Trino's names are case-insensitive).
fn lower_identifiers(stmt: &mut ast::Statement) {
    let lower = |i: &mut Ident| i.value = i.value.to_lowercase();
    let _ = ast::visit_expressions_mut(stmt, |e| {
        match e {
            SqlExpr::Identifier(i) => lower(i),
            SqlExpr::CompoundIdentifier(parts) => parts.iter_mut().for_each(lower),
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    let _ = ast::visit_relations_mut(stmt, |name| {
        for part in name.0.iter_mut() {
            if let ast::ObjectNamePart::Identifier(i) = part {
                lower(i);
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

/// What kind of statement this is, for the refusal message (`INSERT`, `CREATE TABLE`, …).
fn kind(stmt: &Statement) -> String {
    let text = stmt.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    match words.as_slice() {
        [a, b] if ["CREATE", "DROP", "ALTER", "SHOW"].contains(&a.to_uppercase().as_str()) => {
            format!("{} {}", a.to_uppercase(), b.to_uppercase())
        }
        [a, ..] => a.to_uppercase(),
        [] => "an empty statement".into(),
    }
}

/// Run `sql` (one SELECT) over `tables`.
pub async fn run(sql: &str, default_db: &str, tables: &[TableDef]) -> Result<Answer, QueryError> {
    let meter = Arc::new(Meter::default());
    let ctx = session(default_db, tables, &meter)?;
    let state = ctx.state();
    let mut stmt = state.sql_to_statement(sql, &datafusion::config::Dialect::Generic)?;
    match &mut stmt {
        Statement::Statement(s) if matches!(s.as_ref(), ast::Statement::Query(_)) => {
            lower_identifiers(s)
        }
        other => {
            return Err(QueryError(format!(
                "Only SELECT statements can run here; {} is not supported",
                kind(other)
            )));
        }
    }
    let plan = state.statement_to_plan(stmt).await?;
    let df = ctx.execute_logical_plan(plan).await?;
    let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    let batches = df.collect().await?;
    Ok(Answer {
        schema,
        batches,
        bytes_scanned: meter.bytes.load(Ordering::Relaxed),
        objects_read: meter.objects.load(Ordering::Relaxed),
        records_scanned: meter.records.load(Ordering::Relaxed),
    })
}
