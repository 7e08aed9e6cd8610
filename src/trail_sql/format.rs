//! An answer's cells as text, as Athena and CloudTrail Lake return them (every value a string,
//! NULL absent; timestamps `YYYY-MM-DD HH:MM:SS.mmm`).

use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

use super::engine::{Answer, QueryError};

/// The answer's rows, each a list of cells (`None` for NULL).
pub fn cells(answer: &Answer) -> Result<Vec<Vec<Option<String>>>, QueryError> {
    let options = FormatOptions::default()
        .with_timestamp_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
        .with_timestamp_tz_format(Some("%Y-%m-%d %H:%M:%S%.3f %Z"));
    let mut rows = Vec::with_capacity(answer.row_count());
    for batch in &answer.batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| QueryError(e.to_string()))?;
        for r in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .zip(&formatters)
                    .map(|(c, f)| (!c.is_null(r)).then(|| f.value(r).to_string()))
                    .collect(),
            );
        }
    }
    Ok(rows)
}

/// The answer's column names and SQL type names (`varchar`, `bigint`, `timestamp`, …).
pub fn columns(answer: &Answer) -> Vec<(String, String)> {
    answer
        .schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), type_name(f.data_type())))
        .collect()
}

/// The Trino name of an Arrow type.
pub fn type_name(t: &datafusion::arrow::datatypes::DataType) -> String {
    use datafusion::arrow::datatypes::DataType as D;
    match t {
        D::Utf8 | D::LargeUtf8 | D::Utf8View => "varchar".into(),
        D::Boolean => "boolean".into(),
        D::Int8 => "tinyint".into(),
        D::Int16 => "smallint".into(),
        D::Int32 | D::UInt32 | D::UInt16 | D::UInt8 => "integer".into(),
        D::Int64 | D::UInt64 => "bigint".into(),
        D::Float32 => "real".into(),
        D::Float64 => "double".into(),
        D::Decimal128(p, s) => format!("decimal({p},{s})"),
        D::Timestamp(_, None) => "timestamp".into(),
        D::Timestamp(_, Some(_)) => "timestamp with time zone".into(),
        D::Date32 | D::Date64 => "date".into(),
        D::List(_) | D::LargeList(_) => "array".into(),
        D::Map(_, _) => "map".into(),
        D::Struct(_) => "row".into(),
        D::Null => "unknown".into(),
        other => other.to_string().to_lowercase(),
    }
}
