//! `~/.aws/config` (or `AWS_CONFIG_FILE`): what there is to sign in to (`[sso-session]`
//! sections and SSO profiles), and writing SSO profiles back (one, or all with a name template
//! and pruning of the ones centry wrote before). Reading never changes the file. The parsed file
//! keeps its raw lines (with their own line endings), so writing ([`edit`]) changes only the
//! lines centry owns and every other byte survives.

mod edit;
mod names;

pub use edit::{MANAGED_KEY, ProfileChanges, ProfileSpec};
pub use names::{NameCollision, RoleRef, plan_profiles, profile_name};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::text::sanitize;

/// A parse failure, with the line that caused it (0: the file as a whole).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{}{message}", if *line > 0 { format!("{line}: ") } else { " ".to_string() })]
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
    /// Index (0-based) of the header's raw line.
    line: usize,
    /// For each key, the first and last raw line it spans (continuations included).
    spans: Vec<(usize, usize)>,
}

/// One physical line of the file as it was read: its text and its own line ending (`\n`,
/// `\r\n`, `\r`, or nothing on a last line without one).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawLine {
    text: String,
    eol: String,
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

/// The parsed file: sections in order, over the raw lines they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// Sections in file order.
    pub sections: Vec<Section>,
    /// The file's lines, byte for byte.
    lines: Vec<RawLine>,
    /// The path shown in errors.
    path: String,
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
    /// or a line that is neither a section, a key nor a continuation is an error. Lines end at
    /// `\n`, `\r\n` or a lone `\r`, as they do for the AWS CLI.
    pub fn parse(text: &str, path: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::from_lines(split_lines(text), path)
    }

    fn from_lines(lines: Vec<RawLine>, path: &str) -> Result<ConfigFile, ConfigError> {
        let mut sections: Vec<Section> = Vec::new();
        let mut last_key: Option<usize> = None;
        let mut headers: HashMap<String, usize> = HashMap::new();
        for (i, raw) in lines.iter().enumerate() {
            let line = raw.text.trim_end();
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
                let header = parse_header(trimmed).map_err(err)?;
                if let Some(first) = headers.insert(header.clone(), i) {
                    return Err(err(&format!(
                        "[{}] appears twice (lines {} and {}): the AWS CLI refuses such a file; merge the two or remove one",
                        sanitize(&header),
                        first + 1,
                        i + 1
                    )));
                }
                sections.push(Section {
                    header,
                    keys: Vec::new(),
                    line: i,
                    spans: Vec::new(),
                });
                last_key = None;
            } else if line.starts_with([' ', '\t']) && last_key.is_some() {
                // A continuation (nested values such as `s3 =` sub-keys): kept with the key.
                if let (Some(s), Some(k)) = (sections.last_mut(), last_key) {
                    s.keys[k].1.push('\n');
                    s.keys[k].1.push_str(trimmed);
                    s.spans[k].1 = i;
                }
            } else if let Some((k, v)) = trimmed.split_once('=') {
                let Some(section) = sections.last_mut() else {
                    return Err(err("key outside any [section]"));
                };
                let key = k.trim().to_lowercase();
                if let Some(at) = section.keys.iter().position(|(x, _)| *x == key) {
                    return Err(err(&format!(
                        "`{}` appears twice in [{}] (lines {} and {}): the AWS CLI refuses such a file; remove one",
                        sanitize(&key),
                        sanitize(&section.header),
                        section.spans[at].0 + 1,
                        i + 1
                    )));
                }
                section.keys.push((key, v.trim().to_string()));
                section.spans.push((i, i));
                last_key = Some(section.keys.len() - 1);
            } else {
                return Err(err("expected `key = value` or a [section]"));
            }
        }
        Ok(ConfigFile {
            sections,
            lines,
            path: path.to_string(),
        })
    }

    /// Read and parse a file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        match crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::Config) {
            Ok(text) => ConfigFile::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile {
                path: path.display().to_string(),
                ..ConfigFile::default()
            }),
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

    /// The file's text: the lines as read, with centry's edits.
    pub fn render(&self) -> String {
        self.lines
            .iter()
            .flat_map(|l| [l.text.as_str(), l.eol.as_str()])
            .collect()
    }
}

/// The name inside `[ … ]`, spaces collapsed.
fn parse_header(trimmed: &str) -> Result<String, &'static str> {
    let Some(inner) = trimmed
        .strip_prefix('[')
        .and_then(|s| s.split(']').next())
        .filter(|_| trimmed.contains(']'))
    else {
        return Err("section header is missing its closing ]");
    };
    let header = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    if header.is_empty() {
        return Err("empty section name");
    }
    Ok(header)
}

/// Split text into lines, each keeping its own ending, so that joining them gives the text back.
fn split_lines(text: &str) -> Vec<RawLine> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let Some(at) = rest.find(['\n', '\r']) else {
            lines.push(RawLine {
                text: rest.to_string(),
                eol: String::new(),
            });
            break;
        };
        let eol_len = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        lines.push(RawLine {
            text: rest[..at].to_string(),
            eol: rest[at..at + eol_len].to_string(),
        });
        rest = &rest[at + eol_len..];
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const SAMPLE: &str = "\
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
    fn a_section_or_key_twice_is_refused_as_the_aws_cli_refuses_it() {
        let text = "[sso-session a]\nsso_region = x\n\n[profile p]\n[sso-session  a]\n";
        let e = ConfigFile::parse(text, "cfg").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cfg:5: [sso-session a] appears twice (lines 1 and 5): the AWS CLI refuses such a file; merge the two or remove one"
        );
        let e = ConfigFile::parse("[profile p]\nregion = a\n# x\nRegion = b\n", "cfg").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.message
                .contains("`region` appears twice in [profile p] (lines 2 and 4)")
        );
    }
}
