//! A table over trail objects: DataFusion asks it to scan with the query's filters; those on
//! partition columns choose the objects (pruning, evaluated by DataFusion itself over each
//! object's partition values), and only the chosen objects are read, one after another,
//! decoded into the columns the query needs. What was read is counted in a [`Meter`]
//! (Athena's `DataScannedInBytes`, Lake's `BytesScanned` and `EventsScanned`).

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::{DFSchema, DataFusionError, Result};
use datafusion::datasource::TableType;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};
use serde_json::{Map, Value};

use super::schema::RowShape;

/// One object a table may read, with its values of the table's partition columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The object's file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// One value per partition column, in the table's order.
    pub values: Vec<String>,
}

/// Lists the objects a table may read (asked at every scan, so new deliveries are seen).
pub type ObjectSource = Arc<dyn Fn() -> Vec<Located> + Send + Sync>;

/// What one query read.
#[derive(Debug, Default)]
pub struct Meter {
    /// Bytes of the objects read (compressed, as stored).
    pub bytes: AtomicU64,
    /// Objects read.
    pub objects: AtomicU64,
    /// Records decoded.
    pub records: AtomicU64,
}

/// A table over trail objects.
pub struct TrailTable {
    schema: SchemaRef,
    data_fields: usize,
    partition_cols: Vec<String>,
    source: ObjectSource,
    meter: Arc<Meter>,
}

impl std::fmt::Debug for TrailTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrailTable")
            .field("schema", &self.schema)
            .field("partition_cols", &self.partition_cols)
            .finish()
    }
}

impl TrailTable {
    /// A table whose columns are `data`'s then the partition columns (strings).
    pub fn new(
        data: &Schema,
        partition_cols: Vec<String>,
        source: ObjectSource,
        meter: Arc<Meter>,
    ) -> TrailTable {
        let mut fields: Vec<Field> = data.fields().iter().map(|f| f.as_ref().clone()).collect();
        let data_fields = fields.len();
        fields.extend(
            partition_cols
                .iter()
                .map(|c| Field::new(c, DataType::Utf8, true)),
        );
        TrailTable {
            schema: Arc::new(Schema::new(fields)),
            data_fields,
            partition_cols,
            source,
            meter,
        }
    }

    fn partition_schema(&self) -> Schema {
        Schema::new(
            self.partition_cols
                .iter()
                .map(|c| Field::new(c, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        )
    }

    fn only_partitions(&self, e: &Expr) -> bool {
        let cols = e.column_refs();
        !cols.is_empty()
            && cols
                .iter()
                .all(|c| self.partition_cols.iter().any(|p| p == c.name()))
    }

    /// The objects whose partition values satisfy every filter on partition columns.
    fn prune(&self, state: &dyn Session, filters: &[Expr]) -> Result<Vec<Located>> {
        let mut objects = (self.source)();
        let filters: Vec<&Expr> = filters.iter().filter(|e| self.only_partitions(e)).collect();
        if filters.is_empty() || objects.is_empty() {
            return Ok(objects);
        }
        let schema = Arc::new(self.partition_schema());
        let columns: Vec<ArrayRef> = (0..self.partition_cols.len())
            .map(|i| {
                Arc::new(StringArray::from_iter_values(
                    objects.iter().map(|o| o.values[i].as_str()),
                )) as ArrayRef
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        let df_schema = DFSchema::try_from(schema.as_ref().clone())?;
        let mut keep = vec![true; objects.len()];
        for f in filters {
            let expr = state.create_physical_expr(f.clone(), &df_schema)?;
            let result = expr.evaluate(&batch)?.into_array(objects.len())?;
            let Some(mask) = result.as_any().downcast_ref::<BooleanArray>() else {
                continue;
            };
            for (i, k) in keep.iter_mut().enumerate() {
                *k &= mask.is_valid(i) && mask.value(i);
            }
        }
        let mut i = 0;
        objects.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        Ok(objects)
    }
}

#[async_trait]
impl TableProvider for TrailTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        // Pruning is by object, not by row: DataFusion still applies every filter.
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let objects = self.prune(state, filters)?;
        let indices: Vec<usize> = match projection {
            Some(p) => p.clone(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let projected = Arc::new(self.schema.project(&indices)?);
        let decode: Vec<Field> = indices
            .iter()
            .filter(|&&i| i < self.data_fields)
            .map(|&i| self.schema.field(i).clone())
            .collect();
        let plan = Arc::new(Plan {
            output: projected.clone(),
            decode: Arc::new(Schema::new(decode)),
            columns: indices
                .iter()
                .map(|&i| {
                    if i < self.data_fields {
                        Column::Data
                    } else {
                        Column::Partition(i - self.data_fields)
                    }
                })
                .collect(),
            meter: self.meter.clone(),
        });
        let lanes = state.config().target_partitions().clamp(1, 8);
        let mut groups: Vec<Vec<Located>> = vec![Vec::new(); lanes.min(objects.len()).max(1)];
        let n = groups.len();
        for (i, o) in objects.into_iter().enumerate() {
            groups[i % n].push(o);
        }
        let partitions: Vec<Arc<dyn PartitionStream>> = groups
            .into_iter()
            .map(|objects| {
                Arc::new(Lane {
                    plan: plan.clone(),
                    objects,
                }) as Arc<dyn PartitionStream>
            })
            .collect();
        Ok(Arc::new(StreamingTableExec::try_new(
            projected,
            partitions,
            None,
            Vec::new(),
            false,
            limit,
        )?))
    }
}

/// Where an output column comes from.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// The next decoded data column.
    Data,
    /// A partition value (index into the table's partition columns).
    Partition(usize),
}

/// What every lane of one scan shares.
#[derive(Debug)]
struct Plan {
    output: SchemaRef,
    decode: SchemaRef,
    columns: Vec<Column>,
    meter: Arc<Meter>,
}

/// One lane of a scan: a share of the chosen objects, read in turn.
#[derive(Debug)]
struct Lane {
    plan: Arc<Plan>,
    objects: Vec<Located>,
}

impl PartitionStream for Lane {
    fn schema(&self) -> &SchemaRef {
        &self.plan.output
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let plan = self.plan.clone();
        let objects = self.objects.clone();
        let shape = RowShape::new(&plan.decode);
        let stream = futures::stream::iter(
            objects
                .into_iter()
                .map(move |o| read_object(&plan, &shape, &o)),
        );
        Box::pin(RecordBatchStreamAdapter::new(
            self.plan.output.clone(),
            stream,
        ))
    }
}

#[derive(serde::Deserialize)]
struct Document {
    #[serde(rename = "Records", default)]
    records: Vec<Map<String, Value>>,
}

/// Read one object into a batch of the scan's output columns.
fn read_object(plan: &Plan, shape: &RowShape, o: &Located) -> Result<RecordBatch> {
    let bad = |what: String| {
        DataFusionError::Execution(format!("cannot read {}: {what}", o.path.display()))
    };
    let bytes = std::fs::read(&o.path).map_err(|e| bad(e.to_string()))?;
    plan.meter
        .bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    plan.meter.objects.fetch_add(1, Ordering::Relaxed);
    let mut text = Vec::with_capacity(bytes.len() * 8);
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_end(&mut text)
        .map_err(|e| bad(format!("not gzip ({e})")))?;
    let doc: Document =
        serde_json::from_slice(&text).map_err(|e| bad(format!("not CloudTrail JSON ({e})")))?;
    let n = doc.records.len();
    plan.meter.records.fetch_add(n as u64, Ordering::Relaxed);
    let mut data = if plan.decode.fields().is_empty() {
        Vec::new()
    } else {
        let rows: Vec<Value> = doc.records.iter().map(|r| shape.row(r)).collect();
        let mut decoder = datafusion::arrow::json::ReaderBuilder::new(plan.decode.clone())
            .with_batch_size(n.max(1))
            .build_decoder()?;
        decoder.serialize(&rows)?;
        match decoder.flush()? {
            Some(b) => b.columns().to_vec(),
            None => Vec::new(),
        }
    }
    .into_iter();
    let columns: Vec<ArrayRef> = plan
        .columns
        .iter()
        .map(|c| match c {
            Column::Data => data.next().ok_or_else(|| bad("missing column".into())),
            Column::Partition(i) => {
                Ok(Arc::new(StringArray::from(vec![o.values[*i].as_str(); n])) as ArrayRef)
            }
        })
        .collect::<Result<_>>()?;
    Ok(RecordBatch::try_new_with_options(
        plan.output.clone(),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(n)),
    )?)
}
