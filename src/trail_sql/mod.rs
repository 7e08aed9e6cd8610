//! The SQL engine over an organisation trail on disk: a DataFusion session whose tables are
//! the trail's `.json.gz` objects, with partition pruning from the object paths, the Trino
//! functions AWS's published Athena and CloudTrail Lake queries use, and an error naming the
//! construct for any statement it cannot run. Used by the emulator's Athena and CloudTrail Lake
//! and by centry's local `files` engine; it depends on neither.
//!
//! Submodules: [`layout`] (object naming and partitions from paths), [`schema`] (CloudTrail
//! tables and records as rows), [`table`] (a pruning table over objects), [`functions`] (Trino
//! functions), [`engine`] (running one statement), [`format`] (cells as text).

pub mod engine;
pub mod format;
pub mod functions;
pub mod layout;
pub mod schema;
pub mod table;

use std::path::PathBuf;
use std::sync::Arc;

pub use engine::{Answer, QueryError, TableDef, run};

/// The partition columns of [`folder_table`]: as AWS's organisation-trail DDL projects them.
pub const FOLDER_PARTITIONS: [&str; 3] = ["account", "region", "timestamp"];

/// A table over every CloudTrail object under `root` (of every organisation), partitioned by
/// account, region and delivery day (`yyyy/MM/dd`) from the object paths.
pub fn folder_table(
    root: PathBuf,
    database: &str,
    name: &str,
    data: datafusion::arrow::datatypes::SchemaRef,
) -> TableDef {
    TableDef {
        database: database.to_string(),
        name: name.to_string(),
        data,
        partition_cols: FOLDER_PARTITIONS.iter().map(|s| s.to_string()).collect(),
        source: Arc::new(move || {
            layout::list_objects(&root)
                .into_iter()
                .map(|o| table::Located {
                    values: vec![
                        o.partition.account.clone(),
                        o.partition.region.clone(),
                        o.partition.day_path(),
                    ],
                    path: o.path,
                    size: o.size,
                })
                .collect()
        }),
    }
}
