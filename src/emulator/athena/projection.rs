//! Athena partition projection: `storage.location.template` with `${column}` placeholders
//! turned into a pattern over object keys, and each column's projection (`enum` values,
//! `integer` and `date` ranges with their `format`, `injected`) deciding which values exist.
//! An object outside the projected ranges is not in the table, as in Athena.

use std::collections::{BTreeMap, HashSet};

use regex::Regex;
use time::{Date, OffsetDateTime};

/// One column's projection.
#[derive(Debug, Clone)]
enum Rule {
    Enum(HashSet<String>),
    Integer(i64, i64),
    Date {
        pattern: Regex,
        from: Date,
        to: Date,
    },
    Injected,
}

/// A table's projection: the key pattern and the rules.
#[derive(Debug, Clone)]
pub struct Projection {
    pattern: Regex,
    /// For each partition column, which capture group holds it.
    groups: Vec<usize>,
    rules: Vec<Rule>,
}

/// The regular expression a date `format` (`yyyy/MM/dd`, `yyyy-MM-dd-HH`) matches, with
/// groups for year, month, day when `capture`.
fn date_regex(format: &str, capture: bool) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        let (piece, len, captured) = if rest.starts_with("yyyy") {
            ("\\d{4}", 4, true)
        } else if rest.starts_with("MM") || rest.starts_with("dd") {
            ("\\d{2}", 2, true)
        } else if rest.starts_with("HH") || rest.starts_with("mm") {
            ("\\d{2}", 2, false)
        } else {
            out.push_str(&regex::escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
            continue;
        };
        if capture && captured {
            out.push_str(&format!("({piece})"));
        } else {
            out.push_str(piece);
        }
        rest = &rest[len..];
    }
    out
}

fn parse_date(pattern: &Regex, s: &str) -> Option<Date> {
    let c = pattern.captures(s)?;
    let y: i32 = c.get(1)?.as_str().parse().ok()?;
    let m: u8 = c.get(2)?.as_str().parse().ok()?;
    let d: u8 = c.get(3).map_or(Some(1), |d| d.as_str().parse().ok())?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

fn range_end(pattern: &Regex, s: &str) -> Option<Date> {
    let s = s.trim();
    let today = OffsetDateTime::now_utc().date();
    if s.eq_ignore_ascii_case("NOW") {
        return Some(today);
    }
    if let Some(days) = s
        .strip_prefix("NOW-")
        .and_then(|r| r.strip_suffix("DAYS").or_else(|| r.strip_suffix("DAY")))
    {
        return Some(today - time::Duration::days(days.parse().ok()?));
    }
    parse_date(pattern, s)
}

impl Projection {
    /// Build from the table properties, the partition columns and the location template.
    pub fn new(
        props: &BTreeMap<String, String>,
        cols: &[String],
        template: &str,
        bucket: &str,
    ) -> Result<Projection, String> {
        let mut rules = Vec::new();
        for c in cols {
            let get = |k: &str| props.get(&format!("projection.{c}.{k}")).cloned();
            let kind = get("type").ok_or_else(|| {
                format!(
                    "HIVE_METASTORE_ERROR: projection.{c}.type is missing for a projected column"
                )
            })?;
            rules.push(match kind.to_ascii_lowercase().as_str() {
                "enum" => Rule::Enum(
                    get("values")
                        .unwrap_or_default()
                        .split(',')
                        .map(|v| v.trim().to_string())
                        .collect(),
                ),
                "integer" => {
                    let r = get("range").unwrap_or_default();
                    let (a, b) = r.split_once(',').unwrap_or(("0", "0"));
                    Rule::Integer(
                        a.trim()
                            .parse()
                            .map_err(|_| format!("projection.{c}.range: {r}"))?,
                        b.trim()
                            .parse()
                            .map_err(|_| format!("projection.{c}.range: {r}"))?,
                    )
                }
                "date" => {
                    let format = get("format").unwrap_or_else(|| "yyyy/MM/dd".into());
                    let pattern = Regex::new(&format!("^{}$", date_regex(&format, true)))
                        .map_err(|e| e.to_string())?;
                    let r = get("range").unwrap_or_default();
                    let (a, b) = r
                        .split_once(',')
                        .ok_or_else(|| format!("projection.{c}.range must be START,END: {r}"))?;
                    Rule::Date {
                        from: range_end(&pattern, a)
                            .ok_or_else(|| format!("projection.{c}.range: {a}"))?,
                        to: range_end(&pattern, b)
                            .ok_or_else(|| format!("projection.{c}.range: {b}"))?,
                        pattern,
                    }
                }
                "injected" => Rule::Injected,
                other => return Err(format!("projection.{c}.type {other} is not supported")),
            });
        }
        let key_template = template
            .strip_prefix(&format!("s3://{bucket}/"))
            .ok_or_else(|| {
                format!("storage.location.template {template:?} is not in s3://{bucket}/")
            })?;
        let mut pattern = String::from("^");
        let mut groups = vec![0; cols.len()];
        let mut rest = key_template;
        let mut group = 0;
        while let Some(start) = rest.find("${") {
            pattern.push_str(&regex::escape(&rest[..start]));
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("unclosed placeholder in {template:?}"))?
                + start;
            let name = rest[start + 2..end].to_lowercase();
            let i = cols.iter().position(|c| *c == name).ok_or_else(|| {
                format!("${{{name}}} in storage.location.template is not a partition column")
            })?;
            group += 1;
            groups[i] = group;
            let inner = match &rules[i] {
                Rule::Date { .. } => {
                    let format = props
                        .get(&format!("projection.{name}.format"))
                        .cloned()
                        .unwrap_or_else(|| "yyyy/MM/dd".into());
                    date_regex(&format, false)
                }
                _ => "[^/]+".to_string(),
            };
            pattern.push_str(&format!("({inner})"));
            rest = &rest[end + 1..];
        }
        pattern.push_str(&regex::escape(rest.trim_end_matches('/')));
        pattern.push('/');
        if groups.contains(&0) {
            return Err("storage.location.template must name every partition column".into());
        }
        Ok(Projection {
            pattern: Regex::new(&pattern).map_err(|e| e.to_string())?,
            groups,
            rules,
        })
    }

    /// The partition values of an object key, or `None` when it is outside the projection.
    pub fn values(&self, key: &str) -> Option<Vec<String>> {
        let c = self.pattern.captures(key)?;
        let mut out = Vec::with_capacity(self.groups.len());
        for (g, rule) in self.groups.iter().zip(&self.rules) {
            let v = c.get(*g)?.as_str();
            let inside = match rule {
                Rule::Enum(values) => values.contains(v),
                Rule::Integer(a, b) => v.parse::<i64>().is_ok_and(|n| (*a..=*b).contains(&n)),
                Rule::Date { pattern, from, to } => {
                    parse_date(pattern, v).is_some_and(|d| (*from..=*to).contains(&d))
                }
                Rule::Injected => true,
            };
            if !inside {
                return None;
            }
            out.push(v.to_string());
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_projected_values_within_range() {
        let props: BTreeMap<String, String> = [
            ("projection.account.type", "enum"),
            ("projection.account.values", "111,222"),
            ("projection.region.type", "enum"),
            ("projection.region.values", "us-east-1"),
            ("projection.timestamp.type", "date"),
            ("projection.timestamp.format", "yyyy/MM/dd"),
            ("projection.timestamp.range", "2026/01/01,NOW"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let cols: Vec<String> = ["account", "region", "timestamp"]
            .map(String::from)
            .to_vec();
        let p = Projection::new(
            &props,
            &cols,
            "s3://b/AWSLogs/o-1/${account}/CloudTrail/${region}/${timestamp}",
            "b",
        )
        .unwrap();
        let key = "AWSLogs/o-1/111/CloudTrail/us-east-1/2026/03/04/111_CloudTrail_x.json.gz";
        assert_eq!(p.values(key).unwrap(), ["111", "us-east-1", "2026/03/04"]);
        assert!(
            p.values(&key.replace("/111/", "/333/")).is_none(),
            "not an enum value"
        );
        assert!(
            p.values(&key.replace("2026/03", "2025/03")).is_none(),
            "before the range"
        );
        assert!(
            p.values(&key.replace("o-1", "o-2")).is_none(),
            "another organisation"
        );
    }
}
