//! Trusted identity propagation: trusted token issuers, and an application's grants,
//! authentication methods and access scopes.

use serde_json::{Value, json};

use super::applications::application;
use super::{
    enum_error, instance_arn, invalid, listing, not_found, page, pattern_error, strip_partition,
};
use crate::emulator::org::AppGrant;
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, TokenStyle, paginate};

const TTI_ARN_PATTERN: &str = "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso::\\d{12}:trustedTokenIssuer/(sso)?ins-[a-zA-Z0-9-.]{16}/tti-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}";

/// The ARN of a trusted token issuer.
fn tti_arn(st: &State, i: usize) -> String {
    format!(
        "arn:aws:sso::{}:trustedTokenIssuer/{}/{}",
        st.org.instance.owner_account_id,
        st.instance_id(),
        st.org.trusted_token_issuers[i].id
    )
}

/// ListTrustedTokenIssuers.
pub fn list_trusted_token_issuers(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, invalid)?;
    let items: Vec<Value> = (0..st.org.trusted_token_issuers.len())
        .map(|i| {
            json!({
                "TrustedTokenIssuerArn": tti_arn(st, i),
                "Name": st.org.trusted_token_issuers[i].name,
                "TrustedTokenIssuerType": "OIDC_JWT",
            })
        })
        .collect();
    let (items, next) = page(st, call, items, 100, "ListTrustedTokenIssuers")?;
    Ok(listing("TrustedTokenIssuers", items, next))
}

/// DescribeTrustedTokenIssuer: the issuer URL (the emulator's own IdP where the seed says
/// `{emulator}`) and the claim mapping.
pub fn describe_trusted_token_issuer(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let arn = call.required_str("TrustedTokenIssuerArn")?;
    let well_formed = strip_partition(arn, "sso")
        .and_then(|r| r.strip_prefix(':'))
        .and_then(|r| r.split_once(":trustedTokenIssuer/"))
        .is_some_and(|(acct, rest)| {
            acct.len() == 12
                && rest
                    .split_once('/')
                    .is_some_and(|(_, t)| t.starts_with("tti-"))
        });
    if !well_formed {
        return Err(pattern_error("TrustedTokenIssuerArn", arn, TTI_ARN_PATTERN));
    }
    let i = (0..st.org.trusted_token_issuers.len())
        .find(|&i| tti_arn(st, i) == arn)
        .ok_or_else(|| not_found(format!("Trusted token issuer {arn} does not exist")))?;
    let t = &st.org.trusted_token_issuers[i];
    Ok(json!({
        "TrustedTokenIssuerArn": arn,
        "Name": t.name,
        "TrustedTokenIssuerType": "OIDC_JWT",
        "TrustedTokenIssuerConfiguration": {"OidcJwtConfiguration": {
            "IssuerUrl": t.issuer_url.replace("{emulator}", &st.settings.origin),
            "ClaimAttributePath": t.claim_attribute_path,
            "IdentityStoreAttributePath": t.identity_store_attribute_path,
            "JwksRetrievalOption": "OPEN_ID_DISCOVERY",
        }},
    }))
}

/// The wire name of a seed grant type.
fn wire_grant_type(seed: &str) -> &str {
    match seed {
        "jwt_bearer" | "jwt-bearer" => "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "token_exchange" | "token-exchange" => "urn:ietf:params:oauth:grant-type:token-exchange",
        other => other,
    }
}

/// The `Grant` union of a seed grant.
fn grant_json(st: &State, g: &AppGrant) -> Value {
    match wire_grant_type(&g.grant_type) {
        "authorization_code" => json!({"AuthorizationCode": {"RedirectUris": g.redirect_uris}}),
        "refresh_token" => json!({"RefreshToken": {}}),
        "urn:ietf:params:oauth:grant-type:token-exchange" => json!({"TokenExchange": {}}),
        _ => {
            let issuers: Vec<Value> = g
                .authorized_token_issuers
                .iter()
                .filter_map(|a| {
                    let i = st
                        .org
                        .trusted_token_issuers
                        .iter()
                        .position(|t| t.name == a.issuer)?;
                    Some(json!({"TrustedTokenIssuerArn": tti_arn(st, i), "AuthorizedAudiences": a.audiences}))
                })
                .collect();
            json!({"JwtBearer": {"AuthorizedTokenIssuers": issuers}})
        }
    }
}

/// A token for the operations that page without `MaxResults`.
fn token_page(
    call: &Call,
    items: Vec<Value>,
    fingerprint: &str,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let p = paginate(
        &items,
        call.optional_str("NextToken"),
        100,
        fingerprint,
        TokenStyle::UrlSafe,
    )
    .map_err(|_| ApiError::validation("The NextToken is not valid for this request"))?;
    Ok((p.items, p.next))
}

/// ListApplicationGrants.
pub fn list_application_grants(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let i = application(st, call)?;
    let items: Vec<Value> = st.org.applications[i]
        .grants
        .iter()
        .map(|g| json!({"GrantType": wire_grant_type(&g.grant_type), "Grant": grant_json(st, g)}))
        .collect();
    let (items, next) = token_page(call, items, &format!("ListApplicationGrants|{i}"))?;
    let mut out = json!({ "Grants": items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}

/// GetApplicationGrant: ResourceNotFoundException when the application lacks that grant.
pub fn get_application_grant(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let i = application(st, call)?;
    let wanted = call.required_str("GrantType")?;
    const TYPES: [&str; 4] = [
        "authorization_code",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    ];
    if !TYPES.contains(&wanted) {
        return Err(enum_error(
            "GrantType",
            wanted,
            &format!("[{}]", TYPES.join(", ")),
        ));
    }
    let g = st.org.applications[i]
        .grants
        .iter()
        .find(|g| wire_grant_type(&g.grant_type) == wanted)
        .ok_or_else(|| {
            not_found(format!(
                "Grant {wanted} is not configured for this application"
            ))
        })?;
    Ok(json!({ "Grant": grant_json(st, g) }))
}

/// ListApplicationAuthenticationMethods: IAM, with an actor policy naming the roles allowed to
/// call CreateTokenWithIAM for the application.
pub fn list_authentication_methods(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let i = application(st, call)?;
    let roles = &st.org.applications[i].authorized_roles;
    let items: Vec<Value> = if roles.is_empty() {
        vec![]
    } else {
        vec![json!({
            "AuthenticationMethodType": "IAM",
            "AuthenticationMethod": {"Iam": {"ActorPolicy": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"AWS": roles},
                    "Action": "sso-oauth:CreateTokenWithIAM",
                    "Resource": "*",
                }],
            }}},
        })]
    };
    let (items, next) = token_page(
        call,
        items,
        &format!("ListApplicationAuthenticationMethods|{i}"),
    )?;
    let mut out = json!({ "AuthenticationMethods": items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}

/// ListApplicationAccessScopes (`MaxResults` 1..10).
pub fn list_access_scopes(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let i = application(st, call)?;
    let items: Vec<Value> = st.org.applications[i]
        .scopes
        .iter()
        .map(|s| json!({"Scope": s, "AuthorizedTargets": []}))
        .collect();
    let (items, next) = page(
        st,
        call,
        items,
        10,
        &format!("ListApplicationAccessScopes|{i}"),
    )?;
    let mut out = json!({ "Scopes": items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}
