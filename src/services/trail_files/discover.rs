//! Finding the log files under a path: a file is read whatever its name; a directory is walked
//! for `.json` and `.json.gz` files (the S3 delivery layout
//! `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<ts>_<rand>.json.gz`
//! and anything else below it). Digest files (`CloudTrail-Digest`), which hold hashes rather
//! than records, are skipped; symbolic links to directories are not followed (no loops).

use std::fs;
use std::path::{Path, PathBuf};

/// The files to read under `path`, sorted, and the errors met on the way (path, message).
pub(super) fn log_files(path: &Path) -> (Vec<PathBuf>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    match fs::metadata(path) {
        Err(e) => errors.push((path.display().to_string(), format!("cannot read: {e}"))),
        Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
        Ok(_) => files.push(path.to_owned()),
    }
    files.sort();
    (files, errors)
}

fn walk(root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<(String, String)>) {
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push((
                    dir.display().to_string(),
                    format!("cannot list directory: {e}"),
                ));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push((
                        dir.display().to_string(),
                        format!("cannot list directory: {e}"),
                    ));
                    continue;
                }
            };
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if name != "CloudTrail-Digest" {
                    pending.push(path);
                }
            } else if is_log_name(&name) && (kind.is_file() || path.is_file()) {
                files.push(path);
            }
        }
    }
}

/// A CloudTrail log file name: `.json` or `.json.gz` (any case), not a digest.
fn is_log_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".json") || lower.ends_with(".json.gz"))
        && !lower.contains("_cloudtrail-digest_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_names() {
        assert!(is_log_name(
            "111122223333_CloudTrail_us-east-1_20250101T0000Z_abcd.json.gz"
        ));
        assert!(is_log_name("export.JSON"));
        assert!(!is_log_name(
            "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20250101T000000Z.json.gz"
        ));
        assert!(!is_log_name("notes.txt"));
        assert!(!is_log_name("events.gz"));
    }

    #[test]
    fn walks_the_tree_and_skips_digests() {
        let dir = tempfile::tempdir().unwrap();
        let day = dir
            .path()
            .join("AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/02");
        let digest = dir
            .path()
            .join("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/01/02");
        fs::create_dir_all(&day).unwrap();
        fs::create_dir_all(&digest).unwrap();
        fs::write(day.join("b.json.gz"), b"").unwrap();
        fs::write(day.join("a.json"), b"").unwrap();
        fs::write(day.join("readme.txt"), b"").unwrap();
        fs::write(digest.join("d.json.gz"), b"").unwrap();
        let (files, errors) = log_files(dir.path());
        assert!(errors.is_empty());
        assert_eq!(files, vec![day.join("a.json"), day.join("b.json.gz")]);

        let (files, _) = log_files(&day.join("readme.txt"));
        assert_eq!(
            files,
            vec![day.join("readme.txt")],
            "a named file is read whatever its name"
        );
        let (files, errors) = log_files(&dir.path().join("missing"));
        assert!(files.is_empty());
        assert!(errors[0].0.ends_with("missing") && errors[0].1.starts_with("cannot read"));
    }
}
