//! Links 2–4, the AWS side: STS AssumeRoleWithWebIdentity with the IdP's ID token (the bridge
//! role), sso-oidc CreateTokenWithIAM with the bridge credentials (Identity Center tokens whose
//! ID token carries `sts:identity_context`), and STS AssumeRole with `ProvidedContexts` (the
//! identity-enhanced session). Each refusal becomes a [`ChainError`] naming the setting or the
//! AWS-side configuration to fix.

use aws_credential_types::Credentials;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use base64::Engine;
use serde_json::Value;
use time::OffsetDateTime;

use super::cache::{IdentityCenterToken, SessionCreds};
use super::config::TipConfig;
use super::{ChainError, LinkId};
use crate::model::secret::Secret;
use crate::model::text::sanitize;
use crate::services::Services;

/// The JWT bearer grant of CreateTokenWithIAM.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The STS context provider for Identity Center identity contexts.
pub const IDENTITY_CENTER_PROVIDER: &str = "arn:aws:iam::aws:contextProvider/IdentityCenter";

/// Code and message of an SDK error (network failures become a message of their own).
fn describe<E, R>(e: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> (String, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let se = crate::services::ServiceError::from_sdk("", e);
    (
        se.code.unwrap_or_default(),
        sanitize(&se.message).into_owned(),
    )
}

/// A role session name from the person (`[\w+=,.@-]`, 2–64 characters).
pub fn session_name(person: &str) -> String {
    let s: String = person
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if s.len() < 2 { "centry-tip".into() } else { s }
}

fn creds_of(
    role_arn: &str,
    c: Option<&aws_sdk_sts::types::Credentials>,
    arn: Option<&str>,
) -> Option<SessionCreds> {
    let c = c?;
    let secs = c.expiration().secs();
    Some(SessionCreds {
        role_arn: role_arn.to_string(),
        arn: arn.unwrap_or_default().to_string(),
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Secret::new(c.session_token()),
        expires_at: OffsetDateTime::from_unix_timestamp(secs).ok()?,
    })
}

/// The SDK credentials of a session.
pub fn sdk_credentials(s: &SessionCreds) -> Credentials {
    Credentials::new(
        s.access_key_id.clone(),
        s.secret_access_key.expose().to_string(),
        Some(s.session_token.expose().to_string()),
        None,
        "centry-tip",
    )
}

/// Link 2: the bridge role, from the IdP's ID token.
pub async fn assume_bridge(
    svc: &Services,
    cfg: &TipConfig,
    id_token: &Secret,
    person: &str,
) -> Result<SessionCreds, ChainError> {
    let out = svc
        .sts()
        .assume_role_with_web_identity()
        .role_arn(&cfg.bridge_role)
        .role_session_name(session_name(person))
        .web_identity_token(id_token.expose())
        .send()
        .await
        .map_err(|e| {
            let (code, msg) = describe(e);
            let fix = bridge_fix(cfg, &code, &msg);
            ChainError::new(
                LinkId::BridgeRole,
                format!("STS refused the IdP's token ({code}): {msg}"),
                fix,
            )
        })?;
    creds_of(
        &cfg.bridge_role,
        out.credentials(),
        out.assumed_role_user().map(|u| u.arn()),
    )
    .ok_or_else(|| {
        ChainError::new(
            LinkId::BridgeRole,
            "STS answered without credentials",
            "try again",
        )
    })
}

fn bridge_fix(cfg: &TipConfig, code: &str, msg: &str) -> String {
    let m = msg.to_lowercase();
    if code == "ExpiredTokenException" {
        "the IdP's token expired before AWS saw it: check this computer's clock, then run `centry tip login`".into()
    } else if m.contains("audience") {
        format!(
            "the IAM OIDC provider for {} must list [tip] client_id {} as a client ID (audience)",
            cfg.issuer, cfg.client_id
        )
    } else if code.starts_with("AccessDenied") || m.contains("not authorized") {
        format!(
            "[tip] bridge_role {}: its trust policy must allow sts:AssumeRoleWithWebIdentity from the IdP's OIDC provider (or set bridge_role to a role that does)",
            cfg.bridge_role
        )
    } else if m.contains("openidconnect provider") || m.contains("oidc provider") {
        format!(
            "create an IAM OIDC provider for [tip] issuer {} in the bridge role's account",
            cfg.issuer
        )
    } else if m.contains("signature") || m.contains("key") {
        "the IdP's token does not verify against its published keys: check [tip] issuer, then `centry tip login`".into()
    } else if code == "ValidationError" {
        "check [tip] bridge_role".into()
    } else {
        "check [tip] bridge_role and issuer, and the bridge role's trust policy".into()
    }
}

/// The payload of a JWT, unverified (for reading what Identity Center put in its own token).
fn jwt_payload(token: &str) -> Option<Value> {
    let p = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Link 3: Identity Center tokens for the person, exchanged with the bridge credentials.
pub async fn exchange(
    svc: &Services,
    cfg: &TipConfig,
    bridge: &SessionCreds,
    id_token: &Secret,
) -> Result<IdentityCenterToken, ChainError> {
    let out = svc
        .with_credentials(sdk_credentials(bridge))
        .oidc()
        .create_token_with_iam()
        .client_id(&cfg.application_arn)
        .grant_type(JWT_BEARER)
        .assertion(id_token.expose())
        .send()
        .await
        .map_err(|e| {
            let (code, msg) = describe(e);
            let fix = exchange_fix(cfg, &code, &msg);
            ChainError::new(
                LinkId::TokenExchange,
                format!("Identity Center refused the exchange ({code}): {msg}"),
                fix,
            )
        })?;
    let claims = out.id_token().and_then(jwt_payload).unwrap_or(Value::Null);
    let claim = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
    let context = out
        .aws_additional_details()
        .and_then(|d| d.identity_context())
        .map(str::to_string)
        .or_else(|| claim("sts:identity_context"))
        .ok_or_else(|| {
            ChainError::new(
                LinkId::TokenExchange,
                "Identity Center's answer carries no identity context (sts:identity_context)",
                "the application must be a customer-managed OAuth application with trusted identity propagation",
            )
        })?;
    Ok(IdentityCenterToken {
        user_id: claim("sub").unwrap_or_default(),
        identity_store_arn: claim("aws:identity_store_arn").unwrap_or_default(),
        identity_context: Secret::new(context),
        expires_at: OffsetDateTime::now_utc() + time::Duration::seconds(out.expires_in().into()),
    })
}

fn exchange_fix(cfg: &TipConfig, code: &str, msg: &str) -> String {
    let m = msg.to_lowercase();
    if code == "AccessDeniedException" && m.contains("not assigned") {
        "assign the person (or a group of theirs) to the application in Identity Center".into()
    } else if code == "AccessDeniedException" && m.contains("createtokenwithiam") {
        format!(
            "[tip] bridge_role {} is not in the application's policy: add it in Identity Center (application → authentication methods → IAM), or set bridge_role to a role the policy names",
            cfg.bridge_role
        )
    } else if code == "InvalidClientException" {
        format!(
            "[tip] application_arn {} names no application of this Identity Center instance",
            cfg.application_arn
        )
    } else if m.contains("aud") {
        format!(
            "[tip] client_id {} is not an audience the application accepts from this issuer: add it to the application's JWT bearer grant, or set client_id to the IdP app it trusts",
            cfg.client_id
        )
    } else if m.contains("issuer") {
        format!(
            "[tip] issuer {} is not trusted: add it as a trusted token issuer in Identity Center and select it in the application's JWT bearer grant (or set issuer to the one it trusts)",
            cfg.issuer
        )
    } else if m.contains("no user") || m.contains("several users") {
        "the person's email at the IdP matches nobody in Identity Center: provision them, or fix the trusted token issuer's attribute mapping".into()
    } else if code == "ExpiredTokenException" {
        "the IdP's token expired: check this computer's clock, then run `centry tip login`".into()
    } else if code == "UnauthorizedClientException" {
        "the application accepts no JWT bearer grant: add one with the trusted token issuer in Identity Center".into()
    } else if m.contains("signature") || m.contains("signing key") {
        "the IdP's token does not verify against the trusted token issuer's keys: check [tip] issuer".into()
    } else if code == "InvalidScopeException" {
        "the application lacks an access scope centry asked for".into()
    } else {
        "check [tip] application_arn, bridge_role, issuer and client_id against the application in Identity Center".into()
    }
}

/// Link 4: the identity-enhanced session of `role`.
pub async fn assume_target(
    svc: &Services,
    bridge: &SessionCreds,
    role: &str,
    person: &str,
    context: &Secret,
) -> Result<SessionCreds, ChainError> {
    let out = svc
        .with_credentials(sdk_credentials(bridge))
        .sts()
        .assume_role()
        .role_arn(role)
        .role_session_name(session_name(person))
        .provided_contexts(
            aws_sdk_sts::types::ProvidedContext::builder()
                .provider_arn(IDENTITY_CENTER_PROVIDER)
                .context_assertion(context.expose())
                .build(),
        )
        .send()
        .await
        .map_err(|e| {
            let (code, msg) = describe(e);
            let fix = if code.starts_with("AccessDenied") {
                format!("the trust policy of {role} must allow the bridge role sts:AssumeRole and sts:SetContext")
            } else if code == "ExpiredTokenException" {
                "the identity context expired: run `centry tip login`".into()
            } else if code == "ValidationError" {
                format!("check [tip] target_roles ({role})")
            } else {
                format!("check [tip] target_roles ({role}) and that role's trust policy")
            };
            ChainError::new(LinkId::RoleSession, format!("STS refused the identity-enhanced session ({code}): {msg}"), fix)
        })?;
    creds_of(
        role,
        out.credentials(),
        out.assumed_role_user().map(|u| u.arn()),
    )
    .ok_or_else(|| {
        ChainError::new(
            LinkId::RoleSession,
            "STS answered without credentials",
            "try again",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_keep_to_what_sts_allows() {
        assert_eq!(
            session_name("jordan.lee@acme.example"),
            "jordan.lee@acme.example"
        );
        assert_eq!(session_name("a b/c"), "a-b-c");
        assert_eq!(session_name("x"), "centry-tip");
        assert_eq!(session_name(&"y".repeat(80)).len(), 64);
    }
}
