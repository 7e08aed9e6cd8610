//! Who is calling a SigV4 service, and what their permission set lets them do (the signature
//! itself is checked before, by `sigv4.rs`). The emulator
//! reads the access key id from the `Authorization` header, checks the session token belongs
//! to it, and grants powers from the permission set's AWS-managed policies — the same
//! decision AWS makes, coarsened to the read/write powers centry exercises.

use axum::http::HeaderMap;
use time::OffsetDateTime;

use super::activity::Caller;
use super::state::{Principal, State};
use super::wire::ApiError;

/// A power an API call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// sso-admin reads.
    SsoRead,
    /// sso-admin writes (CreateAccountAssignment, …).
    SsoWrite,
    /// identitystore reads.
    DirectoryRead,
    /// organizations reads.
    OrgsRead,
    /// cloudtrail LookupEvents.
    TrailRead,
    /// mpa reads.
    MpaRead,
    /// Anything any valid credentials may do (sts GetCallerIdentity).
    Any,
}

/// Which AWS-managed policies grant which powers.
fn policy_powers(policy_arn: &str) -> &'static [Power] {
    use Power::*;
    match policy_arn.rsplit('/').next().unwrap_or_default() {
        "AdministratorAccess" => &[
            SsoRead,
            SsoWrite,
            DirectoryRead,
            OrgsRead,
            TrailRead,
            MpaRead,
        ],
        "PowerUserAccess" => &[SsoRead, SsoWrite, DirectoryRead, TrailRead, MpaRead],
        "ReadOnlyAccess" | "SecurityAudit" => {
            &[SsoRead, DirectoryRead, OrgsRead, TrailRead, MpaRead]
        }
        "AWSSSOReadOnly" => &[SsoRead, DirectoryRead],
        "AWSSSODirectoryReadOnly" => &[DirectoryRead],
        "AWSSSOMasterAccountAdministrator" => &[SsoRead, SsoWrite, DirectoryRead],
        "AWSCloudTrail_ReadOnlyAccess" => &[TrailRead],
        "AWSOrganizationsReadOnlyAccess" => &[OrgsRead],
        _ => &[],
    }
}

/// Whether a power must be exercised from the Identity Center (management) account.
fn needs_identity_center_account(power: Power) -> bool {
    !matches!(power, Power::TrailRead | Power::Any)
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// For the activity log.
    pub caller: Caller,
    /// The account the call is made in.
    pub account_id: String,
    /// The caller's ARN (for messages and GetCallerIdentity).
    pub arn: String,
    /// The caller's user id (GetCallerIdentity `UserId`).
    pub user_id: String,
}

/// The access key id in a SigV4 `Authorization` header.
pub fn access_key_id(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256")?;
    let cred = rest
        .split(',')
        .find_map(|p| p.trim().strip_prefix("Credential="))?;
    Some(cred.split('/').next()?.to_string())
}

/// The role ARN of an SSO role session.
pub fn sso_role_arn(state: &State, account_id: &str, pset: usize, user: usize) -> String {
    let name = &state.org.permission_sets[pset].name;
    format!(
        "arn:aws:sts::{account_id}:assumed-role/AWSReservedSSO_{name}_{}/{}",
        reserved_role_suffix(&state.org.permission_sets[pset].id),
        state.org.users[user].user_name
    )
}

/// The 16-hex suffix AWS appends to reserved SSO role names (stable per permission set).
pub fn reserved_role_suffix(pset_id: &str) -> String {
    use sha1::Digest;
    hex::encode(&sha1::Sha1::digest(pset_id.as_bytes())[..8])
}

/// Authenticate the request's credentials.
pub fn authenticate(state: &State, headers: &HeaderMap) -> Result<Authenticated, ApiError> {
    let Some(akid) = access_key_id(headers) else {
        return Err(ApiError::new(
            400,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let invalid = || {
        ApiError::new(
            400,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    };
    let Some(principal) = state.credentials.get(&akid) else {
        return Err(invalid());
    };
    let session_token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    match principal {
        Principal::Operator => {
            let mgmt = state.org.organization.management_account_id.clone();
            Ok(Authenticated {
                caller: Caller::Operator {
                    access_key_id: akid,
                },
                arn: format!("arn:aws:iam::{mgmt}:user/centry-emulator-operator"),
                user_id: "AIDACENTRYEMULATOROP".into(),
                account_id: mgmt,
            })
        }
        Principal::Role(s) => {
            if session_token != Some(s.session_token.as_str()) {
                return Err(invalid());
            }
            if s.expires <= OffsetDateTime::now_utc() {
                return Err(expired());
            }
            let (arn, role_id, session_name) = match &s.role_arn {
                // An identity-enhanced session from STS AssumeRole: `role_arn` is its
                // assumed-role ARN, and the person is the session name.
                Some(arn) => {
                    let (role, session) = assumed_role_parts(arn);
                    (arn.clone(), role_unique_id(&role), session)
                }
                None => (
                    sso_role_arn(state, &s.account_id, s.pset, s.user),
                    format!(
                        "AROA{}",
                        &reserved_role_suffix(&state.org.permission_sets[s.pset].id).to_uppercase()
                            [..12]
                    ),
                    state.org.users[s.user].user_name.clone(),
                ),
            };
            Ok(Authenticated {
                caller: Caller::Role {
                    user: s.user,
                    account_id: s.account_id.clone(),
                    pset: s.pset,
                    access_key_id: akid,
                    credential_id: s.credential_id.clone(),
                    role_arn: s.role_arn.clone(),
                    identity_enhanced: s.identity_context.is_some(),
                },
                account_id: s.account_id.clone(),
                user_id: format!("{role_id}:{session_name}"),
                arn,
            })
        }
        Principal::WebIdentity(w) => {
            if session_token != Some(w.session_token.as_str()) {
                return Err(invalid());
            }
            if w.expires <= OffsetDateTime::now_utc() {
                return Err(expired());
            }
            let role_id = role_unique_id(&w.role_arn);
            Ok(Authenticated {
                caller: Caller::WebIdentity {
                    account_id: w.account_id.clone(),
                    role_arn: w.role_arn.clone(),
                    role_id: role_id.clone(),
                    session_name: w.session_name.clone(),
                    access_key_id: akid,
                    issuer: w.issuer.clone(),
                    subject: w.subject.clone(),
                    created: w.created,
                },
                account_id: w.account_id.clone(),
                user_id: format!("{role_id}:{}", w.session_name),
                arn: w.assumed_role_arn(),
            })
        }
    }
}

fn expired() -> ApiError {
    ApiError::new(
        400,
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
}

/// The unique id (`AROA` + 17) of an IAM role, stable per role ARN.
pub fn role_unique_id(role_arn: &str) -> String {
    use sha1::Digest;
    let h = hex::encode(sha1::Sha1::digest(role_arn.as_bytes())).to_uppercase();
    format!("AROA{}", &h[..17])
}

/// The IAM role ARN and session name of an assumed-role ARN
/// (`arn:aws:sts::A:assumed-role/R/S` → (`arn:aws:iam::A:role/R`, `S`)).
pub fn assumed_role_parts(arn: &str) -> (String, String) {
    let (prefix, rest) = arn.split_once(":assumed-role/").unwrap_or((arn, ""));
    let (role, session) = rest.rsplit_once('/').unwrap_or((rest, ""));
    let account = prefix.rsplit(':').next().unwrap_or_default();
    (
        format!("arn:aws:iam::{account}:role/{role}"),
        session.to_string(),
    )
}

/// Check that an authenticated caller may perform `action` (e.g. `sso:ListInstances`).
pub fn authorize(
    state: &State,
    who: &Authenticated,
    power: Power,
    action: &str,
) -> Result<(), ApiError> {
    let allowed = match &who.caller {
        Caller::Operator { .. } => true,
        Caller::Anonymous => false,
        // Sessions from STS (bridge roles, identity-enhanced sessions) carry no permission
        // set: the emulator models no IAM policies for them beyond what any caller may do.
        Caller::WebIdentity { .. }
        | Caller::Role {
            role_arn: Some(_), ..
        } => power == Power::Any,
        Caller::Role {
            pset, account_id, ..
        } => {
            let in_idc_account = account_id == &state.org.instance.owner_account_id;
            let has = power == Power::Any
                || state.org.permission_sets[*pset]
                    .managed_policies
                    .iter()
                    .any(|p| policy_powers(p).contains(&power));
            has && (!needs_identity_center_account(power) || in_idc_account)
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::access_denied(format!(
            "User: {} is not authorized to perform: {action} because no identity-based policy allows the {action} action",
            who.arn
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_access_key_from_sigv4_header() {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/us-east-1/sso/aws4_request, SignedHeaders=host, Signature=abc",
            ),
        );
        assert_eq!(access_key_id(&h).as_deref(), Some("ASIAEXAMPLE"));
        h.insert("authorization", HeaderValue::from_static("Bearer xyz"));
        assert_eq!(access_key_id(&h), None);
    }

    #[test]
    fn assumed_role_arns_split_into_role_and_session() {
        assert_eq!(
            assumed_role_parts(
                "arn:aws:sts::111122223333:assumed-role/Reader/jordan.lee@acme.example"
            ),
            (
                "arn:aws:iam::111122223333:role/Reader".to_string(),
                "jordan.lee@acme.example".to_string()
            )
        );
        assert_eq!(role_unique_id("x").len(), 21);
    }

    #[test]
    fn policies_map_to_powers() {
        assert!(policy_powers("arn:aws:iam::aws:policy/SecurityAudit").contains(&Power::TrailRead));
        assert!(
            !policy_powers("arn:aws:iam::aws:policy/AWSSSOReadOnly").contains(&Power::SsoWrite)
        );
        assert!(policy_powers("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").is_empty());
    }
}
