//! `~/.aws/config` (or `AWS_CONFIG_FILE`): what there is to sign in to (`[sso-session]`
//! sections and SSO profiles), and writing SSO profiles back (one, or all with a name template
//! and pruning of the ones centry wrote before). Reading never changes the file; writing
//! rewrites it atomically, keeping every line centry does not own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A parse failure, with the line that caused it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A section of the file: its header and keys, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `profile NAME`, `default`, `sso-session NAME`, `services NAME`, …
    pub header: String,
    /// Keys in file order (lower-cased names, trimmed values).
    pub keys: Vec<(String, String)>,
}

impl Section {
    /// A key's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The parsed file: sections in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// Sections in file order.
    pub sections: Vec<Section>,
}

/// An `[sso-session NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    /// Section name.
    pub name: String,
    /// Start URL.
    pub start_url: String,
    /// Identity Center region.
    pub region: String,
    /// Registration scopes.
    pub scopes: Vec<String>,
}

/// A profile that signs in through Identity Center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoProfile {
    /// Profile name (`default` for `[default]`).
    pub name: String,
    /// The sso-session it uses, or `None` for a legacy profile.
    pub session: Option<String>,
    /// Legacy start URL.
    pub start_url: Option<String>,
    /// Legacy SSO region.
    pub sso_region: Option<String>,
    /// Account, when the profile names one.
    pub account_id: Option<String>,
    /// Role, when the profile names one.
    pub role_name: Option<String>,
    /// Default region of the profile.
    pub region: Option<String>,
}

/// The config file path: `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE").filter(|_| !crate::paths::is_sandboxed()) {
        return Some(PathBuf::from(p));
    }
    crate::paths::aws_dir().map(|d| d.join("config"))
}

/// `$HOME` (what the AWS SDKs use for `~/.aws`).
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

impl ConfigFile {
    /// Parse ini text. Comments (`#`, `;`) and blank lines are skipped; a key outside a section
    /// or a line that is neither a section, a key nor a continuation is an error.
    pub fn parse(text: &str, path: &str) -> Result<ConfigFile, ConfigError> {
        let mut sections: Vec<Section> = Vec::new();
        let mut last_key: Option<usize> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end();
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let err = |message: &str| ConfigError {
                path: path.to_string(),
                line: i + 1,
                message: message.to_string(),
            };
            if trimmed.starts_with('[') {
                let Some(inner) = trimmed
                    .strip_prefix('[')
                    .and_then(|s| s.split(']').next())
                    .filter(|_| trimmed.contains(']'))
                else {
                    return Err(err("section header is missing its closing ]"));
                };
                let header = inner.split_whitespace().collect::<Vec<_>>().join(" ");
                if header.is_empty() {
                    return Err(err("empty section name"));
                }
                sections.push(Section {
                    header,
                    keys: Vec::new(),
                });
                last_key = None;
            } else if line.starts_with([' ', '\t']) && last_key.is_some() {
                // A continuation (nested values such as `s3 =` sub-keys): kept with the key.
                if let (Some(s), Some(k)) = (sections.last_mut(), last_key) {
                    s.keys[k].1.push('\n');
                    s.keys[k].1.push_str(trimmed);
                }
            } else if let Some((k, v)) = trimmed.split_once('=') {
                let Some(section) = sections.last_mut() else {
                    return Err(err("key outside any [section]"));
                };
                section
                    .keys
                    .push((k.trim().to_lowercase(), v.trim().to_string()));
                last_key = Some(section.keys.len() - 1);
            } else {
                return Err(err("expected `key = value` or a [section]"));
            }
        }
        Ok(ConfigFile { sections })
    }

    /// Read and parse a file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => ConfigFile::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(e) => Err(ConfigError {
                path: path.display().to_string(),
                line: 0,
                message: e.to_string(),
            }),
        }
    }

    /// Every `[sso-session NAME]` with a start URL and region.
    pub fn sso_sessions(&self) -> Vec<SsoSession> {
        self.sections
            .iter()
            .filter_map(|s| {
                let name = s.header.strip_prefix("sso-session ")?.trim().to_string();
                Some(SsoSession {
                    name,
                    start_url: s.get("sso_start_url")?.to_string(),
                    region: s.get("sso_region")?.to_string(),
                    scopes: s
                        .get("sso_registration_scopes")
                        .map(|v| {
                            v.split(',')
                                .map(|x| x.trim().to_string())
                                .filter(|x| !x.is_empty())
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Every profile that uses Identity Center.
    pub fn sso_profiles(&self) -> Vec<SsoProfile> {
        self.sections
            .iter()
            .filter_map(|s| {
                let name = if s.header == "default" {
                    "default".to_string()
                } else {
                    s.header.strip_prefix("profile ")?.trim().to_string()
                };
                let session = s.get("sso_session").map(str::to_string);
                let start_url = s.get("sso_start_url").map(str::to_string);
                if session.is_none() && start_url.is_none() {
                    return None;
                }
                Some(SsoProfile {
                    name,
                    session,
                    start_url,
                    sso_region: s.get("sso_region").map(str::to_string),
                    account_id: s.get("sso_account_id").map(str::to_string),
                    role_name: s.get("sso_role_name").map(str::to_string),
                    region: s.get("region").map(str::to_string),
                })
            })
            .collect()
    }

    /// Render back to ini text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("[{}]\n", s.header));
            for (k, v) in &s.keys {
                let mut lines = v.split('\n');
                out.push_str(&format!("{k} = {}\n", lines.next().unwrap_or_default()));
                for l in lines {
                    out.push_str(&format!("  {l}\n"));
                }
            }
        }
        out
    }
}

/// A profile to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSpec {
    /// Profile name.
    pub name: String,
    /// sso-session to reference.
    pub session: String,
    /// Account.
    pub account_id: String,
    /// Role.
    pub role_name: String,
    /// Default region.
    pub region: Option<String>,
}

/// The key that marks profiles centry wrote (so pruning never touches anyone else's).
pub const MANAGED_KEY: &str = "centry_managed";

/// What writing profiles changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    /// Profiles added.
    pub added: Vec<String>,
    /// Profiles rewritten.
    pub updated: Vec<String>,
    /// Profiles removed by pruning.
    pub removed: Vec<String>,
    /// Profiles skipped because they exist and centry did not write them.
    pub skipped: Vec<String>,
}

impl ConfigFile {
    /// Add or update profiles; with `prune`, remove profiles centry wrote for this session that
    /// are not in `specs` any more. Never changes a profile centry did not write.
    pub fn apply_profiles(
        &mut self,
        specs: &[ProfileSpec],
        session: &str,
        prune: bool,
    ) -> ProfileChanges {
        let mut ch = ProfileChanges::default();
        for spec in specs {
            let header = if spec.name == "default" {
                "default".to_string()
            } else {
                format!("profile {}", spec.name)
            };
            let mut keys = vec![
                ("sso_session".to_string(), spec.session.clone()),
                ("sso_account_id".to_string(), spec.account_id.clone()),
                ("sso_role_name".to_string(), spec.role_name.clone()),
            ];
            if let Some(r) = &spec.region {
                keys.push(("region".to_string(), r.clone()));
            }
            keys.push((MANAGED_KEY.to_string(), "true".to_string()));
            match self.sections.iter_mut().find(|s| s.header == header) {
                Some(existing) if existing.get(MANAGED_KEY) == Some("true") => {
                    if existing.keys != keys {
                        existing.keys = keys;
                        ch.updated.push(spec.name.clone());
                    }
                }
                Some(_) => ch.skipped.push(spec.name.clone()),
                None => {
                    self.sections.push(Section { header, keys });
                    ch.added.push(spec.name.clone());
                }
            }
        }
        if prune {
            let wanted: std::collections::BTreeSet<&str> =
                specs.iter().map(|s| s.name.as_str()).collect();
            self.sections.retain(|s| {
                let name = s.header.strip_prefix("profile ").unwrap_or(&s.header);
                let stale = s.get(MANAGED_KEY) == Some("true")
                    && s.get("sso_session") == Some(session)
                    && !wanted.contains(name);
                if stale {
                    ch.removed.push(name.to_string());
                }
                !stale
            });
        }
        ch
    }

    /// Add an `[sso-session]` if there is none of that name.
    pub fn ensure_sso_session(&mut self, s: &SsoSession) {
        let header = format!("sso-session {}", s.name);
        if self.sections.iter().any(|x| x.header == header) {
            return;
        }
        let mut keys = vec![
            ("sso_start_url".to_string(), s.start_url.clone()),
            ("sso_region".to_string(), s.region.clone()),
        ];
        if !s.scopes.is_empty() {
            keys.push(("sso_registration_scopes".to_string(), s.scopes.join(",")));
        }
        self.sections.insert(0, Section { header, keys });
    }
}

/// Expand a profile-name template: `{account_name}`, `{account_id}`, `{role_name}`, `{session}`.
/// The result is made safe for a section header (spaces and brackets become `-`).
pub fn profile_name(
    template: &str,
    account_name: &str,
    account_id: &str,
    role: &str,
    session: &str,
) -> String {
    let vars: BTreeMap<&str, &str> = [
        ("account_name", account_name),
        ("account_id", account_id),
        ("role_name", role),
        ("session", session),
    ]
    .into_iter()
    .collect();
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out.chars()
        .map(|c| {
            if c.is_whitespace() || matches!(c, '[' | ']' | '=' | '#' | ';') {
                '-'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# my config
[default]
region = eu-west-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access, codewhisperer:completions

[profile dev]
sso_session = acme
sso_account_id = 111122223333
sso_role_name = DeveloperAccess
region = eu-west-1
s3 =
  max_concurrent_requests = 20

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile iam]
aws_access_key_id = AKIA
";

    #[test]
    fn finds_sessions_and_sso_profiles() {
        let c = ConfigFile::parse(SAMPLE, "config").unwrap();
        let s = c.sso_sessions();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "acme");
        assert_eq!(
            s[0].scopes,
            vec!["sso:account:access", "codewhisperer:completions"]
        );
        let p = c.sso_profiles();
        assert_eq!(
            p.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            vec!["dev", "legacy"]
        );
        assert_eq!(
            p[1].start_url.as_deref(),
            Some("https://old.awsapps.com/start")
        );
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let e = ConfigFile::parse("[profile a]\nregion = x\nthis is not ini\n", "cfg").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().starts_with("cfg:3:"));
        assert!(ConfigFile::parse("key = outside\n", "cfg").is_err());
        assert!(ConfigFile::parse("[broken\n", "cfg").is_err());
    }

    #[test]
    fn writing_profiles_keeps_foreign_ones_and_prunes_only_managed() {
        let mut c = ConfigFile::parse(SAMPLE, "config").unwrap();
        let spec = |n: &str, a: &str| ProfileSpec {
            name: n.into(),
            session: "acme".into(),
            account_id: a.into(),
            role_name: "R".into(),
            region: None,
        };
        let ch = c.apply_profiles(
            &[spec("dev", "1"), spec("new-one", "2"), spec("old-one", "3")],
            "acme",
            false,
        );
        assert_eq!(
            ch.skipped,
            vec!["dev"],
            "hand-written profiles are not overwritten"
        );
        assert_eq!(ch.added, vec!["new-one", "old-one"]);
        let ch = c.apply_profiles(&[spec("new-one", "2")], "acme", true);
        assert_eq!(ch.removed, vec!["old-one"]);
        let text = c.render();
        let again = ConfigFile::parse(&text, "config").unwrap();
        assert!(again.sso_profiles().iter().any(|p| p.name == "new-one"));
        assert!(again.sso_profiles().iter().any(|p| p.name == "dev"));
        assert!(
            text.contains("  max_concurrent_requests = 20"),
            "nested values survive a rewrite"
        );
    }

    #[test]
    fn templates_make_safe_names() {
        assert_eq!(
            profile_name(
                "{account_name}.{role_name}",
                "Payments Prod",
                "1",
                "Admin",
                "s"
            ),
            "Payments-Prod.Admin"
        );
    }
}
