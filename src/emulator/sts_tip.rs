//! STS for trusted identity propagation: AssumeRoleWithWebIdentity (an external IdP's ID token
//! → a bridge-role session) and AssumeRole with `ProvidedContexts` (the bridge role + an
//! Identity Center identity context → an identity-enhanced session of the target role).
//!
//! What the emulator models of IAM: every account of the organisation has an IAM OIDC
//! provider for each issuer the emulated IdP serves, listing the IdP's registered clients; a
//! role trusts those providers when some application names it among the roles allowed to call
//! CreateTokenWithIAM (the bridge roles); any role of the organisation trusts the bridge roles
//! for `sts:AssumeRole` + `sts:SetContext`. Signatures, issuer, audience and expiry are
//! checked for real against the IdP's JWKS.

use std::collections::BTreeSet;

use axum::response::{IntoResponse, Response};
use serde_json::json;
use time::OffsetDateTime;

use super::Emu;
use super::activity::{Activity, Caller, IssuedSession};
use super::caller::{authenticate, role_unique_id};
use super::idp::{CLIENTS, server_for_issuer};
use super::jwt::{self, JwtError};
use super::router::RequestCtx;
use super::state::{Principal, RoleSession, State};
use super::sts::{sts_error, xml_ok};
use super::wire::{ALNUM, ApiError, UPPER_ALNUM, iso_s, random_from, xml_escape};

/// The context provider of Identity Center identity contexts.
pub const IDENTITY_CENTER_PROVIDER: &str = "arn:aws:iam::aws:contextProvider/IdentityCenter";

/// A bridge-role session vended by AssumeRoleWithWebIdentity.
#[derive(Debug, Clone)]
pub struct WebIdentitySession {
    /// Secret key.
    pub secret: String,
    /// Session token.
    pub session_token: String,
    /// The role's account.
    pub account_id: String,
    /// The IAM role ARN.
    pub role_arn: String,
    /// The role session name.
    pub session_name: String,
    /// The token's issuer.
    pub issuer: String,
    /// The token's audience.
    pub audience: String,
    /// The token's subject.
    pub subject: String,
    /// When the session started.
    pub created: OffsetDateTime,
    /// When it ends.
    pub expires: OffsetDateTime,
}

impl WebIdentitySession {
    /// `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    pub fn assumed_role_arn(&self) -> String {
        assumed_role_arn(&self.account_id, &self.role_arn, &self.session_name)
    }
}

fn assumed_role_arn(account: &str, role_arn: &str, session: &str) -> String {
    let name = role_arn.rsplit('/').next().unwrap_or_default();
    format!("arn:aws:sts::{account}:assumed-role/{name}/{session}")
}

/// The roles that trust the IdP's OIDC providers: those applications allow to exchange tokens.
pub fn bridge_roles(st: &State) -> BTreeSet<&str> {
    st.org
        .applications
        .iter()
        .flat_map(|a| a.authorized_roles.iter().map(String::as_str))
        .collect()
}

fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn missing(member: &str) -> ApiError {
    sts_error(
        400,
        "ValidationError",
        format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ),
    )
}

/// The account of a role ARN in the organisation, or why not.
fn role_account(st: &State, role_arn: &str) -> Result<String, ApiError> {
    let parsed = role_arn
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.split_once(":role/"))
        .filter(|(acct, name)| {
            acct.len() == 12 && acct.chars().all(|c| c.is_ascii_digit()) && !name.is_empty()
        });
    let Some((acct, _)) = parsed else {
        return Err(sts_error(
            400,
            "ValidationError",
            format!("{role_arn} is not a valid role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
        ));
    };
    if !st.idx.account_by_id.contains_key(acct) {
        return Err(sts_error(
            403,
            "AccessDenied",
            format!(
                "Not authorized to perform sts:AssumeRole*: account {acct} is not in this organization"
            ),
        ));
    }
    Ok(acct.to_string())
}

fn session_name(form: &[(String, String)]) -> Result<String, ApiError> {
    let name = field(form, "RoleSessionName").ok_or_else(|| missing("roleSessionName"))?;
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(name.to_string())
    } else {
        Err(sts_error(
            400,
            "ValidationError",
            format!(
                "1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            ),
        ))
    }
}

fn duration(form: &[(String, String)]) -> Result<i64, ApiError> {
    let d = match field(form, "DurationSeconds") {
        None => 3600,
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| sts_error(400, "ValidationError", "DurationSeconds must be a number"))?,
    };
    if d < 900 {
        return Err(sts_error(
            400,
            "ValidationError",
            "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
        ));
    }
    if d > 3600 {
        return Err(sts_error(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role (3600).",
        ));
    }
    Ok(d)
}

/// New key id, secret and session token.
fn new_keys() -> (String, String, String) {
    (
        format!("ASIA{}", random_from(UPPER_ALNUM, 16)),
        random_from(ALNUM, 40),
        format!("IQoJb3JpZ2luX2VjE{}", random_from(ALNUM, 300)),
    )
}

fn credentials_xml(akid: &str, secret: &str, token: &str, expires: OffsetDateTime) -> String {
    format!(
        "    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n",
        xml_escape(akid),
        xml_escape(secret),
        xml_escape(token),
        iso_s(expires)
    )
}

fn assumed_user_xml(issued: &IssuedSession) -> String {
    format!(
        "    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n",
        xml_escape(&issued.assumed_role_id),
        xml_escape(&issued.arn)
    )
}

/// Why STS refuses a web identity token.
fn token_error(e: JwtError) -> ApiError {
    match e {
        JwtError::Expired(exp) => sts_error(
            400,
            "ExpiredTokenException",
            format!(
                "Token expired: current date/time {} must be before the expiration date/time {exp}",
                OffsetDateTime::now_utc().unix_timestamp()
            ),
        ),
        other => sts_error(400, "InvalidIdentityToken", format!("{other}")),
    }
}

/// POST Action=AssumeRoleWithWebIdentity (unsigned).
pub fn assume_role_with_web_identity(
    emu: &Emu,
    ctx: &RequestCtx,
    form: &[(String, String)],
) -> Response {
    let mut st = emu.state();
    let token = field(form, "WebIdentityToken")
        .unwrap_or_default()
        .to_string();
    let peeked = jwt::peek(&token).ok().map(|(_, c)| c);
    let claim = |k: &str| {
        peeked
            .as_ref()
            .and_then(|c| jwt::claim_str(c, k))
            .map(str::to_string)
    };
    let (issuer, subject) = (claim("iss"), claim("sub"));
    let audience = peeked
        .as_ref()
        .and_then(|c| jwt::audiences(c).into_iter().next());
    let role_arn = field(form, "RoleArn").unwrap_or_default().to_string();
    let asked_name = field(form, "RoleSessionName")
        .unwrap_or_default()
        .to_string();
    let asked_duration = field(form, "DurationSeconds")
        .and_then(|d| d.parse().ok())
        .unwrap_or(3600);
    let result = (|| -> Result<(IssuedSession, String), ApiError> {
        if role_arn.is_empty() {
            return Err(missing("roleArn"));
        }
        if token.is_empty() {
            return Err(missing("webIdentityToken"));
        }
        let name = session_name(form)?;
        let secs = duration(form)?;
        let account = role_account(&st, &role_arn)?;
        let iss = issuer.clone().ok_or_else(|| {
            token_error(JwtError::Malformed("it has no readable `iss` claim".into()))
        })?;
        if server_for_issuer(&st, &iss).is_none() {
            return Err(sts_error(
                400,
                "InvalidIdentityToken",
                format!("No OpenIDConnect provider found in your account for {iss}"),
            ));
        }
        let claims = jwt::verify(&token, jwt::demo_key()).map_err(token_error)?;
        let auds = jwt::audiences(&claims);
        if !auds.iter().any(|a| CLIENTS.contains(&a.as_str())) {
            return Err(sts_error(
                400,
                "InvalidIdentityToken",
                format!(
                    "Incorrect token audience: {} is not a client ID of the OIDC provider {iss}",
                    auds.join(", ")
                ),
            ));
        }
        let sub = jwt::claim_str(&claims, "sub")
            .ok_or_else(|| token_error(JwtError::Malformed("it has no `sub` claim".into())))?
            .to_string();
        if !bridge_roles(&st).contains(role_arn.as_str()) {
            return Err(sts_error(
                403,
                "AccessDenied",
                format!(
                    "Not authorized to perform sts:AssumeRoleWithWebIdentity: the trust policy of {role_arn} does not allow the OIDC provider {iss}"
                ),
            ));
        }
        let now = OffsetDateTime::now_utc();
        let expires = now + time::Duration::seconds(secs);
        let (akid, secret, session_token) = new_keys();
        let session = WebIdentitySession {
            secret: secret.clone(),
            session_token: session_token.clone(),
            account_id: account.clone(),
            role_arn: role_arn.clone(),
            session_name: name.clone(),
            issuer: iss.clone(),
            audience: auds.first().cloned().unwrap_or_default(),
            subject: sub.clone(),
            created: now,
            expires,
        };
        let issued = IssuedSession {
            access_key_id: akid.clone(),
            assumed_role_id: format!("{}:{name}", role_unique_id(&role_arn)),
            arn: session.assumed_role_arn(),
            expires,
        };
        let provider = format!(
            "arn:aws:iam::{account}:oidc-provider/{}",
            iss.split_once("://").map_or(iss.as_str(), |(_, r)| r)
        );
        let body = format!(
            "{}    <SubjectFromWebIdentityToken>{}</SubjectFromWebIdentityToken>\n{}    <Provider>{}</Provider>\n    <Audience>{}</Audience>\n",
            credentials_xml(&akid, &secret, &session_token, expires),
            xml_escape(&sub),
            assumed_user_xml(&issued),
            xml_escape(&provider),
            xml_escape(&session.audience)
        );
        st.credentials.insert(akid, Principal::WebIdentity(session));
        Ok((issued, body))
    })();
    let (issued, error, response) = match result {
        Ok((issued, body)) => (
            Some(issued),
            None,
            xml_ok("AssumeRoleWithWebIdentity", &body),
        ),
        Err(e) => (
            None,
            Some((e.code.clone(), e.message.clone())),
            e.into_response(),
        ),
    };
    st.record(Activity::AssumeRoleWithWebIdentity {
        origin: ctx.origin.clone(),
        issuer,
        audience,
        subject,
        role_arn,
        session_name: asked_name,
        duration_s: asked_duration,
        issued,
        error,
    });
    response
}

/// The `ProvidedContexts.member.N.*` entries of a form: (provider ARN, assertion).
fn provided_contexts(form: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in 1.. {
        let p = field(form, &format!("ProvidedContexts.member.{n}.ProviderArn"));
        let a = field(
            form,
            &format!("ProvidedContexts.member.{n}.ContextAssertion"),
        );
        if p.is_none() && a.is_none() {
            break;
        }
        out.push((
            p.unwrap_or_default().to_string(),
            a.unwrap_or_default().to_string(),
        ));
    }
    out
}

/// POST Action=AssumeRole (signed): only identity-enhanced sessions, from a bridge role.
pub fn assume_role(emu: &Emu, ctx: &RequestCtx, form: &[(String, String)]) -> Response {
    let mut st = emu.state();
    let who = match authenticate(&st, &ctx.headers) {
        Ok(w) => w,
        Err(e) => {
            let (status, code) = match e.code.as_str() {
                "ExpiredTokenException" => (400, "ExpiredToken"),
                "MissingAuthenticationTokenException" => (403, "MissingAuthenticationToken"),
                _ => (403, "InvalidClientTokenId"),
            };
            return sts_error(status, code, e.message).into_response();
        }
    };
    let role_arn = field(form, "RoleArn").unwrap_or_default().to_string();
    let contexts = provided_contexts(form);
    let result = (|| -> Result<String, ApiError> {
        if role_arn.is_empty() {
            return Err(missing("roleArn"));
        }
        let name = session_name(form)?;
        let secs = duration(form)?;
        let account = role_account(&st, &role_arn)?;
        if !matches!(who.caller, Caller::WebIdentity { .. }) {
            return Err(sts_error(
                403,
                "AccessDenied",
                format!(
                    "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn} (in the emulator, roles trust only the trusted-identity-propagation bridge roles)",
                    who.arn
                ),
            ));
        }
        let (provider, assertion) = match contexts.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(sts_error(
                    400,
                    "ValidationError",
                    "The emulator's AssumeRole vends identity-enhanced sessions only: pass ProvidedContexts with the IAM Identity Center context provider",
                ));
            }
            _ => {
                return Err(sts_error(
                    400,
                    "ValidationError",
                    "Only one provided context is supported",
                ));
            }
        };
        if provider != IDENTITY_CENTER_PROVIDER {
            return Err(sts_error(
                400,
                "ValidationError",
                format!(
                    "ProviderArn {provider} is not a context provider; use {IDENTITY_CENTER_PROVIDER}"
                ),
            ));
        }
        let now = OffsetDateTime::now_utc();
        let context = st.identity_contexts.get(&assertion).cloned().ok_or_else(|| {
            sts_error(
                400,
                "InvalidParameterValue",
                "The ContextAssertion is not an identity context issued by IAM Identity Center (take sts:identity_context from CreateTokenWithIAM's ID token)",
            )
        })?;
        if context.expires <= now {
            return Err(sts_error(
                400,
                "ExpiredTokenException",
                "The identity context has expired: exchange a new IdP token with CreateTokenWithIAM",
            ));
        }
        let expires = (now + time::Duration::seconds(secs)).min(context.expires);
        let (akid, secret, session_token) = new_keys();
        let issued = IssuedSession {
            access_key_id: akid.clone(),
            assumed_role_id: format!("{}:{name}", role_unique_id(&role_arn)),
            arn: assumed_role_arn(&account, &role_arn, &name),
            expires,
        };
        st.credentials.insert(
            akid.clone(),
            Principal::Role(RoleSession {
                secret: secret.clone(),
                session_token: session_token.clone(),
                account_id: account,
                // Not an SSO session: no permission set. `role_arn` being set tells every
                // reader (caller.rs, CloudTrail) to use it instead.
                pset: 0,
                user: context.user,
                expires,
                credential_id: context.credential_id.clone(),
                identity_context: Some(assertion),
                role_arn: Some(issued.arn.clone()),
            }),
        );
        Ok(format!(
            "{}{}",
            credentials_xml(&akid, &secret, &session_token, expires),
            assumed_user_xml(&issued)
        ))
    })();
    let contexts_logged: Vec<_> = contexts
        .iter()
        .map(|(p, _)| json!({"providerArn": p}))
        .collect();
    let (error, response) = match result {
        Ok(body) => (None, xml_ok("AssumeRole", &body)),
        Err(e) => (Some((e.code.clone(), e.message.clone())), e.into_response()),
    };
    st.record(Activity::AwsCall {
        caller: who.caller,
        origin: ctx.origin.clone(),
        event_source: "sts.amazonaws.com".into(),
        event_name: "AssumeRole".into(),
        read_only: true,
        request: json!({
            "roleArn": role_arn,
            "roleSessionName": field(form, "RoleSessionName"),
            "durationSeconds": field(form, "DurationSeconds").and_then(|d| d.parse::<i64>().ok()),
            "providedContexts": contexts_logged,
        }),
        error,
    });
    response
}
