//! Applications the access portal shows a person, and Amazon Q Developer profiles.

use serde::Serialize;

/// An application instance in the access portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInstance {
    /// Portal instance id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// What kind of application (`Custom SAML 2.0 application`).
    pub application_name: String,
    /// How to open it (loaded per application).
    pub profiles: Option<Vec<AppProfile>>,
}

/// A way to open an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProfile {
    /// Profile id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// URL to open.
    pub url: String,
    /// `SAML`, `OAUTH`, …
    pub protocol: String,
    /// Relay state.
    pub relay_state: Option<String>,
}

/// An Amazon Q Developer profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QProfile {
    /// Profile ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Region (from the ARN).
    pub region: String,
    /// Description.
    pub description: Option<String>,
    /// `ACTIVE`, …
    pub status: Option<String>,
    /// Functionalities switched on.
    pub active_functionalities: Vec<String>,
    /// Customizations (loaded per profile).
    pub customizations: Option<Vec<QCustomization>>,
}

/// A Q Developer customization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QCustomization {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// The region in a profile ARN (its fourth field).
pub fn arn_region(arn: &str) -> String {
    arn.split(':').nth(3).unwrap_or_default().to_string()
}
