//! Writing SSO profiles and `[sso-session]` sections into the parsed file, in place: a profile
//! centry wrote has its own keys rewritten where they differ, new sections are appended, pruned
//! ones are cut out. Every other byte — comments, key case, line endings, blank lines, other
//! sections, keys a user added to a profile centry wrote — stays as it was.

use super::{ConfigError, ConfigFile, RawLine, SsoSession};
use crate::model::text::ini;

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

/// The keys of a profile that centry owns (and so may rewrite or remove).
const OWNED_KEYS: [&str; 5] = [
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "region",
    MANAGED_KEY,
];

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

/// Replace `remove` lines at `at` with `insert` (whole lines, without endings).
#[derive(Debug)]
struct Splice {
    at: usize,
    remove: usize,
    insert: Vec<String>,
}

impl ProfileSpec {
    fn header(&self) -> String {
        if self.name == "default" {
            "default".to_string()
        } else {
            format!("profile {}", self.name)
        }
    }

    /// Refuse a profile whose name or values could start a new line or section in the file.
    fn check(&self) -> Result<(), String> {
        if ini::section_name(&self.name) != self.name || self.name.is_empty() {
            return Err(format!(
                "profile name {:?} cannot be a section name",
                crate::model::text::sanitize(&self.name)
            ));
        }
        let why = |e: ini::UnsafeValue| {
            format!(
                "profile {} (account {}): {e}",
                self.name,
                crate::model::text::sanitize(&self.account_id)
            )
        };
        ini::value("sso-session", &self.session).map_err(why)?;
        ini::value("account id", &self.account_id).map_err(why)?;
        ini::value("role name", &self.role_name).map_err(why)?;
        if let Some(r) = &self.region {
            ini::value("region", r).map_err(why)?;
        }
        Ok(())
    }

    /// The owned keys and their values, in the order centry writes them.
    fn keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![
            ("sso_session", self.session.clone()),
            ("sso_account_id", self.account_id.clone()),
            ("sso_role_name", self.role_name.clone()),
        ];
        if let Some(r) = &self.region {
            keys.push(("region", r.clone()));
        }
        keys.push((MANAGED_KEY, "true".to_string()));
        keys
    }
}

impl ConfigFile {
    /// Add or update profiles; with `prune`, remove profiles centry wrote for this session that
    /// are not in `specs` any more. Never changes a profile centry did not write, nor any line
    /// of the file that is not one of centry's keys.
    pub fn apply_profiles(
        &mut self,
        specs: &[ProfileSpec],
        session: &str,
        prune: bool,
    ) -> Result<ProfileChanges, ConfigError> {
        for spec in specs {
            spec.check().map_err(|m| self.refusal(m))?;
        }
        let mut ch = ProfileChanges::default();
        let mut splices = Vec::new();
        let mut appended = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for spec in specs {
            let header = spec.header();
            if !seen.insert(header.clone()) {
                continue;
            }
            let keys = spec.keys();
            match self.sections.iter().position(|s| s.header == header) {
                Some(i) if self.sections[i].get(MANAGED_KEY) == Some("true") => {
                    let edits = self.update_section(i, &keys);
                    if !edits.is_empty() {
                        splices.extend(edits);
                        ch.updated.push(spec.name.clone());
                    }
                }
                Some(_) => ch.skipped.push(spec.name.clone()),
                None => {
                    appended.push(section_lines(&header, &keys));
                    ch.added.push(spec.name.clone());
                }
            }
        }
        if prune {
            let wanted: std::collections::BTreeSet<&str> =
                specs.iter().map(|s| s.name.as_str()).collect();
            for (i, s) in self.sections.iter().enumerate() {
                let name = s.header.strip_prefix("profile ").unwrap_or(&s.header);
                let stale = s.get(MANAGED_KEY) == Some("true")
                    && s.get("sso_session") == Some(session)
                    && !wanted.contains(name);
                if stale {
                    splices.extend(self.removal(i));
                    ch.removed.push(name.to_string());
                }
            }
        }
        self.splice(splices, appended)?;
        Ok(ch)
    }

    /// Add an `[sso-session]` (at the end) if there is none of that name.
    pub fn ensure_sso_session(&mut self, s: &SsoSession) -> Result<(), ConfigError> {
        let header = format!("sso-session {}", s.name);
        if self.sections.iter().any(|x| x.header == header) {
            return Ok(());
        }
        if ini::section_name(&s.name) != s.name || s.name.is_empty() {
            return Err(self.refusal(format!(
                "sso-session name {:?} cannot be a section name",
                crate::model::text::sanitize(&s.name)
            )));
        }
        let why = |e: ini::UnsafeValue| self.refusal(format!("[sso-session {}]: {e}", s.name));
        ini::value("start URL", &s.start_url).map_err(why)?;
        ini::value("region", &s.region).map_err(why)?;
        for scope in &s.scopes {
            ini::value("scope", scope).map_err(why)?;
        }
        let mut keys = vec![
            ("sso_start_url", s.start_url.clone()),
            ("sso_region", s.region.clone()),
        ];
        if !s.scopes.is_empty() {
            keys.push(("sso_registration_scopes", s.scopes.join(",")));
        }
        self.splice(vec![], vec![section_lines(&header, &keys)])
    }

    /// The edits that bring section `i`'s owned keys to `keys`: changed values rewritten in
    /// their line (keeping the key's spelling), missing ones added after its last key, ones no
    /// longer wanted removed. Nothing else in the section is touched.
    fn update_section(&self, i: usize, keys: &[(&'static str, String)]) -> Vec<Splice> {
        let section = &self.sections[i];
        let mut edits = Vec::new();
        let mut missing = Vec::new();
        for owned in OWNED_KEYS {
            let wanted = keys.iter().find(|(k, _)| *k == owned).map(|(_, v)| v);
            let found = section.keys.iter().position(|(k, _)| k == owned);
            match (wanted, found) {
                (Some(v), Some(at)) if section.keys[at].1 == *v => {}
                (Some(v), Some(at)) => {
                    let (first, last) = section.spans[at];
                    let raw = &self.lines[first].text;
                    let spelled = raw.split_once('=').map_or(owned, |(k, _)| k.trim());
                    edits.push(Splice {
                        at: first,
                        remove: last - first + 1,
                        insert: vec![format!("{spelled} = {v}")],
                    });
                }
                (Some(v), None) => missing.push(format!("{owned} = {v}")),
                (None, Some(at)) => {
                    let (first, last) = section.spans[at];
                    edits.push(Splice {
                        at: first,
                        remove: last - first + 1,
                        insert: vec![],
                    });
                }
                (None, None) => {}
            }
        }
        if !missing.is_empty() {
            let after = section.spans.last().map_or(section.line, |s| s.1);
            edits.push(Splice {
                at: after + 1,
                remove: 0,
                insert: missing,
            });
        }
        edits
    }

    /// The edits that cut section `i` out: its header and keys, and the blank line before it
    /// (the separator centry writes when it appends a section). Comments inside it are kept.
    fn removal(&self, i: usize) -> Vec<Splice> {
        let section = &self.sections[i];
        let mut at = section.line;
        let mut remove = 1;
        if at > 0 && self.lines[at - 1].text.trim().is_empty() {
            at -= 1;
            remove += 1;
        }
        let mut edits = vec![Splice {
            at,
            remove,
            insert: vec![],
        }];
        edits.extend(section.spans.iter().map(|&(first, last)| Splice {
            at: first,
            remove: last - first + 1,
            insert: vec![],
        }));
        edits
    }

    /// Apply edits (which never overlap) and append sections, then index the result again.
    fn splice(
        &mut self,
        mut edits: Vec<Splice>,
        appended: Vec<Vec<String>>,
    ) -> Result<(), ConfigError> {
        let eol = self.eol();
        let line = |text: String| RawLine {
            text,
            eol: eol.clone(),
        };
        // Back to front, so earlier indices stay valid; at one index, cut before inserting.
        edits.sort_by(|a, b| b.at.cmp(&a.at).then(b.remove.cmp(&a.remove)));
        let mut lines = std::mem::take(&mut self.lines);
        for e in edits {
            lines.splice(e.at..e.at + e.remove, e.insert.into_iter().map(line));
        }
        for section in appended {
            if !lines.is_empty() {
                lines.push(line(String::new()));
            }
            lines.extend(section.into_iter().map(line));
        }
        // A last line without an ending that now has lines after it gets one.
        let n = lines.len();
        for l in lines.iter_mut().take(n.saturating_sub(1)) {
            if l.eol.is_empty() {
                l.eol = eol.clone();
            }
        }
        *self = ConfigFile::from_lines(lines, &self.path)?;
        Ok(())
    }

    /// An error about what centry was asked to write (the file is not changed).
    fn refusal(&self, message: String) -> ConfigError {
        ConfigError {
            path: self.path.clone(),
            line: 0,
            message: format!("{message}; nothing was written"),
        }
    }

    /// The line ending new lines get: the file's first one (`\r\n` stays `\r\n`), else `\n`.
    fn eol(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.eol.as_str())
            .find(|e| !e.is_empty())
            .unwrap_or("\n")
            .to_string()
    }
}

/// A new section's lines.
fn section_lines(header: &str, keys: &[(&str, String)]) -> Vec<String> {
    std::iter::once(format!("[{header}]"))
        .chain(keys.iter().map(|(k, v)| format!("{k} = {v}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: &str, a: &str) -> ProfileSpec {
        ProfileSpec {
            name: n.into(),
            session: "acme".into(),
            account_id: a.into(),
            role_name: "R".into(),
            region: Some("eu-west-1".into()),
        }
    }

    const MINE: &str = "\
; my settings\r\n\
[default]\r\n\
Region = eu-west-1   # the office\r\n\
\r\n\
[sso-session acme]\r\n\
sso_start_url = https://acme.awsapps.com/start\r\n\
sso_region = us-east-1\r\n\
\r\n\
[profile dev]\r\n\
sso_session = acme\r\n\
sso_account_id = 111122223333\r\n\
sso_role_name = DeveloperAccess\r\n\
s3 =\r\n\
  max_concurrent_requests = 20\r\n\
# trailing comment, no newline";

    #[test]
    fn writing_profiles_keeps_foreign_ones_and_prunes_only_managed() {
        let mut c = ConfigFile::parse(super::super::tests::SAMPLE, "config").unwrap();
        let ch = c
            .apply_profiles(
                &[spec("dev", "1"), spec("new-one", "2"), spec("old-one", "3")],
                "acme",
                false,
            )
            .unwrap();
        assert_eq!(ch.skipped, vec!["dev"], "hand-written profiles stay");
        assert_eq!(ch.added, vec!["new-one", "old-one"]);
        let ch = c
            .apply_profiles(&[spec("new-one", "2")], "acme", true)
            .unwrap();
        assert_eq!(ch.removed, vec!["old-one"]);
        let text = c.render();
        let again = ConfigFile::parse(&text, "config").unwrap();
        assert!(again.sso_profiles().iter().any(|p| p.name == "new-one"));
        assert!(again.sso_profiles().iter().any(|p| p.name == "dev"));
        assert!(text.contains("  max_concurrent_requests = 20"));
    }

    #[test]
    fn every_byte_centry_does_not_own_survives_a_write_and_a_prune() {
        let mut c = ConfigFile::parse(MINE, "config").unwrap();
        c.apply_profiles(&[spec("a", "1"), spec("b", "2")], "acme", false)
            .unwrap();
        let written = c.render();
        assert!(written.starts_with(&format!("{MINE}\r\n\r\n[profile a]\r\n")));
        assert!(!written.replace("\r\n", "").contains('\n'), "CRLF kept");
        c.apply_profiles(&[], "acme", true).unwrap();
        assert_eq!(
            c.render(),
            format!("{MINE}\r\n"),
            "only a final newline added"
        );
    }

    #[test]
    fn an_update_rewrites_only_centrys_keys_in_place() {
        let text = "[profile a]\nsso_session = acme\nSSO_Account_Id=1\nsso_role_name = R\n\
                    output = json ; mine\nregion = eu-west-1\ncentry_managed = true\n# note\n";
        let mut c = ConfigFile::parse(text, "config").unwrap();
        let ch = c.apply_profiles(&[spec("a", "2")], "acme", false).unwrap();
        assert_eq!(ch.updated, vec!["a"]);
        assert_eq!(
            c.render(),
            text.replace("SSO_Account_Id=1", "SSO_Account_Id = 2")
        );
        let ch = c.apply_profiles(&[spec("a", "2")], "acme", false).unwrap();
        assert_eq!(ch, ProfileChanges::default(), "nothing to do, nothing done");
    }

    #[test]
    fn a_role_name_that_could_start_a_section_is_refused_and_nothing_changes() {
        let mut c = ConfigFile::parse("[default]\nregion = x\n", "config").unwrap();
        let before = c.clone();
        let mut evil = spec("a", "1");
        evil.role_name = "R\r[profile x]\rcredential_process = sh -c id".into();
        let e = c
            .apply_profiles(&[spec("ok", "2"), evil], "acme", false)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("config: profile a (account 1): role name"),
            "{e}"
        );
        assert!(e.to_string().ends_with("nothing was written"), "{e}");
        assert_eq!(c, before);
    }

    #[test]
    fn a_new_session_is_appended_with_the_files_line_endings() {
        let mut c = ConfigFile::parse("[default]\r\nregion = x\r\n", "config").unwrap();
        let s = SsoSession {
            name: "acme".into(),
            start_url: "https://a/start".into(),
            region: "us-east-1".into(),
            scopes: vec![],
        };
        c.ensure_sso_session(&s).unwrap();
        c.ensure_sso_session(&s).unwrap();
        assert_eq!(
            c.render(),
            "[default]\r\nregion = x\r\n\r\n[sso-session acme]\r\nsso_start_url = https://a/start\r\nsso_region = us-east-1\r\n"
        );
    }
}
