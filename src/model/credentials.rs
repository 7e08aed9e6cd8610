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

/// Where credentials are used: the region, and the endpoint when centry talks to an emulator,
/// so what centry hands out works in the AWS CLI as it is (v1 reads only
/// `AWS_DEFAULT_REGION`; v2 and the SDKs read `AWS_REGION`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    /// The region for calls.
    pub region: String,
    /// A custom endpoint (the emulator), if any.
    pub endpoint_url: Option<String>,
}

impl Destination {
    /// The environment variables naming the region and endpoint.
    pub fn env_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("AWS_REGION", self.region.clone()),
            ("AWS_DEFAULT_REGION", self.region.clone()),
        ];
        if let Some(url) = &self.endpoint_url {
            out.push(("AWS_ENDPOINT_URL", url.clone()));
        }
        out
    }
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

    /// Render in a format for use at `to`; `reveal` = false masks the secret parts (for
    /// screens).
    pub fn render(
        &self,
        format: CredentialFormat,
        reveal: bool,
        profile: &str,
        to: &Destination,
    ) -> String {
        let secret = self.secret_text(&self.secret_access_key, reveal);
        let token = self.secret_text(&self.session_token, reveal);
        match format {
            CredentialFormat::Env => {
                let mut out = format!(
                    "export AWS_ACCESS_KEY_ID={}\nexport AWS_SECRET_ACCESS_KEY={}\nexport AWS_SESSION_TOKEN={}\nexport AWS_CREDENTIAL_EXPIRATION={}\n",
                    shell_quote(&self.access_key_id),
                    shell_quote(&secret),
                    shell_quote(&token),
                    self.expiration_text()
                );
                for (k, v) in to.env_pairs() {
                    out.push_str(&format!("export {k}={}\n", shell_quote(&v)));
                }
                out
            }
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
        let masked = c.render(CredentialFormat::Env, false, "p", &Destination::default());
        assert!(!masked.contains("wJalrXUtnFEMI"));
        assert!(masked.contains("ASIAEXAMPLE"));
        let shown = c.render(CredentialFormat::Env, true, "p", &Destination::default());
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    }

    #[test]
    fn credential_process_follows_the_protocol() {
        let v: serde_json::Value = serde_json::from_str(&creds().render(
            CredentialFormat::CredentialProcess,
            true,
            "p",
            &Destination::default(),
        ))
        .unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["Expiration"], "2027-01-15T08:00:00Z");
        assert_eq!(v["AccountId"], "111122223333");
    }

    #[test]
    fn export_lines_carry_the_region_for_both_cli_versions_and_the_endpoint() {
        let to = Destination {
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:4566".into()),
        };
        let env = creds().render(CredentialFormat::Env, true, "p", &to);
        assert!(env.contains("export AWS_REGION=eu-west-1\n"), "{env}");
        assert!(
            env.contains("export AWS_DEFAULT_REGION=eu-west-1\n"),
            "{env}"
        );
        assert!(
            env.contains("export AWS_ENDPOINT_URL=http://127.0.0.1:4566\n"),
            "{env}"
        );
        let real = creds().render(CredentialFormat::Env, true, "p", &Destination::default());
        assert!(!real.contains("AWS_ENDPOINT_URL"), "{real}");
    }
}
