//! The profile-name template: how centry names the AWS CLI profiles it writes
//! (`{account_name}.{role_name}` unless `[profiles] template` in centry's `config.toml` says
//! otherwise; `profiles populate --template` overrides both). A template with an unknown
//! placeholder is refused with the list of known ones, rather than writing odd names.

use std::path::Path;

/// The template used when none is configured.
pub const DEFAULT_TEMPLATE: &str = "{account_name}.{role_name}";

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 4] = ["account_name", "account_id", "role_name", "session"];

/// Check a template: every `{…}` must be a known placeholder, and something must vary.
pub fn check(template: &str) -> Result<(), String> {
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

/// The template configured in `path` (`[profiles] template`), or the default when the file or
/// the setting is absent.
pub fn load_from(path: &Path) -> Result<String, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(DEFAULT_TEMPLATE.into());
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        format!("{}: not valid TOML: {}", path.display(), e.message())
    })?;
    let template = match doc.get("profiles").and_then(|p| p.get("template")) {
        None => return Ok(DEFAULT_TEMPLATE.into()),
        Some(toml::Value::String(t)) => t.clone(),
        Some(_) => {
            return Err(format!(
                "{}: [profiles] template must be a string",
                path.display()
            ));
        }
    };
    check(&template).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(template)
}

/// The template from centry's own `config.toml`.
pub fn load() -> Result<String, String> {
    match super::tip::config::config_path() {
        Some(path) => load_from(&path),
        None => Ok(DEFAULT_TEMPLATE.into()),
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
    fn read_from_config_toml_with_the_default_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(load_from(&path).unwrap(), DEFAULT_TEMPLATE);
        std::fs::write(&path, "[tip]\nissuer = \"x\"\n").unwrap();
        assert_eq!(load_from(&path).unwrap(), DEFAULT_TEMPLATE);
        std::fs::write(
            &path,
            "[profiles]\ntemplate = \"{account_id}/{role_name}\"\n",
        )
        .unwrap();
        assert_eq!(load_from(&path).unwrap(), "{account_id}/{role_name}");
        std::fs::write(&path, "[profiles]\ntemplate = \"{nope}\"\n").unwrap();
        assert!(load_from(&path).unwrap_err().contains("config.toml"));
        std::fs::write(&path, "[profiles]\ntemplate = 3\n").unwrap();
        assert!(load_from(&path).unwrap_err().contains("must be a string"));
    }
}
