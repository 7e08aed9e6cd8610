//! Athena's data catalogue (`AwsDataCatalog`): databases and the external tables DDL made,
//! and how a table finds its objects in the trail folder. `LOCATION 's3://<bucket>/<prefix>'`
//! maps to `<trail dir>/<prefix>` when the bucket is the trail's. Partition values come from
//! the object's path: through `storage.location.template` and the projection's ranges when
//! projection is enabled, else from the partitions `ALTER TABLE … ADD PARTITION` registered
//! (a partitioned table without any reads nothing); a table without partition columns reads
//! every object under its location.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::datatypes::{Field, Schema};
use time::OffsetDateTime;

use super::ddl::TableSpec;
use crate::trail_sql::TableDef;
use crate::trail_sql::layout;
use crate::trail_sql::table::Located;

/// Partition values of an object key (`None`: the object is not in the table).
type Locator = Arc<dyn Fn(&str) -> Option<Vec<String>> + Send + Sync>;

/// A table and the partitions added to it.
#[derive(Debug, Clone)]
pub struct Table {
    /// What `CREATE EXTERNAL TABLE` said.
    pub spec: TableSpec,
    /// Partitions from `ALTER TABLE … ADD PARTITION`: values and location (s3 URI).
    pub partitions: Vec<(BTreeMap<String, String>, String)>,
    /// When it was made.
    pub created: OffsetDateTime,
}

/// A database.
#[derive(Debug, Clone, Default)]
pub struct Database {
    /// Tables by lower-case name.
    pub tables: BTreeMap<String, Table>,
}

/// `s3://bucket/prefix` → (bucket, prefix).
pub fn split_s3(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    Some(rest.split_once('/').unwrap_or((rest, "")))
}

impl Table {
    /// Whether partition projection is enabled.
    pub fn projected(&self) -> bool {
        self.spec
            .properties
            .get("projection.enabled")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// A table the engine can read, over the trail folder `root` standing for `bucket`.
    pub fn def(&self, db: &str, root: &Path, bucket: &str) -> Result<TableDef, String> {
        let location = self.spec.location.clone().unwrap_or_default();
        let (b, prefix) = split_s3(&location)
            .ok_or_else(|| format!("Table location {location:?} is not an s3:// URI"))?;
        if b != bucket {
            return Err(format!("The specified bucket does not exist: {b}"));
        }
        let data = Arc::new(Schema::new(
            self.spec
                .columns
                .iter()
                .map(|(n, t)| Field::new(n, t.clone(), true))
                .collect::<Vec<_>>(),
        ));
        let cols: Vec<String> = self
            .spec
            .partitions
            .iter()
            .map(|(n, _)| n.clone())
            .collect();
        let locate = self.locator(bucket, prefix, &cols)?;
        let root = root.to_path_buf();
        Ok(TableDef {
            database: db.to_string(),
            name: self.spec.table.1.clone(),
            data,
            partition_cols: cols,
            source: Arc::new(move || {
                layout::list_objects(&root)
                    .into_iter()
                    .filter_map(|o| {
                        let key = key_of(&root, &o.path)?;
                        let values = locate(&key)?;
                        Some(Located {
                            path: o.path,
                            size: o.size,
                            values,
                        })
                    })
                    .collect()
            }),
        })
    }

    /// How an object key maps to partition values (`None`: not in the table).
    fn locator(&self, bucket: &str, prefix: &str, cols: &[String]) -> Result<Locator, String> {
        let prefix = prefix.to_string();
        if cols.is_empty() {
            return Ok(Arc::new(move |key: &str| {
                key.starts_with(&prefix).then(Vec::new)
            }));
        }
        if self.projected() {
            let template = self
                .spec
                .properties
                .get("storage.location.template")
                .cloned()
                .unwrap_or_else(|| {
                    let parts: Vec<String> = cols.iter().map(|c| format!("{c}=${{{c}}}")).collect();
                    format!("s3://{bucket}/{}{}", prefix, parts.join("/"))
                });
            let projection =
                super::projection::Projection::new(&self.spec.properties, cols, &template, bucket)?;
            return Ok(Arc::new(move |key: &str| projection.values(key)));
        }
        let added: Vec<(String, Vec<String>)> = self
            .partitions
            .iter()
            .filter_map(|(values, loc)| {
                let (_, p) = split_s3(loc)?;
                let v = cols
                    .iter()
                    .map(|c| values.get(c).cloned().unwrap_or_default())
                    .collect();
                Some((p.trim_end_matches('/').to_string() + "/", v))
            })
            .collect();
        Ok(Arc::new(move |key: &str| {
            added
                .iter()
                .find(|(p, _)| key.starts_with(p.as_str()))
                .map(|(_, v)| v.clone())
        }))
    }
}

/// An object's key (path under the bucket) from its file path.
fn key_of(root: &Path, path: &Path) -> Option<String> {
    let rel: PathBuf = path.strip_prefix(root).ok()?.to_path_buf();
    let parts: Vec<&str> = rel.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// The default location of an added partition without `LOCATION`: Hive's `col=value` folders.
pub fn default_partition_location(
    table_location: &str,
    values: &BTreeMap<String, String>,
    cols: &[String],
) -> String {
    let parts: Vec<String> = cols
        .iter()
        .map(|c| format!("{c}={}", values.get(c).cloned().unwrap_or_default()))
        .collect();
    format!(
        "{}/{}",
        table_location.trim_end_matches('/'),
        parts.join("/")
    )
}
