//! centry's own settings from its `config.toml` (beside the `[tip]` section):
//! - `[profiles] template`: how centry names the AWS CLI profiles it writes
//!   (`{account_name}.{role_name}` by default; `profiles populate --template` overrides it). A
//!   template with an unknown placeholder is refused with the list of known ones, rather than
//!   writing odd names.
//! - `[events] max_events`: how many events the events screen holds (the oldest fall off) and,
//!   doubled, how many event ids a follower remembers to drop repeats — the memory bound of a
//!   live tail left running.

use std::path::Path;

/// The template used when none is configured.
pub const DEFAULT_TEMPLATE: &str = "{account_name}.{role_name}";

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 4] = ["account_name", "account_id", "role_name", "session"];

/// The longest profile template accepted (profile names are short; a huge template used to
/// make gigabytes of profiles).
pub const MAX_TEMPLATE_LEN: usize = 256;

/// The most events `max_events` may ask to hold: a bound on the memory a live tail takes.
pub const MAX_MAX_EVENTS: usize = 1_000_000;

/// Events held by default.
pub const DEFAULT_MAX_EVENTS: usize = 20_000;

/// The smallest `max_events` accepted (a screenful and then some).
pub const MIN_MAX_EVENTS: usize = 100;

/// The settings, with their defaults where `config.toml` says nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `[profiles] template`.
    pub profile_template: String,
    /// `[events] max_events`.
    pub max_events: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile_template: DEFAULT_TEMPLATE.into(),
            max_events: DEFAULT_MAX_EVENTS,
        }
    }
}

/// Check a template: every `{…}` must be a known placeholder, and something must vary.
pub fn check(template: &str) -> Result<(), String> {
    if template.len() > MAX_TEMPLATE_LEN {
        return Err(format!(
            "profile template is {} bytes long: at most {MAX_TEMPLATE_LEN}",
            template.len()
        ));
    }
    let mut rest = template;
    let mut varies = false;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!(
                "profile template {template:?}: a `{{` is never closed"
            ));
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "profile template {template:?}: unknown placeholder {{{name}}} (use {})",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ));
        }
        varies |= name != "session";
        rest = &after[close + 1..];
    }
    if !varies {
        return Err(format!(
            "profile template {template:?} names every role the same: use {{account_name}} or {{account_id}} with {{role_name}}"
        ));
    }
    Ok(())
}

impl Settings {
    /// Read `path`; a missing file or setting means the default. A bad value is an error that
    /// names the file and the setting.
    pub fn load_from(path: &Path) -> Result<Settings, String> {
        let shown = path.display();
        let text = match crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::Config) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(format!("{shown}: {e}")),
        };
        Settings::parse(&text, &shown.to_string())
    }

    /// Parse the text of `config.toml` (`shown` names it in errors).
    pub fn parse(text: &str, shown: &str) -> Result<Settings, String> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("{shown}: not valid TOML: {}", e.message()))?;
        let mut out = Settings::default();
        match doc.get("profiles").and_then(|p| p.get("template")) {
            None => {}
            Some(toml::Value::String(t)) => {
                check(t).map_err(|e| format!("{shown}: {e}"))?;
                out.profile_template = t.clone();
            }
            Some(_) => return Err(format!("{shown}: [profiles] template must be a string")),
        }
        match doc.get("events").and_then(|e| e.get("max_events")) {
            None => {}
            Some(toml::Value::Integer(n))
                if (MIN_MAX_EVENTS as i64..=MAX_MAX_EVENTS as i64).contains(n) =>
            {
                out.max_events = usize::try_from(*n).unwrap_or(MAX_MAX_EVENTS);
            }
            Some(_) => {
                return Err(format!(
                    "{shown}: [events] max_events must be a whole number from {MIN_MAX_EVENTS} to {MAX_MAX_EVENTS}"
                ));
            }
        }
        Ok(out)
    }

    /// Read centry's own `config.toml`.
    pub fn load() -> Result<Settings, String> {
        match super::tip::config::config_path() {
            Some(path) => Settings::load_from(&path),
            None => Ok(Settings::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_checked() {
        assert!(check(DEFAULT_TEMPLATE).is_ok());
        assert!(check("{session}-{account_id}-{role_name}").is_ok());
        assert!(
            check("{acount}.{role_name}")
                .unwrap_err()
                .contains("{account_name}")
        );
        assert!(check("{role_name").unwrap_err().contains("never closed"));
        assert!(check("fixed").unwrap_err().contains("the same"));
        assert!(check("{session}").unwrap_err().contains("the same"));
    }

    #[test]
    fn read_from_config_toml_with_the_defaults_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let load = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Settings::load_from(&path)
        };
        assert_eq!(Settings::load_from(&path).unwrap(), Settings::default());
        assert_eq!(
            load("[tip]\nissuer = \"x\"\n").unwrap(),
            Settings::default()
        );
        let s = load(
            "[profiles]\ntemplate = \"{account_id}/{role_name}\"\n[events]\nmax_events = 500\n",
        )
        .unwrap();
        assert_eq!(s.profile_template, "{account_id}/{role_name}");
        assert_eq!(s.max_events, 500);
        assert!(
            load("[profiles]\ntemplate = \"{nope}\"\n")
                .unwrap_err()
                .contains("config.toml")
        );
        assert!(
            load("[profiles]\ntemplate = 3\n")
                .unwrap_err()
                .contains("must be a string")
        );
        assert!(
            load("[events]\nmax_events = 5\n")
                .unwrap_err()
                .contains("from 100 to 1000000")
        );
        assert!(load("[events]\nmax_events = 9223372036854775807\n").is_err());
        let huge = format!(
            "[profiles]\ntemplate = \"{}{{role_name}}\"\n",
            "x".repeat(300)
        );
        assert!(load(&huge).unwrap_err().contains("at most 256"));
        assert!(
            load("[events]\nmax_events = \"many\"\n")
                .unwrap_err()
                .contains("max_events")
        );
        assert!(load("[events\n").unwrap_err().contains("not valid TOML"));
    }
}
