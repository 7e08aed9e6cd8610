//! What an administrator needs to see of trusted identity propagation, read through sso-admin
//! (and identitystore for assignment names): each application with its kind, grants (JWT
//! bearer with its trusted token issuers and `aud` values), authentication methods (the IAM
//! principals allowed to call CreateTokenWithIAM), access scopes, assignment requirement and
//! assignments; and the trusted token issuers with issuer URL and claim mapping. All calls go
//! through the Identity Center limiter.

use std::sync::Arc;

use aws_smithy_types::Document;
use serde_json::Value;

use super::limiter::Limiter;
use super::{ServiceError, Services};

/// A grant an application accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantInfo {
    /// Authorization code, with its redirect URIs.
    AuthorizationCode(Vec<String>),
    /// Refresh token.
    RefreshToken,
    /// JWT bearer: (trusted token issuer ARN, accepted `aud` values).
    JwtBearer(Vec<(String, Vec<String>)>),
    /// Token exchange.
    TokenExchange,
    /// Something newer than centry knows (its grant type).
    Other(String),
}

/// An application as the trusted-identity-propagation screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipApp {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// The application provider ARN.
    pub provider_arn: String,
    /// `ENABLED` / `DISABLED`.
    pub status: String,
    /// Grants.
    pub grants: Vec<GrantInfo>,
    /// IAM principals allowed to call CreateTokenWithIAM (from the IAM authentication method).
    pub exchange_principals: Vec<String>,
    /// Access scopes (e.g. `redshift:connect`).
    pub scopes: Vec<String>,
    /// Whether people must be assigned to use it (`None` when it could not be read).
    pub assignment_required: Option<bool>,
    /// Assigned principals: (`USER`/`GROUP`, name or id).
    pub assignments: Vec<(String, String)>,
}

impl TipApp {
    /// Customer-managed (made from a `custom…` provider) or AWS-managed.
    pub fn kind(&self) -> &'static str {
        if self
            .provider_arn
            .rsplit('/')
            .next()
            .is_some_and(|p| p.starts_with("custom"))
        {
            "customer managed"
        } else {
            "AWS managed"
        }
    }

    /// The JWT bearer grant's trusted issuers, if it has one.
    pub fn trusted_issuers(&self) -> &[(String, Vec<String>)] {
        self.grants
            .iter()
            .find_map(|g| match g {
                GrantInfo::JwtBearer(i) => Some(i.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }
}

/// A trusted token issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuer {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// The issuer URL (`iss` of its tokens).
    pub issuer_url: String,
    /// The claim naming the person (e.g. `email`).
    pub claim: String,
    /// The identity store attribute it must equal (e.g. `emails.value`).
    pub attribute: String,
}

/// The AWS service an access scope opens, in words.
pub fn scope_service(scope: &str) -> String {
    let prefix = scope.split(':').next().unwrap_or(scope);
    match prefix {
        "redshift" => "Amazon Redshift".into(),
        "s3" => "S3 Access Grants".into(),
        "sso" => "AWS access portal".into(),
        "codewhisperer" => "Amazon Q Developer".into(),
        "qbusiness" => "Amazon Q Business".into(),
        "lakeformation" => "Lake Formation".into(),
        "athena" => "Athena".into(),
        "quicksight" => "QuickSight".into(),
        "openid" | "profile" | "email" => "OpenID Connect".into(),
        other => other.to_string(),
    }
}

fn json_of(d: &Document) -> Value {
    match d {
        Document::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), json_of(v))).collect())
        }
        Document::Array(a) => Value::Array(a.iter().map(json_of).collect()),
        Document::String(s) => Value::String(s.clone()),
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(n) => serde_json::json!(n.to_f64_lossy()),
        Document::Null => Value::Null,
    }
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

/// The AWS principals an actor policy allows to call CreateTokenWithIAM.
pub fn exchange_principals(policy: &Value) -> Vec<String> {
    let statements = match policy.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => vec![],
    };
    let mut out = Vec::new();
    for s in statements {
        let allows = s.get("Effect").and_then(Value::as_str) == Some("Allow")
            && list(s.get("Action"))
                .iter()
                .any(|a| a == "sso-oauth:CreateTokenWithIAM" || a == "sso-oauth:*" || a == "*");
        if allows {
            let p = s.get("Principal");
            out.extend(list(p.and_then(|p| p.get("AWS"))));
            out.extend(list(p.and_then(|p| p.get("Service"))));
        }
    }
    out
}

fn err(op: &str) -> impl Fn(ServiceError) -> ServiceError + '_ {
    move |mut e| {
        if e.operation.is_empty() {
            e.operation = op.to_string();
        }
        e
    }
}

/// The instance ARN and identity store id (the first instance).
async fn instance(svc: &Services, limiter: &Limiter) -> Result<(String, String), ServiceError> {
    let admin = svc.sso_admin(false);
    let out = limiter
        .call(|| async {
            admin
                .list_instances()
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("ListInstances", e))
        })
        .await?;
    out.instances()
        .first()
        .and_then(|i| {
            Some((
                i.instance_arn()?.to_string(),
                i.identity_store_id()?.to_string(),
            ))
        })
        .ok_or_else(|| {
            ServiceError::new(
                "ListInstances",
                super::ErrorKind::NotFound,
                "no Identity Center instance",
            )
        })
}

/// Every application with what trusted identity propagation needs to know about it.
pub async fn load_applications(
    svc: &Services,
    limiter: Arc<Limiter>,
) -> Result<Vec<TipApp>, ServiceError> {
    let (instance, store) = instance(svc, &limiter).await?;
    let admin = svc.sso_admin(false);
    let mut apps = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = limiter
            .call(|| {
                let (admin, next, instance) = (admin.clone(), next.clone(), instance.clone());
                async move {
                    admin
                        .list_applications()
                        .instance_arn(instance)
                        .set_next_token(next)
                        .send()
                        .await
                        .map_err(|e| ServiceError::from_sdk("ListApplications", e))
                }
            })
            .await?;
        for a in page.applications() {
            apps.push(TipApp {
                arn: a.application_arn().unwrap_or_default().to_string(),
                name: a.name().unwrap_or_default().to_string(),
                provider_arn: a.application_provider_arn().unwrap_or_default().to_string(),
                status: a
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                grants: vec![],
                exchange_principals: vec![],
                scopes: vec![],
                assignment_required: None,
                assignments: vec![],
            });
        }
        next = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    let mut names = std::collections::HashMap::new();
    for app in &mut apps {
        fill(svc, &limiter, app)
            .await
            .map_err(err("DescribeApplication"))?;
        for (kind, id) in &mut app.assignments {
            if !names.contains_key(id.as_str()) {
                let name = principal_name(svc, &limiter, &store, kind, id).await;
                names.insert(id.clone(), name);
            }
            if let Some(Some(n)) = names.get(id.as_str()) {
                *id = n.clone();
            }
        }
    }
    apps.sort_by_key(|a| a.name.to_lowercase());
    Ok(apps)
}

async fn fill(svc: &Services, limiter: &Limiter, app: &mut TipApp) -> Result<(), ServiceError> {
    let admin = svc.sso_admin(false);
    let arn = app.arn.clone();
    let grants = limiter
        .call(|| async {
            admin
                .list_application_grants()
                .application_arn(&arn)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("ListApplicationGrants", e))
        })
        .await?;
    use aws_sdk_ssoadmin::types::Grant;
    app.grants = grants
        .grants()
        .iter()
        .map(|g| match g.grant() {
            Some(Grant::AuthorizationCode(c)) => {
                GrantInfo::AuthorizationCode(c.redirect_uris().to_vec())
            }
            Some(Grant::RefreshToken(_)) => GrantInfo::RefreshToken,
            Some(Grant::TokenExchange(_)) => GrantInfo::TokenExchange,
            Some(Grant::JwtBearer(j)) => GrantInfo::JwtBearer(
                j.authorized_token_issuers()
                    .iter()
                    .map(|i| {
                        (
                            i.trusted_token_issuer_arn().unwrap_or_default().to_string(),
                            i.authorized_audiences().to_vec(),
                        )
                    })
                    .collect(),
            ),
            _ => GrantInfo::Other(g.grant_type().as_str().to_string()),
        })
        .collect();
    let methods = limiter
        .call(|| async {
            admin
                .list_application_authentication_methods()
                .application_arn(&arn)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("ListApplicationAuthenticationMethods", e))
        })
        .await?;
    app.exchange_principals = methods
        .authentication_methods()
        .iter()
        .filter_map(|m| m.authentication_method()?.as_iam().ok())
        .flat_map(|iam| exchange_principals(&json_of(iam.actor_policy())))
        .collect();
    let scopes = limiter
        .call(|| async {
            admin
                .list_application_access_scopes()
                .application_arn(&arn)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("ListApplicationAccessScopes", e))
        })
        .await?;
    app.scopes = scopes
        .scopes()
        .iter()
        .map(|s| s.scope().to_string())
        .collect();
    app.assignment_required = limiter
        .call(|| async {
            admin
                .get_application_assignment_configuration()
                .application_arn(&arn)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("GetApplicationAssignmentConfiguration", e))
        })
        .await
        .ok()
        .map(|c| c.assignment_required());
    let assigned = limiter
        .call(|| async {
            admin
                .list_application_assignments()
                .application_arn(&arn)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("ListApplicationAssignments", e))
        })
        .await?;
    app.assignments = assigned
        .application_assignments()
        .iter()
        .map(|a| {
            (
                a.principal_type().as_str().to_string(),
                a.principal_id().to_string(),
            )
        })
        .collect();
    Ok(())
}

/// A user's name or a group's display name (`None` when it cannot be read: the id is shown).
async fn principal_name(
    svc: &Services,
    limiter: &Limiter,
    store: &str,
    kind: &str,
    id: &str,
) -> Option<String> {
    let ids = svc.identity_store(false);
    if kind == "GROUP" {
        let g = limiter
            .call(|| async {
                ids.describe_group()
                    .identity_store_id(store)
                    .group_id(id)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("DescribeGroup", e))
            })
            .await
            .ok()?;
        g.display_name().map(str::to_string)
    } else {
        let u = limiter
            .call(|| async {
                ids.describe_user()
                    .identity_store_id(store)
                    .user_id(id)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("DescribeUser", e))
            })
            .await
            .ok()?;
        u.user_name().map(str::to_string)
    }
}

/// Every trusted token issuer with its URL and claim mapping.
pub async fn load_issuers(
    svc: &Services,
    limiter: Arc<Limiter>,
) -> Result<Vec<TrustedIssuer>, ServiceError> {
    let (instance, _) = instance(svc, &limiter).await?;
    let admin = svc.sso_admin(false);
    let listed = limiter
        .call(|| async {
            admin
                .list_trusted_token_issuers()
                .instance_arn(&instance)
                .send()
                .await
                .map_err(|e| ServiceError::from_sdk("ListTrustedTokenIssuers", e))
        })
        .await?;
    let mut out = Vec::new();
    for t in listed.trusted_token_issuers() {
        let arn = t.trusted_token_issuer_arn().unwrap_or_default().to_string();
        let d = limiter
            .call(|| async {
                admin
                    .describe_trusted_token_issuer()
                    .trusted_token_issuer_arn(&arn)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("DescribeTrustedTokenIssuer", e))
            })
            .await?;
        let oidc = d
            .trusted_token_issuer_configuration()
            .and_then(|c| c.as_oidc_jwt_configuration().ok());
        out.push(TrustedIssuer {
            arn: arn.clone(),
            name: d.name().unwrap_or_default().to_string(),
            issuer_url: oidc.map(|o| o.issuer_url().to_string()).unwrap_or_default(),
            claim: oidc
                .map(|o| o.claim_attribute_path().to_string())
                .unwrap_or_default(),
            attribute: oidc
                .map(|o| o.identity_store_attribute_path().to_string())
                .unwrap_or_default(),
        });
    }
    out.sort_by_key(|t| t.name.to_lowercase());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_policies_name_who_may_exchange() {
        let p = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"]}, "Action": "sso-oauth:CreateTokenWithIAM"},
            {"Effect": "Allow", "Principal": {"Service": "redshift-data.amazonaws.com"}, "Action": "sso-oauth:*"},
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::1:role/C"}, "Action": "sso-oauth:CreateTokenWithIAM"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/D"}, "Action": "sso:ListInstances"}
        ]});
        assert_eq!(
            exchange_principals(&p),
            vec![
                "arn:aws:iam::1:role/A",
                "arn:aws:iam::1:role/B",
                "redshift-data.amazonaws.com"
            ]
        );
    }

    #[test]
    fn scopes_name_their_services_and_kinds_read_from_the_provider() {
        assert_eq!(scope_service("redshift:connect"), "Amazon Redshift");
        assert_eq!(
            scope_service("s3:access_grants:read_write"),
            "S3 Access Grants"
        );
        assert_eq!(scope_service("glue:catalog"), "glue");
        let mut a = TipApp {
            arn: String::new(),
            name: String::new(),
            provider_arn: "arn:aws:sso::aws:applicationProvider/custom-oauth".into(),
            status: String::new(),
            grants: vec![],
            exchange_principals: vec![],
            scopes: vec![],
            assignment_required: None,
            assignments: vec![],
        };
        assert_eq!(a.kind(), "customer managed");
        a.provider_arn = "arn:aws:sso::aws:applicationProvider/q-developer".into();
        assert_eq!(a.kind(), "AWS managed");
    }
}
