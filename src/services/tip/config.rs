//! The `[tip]` section of centry's own `config.toml`: which IdP to sign in to (issuer, client
//! id), which bridge role exchanges the IdP's token, which Identity Center application it is
//! exchanged for, and which roles the person may get identity-enhanced sessions for. Every
//! setting is checked on load, and a bad one is reported by name with what it should look like.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::emulator::Org;

/// Scopes asked of the IdP when the config names none.
pub const DEFAULT_SCOPES: &[&str] = &["openid", "email", "offline_access"];

/// The trusted-identity-propagation settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipConfig {
    /// The IdP's issuer URL (OpenID discovery runs against it).
    pub issuer: String,
    /// The client id of centry's application at the IdP (the `aud` of its ID tokens).
    pub client_id: String,
    /// The IAM role assumed with the IdP's ID token, allowed to call CreateTokenWithIAM.
    pub bridge_role: String,
    /// The customer-managed Identity Center application the token is exchanged for.
    pub application_arn: String,
    /// Roles the person may get identity-enhanced sessions for (the first is the default).
    pub target_roles: Vec<String>,
    /// The Identity Center region (sso-oidc and STS are called there).
    pub region: String,
    /// Scopes asked of the IdP.
    pub scopes: Vec<String>,
    /// Send the AWS calls here instead of AWS (the emulator).
    pub endpoint_url: Option<String>,
}

/// The section as written, before checking.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTip {
    issuer: Option<String>,
    client_id: Option<String>,
    bridge_role: Option<String>,
    application_arn: Option<String>,
    target_roles: Option<Vec<String>>,
    region: Option<String>,
    scopes: Option<Vec<String>>,
    endpoint_url: Option<String>,
}

/// Why the settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// No home or config folder to look in.
    #[error("no config folder (set CENTRY_CONFIG_DIR or HOME)")]
    NoConfigDir,
    /// The file or its `[tip]` section is missing.
    #[error(
        "{path}: no [tip] section — write one with `centry tip config` (see `centry tip config --help`)"
    )]
    NotConfigured {
        /// The file.
        path: String,
    },
    /// The file cannot be read or is not TOML.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// One setting is missing or malformed.
    #[error("{path}: [tip] {key}: {message}")]
    Setting {
        /// The file.
        path: String,
        /// The setting's name.
        key: &'static str,
        /// What is wrong and what it should look like.
        message: String,
    },
}

/// `<config dir>/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    crate::paths::config_dir().map(|d| d.join("config.toml"))
}

fn is_role_arn(s: &str) -> bool {
    ["arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .and_then(|r| r.split_once(":role/"))
        .is_some_and(|(acct, name)| {
            acct.len() == 12 && acct.chars().all(|c| c.is_ascii_digit()) && !name.is_empty()
        })
}

fn is_application_arn(s: &str) -> bool {
    s.strip_prefix("arn:aws:sso::")
        .and_then(|r| r.split_once(":application/"))
        .and_then(|(acct, rest)| Some((acct, rest.split_once('/')?)))
        .is_some_and(|(acct, (ins, apl))| {
            acct.len() == 12
                && acct.chars().all(|c| c.is_ascii_digit())
                && (ins.starts_with("ssoins-") || ins.starts_with("ins-"))
                && apl.starts_with("apl-")
        })
}

fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
}

/// An issuer must be https (or http on a loopback address, for the emulator), without query.
fn issuer_problem(s: &str) -> Option<String> {
    let Ok(u) = url::Url::parse(s) else {
        return Some(format!("`{s}` is not a URL"));
    };
    let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if u.scheme() != "https" && !(u.scheme() == "http" && loopback) {
        return Some(format!("`{s}` must use https"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Some(format!("`{s}` must not carry a query or fragment"));
    }
    None
}

impl TipConfig {
    /// Read `config.toml` from centry's config folder.
    pub fn load() -> Result<TipConfig, ConfigError> {
        let path = config_path().ok_or(ConfigError::NoConfigDir)?;
        Self::load_from(&path)
    }

    /// Read a config file.
    pub fn load_from(path: &Path) -> Result<TipConfig, ConfigError> {
        let shown = path.display().to_string();
        let text = match crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::Config) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::NotConfigured { path: shown });
            }
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path: shown,
                    message: e.to_string(),
                });
            }
        };
        Self::parse(&text, &shown)
    }

    /// Parse and check the `[tip]` section of a config file's text.
    pub fn parse(text: &str, path: &str) -> Result<TipConfig, ConfigError> {
        let unreadable = |message: String| ConfigError::Unreadable {
            path: path.to_string(),
            message,
        };
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| unreadable(format!("not valid TOML: {}", e.message())))?;
        let Some(section) = doc.get("tip") else {
            return Err(ConfigError::NotConfigured {
                path: path.to_string(),
            });
        };
        let raw: RawTip = section
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| unreadable(format!("[tip]: {}", e.message())))?;
        let bad = |key: &'static str, message: String| ConfigError::Setting {
            path: path.to_string(),
            key,
            message,
        };
        let need = |key: &'static str, v: Option<String>, what: &str| {
            v.map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| bad(key, format!("missing — {what}")))
        };
        let issuer = need(
            "issuer",
            raw.issuer,
            "the IdP's issuer URL, e.g. https://acme.okta.com/oauth2/default",
        )?;
        if let Some(p) = issuer_problem(&issuer) {
            return Err(bad("issuer", p));
        }
        let client_id = need(
            "client_id",
            raw.client_id,
            "the client id of centry's application at the IdP",
        )?;
        if client_id.chars().any(char::is_whitespace) {
            return Err(bad(
                "client_id",
                format!("`{client_id}` must not contain spaces"),
            ));
        }
        let bridge_role = need(
            "bridge_role",
            raw.bridge_role,
            "the IAM role ARN assumed with the IdP's token",
        )?;
        if !is_role_arn(&bridge_role) {
            return Err(bad(
                "bridge_role",
                format!("`{bridge_role}` is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
            ));
        }
        let application_arn = need(
            "application_arn",
            raw.application_arn,
            "the Identity Center application's ARN",
        )?;
        if !is_application_arn(&application_arn) {
            return Err(bad(
                "application_arn",
                format!(
                    "`{application_arn}` is not an Identity Center application ARN (arn:aws:sso::ACCOUNT:application/ssoins-…/apl-…)"
                ),
            ));
        }
        let target_roles = raw.target_roles.unwrap_or_default();
        if target_roles.is_empty() {
            return Err(bad(
                "target_roles",
                "missing — a list of IAM role ARNs to get identity-enhanced sessions for".into(),
            ));
        }
        if let Some(r) = target_roles.iter().find(|r| !is_role_arn(r)) {
            return Err(bad(
                "target_roles",
                format!("`{r}` is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
            ));
        }
        let region = need(
            "region",
            raw.region,
            "the Identity Center region, e.g. us-east-1",
        )?;
        if !is_region(&region) {
            return Err(bad(
                "region",
                format!("`{region}` is not an AWS region name"),
            ));
        }
        let scopes = raw
            .scopes
            .unwrap_or_else(|| DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect());
        if !scopes.iter().any(|s| s == "openid") {
            return Err(bad(
                "scopes",
                "must include `openid`, or the IdP returns no ID token".into(),
            ));
        }
        let endpoint_url = raw.endpoint_url.filter(|s| !s.trim().is_empty());
        if let Some(e) = &endpoint_url
            && url::Url::parse(e).is_err()
        {
            return Err(bad("endpoint_url", format!("`{e}` is not a URL")));
        }
        Ok(TipConfig {
            issuer,
            client_id,
            bridge_role,
            application_arn,
            target_roles,
            region,
            scopes,
            endpoint_url,
        })
    }

    /// The role to use: the one asked for (which must be configured), else the first.
    pub fn role(&self, asked: Option<&str>) -> Result<String, String> {
        match asked {
            None => Ok(self.target_roles[0].clone()),
            Some(r) if self.target_roles.iter().any(|t| t == r) => Ok(r.to_string()),
            Some(r) => Err(format!(
                "{r} is not one of the [tip] target_roles ({}) — add it there first",
                self.target_roles.join(", ")
            )),
        }
    }

    /// A stable key for what the cached links depend on.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let joined = [
            self.issuer.as_str(),
            &self.client_id,
            &self.bridge_role,
            &self.application_arn,
            &self.region,
            self.endpoint_url.as_deref().unwrap_or(""),
            &self.scopes.join(" "),
        ]
        .join("\n");
        hex::encode(&sha2::Sha256::digest(joined.as_bytes())[..12])
    }

    /// The section as TOML (`[tip]` and its settings).
    pub fn to_toml(&self) -> String {
        let mut t = toml::Table::new();
        t.insert("issuer".into(), self.issuer.clone().into());
        t.insert("client_id".into(), self.client_id.clone().into());
        t.insert("bridge_role".into(), self.bridge_role.clone().into());
        t.insert(
            "application_arn".into(),
            self.application_arn.clone().into(),
        );
        t.insert("target_roles".into(), self.target_roles.clone().into());
        t.insert("region".into(), self.region.clone().into());
        t.insert("scopes".into(), self.scopes.clone().into());
        if let Some(e) = &self.endpoint_url {
            t.insert("endpoint_url".into(), e.clone().into());
        }
        let mut doc = toml::Table::new();
        doc.insert("tip".into(), toml::Value::Table(t));
        toml::to_string(&doc).unwrap_or_default()
    }

    /// Write this as the `[tip]` section of `path`, editing the file in place: comments,
    /// formatting and the other sections stay byte for byte. A file that is not valid TOML is
    /// left alone (and the error says so); a symlinked file has its target written.
    pub fn write_to(&self, path: &Path) -> Result<(), ConfigError> {
        let shown = path.display().to_string();
        let unreadable = |message: String| ConfigError::Unreadable {
            path: shown.clone(),
            message,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(unreadable(e.to_string())),
        };
        let mine: toml::Table = self.to_toml().parse().unwrap_or_default();
        let tip = mine
            .get("tip")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let text = super::config_edit::set_tip_section(&text, &tip).map_err(unreadable)?;
        crate::fsutil::write_user_file(path, text.as_bytes()).map_err(|e| unreadable(e.to_string()))
    }

    /// Settings for an emulator serving `org` at `endpoint`: the first application with a JWT
    /// bearer grant, its first trusted issuer and audience, its first authorized role, and a
    /// reader role in the analytics account (or the Identity Center account).
    pub fn demo(org: &Org, endpoint: &str) -> Option<TipConfig> {
        let endpoint = endpoint.trim_end_matches('/');
        let app = org.applications.iter().find(|a| {
            !a.authorized_roles.is_empty()
                && a.grants
                    .iter()
                    .any(|g| !g.authorized_token_issuers.is_empty())
        })?;
        let trusted = app
            .grants
            .iter()
            .find_map(|g| g.authorized_token_issuers.first())?;
        let tti = org
            .trusted_token_issuers
            .iter()
            .find(|t| t.name == trusted.issuer)?;
        let instance_id = org.instance.instance_arn.rsplit('/').next()?;
        let account = org
            .accounts
            .iter()
            .find(|a| a.name == "analytics-prod")
            .map(|a| a.id.clone())
            .unwrap_or_else(|| org.instance.owner_account_id.clone());
        Some(TipConfig {
            issuer: tti.issuer_url.replace("{emulator}", endpoint),
            client_id: trusted.audiences.first()?.clone(),
            bridge_role: app.authorized_roles[0].clone(),
            application_arn: format!(
                "arn:aws:sso::{}:application/{instance_id}/{}",
                org.instance.owner_account_id, app.id
            ),
            target_roles: vec![
                format!("arn:aws:iam::{account}:role/AnalyticsReader"),
                format!("arn:aws:iam::{account}:role/AnalyticsEngineer"),
            ],
            region: org.instance.region.clone(),
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            endpoint_url: Some(endpoint.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> TipConfig {
        TipConfig::demo(&Org::demo(), "http://127.0.0.1:4000").unwrap()
    }

    #[test]
    fn the_demo_settings_round_trip_through_toml() {
        let c = demo();
        assert_eq!(c.issuer, "http://127.0.0.1:4000/idp");
        assert_eq!(c.client_id, "centry-demo");
        assert!(c.bridge_role.ends_with(":role/AcmeAnalyticsTokenBridge"));
        assert_eq!(TipConfig::parse(&c.to_toml(), "config.toml"), Ok(c));
    }

    #[test]
    fn each_bad_setting_is_named() {
        let c = demo();
        let with = |key: &str, value: &str| {
            let mut doc: toml::Table = c.to_toml().parse().unwrap();
            let tip = doc.get_mut("tip").unwrap().as_table_mut().unwrap();
            if value.is_empty() {
                tip.remove(key);
            } else {
                tip.insert(key.into(), toml::Value::String(value.into()));
            }
            TipConfig::parse(&toml::to_string(&doc).unwrap(), "c.toml")
                .unwrap_err()
                .to_string()
        };
        assert!(with("issuer", "").contains("[tip] issuer: missing"));
        assert!(with("issuer", "http://idp.example.com").contains("must use https"));
        assert!(
            with("bridge_role", "AcmeBridge")
                .contains("[tip] bridge_role: `AcmeBridge` is not an IAM role ARN")
        );
        assert!(with("application_arn", "apl-1").contains("[tip] application_arn"));
        assert!(with("region", "mars").contains("[tip] region"));
        assert!(with("client_id", "").contains("[tip] client_id: missing"));
        assert!(with("bogus", "x").contains("unknown field `bogus`"));
        assert!(
            TipConfig::parse("[other]\nx=1\n", "c.toml")
                .unwrap_err()
                .to_string()
                .contains("no [tip] section")
        );
        assert!(
            TipConfig::parse("[tip\n", "c.toml")
                .unwrap_err()
                .to_string()
                .contains("not valid TOML")
        );
    }

    #[test]
    fn only_configured_roles_are_used() {
        let c = demo();
        assert_eq!(c.role(None).unwrap(), c.target_roles[0]);
        assert!(
            c.role(Some("arn:aws:iam::111122223333:role/X"))
                .unwrap_err()
                .contains("target_roles")
        );
    }

    #[test]
    fn writing_keeps_other_sections() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "[ui]\ntheme = \"dark\"\n").unwrap();
        demo().write_to(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("theme = \"dark\""), "{text}");
        assert_eq!(TipConfig::load_from(&p).unwrap(), demo());
        std::fs::write(&p, "# mine\n[ui] # look\ntheme = 'dark'  # yes\n").unwrap();
        demo().write_to(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.starts_with("# mine\n[ui] # look\ntheme = 'dark'  # yes\n\n[tip]\n"),
            "{text}"
        );
        std::fs::write(&p, "not [toml").unwrap();
        assert!(demo().write_to(&p).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "not [toml");
    }
}
