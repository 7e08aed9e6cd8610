//! The organisation trail's object layout, as CloudTrail delivers it to S3:
//! `AWSLogs/<org-id>/<account-id>/CloudTrail/<region>/YYYY/MM/DD/<account-id>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz`.
//! One home for naming objects (the emulator's writer) and for reading partitions back from a
//! path (the engine's pruning): partitions come from the path, never from the events inside.

use std::path::{Path, PathBuf};

use time::{Date, OffsetDateTime};

/// Where one object sits: the partition values its path carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Partition {
    /// The organisation id (`o-…`), or the account id for a single-account trail.
    pub org: String,
    /// The account whose events the object holds.
    pub account: String,
    /// The region.
    pub region: String,
    /// The delivery day.
    pub date: Date,
}

impl Partition {
    /// The day as Athena's projected `timestamp` column holds it (`yyyy/MM/dd`).
    pub fn day_path(&self) -> String {
        day_path(self.date)
    }
}

/// `yyyy/MM/dd`.
pub fn day_path(date: Date) -> String {
    format!(
        "{:04}/{:02}/{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The folder of one partition, relative to the trail root.
pub fn partition_dir(org: &str, account: &str, region: &str, date: Date) -> PathBuf {
    Path::new("AWSLogs")
        .join(org)
        .join(account)
        .join("CloudTrail")
        .join(region)
        .join(day_path(date))
}

/// The object's path relative to the trail root for a delivery at `delivered` with the given
/// 16-character random `suffix`.
pub fn object_path(
    org: &str,
    account: &str,
    region: &str,
    delivered: OffsetDateTime,
    suffix: &str,
) -> PathBuf {
    let d = delivered.to_offset(time::UtcOffset::UTC);
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute()
    );
    partition_dir(org, account, region, d.date()).join(format!(
        "{account}_CloudTrail_{region}_{stamp}_{suffix}.json.gz"
    ))
}

/// The partition of an object from its path relative to the trail root, or `None` when the
/// path is not a CloudTrail log object (digests, other files, other layouts).
pub fn parse_object_path(rel: &Path) -> Option<Partition> {
    let parts: Vec<&str> = rel.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
    let ["AWSLogs", org, account, "CloudTrail", region, y, m, d, name] = parts.as_slice() else {
        return None;
    };
    if !name.ends_with(".json.gz") || !name.starts_with(&format!("{account}_CloudTrail_")) {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let date = Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
    Some(Partition {
        org: org.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        date,
    })
}

/// One object found under a trail root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Object {
    /// Where it sits.
    pub partition: Partition,
    /// Its full path.
    pub path: PathBuf,
    /// Its size in bytes (what reading it costs).
    pub size: u64,
}

/// Every CloudTrail log object under `root` (`root/AWSLogs/…`), in path order. Folders that
/// cannot be read are skipped: a trail synced from S3 may hold anything beside the logs.
pub fn list_objects(root: &Path) -> Vec<Object> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("AWSLogs")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && let Ok(rel) = path.strip_prefix(root)
                && let Some(partition) = parse_object_path(rel)
            {
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                out.push(Object {
                    partition,
                    path,
                    size,
                });
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn names_and_parses_back_the_delivery_layout() {
        let p = object_path(
            "o-abc",
            "111122223333",
            "eu-west-1",
            datetime!(2026-12-01 23:55 UTC),
            "AbCdEf0123456789",
        );
        assert_eq!(
            p.to_str().unwrap(),
            "AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/12/01/\
             111122223333_CloudTrail_eu-west-1_20261201T2355Z_AbCdEf0123456789.json.gz"
        );
        let part = parse_object_path(&p).unwrap();
        assert_eq!(part.account, "111122223333");
        assert_eq!(part.region, "eu-west-1");
        assert_eq!(part.day_path(), "2026/12/01");
        assert_eq!(part.org, "o-abc");
    }

    #[test]
    fn other_files_are_not_log_objects() {
        for p in [
            "AWSLogs/o-abc/1/CloudTrail-Digest/eu-west-1/2026/12/01/x.json.gz",
            "AWSLogs/o-abc/1/CloudTrail/eu-west-1/2026/12/01/1_CloudTrail_x.json",
            "AWSLogs/o-abc/1/CloudTrail/eu-west-1/2026/13/01/1_CloudTrail_x.json.gz",
            "AWSLogs/o-abc/1/CloudTrail/eu-west-1/2026/12/01/2_CloudTrail_x.json.gz",
        ] {
            assert_eq!(parse_object_path(Path::new(p)), None, "{p}");
        }
    }
}
