//! Trino's time functions: `from_iso8601_timestamp(text)` (a UTC timestamp; an invalid value
//! fails the query, as in Trino), `date_add(unit, n, timestamp)` and
//! `date_diff(unit, t1, t2)` (whole units from t1 to t2, calendar-aware for months and years).
//! Units: millisecond, second, minute, hour, day, week, month, quarter, year.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, TimestampMillisecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit, TimestampMillisecondType};
use datafusion::common::{DataFusionError, Result, plan_err};
use time::format_description::well_known::Iso8601;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::strings;

/// A millisecond timestamp in UTC (Trino's `timestamp(3) with time zone`).
pub fn utc() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("+00:00".into()))
}

fn parse_iso(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Iso8601::DEFAULT) {
        return Some(t);
    }
    if let Ok(t) = PrimitiveDateTime::parse(s, &Iso8601::DEFAULT) {
        return Some(t.assume_utc());
    }
    Date::parse(s, &Iso8601::DEFAULT)
        .ok()
        .map(|d| d.midnight().assume_utc())
}

/// `from_iso8601_timestamp(text)`.
pub fn from_iso8601(args: &[ArrayRef], _ret: &DataType) -> Result<ArrayRef> {
    let text = strings(&args[0])?;
    let mut out = Vec::with_capacity(text.len());
    for i in 0..text.len() {
        if text.is_null(i) {
            out.push(None);
            continue;
        }
        let t = parse_iso(text.value(i)).ok_or_else(|| {
            DataFusionError::Execution(format!(
                "from_iso8601_timestamp: invalid ISO 8601 value '{}'",
                text.value(i)
            ))
        })?;
        out.push(Some((t.unix_timestamp_nanos() / 1_000_000) as i64));
    }
    Ok(Arc::new(
        TimestampMillisecondArray::from(out).with_timezone("+00:00"),
    ))
}

/// `date_add`'s result: the timestamp's type, in milliseconds.
pub fn date_add_type(args: &[DataType]) -> Result<DataType> {
    match args.get(2) {
        Some(DataType::Timestamp(_, tz)) => {
            Ok(DataType::Timestamp(TimeUnit::Millisecond, tz.clone()))
        }
        Some(DataType::Date32 | DataType::Date64) => {
            Ok(DataType::Timestamp(TimeUnit::Millisecond, None))
        }
        Some(other) => plan_err!("date_add expects a timestamp as its third argument, not {other}"),
        None => plan_err!("date_add expects three arguments (unit, value, timestamp)"),
    }
}

/// A unit name as Trino spells it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Fixed(i64),
    Months(i64),
}

fn unit(name: &str) -> Result<Unit> {
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "millisecond" => Unit::Fixed(1),
        "second" => Unit::Fixed(1_000),
        "minute" => Unit::Fixed(60_000),
        "hour" => Unit::Fixed(3_600_000),
        "day" => Unit::Fixed(86_400_000),
        "week" => Unit::Fixed(7 * 86_400_000),
        "month" => Unit::Months(1),
        "quarter" => Unit::Months(3),
        "year" => Unit::Months(12),
        other => {
            return Err(DataFusionError::Execution(format!(
                "'{other}' is not a valid time unit (millisecond, second, minute, hour, day, week, month, quarter, year)"
            )));
        }
    })
}

fn ms_to_time(ms: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| DataFusionError::Execution(format!("timestamp out of range: {e}")))
}

fn add_months(ms: i64, months: i64) -> Result<i64> {
    let t = ms_to_time(ms)?;
    let total = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1 + months;
    let (year, month) = (
        total.div_euclid(12) as i32,
        (total.rem_euclid(12) + 1) as u8,
    );
    let month =
        time::Month::try_from(month).map_err(|e| DataFusionError::Execution(e.to_string()))?;
    let day = t.day().min(time::util::days_in_month(month, year));
    let date = Date::from_calendar_date(year, month, day)
        .map_err(|e| DataFusionError::Execution(e.to_string()))?;
    let moved = t.replace_date(date);
    Ok((moved.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn millis(a: &ArrayRef) -> Result<TimestampMillisecondArray> {
    let t = cast(a, &DataType::Timestamp(TimeUnit::Millisecond, None))?;
    Ok(t.as_primitive::<TimestampMillisecondType>().clone())
}

/// `date_add(unit, n, timestamp)`.
pub fn date_add(args: &[ArrayRef], ret: &DataType) -> Result<ArrayRef> {
    let units = strings(&args[0])?;
    let n = cast(&args[1], &DataType::Int64)?;
    let n = n.as_primitive::<Int64Type>();
    let ts = millis(&args[2])?;
    let mut out = Vec::with_capacity(ts.len());
    for i in 0..ts.len() {
        if units.is_null(i) || n.is_null(i) || ts.is_null(i) {
            out.push(None);
            continue;
        }
        let (t, k) = (ts.value(i), n.value(i));
        out.push(Some(match unit(units.value(i))? {
            Unit::Fixed(ms) => t + k * ms,
            Unit::Months(m) => add_months(t, k * m)?,
        }));
    }
    let arr: ArrayRef = Arc::new(TimestampMillisecondArray::from(out));
    Ok(cast(&arr, ret)?)
}

/// `date_diff(unit, t1, t2)`.
pub fn date_diff(args: &[ArrayRef], _ret: &DataType) -> Result<ArrayRef> {
    let units = strings(&args[0])?;
    let (a, b) = (millis(&args[1])?, millis(&args[2])?);
    let mut out = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        if units.is_null(i) || a.is_null(i) || b.is_null(i) {
            out.push(None);
            continue;
        }
        let (x, y) = (a.value(i), b.value(i));
        out.push(Some(match unit(units.value(i))? {
            Unit::Fixed(ms) => (y - x) / ms,
            Unit::Months(m) => {
                let (tx, ty) = (ms_to_time(x)?, ms_to_time(y)?);
                let months = (i64::from(ty.year()) - i64::from(tx.year())) * 12
                    + i64::from(u8::from(ty.month()))
                    - i64::from(u8::from(tx.month()));
                // A month not yet complete does not count.
                let back = add_months(y, -months)?;
                let whole = if months > 0 && back < x {
                    months - 1
                } else if months < 0 && back > x {
                    months + 1
                } else {
                    months
                };
                whole / m
            }
        }));
    }
    Ok(Arc::new(Int64Array::from(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringArray;

    fn ts(s: &str) -> i64 {
        (parse_iso(s).unwrap().unix_timestamp_nanos() / 1_000_000) as i64
    }

    fn arr_ts(v: i64) -> ArrayRef {
        Arc::new(TimestampMillisecondArray::from(vec![v]))
    }

    fn unit_arr(u: &str) -> ArrayRef {
        Arc::new(StringArray::from(vec![u]))
    }

    #[test]
    fn parses_iso_8601_and_refuses_garbage() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![
            Some("2026-12-01T10:00:00Z"),
            None,
            Some("2026-12-01"),
        ]));
        let out = from_iso8601(&[a], &utc()).unwrap();
        let out = out.as_primitive::<TimestampMillisecondType>();
        assert_eq!(out.value(0), ts("2026-12-01T10:00:00Z"));
        assert!(out.is_null(1));
        assert_eq!(out.value(2), ts("2026-12-01T00:00:00Z"));
        let bad: ArrayRef = Arc::new(StringArray::from(vec!["yesterday"]));
        let e = from_iso8601(&[bad], &utc()).unwrap_err().to_string();
        assert!(e.contains("invalid ISO 8601 value 'yesterday'"), "{e}");
    }

    #[test]
    fn adds_fixed_and_calendar_units() {
        let n: ArrayRef = Arc::new(Int64Array::from(vec![-1]));
        let t0 = ts("2026-03-31T12:00:00Z");
        let ret = DataType::Timestamp(TimeUnit::Millisecond, None);
        let day = date_add(&[unit_arr("day"), n.clone(), arr_ts(t0)], &ret).unwrap();
        assert_eq!(
            day.as_primitive::<TimestampMillisecondType>().value(0),
            ts("2026-03-30T12:00:00Z")
        );
        let month = date_add(&[unit_arr("month"), n, arr_ts(t0)], &ret).unwrap();
        assert_eq!(
            month.as_primitive::<TimestampMillisecondType>().value(0),
            ts("2026-02-28T12:00:00Z")
        );
        let bad = date_add(
            &[
                unit_arr("fortnight"),
                Arc::new(Int64Array::from(vec![1])),
                arr_ts(t0),
            ],
            &ret,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("'fortnight' is not a valid time unit")
        );
    }

    #[test]
    fn diffs_count_whole_units() {
        let (a, b) = (ts("2026-01-31T00:00:00Z"), ts("2026-03-30T23:00:00Z"));
        let run = |u: &str| {
            let out = date_diff(&[unit_arr(u), arr_ts(a), arr_ts(b)], &DataType::Int64).unwrap();
            out.as_primitive::<Int64Type>().value(0)
        };
        assert_eq!(run("day"), 58);
        assert_eq!(run("hour"), 58 * 24 + 23);
        assert_eq!(run("month"), 1, "the second month is not complete");
        assert_eq!(run("year"), 0);
    }
}
