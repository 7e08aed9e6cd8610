//! sso-oidc CreateTokenWithIAM (`POST /token?aws_iam=t`, SigV4-signed): an IAM principal (the
//! bridge role) exchanges an external IdP's token for Identity Center tokens on behalf of the
//! person in it. Enforced as Identity Center does: the caller must be named by the
//! application's authentication method (IAM actor policy), the assertion's issuer must be a
//! trusted token issuer the application's JWT-bearer grant accepts, its signature must verify
//! against that issuer's keys, it must be unexpired, its `aud` must be one the grant allows for
//! that issuer, and the issuer's claim mapping must find exactly one enabled person (assigned,
//! where the application requires it). Each refusal names its cause.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Emu;
use super::activity::{Activity, Caller};
use super::caller::{assumed_role_parts, authenticate, reserved_role_suffix};
use super::jwt::{self, JwtError};
use super::oidc::oauth_error;
use super::router::RequestCtx;
use super::sso_admin::{application_arn, tti_arn};
use super::state::{AccessToken, RefreshToken, State as EmuState};
use super::wire::{ALNUM, ApiError, Protocol, ok_json, random_from};

/// The JWT bearer grant (RFC 7523).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Lifetime of tokens from CreateTokenWithIAM, at most (seconds).
const EXCHANGE_TTL: i64 = 3600;

/// An identity context handed out in an ID token's `sts:identity_context`, usable once per
/// AssumeRole until it expires.
#[derive(Debug, Clone)]
pub struct IdentityContext {
    /// The person (index into `org.users`).
    pub user: usize,
    /// The Identity Center session it belongs to (CloudTrail `credentialId`).
    pub credential_id: String,
    /// The application it was issued for.
    pub application_arn: String,
    /// When it stops being accepted.
    pub expires: OffsetDateTime,
}

/// POST /token: CreateTokenWithIAM when the query says `aws_iam=t`, else CreateToken.
pub async fn token_endpoint(
    State(emu): State<Arc<Emu>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let iam = query.as_deref().is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "aws_iam" && v == "t")
    });
    if !iam {
        return super::oidc::create_token(State(emu), ConnectInfo(peer), headers, body).await;
    }
    let ctx = RequestCtx::new(peer, headers);
    create_token_with_iam(&emu, &ctx, &body)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    client_id: Option<String>,
    grant_type: Option<String>,
    assertion: Option<String>,
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
}

/// What a successful exchange produced, for the answer and the activity record.
struct Issued {
    body: Value,
    user: usize,
    credential_id: String,
    scopes: Vec<String>,
}

fn invalid_grant(msg: String) -> ApiError {
    oauth_error(400, "InvalidGrantException", "invalid_grant", &msg)
}

fn create_token_with_iam(emu: &Emu, ctx: &RequestCtx, body: &Bytes) -> Response {
    let mut st = emu.state();
    let input: Input = serde_json::from_slice(body).unwrap_or_default();
    let who = authenticate(&st, &ctx.headers);
    let caller = who
        .as_ref()
        .map(|w| w.caller.clone())
        .unwrap_or(Caller::Anonymous);
    let mut user = None;
    let result = match &who {
        Err(e) => Err(ApiError::new(403, &e.code, e.message.clone()).protocol(Protocol::RestJson)),
        Ok(w) => exchange(&mut st, &w.caller, &w.arn, &input, &mut user),
    };
    let app_arn = input.client_id.clone().unwrap_or_default();
    let grant_type = input.grant_type.clone().unwrap_or_default();
    match result {
        Ok(issued) => {
            st.record(Activity::CreateTokenWithIam {
                caller,
                origin: ctx.origin.clone(),
                application_arn: app_arn,
                grant_type,
                scopes: issued.scopes,
                user: Some(issued.user),
                credential_id: Some(issued.credential_id),
                expires_in: issued.body["expiresIn"].as_i64().unwrap_or(0),
                error: None,
            });
            ok_json(Protocol::RestJson, issued.body)
        }
        Err(e) => {
            st.record(Activity::CreateTokenWithIam {
                caller,
                origin: ctx.origin.clone(),
                application_arn: app_arn,
                grant_type,
                scopes: input.scope.clone(),
                user,
                credential_id: None,
                expires_in: 0,
                error: Some((e.code.clone(), e.message.clone())),
            });
            e.into_response()
        }
    }
}

/// The IAM ARN an application policy names for a caller.
fn iam_principal(st: &EmuState, caller: &Caller, arn: &str) -> String {
    match caller {
        Caller::WebIdentity { role_arn, .. } => role_arn.clone(),
        Caller::Role {
            role_arn: Some(a), ..
        } => assumed_role_parts(a).0,
        Caller::Role {
            account_id, pset, ..
        } => format!(
            "arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/{}/AWSReservedSSO_{}_{}",
            st.org.instance.region,
            st.org.permission_sets[*pset].name,
            reserved_role_suffix(&st.org.permission_sets[*pset].id)
        ),
        _ => arn.to_string(),
    }
}

/// Whether an application policy entry (role ARN, account id or account root) covers `principal`.
fn policy_allows(entry: &str, principal: &str) -> bool {
    let account = principal.split(':').nth(4).unwrap_or_default();
    entry == principal
        || entry == account
        || entry == format!("arn:aws:iam::{account}:root").as_str()
}

fn exchange(
    st: &mut EmuState,
    caller: &Caller,
    caller_arn: &str,
    input: &Input,
    user_out: &mut Option<usize>,
) -> Result<Issued, ApiError> {
    let (Some(app_arn), Some(grant)) = (&input.client_id, &input.grant_type) else {
        return Err(oauth_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "clientId and grantType are required",
        ));
    };
    let app = (0..st.org.applications.len())
        .find(|&i| application_arn(st, i) == *app_arn)
        .ok_or_else(|| {
            oauth_error(
                401,
                "InvalidClientException",
                "invalid_client",
                &format!(
                    "clientId {app_arn} is not an application of this Identity Center instance"
                ),
            )
        })?;
    let principal = iam_principal(st, caller, caller_arn);
    let a = &st.org.applications[app];
    if !a
        .authorized_roles
        .iter()
        .any(|r| policy_allows(r, &principal))
    {
        return Err(oauth_error(
            400,
            "AccessDeniedException",
            "access_denied",
            &format!(
                "{principal} is not allowed to call CreateTokenWithIAM for application {}: its application policy (IAM authentication method) allows {}",
                a.name,
                if a.authorized_roles.is_empty() {
                    "no principal".to_string()
                } else {
                    a.authorized_roles.join(", ")
                }
            ),
        ));
    }
    let (user, credential_id, tti) = match grant.as_str() {
        JWT_BEARER => {
            let (user, tti) = check_assertion(st, app, input.assertion.as_deref(), user_out)?;
            (user, random_from(ALNUM, 32), Some(tti))
        }
        "refresh_token" => {
            let r = input
                .refresh_token
                .as_deref()
                .and_then(|t| st.refresh_tokens.get(t))
                .filter(|r| !r.revoked && r.client_id == *app_arn)
                .ok_or_else(|| invalid_grant("Invalid refresh token".into()))?;
            (r.user, r.credential_id.clone(), None)
        }
        "authorization_code" | "urn:ietf:params:oauth:grant-type:token-exchange" => {
            return Err(oauth_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                &format!(
                    "The emulator's CreateTokenWithIAM supports the JWT bearer and refresh token grants, not {grant}"
                ),
            ));
        }
        other => {
            return Err(oauth_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            ));
        }
    };
    *user_out = Some(user);
    let a = &st.org.applications[app];
    let scopes = if input.scope.is_empty() {
        a.scopes.clone()
    } else {
        input.scope.clone()
    };
    if let Some(bad) = scopes.iter().find(|s| !a.scopes.contains(s)) {
        return Err(oauth_error(
            400,
            "InvalidScopeException",
            "invalid_scope",
            &format!(
                "Scope {bad} is not an access scope of application {}",
                a.name
            ),
        ));
    }
    let now = OffsetDateTime::now_utc();
    let ttl = st.settings.token_ttl.clamp(1, EXCHANGE_TTL);
    let expires = now + time::Duration::seconds(ttl);
    let access = format!("aoa{}", random_from(ALNUM, 120));
    st.tokens.insert(
        access.clone(),
        AccessToken {
            user,
            client_id: app_arn.clone(),
            scopes: scopes.clone(),
            expires,
            credential_id: credential_id.clone(),
            revoked: false,
        },
    );
    let refresh = format!("aor{}", random_from(ALNUM, 120));
    st.refresh_tokens.insert(
        refresh.clone(),
        RefreshToken {
            user,
            client_id: app_arn.clone(),
            scopes: scopes.clone(),
            credential_id: credential_id.clone(),
            revoked: false,
        },
    );
    let identity_context = format!("AQoJb3JpZ2luX2VjE{}", random_from(ALNUM, 200));
    st.identity_contexts.insert(
        identity_context.clone(),
        IdentityContext {
            user,
            credential_id: credential_id.clone(),
            application_arn: app_arn.clone(),
            expires,
        },
    );
    let id_token = identity_center_id_token(
        st,
        app_arn,
        user,
        &credential_id,
        &identity_context,
        tti,
        now,
        expires,
    )
    .map_err(|e| oauth_error(500, "InternalServerException", "server_error", &e))?;
    let body = json!({
        "accessToken": access,
        "tokenType": "Bearer",
        "expiresIn": ttl,
        "refreshToken": refresh,
        "idToken": id_token,
        "issuedTokenType": "urn:ietf:params:oauth:token-type:access_token",
        "scope": scopes,
        "awsAdditionalDetails": {"identityContext": identity_context},
    });
    Ok(Issued {
        body,
        user,
        credential_id,
        scopes,
    })
}

/// Check a JWT-bearer assertion against the application's grant: the person it names and the
/// trusted token issuer (index) that vouched for them.
fn check_assertion(
    st: &EmuState,
    app: usize,
    assertion: Option<&str>,
    user_out: &mut Option<usize>,
) -> Result<(usize, usize), ApiError> {
    let a = &st.org.applications[app];
    let grant = a
        .grants
        .iter()
        .find(|g| matches!(g.grant_type.as_str(), "jwt_bearer" | "jwt-bearer" | JWT_BEARER))
        .ok_or_else(|| {
            oauth_error(
                400,
                "UnauthorizedClientException",
                "unauthorized_client",
                &format!("Application {} has no JWT bearer grant: it accepts no tokens from trusted token issuers", a.name),
            )
        })?;
    let token = assertion
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid_grant("assertion is required for the JWT bearer grant".into()))?;
    let (_, peeked) =
        jwt::peek(token).map_err(|e| invalid_grant(format!("The assertion is refused: {e}")))?;
    let iss = jwt::claim_str(&peeked, "iss")
        .ok_or_else(|| invalid_grant("The assertion has no `iss` claim".into()))?;
    let origin = &st.settings.origin;
    let tti = st
        .org
        .trusted_token_issuers
        .iter()
        .position(|t| t.issuer_url.replace("{emulator}", origin).trim_end_matches('/') == iss.trim_end_matches('/'))
        .ok_or_else(|| {
            invalid_grant(format!(
                "The assertion's issuer {iss} is not a trusted token issuer of this Identity Center instance"
            ))
        })?;
    let t = &st.org.trusted_token_issuers[tti];
    let authorized = grant
        .authorized_token_issuers
        .iter()
        .find(|ai| ai.issuer == t.name)
        .ok_or_else(|| {
            invalid_grant(format!(
                "The assertion's issuer {iss} (trusted token issuer {}) is not trusted by application {}'s JWT bearer grant",
                t.name, a.name
            ))
        })?;
    if super::idp::server_for_issuer(st, iss).is_none() {
        return Err(invalid_grant(format!(
            "Could not retrieve the signing keys of {iss} through OpenID discovery"
        )));
    }
    let claims = jwt::verify(token, jwt::demo_key()).map_err(|e| match e {
        JwtError::Expired(_) => oauth_error(
            400,
            "ExpiredTokenException",
            "expired_token",
            &format!("The assertion has expired: {e}"),
        ),
        other => invalid_grant(format!("The assertion is refused: {other}")),
    })?;
    let auds = jwt::audiences(&claims);
    if !auds.iter().any(|x| authorized.audiences.contains(x)) {
        return Err(invalid_grant(format!(
            "The assertion's aud {} is not an audience application {} accepts from {} (accepted: {})",
            if auds.is_empty() {
                "(none)".to_string()
            } else {
                auds.join(", ")
            },
            a.name,
            t.name,
            authorized.audiences.join(", ")
        )));
    }
    let claim = jwt::claim_str(&claims, &t.claim_attribute_path).ok_or_else(|| {
        invalid_grant(format!(
            "The assertion has no `{}` claim, which {} maps to {}",
            t.claim_attribute_path, t.name, t.identity_store_attribute_path
        ))
    })?;
    let matches: Vec<usize> = (0..st.org.users.len())
        .filter(|&u| {
            let p = &st.org.users[u];
            match t.identity_store_attribute_path.as_str() {
                "emails.value" | "email" => p.email.eq_ignore_ascii_case(claim),
                "userName" => p.user_name == claim,
                "externalIds.id" => p.external_id.as_ref().is_some_and(|x| x.id == claim),
                _ => false,
            }
        })
        .collect();
    let user = match matches.as_slice() {
        [one] => *one,
        [] => {
            return Err(invalid_grant(format!(
                "No user in the identity store has {} = {claim} (the assertion's `{}` claim, mapped by {})",
                t.identity_store_attribute_path, t.claim_attribute_path, t.name
            )));
        }
        _ => {
            return Err(invalid_grant(format!(
                "Several users have {} = {claim}: the mapping must identify one person",
                t.identity_store_attribute_path
            )));
        }
    };
    *user_out = Some(user);
    let person = &st.org.users[user];
    if person.status != "ENABLED" {
        return Err(oauth_error(
            400,
            "AccessDeniedException",
            "access_denied",
            &format!("User {} is disabled", person.user_name),
        ));
    }
    if !st.user_has_app(user, app) {
        return Err(oauth_error(
            400,
            "AccessDeniedException",
            "access_denied",
            &format!(
                "User {} is not assigned to application {}, which requires assignment",
                person.user_name, a.name
            ),
        ));
    }
    Ok((user, tti))
}

/// The Identity Center ID token (the shape AWS documents), carrying `sts:identity_context`.
#[allow(clippy::too_many_arguments)]
fn identity_center_id_token(
    st: &EmuState,
    app_arn: &str,
    user: usize,
    credential_id: &str,
    identity_context: &str,
    tti: Option<usize>,
    now: OffsetDateTime,
    expires: OffsetDateTime,
) -> Result<String, String> {
    let inst = &st.org.instance;
    let mut claims = json!({
        "aud": app_arn.rsplit('/').next().unwrap_or_default(),
        "auth_time": super::wire::iso_s(now),
        "aws:application_arn": app_arn,
        "aws:credential_id": credential_id,
        "aws:identity_store_arn": st.identity_store_arn(),
        "aws:identity_store_id": inst.identity_store_id,
        "aws:instance_account": inst.owner_account_id,
        "aws:instance_arn": inst.instance_arn,
        "exp": expires.unix_timestamp(),
        "iat": now.unix_timestamp(),
        "iss": format!("https://identitycenter.amazonaws.com/{}", st.instance_id()),
        "sts:audit_context": format!("AQoJb3JpZ2luX2VjE{}", random_from(ALNUM, 120)),
        "sts:identity_context": identity_context,
        "sub": st.org.users[user].id,
    });
    if let Some(i) = tti {
        claims["act"] = json!({"sub": tti_arn(st, i)});
    }
    jwt::demo_key().sign(&claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_policies_name_roles_accounts_or_roots() {
        let p = "arn:aws:iam::111122223333:role/Bridge";
        assert!(policy_allows(p, p));
        assert!(policy_allows("111122223333", p));
        assert!(policy_allows("arn:aws:iam::111122223333:root", p));
        assert!(!policy_allows("arn:aws:iam::111122223333:role/Other", p));
        assert!(!policy_allows("999988887777", p));
    }
}
