//! The service layer: async, UI-free operations built on the official AWS SDK clients (and
//! small typed clients where no SDK crate exists). The TUI and the CLI call the same
//! functions; the emulator and real AWS are the same code path with a different endpoint.

pub mod admin;
pub mod approvals;
pub mod apps;
pub mod callback;
pub mod config_file;
pub mod console;
pub mod error;
pub mod limiter;
pub mod local_store;
pub mod portal;
pub mod qdev;
pub mod role_cache;
pub mod settings;
pub mod signin;
pub mod targets;
pub mod tip;
pub mod tip_admin;
pub mod token_cache;
pub mod trail;
pub mod trail_files;
pub mod web;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::region::Region;

pub use error::{ErrorKind, ServiceError};

/// Where to send requests and which regions to use.
#[derive(Debug, Clone, Default)]
pub struct Endpoint {
    /// `--endpoint-url` / `AWS_ENDPOINT_URL` (the emulator), or `None` for real AWS.
    pub url: Option<String>,
    /// The Identity Center instance's region (portal, OIDC, admin, identity store).
    pub sso_region: String,
    /// The region for CloudTrail and MPA calls (defaults to the SSO region).
    pub region: Option<String>,
}

impl Endpoint {
    /// Whether requests go to something other than real AWS.
    pub fn is_custom(&self) -> bool {
        self.url.is_some()
    }
}

/// Shared clients and configuration; cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// Where requests go.
    pub endpoint: Endpoint,
    http: SharedHttpClient,
    /// A plain HTTP client for the APIs with no SDK crate (portal applications, Q Developer,
    /// console federation).
    pub web: reqwest::Client,
    credentials: Option<SharedCredentialsProvider>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// How long a connection may take to open before the endpoint counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The SDK HTTP client: hyper + rustls with the ring provider (one TLS stack for the crate).
fn sdk_http_client() -> SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

impl Services {
    /// Services for an endpoint, without AWS credentials (enough for sign-in and the portal).
    pub fn new(endpoint: Endpoint) -> Services {
        let web = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("centry/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Services {
            endpoint,
            http: sdk_http_client(),
            web,
            credentials: None,
        }
    }

    /// The same services calling the admin, directory and trail APIs with these credentials.
    pub fn with_credentials(&self, creds: Credentials) -> Services {
        Services {
            credentials: Some(SharedCredentialsProvider::new(creds)),
            ..self.clone()
        }
    }

    /// The same services using role credentials (picked in the developer's console).
    pub fn with_role_credentials(
        &self,
        c: &crate::model::credentials::RoleCredentials,
    ) -> Services {
        let expiry = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(c.expiration.unix_timestamp().max(0) as u64);
        self.with_credentials(Credentials::new(
            c.access_key_id.clone(),
            c.secret_access_key.expose().to_string(),
            Some(c.session_token.expose().to_string()),
            Some(expiry),
            "centry-role",
        ))
    }

    /// The same services with credentials from the usual AWS chain (environment, `--profile`).
    pub async fn with_default_chain(&self, profile: Option<&str>) -> Services {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.endpoint.sso_region.clone()))
            .http_client(self.http.clone());
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        let conf = loader.load().await;
        Services {
            credentials: conf.credentials_provider(),
            ..self.clone()
        }
    }

    /// Whether AWS credentials are configured for the SigV4 services.
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// An `SdkConfig` for a region, with this endpoint, HTTP client and credentials.
    /// `retries` = false turns SDK retries off for callers that pace and retry themselves.
    pub fn sdk_config(&self, region: &str, retries: bool) -> aws_types::SdkConfig {
        let mut b = aws_types::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .http_client(self.http.clone())
            .retry_config(if retries {
                // Quick attempts: a dead endpoint is reported within seconds; throttling is
                // paced and retried by the limiter.
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_max_backoff(Duration::from_secs(1))
            } else {
                RetryConfig::disabled()
            })
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            );
        if let Some(url) = &self.endpoint.url {
            b = b.endpoint_url(url.clone());
        }
        if let Some(c) = &self.credentials {
            b = b.credentials_provider(c.clone());
        }
        b.build()
    }

    fn trail_region(&self) -> String {
        self.endpoint
            .region
            .clone()
            .unwrap_or_else(|| self.endpoint.sso_region.clone())
    }

    /// The access portal client (no credentials: bearer token per call).
    pub fn sso(&self, retries: bool) -> aws_sdk_sso::Client {
        aws_sdk_sso::Client::new(&self.sdk_config(&self.endpoint.sso_region, retries))
    }

    /// The OIDC client.
    pub fn oidc(&self) -> aws_sdk_ssooidc::Client {
        aws_sdk_ssooidc::Client::new(&self.sdk_config(&self.endpoint.sso_region, true))
    }

    /// The Identity Center admin client.
    pub fn sso_admin(&self, retries: bool) -> aws_sdk_ssoadmin::Client {
        aws_sdk_ssoadmin::Client::new(&self.sdk_config(&self.endpoint.sso_region, retries))
    }

    /// The Identity Store client.
    pub fn identity_store(&self, retries: bool) -> aws_sdk_identitystore::Client {
        aws_sdk_identitystore::Client::new(&self.sdk_config(&self.endpoint.sso_region, retries))
    }

    /// The Organizations client (global: us-east-1 in the commercial partition).
    pub fn organizations(&self, retries: bool) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::new(&self.sdk_config("us-east-1", retries))
    }

    /// The CloudTrail client.
    pub fn cloudtrail(&self, retries: bool) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::new(&self.sdk_config(&self.trail_region(), retries))
    }

    /// The multi-party approval client.
    pub fn mpa(&self, retries: bool) -> aws_sdk_mpa::Client {
        aws_sdk_mpa::Client::new(&self.sdk_config(&self.trail_region(), retries))
    }

    /// The STS client.
    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk_config(&self.endpoint.sso_region, true))
    }
}
