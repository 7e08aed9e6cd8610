//! The Trino functions AWS's published Athena and CloudTrail Lake queries use that DataFusion
//! lacks or spells differently, as UDFs: `element_at` (on maps a scalar, on arrays 1-based),
//! `json_extract_scalar`, `json_extract` ([`json`]), `from_iso8601_timestamp`, `date_add`,
//! `date_diff` ([`time`]) and the aggregate `count_if`. `date_trunc`, `approx_distinct`,
//! `regexp_like`, `split_part` and `cardinality` are DataFusion's own.

pub mod json;
pub mod time;

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, MapArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result, ScalarValue, plan_err};
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::{
    Accumulator, ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility, create_udaf,
};

/// A scalar function given by its name, arity, return type rule and kernel.
pub struct Udf {
    name: &'static str,
    signature: Signature,
    ret: fn(&[DataType]) -> Result<DataType>,
    run: fn(&[ArrayRef], &DataType) -> Result<ArrayRef>,
}

impl Udf {
    /// A function of `arity` arguments of any type (the kernel casts what it needs).
    pub fn udf(
        name: &'static str,
        arity: usize,
        ret: fn(&[DataType]) -> Result<DataType>,
        run: fn(&[ArrayRef], &DataType) -> Result<ArrayRef>,
    ) -> ScalarUDF {
        ScalarUDF::new_from_impl(Udf {
            name,
            signature: Signature::any(arity, Volatility::Immutable),
            ret,
            run,
        })
    }
}

impl std::fmt::Debug for Udf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for Udf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Udf {}

impl Hash for Udf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl ScalarUDFImpl for Udf {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        (self.ret)(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out = (self.run)(&arrays, args.return_field.data_type())?;
        if all_scalar && out.len() == 1 {
            return Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?));
        }
        Ok(ColumnarValue::Array(out))
    }
}

/// An argument as strings (whatever string type or scalar it came as).
pub fn strings(a: &ArrayRef) -> Result<StringArray> {
    Ok(cast(a, &DataType::Utf8)?.as_string::<i32>().clone())
}

/// Register every function of this module with `ctx` (replacing DataFusion's `element_at`,
/// which only knows arrays).
pub fn register(ctx: &SessionContext) {
    ctx.register_udf(Udf::udf("element_at", 2, element_at_type, element_at));
    ctx.register_udf(Udf::udf(
        "json_extract_scalar",
        2,
        |_| Ok(DataType::Utf8),
        json::extract_scalar,
    ));
    ctx.register_udf(Udf::udf(
        "json_extract",
        2,
        |_| Ok(DataType::Utf8),
        json::extract,
    ));
    ctx.register_udf(Udf::udf(
        "from_iso8601_timestamp",
        1,
        |_| Ok(time::utc()),
        time::from_iso8601,
    ));
    ctx.register_udf(Udf::udf("date_add", 3, time::date_add_type, time::date_add));
    ctx.register_udf(Udf::udf(
        "date_diff",
        3,
        |_| Ok(DataType::Int64),
        time::date_diff,
    ));
    ctx.register_udaf(create_udaf(
        "count_if",
        vec![DataType::Boolean],
        Arc::new(DataType::Int64),
        Volatility::Immutable,
        Arc::new(|_| Ok(Box::new(CountIf(0)))),
        Arc::new(vec![DataType::Int64]),
    ));
}

fn element_at_type(args: &[DataType]) -> Result<DataType> {
    match args.first() {
        Some(DataType::Map(entries, _)) => match entries.data_type() {
            DataType::Struct(f) if f.len() == 2 => Ok(f[1].data_type().clone()),
            other => plan_err!("element_at: unexpected map entries {other}"),
        },
        Some(DataType::List(item) | DataType::LargeList(item)) => Ok(item.data_type().clone()),
        Some(other) => plan_err!("element_at expects a map or an array, not {other}"),
        None => plan_err!("element_at expects two arguments"),
    }
}

/// `element_at(map, key)` → the value or NULL; `element_at(array, i)` → the i-th element
/// (1-based, negative from the end) or NULL.
fn element_at(args: &[ArrayRef], ret: &DataType) -> Result<ArrayRef> {
    let (container, key) = (&args[0], &args[1]);
    match container.data_type() {
        DataType::Map(_, _) => {
            let map: &MapArray = container.as_map();
            let keys = strings(map.keys())?;
            let values = cast(map.values(), ret)?;
            let wanted = strings(key)?;
            let mut picks: Vec<Option<usize>> = Vec::with_capacity(map.len());
            for row in 0..map.len() {
                let found = if map.is_null(row) || wanted.is_null(row) {
                    None
                } else {
                    let (start, end) = (map.value_offsets()[row], map.value_offsets()[row + 1]);
                    (start as usize..end as usize).find(|&i| keys.value(i) == wanted.value(row))
                };
                picks.push(found);
            }
            take(&values, &picks)
        }
        DataType::List(_) => {
            let list = container.as_list::<i32>();
            let index = cast(key, &DataType::Int64)?;
            let index = index.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
            let mut picks = Vec::with_capacity(list.len());
            for row in 0..list.len() {
                let (start, end) = (
                    list.value_offsets()[row] as i64,
                    list.value_offsets()[row + 1] as i64,
                );
                let pick = if list.is_null(row) || index.is_null(row) {
                    None
                } else {
                    let i = index.value(row);
                    let at = if i > 0 { start + i - 1 } else { end + i };
                    (i != 0 && at >= start && at < end).then_some(at as usize)
                };
                picks.push(pick);
            }
            take(list.values(), &picks)
        }
        other => Err(DataFusionError::Plan(format!(
            "element_at expects a map or an array, not {other}"
        ))),
    }
}

fn take(values: &ArrayRef, picks: &[Option<usize>]) -> Result<ArrayRef> {
    let idx = datafusion::arrow::array::UInt64Array::from(
        picks
            .iter()
            .map(|p| p.map(|i| i as u64))
            .collect::<Vec<_>>(),
    );
    Ok(datafusion::arrow::compute::take(values, &idx, None)?)
}

/// `count_if(condition)`: how many rows the condition holds for.
#[derive(Debug)]
struct CountIf(i64);

impl Accumulator for CountIf {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let b: &BooleanArray = values[0].as_boolean();
        self.0 += b.iter().filter(|v| *v == Some(true)).count() as i64;
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let s = states[0].as_primitive::<datafusion::arrow::datatypes::Int64Type>();
        self.0 += s.iter().flatten().sum::<i64>();
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Int64(Some(self.0))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(self.0)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}
