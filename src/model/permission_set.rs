//! Everything about one permission set: what it grants (AWS-managed and customer-managed
//! policies, the inline policy, the permissions boundary), how long its sessions last, and
//! where it is provisioned and whether that provisioning is current.

use serde::{Deserialize, Serialize};

use super::inventory::PermissionSetInfo;

/// An AWS-managed policy attached to a permission set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedPolicy {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
}

/// A customer-managed policy reference (resolved in each account by name and path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRef {
    /// Name.
    pub name: String,
    /// Path (`/` when unset).
    pub path: String,
}

/// A permissions boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Boundary {
    /// An AWS-managed policy (ARN).
    Managed(String),
    /// A customer-managed policy reference.
    CustomerManaged(PolicyRef),
}

impl Boundary {
    /// One line for screens.
    pub fn describe(&self) -> String {
        match self {
            Boundary::Managed(arn) => arn.clone(),
            Boundary::CustomerManaged(r) => format!("{}{} (customer managed)", r.path, r.name),
        }
    }
}

/// Where a permission set is provisioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provisioned {
    /// Account id.
    pub account_id: String,
    /// Whether the latest version is provisioned there (false: re-provisioning is due).
    pub current: bool,
}

/// One permission set in detail. Parts that could not be read are listed in `problems`
/// rather than shown as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetDetail {
    /// Name, description, session duration, relay state.
    pub info: PermissionSetInfo,
    /// AWS-managed policies.
    pub managed_policies: Vec<ManagedPolicy>,
    /// Customer-managed policy references.
    pub customer_managed: Vec<PolicyRef>,
    /// The inline policy as stored.
    pub inline_policy: Option<String>,
    /// The permissions boundary.
    pub boundary: Option<Boundary>,
    /// Accounts it is provisioned to.
    pub provisioned: Vec<Provisioned>,
    /// Parts that could not be read: (part, why).
    pub problems: Vec<(String, String)>,
}

/// A policy document pretty-printed (two-space JSON); text that is not JSON is returned
/// as it is.
pub fn pretty_policy(doc: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(doc) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| doc.to_string()),
        Err(_) => doc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_pretty_printed_and_non_json_kept() {
        let p = pretty_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#);
        assert!(p.contains("\n  \"Statement\": ["), "{p}");
        assert_eq!(pretty_policy("not json"), "not json");
    }

    #[test]
    fn boundaries_describe_themselves() {
        let b = Boundary::CustomerManaged(PolicyRef {
            name: "Fence".into(),
            path: "/boundaries/".into(),
        });
        assert_eq!(b.describe(), "/boundaries/Fence (customer managed)");
    }
}
