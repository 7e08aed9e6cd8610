//! Role credentials and the ways a developer takes them away: `export` lines, the
//! `credential_process` JSON the AWS CLI and SDKs read, and an ini profile. Secrets stay
//! masked unless the caller explicitly reveals them.

use serde::Serialize;
use time::OffsetDateTime;

use super::secret::Secret;

/// Temporary credentials for one account and role.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleCredentials {
    /// Account.
    pub account_id: String,
    /// Role (permission set) name.
    pub role_name: String,
    /// Access key id (not secret on its own).
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Session token.
    pub session_token: Secret,
    /// When they stop working.
    pub expiration: OffsetDateTime,
}

/// Output formats for `centry creds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialFormat {
    /// `export AWS_ACCESS_KEY_ID=…` lines.
    Env,
    /// A JSON object with camelCase keys.
    Json,
    /// The `credential_process` protocol (Version 1).
    CredentialProcess,
    /// An `[profile]` block for ~/.aws/credentials.
    Ini,
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=_-.:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl RoleCredentials {
    fn secret_text(&self, s: &Secret, reveal: bool) -> String {
        if reveal {
            s.expose().to_string()
        } else {
            s.masked()
        }
    }

    /// RFC 3339 expiry with `Z`.
    pub fn expiration_text(&self) -> String {
        crate::emulator::wire::iso_s(self.expiration)
    }

    /// The environment variables.
    pub fn env_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", self.access_key_id.clone()),
            (
                "AWS_SECRET_ACCESS_KEY",
                self.secret_access_key.expose().to_string(),
            ),
            ("AWS_SESSION_TOKEN", self.session_token.expose().to_string()),
            ("AWS_CREDENTIAL_EXPIRATION", self.expiration_text()),
        ]
    }

    /// Render in a format; `reveal` = false masks the secret parts (for screens).
    pub fn render(&self, format: CredentialFormat, reveal: bool, profile: &str) -> String {
        let secret = self.secret_text(&self.secret_access_key, reveal);
        let token = self.secret_text(&self.session_token, reveal);
        match format {
            CredentialFormat::Env => format!(
                "export AWS_ACCESS_KEY_ID={}\nexport AWS_SECRET_ACCESS_KEY={}\nexport AWS_SESSION_TOKEN={}\nexport AWS_CREDENTIAL_EXPIRATION={}\n",
                shell_quote(&self.access_key_id),
                shell_quote(&secret),
                shell_quote(&token),
                self.expiration_text()
            ),
            CredentialFormat::CredentialProcess => format!(
                "{}\n",
                serde_json::json!({
                    "Version": 1,
                    "AccessKeyId": self.access_key_id,
                    "SecretAccessKey": secret,
                    "SessionToken": token,
                    "Expiration": self.expiration_text(),
                    "AccountId": self.account_id,
                })
            ),
            CredentialFormat::Json => format!(
                "{}\n",
                serde_json::json!({
                    "accountId": self.account_id,
                    "roleName": self.role_name,
                    "accessKeyId": self.access_key_id,
                    "secretAccessKey": secret,
                    "sessionToken": token,
                    "expiration": self.expiration_text(),
                })
            ),
            CredentialFormat::Ini => format!(
                "[{profile}]\naws_access_key_id = {}\naws_secret_access_key = {secret}\naws_session_token = {token}\n",
                self.access_key_id
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> RoleCredentials {
        RoleCredentials {
            account_id: "111122223333".into(),
            role_name: "Dev".into(),
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: Secret::new("IQoJb3JpZ2luX2VjEXAMPLETOKEN"),
            expiration: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
        }
    }

    #[test]
    fn masked_unless_revealed() {
        let c = creds();
        let masked = c.render(CredentialFormat::Env, false, "p");
        assert!(!masked.contains("wJalrXUtnFEMI"));
        assert!(masked.contains("ASIAEXAMPLE"));
        let shown = c.render(CredentialFormat::Env, true, "p");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    }

    #[test]
    fn credential_process_follows_the_protocol() {
        let v: serde_json::Value =
            serde_json::from_str(&creds().render(CredentialFormat::CredentialProcess, true, "p"))
                .unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["Expiration"], "2027-01-15T08:00:00Z");
        assert_eq!(v["AccountId"], "111122223333");
    }
}
