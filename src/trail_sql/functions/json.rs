//! Trino's `json_extract_scalar(json, path)` (the scalar at a JSONPath as text; NULL for an
//! object, an array, a missing path or text that is not JSON) and `json_extract(json, path)`
//! (the JSON text at the path). Paths: `$`, `.key`, `["key"]` / `['key']`, `[index]`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result};
use serde_json::Value;

use super::strings;

/// One step of a JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.key` or `["key"]`.
    Key(String),
    /// `[n]`.
    Index(usize),
}

/// Parse a JSONPath of the subset Trino's functions take.
pub fn parse_path(path: &str) -> std::result::Result<Vec<Step>, String> {
    let bad = || format!("invalid JSON path: '{path}'");
    let rest = path.trim().strip_prefix('$').ok_or_else(bad)?;
    let mut steps = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut key = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    key.push(n);
                    chars.next();
                }
                if key.is_empty() {
                    return Err(bad());
                }
                steps.push(Step::Key(key));
            }
            '[' => {
                let mut inner = String::new();
                for n in chars.by_ref() {
                    if n == ']' {
                        break;
                    }
                    inner.push(n);
                }
                let quoted = inner
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')));
                match quoted {
                    Some(k) => steps.push(Step::Key(k.to_string())),
                    None => steps.push(Step::Index(inner.trim().parse().map_err(|_| bad())?)),
                }
            }
            _ => return Err(bad()),
        }
    }
    Ok(steps)
}

fn at<'a>(mut v: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    for s in steps {
        v = match s {
            Step::Key(k) => v.get(k)?,
            Step::Index(i) => v.get(*i)?,
        };
    }
    Some(v)
}

fn apply(args: &[ArrayRef], pick: fn(&Value) -> Option<String>) -> Result<ArrayRef> {
    let json = strings(&args[0])?;
    let paths = strings(&args[1])?;
    let mut cache: Option<(String, Vec<Step>)> = None;
    let mut out = Vec::with_capacity(json.len());
    for i in 0..json.len() {
        if json.is_null(i) || paths.is_null(i) {
            out.push(None);
            continue;
        }
        let p = paths.value(i);
        if cache.as_ref().is_none_or(|(text, _)| text != p) {
            let steps = parse_path(p).map_err(DataFusionError::Execution)?;
            cache = Some((p.to_string(), steps));
        }
        let steps = cache
            .as_ref()
            .map(|(_, s)| s.as_slice())
            .unwrap_or_default();
        let v: Option<Value> = serde_json::from_str(json.value(i)).ok();
        out.push(v.as_ref().and_then(|v| at(v, steps)).and_then(pick));
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// `json_extract_scalar(json, path)`.
pub fn extract_scalar(args: &[ArrayRef], _ret: &DataType) -> Result<ArrayRef> {
    apply(args, |v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// `json_extract(json, path)`.
pub fn extract(args: &[ArrayRef], _ret: &DataType) -> Result<ArrayRef> {
    apply(args, |v| Some(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        f: fn(&[ArrayRef], &DataType) -> Result<ArrayRef>,
        json: &str,
        path: &str,
    ) -> Option<String> {
        let a: ArrayRef = Arc::new(StringArray::from(vec![json]));
        let p: ArrayRef = Arc::new(StringArray::from(vec![path]));
        let out = f(&[a, p], &DataType::Utf8).unwrap();
        let s = out.as_any().downcast_ref::<StringArray>().unwrap();
        (!s.is_null(0)).then(|| s.value(0).to_string())
    }

    #[test]
    fn scalars_objects_and_paths() {
        let j = r#"{"roleArn":"arn:x","n":3,"ok":true,"o":{"a b":[1,{"c":"d"}]}}"#;
        assert_eq!(
            run(extract_scalar, j, "$.roleArn").as_deref(),
            Some("arn:x")
        );
        assert_eq!(run(extract_scalar, j, "$.n").as_deref(), Some("3"));
        assert_eq!(run(extract_scalar, j, "$.ok").as_deref(), Some("true"));
        assert_eq!(
            run(extract_scalar, j, "$.o"),
            None,
            "objects are not scalars"
        );
        assert_eq!(
            run(extract_scalar, j, "$.o[\"a b\"][1].c").as_deref(),
            Some("d")
        );
        assert_eq!(run(extract_scalar, j, "$.missing"), None);
        assert_eq!(run(extract_scalar, "not json", "$.a"), None);
        assert_eq!(run(extract, j, "$.o['a b'][0]").as_deref(), Some("1"));
        assert_eq!(run(extract, j, "$.roleArn").as_deref(), Some("\"arn:x\""));
        assert!(parse_path("roleArn").is_err());
    }
}
