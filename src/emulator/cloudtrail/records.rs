//! One [`Activity`] → its CloudTrail records, in the shapes AWS documents: the sign-in chain on
//! `signin.amazonaws.com` (see [`signin`]), access-portal calls on `sso.amazonaws.com` with the
//! target account and role in `serviceEventDetails`, OIDC `CreateToken` and
//! `CreateTokenWithIAM` on `sso-oauth.amazonaws.com`, MFA device self-service on
//! `sso-directory.amazonaws.com`, and signed API calls with the caller's identity. Secrets in
//! parameters and answers read `HIDDEN_DUE_TO_SECURITY_REASONS`.

pub mod signin;

use rand::Rng;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::identity;
use crate::emulator::activity::{Activity, Origin};
use crate::emulator::state::State;
use crate::emulator::wire::iso_s;

/// The value AWS writes in place of secrets.
pub const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// A record with its time.
pub type Timed = (OffsetDateTime, Value);

/// A random UUID from `rng` (seeded for the history, so its ids are reproducible).
pub fn uuid(rng: &mut impl Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// The fields every record has.
pub struct Base<'a> {
    /// `eventTime`.
    pub time: OffsetDateTime,
    /// `eventSource`.
    pub source: &'a str,
    /// `eventName`.
    pub name: &'a str,
    /// Where the request came from.
    pub origin: &'a Origin,
    /// `userIdentity`.
    pub identity: Value,
    /// `readOnly`.
    pub read_only: bool,
    /// `eventType` (`AwsApiCall`, `AwsServiceEvent`).
    pub event_type: &'a str,
    /// `recipientAccountId`.
    pub recipient: String,
}

impl Base<'_> {
    /// The record, ready for the optional members.
    pub fn build(self, st: &State, rng: &mut impl Rng) -> Map<String, Value> {
        let v = json!({
            "eventVersion": "1.11",
            "userIdentity": self.identity,
            "eventTime": iso_s(self.time),
            "eventSource": self.source,
            "eventName": self.name,
            "awsRegion": st.org.instance.region,
            "sourceIPAddress": self.origin.ip,
            "userAgent": self.origin.user_agent,
            "requestParameters": null,
            "responseElements": null,
            "requestID": uuid(rng),
            "eventID": uuid(rng),
            "readOnly": self.read_only,
            "eventType": self.event_type,
            "managementEvent": true,
            "recipientAccountId": self.recipient,
            "eventCategory": "Management",
        });
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
}

fn error_members(m: &mut Map<String, Value>, error: &Option<(String, String)>) {
    if let Some((code, message)) = error {
        m.insert("errorCode".into(), json!(code));
        m.insert("errorMessage".into(), json!(message));
    }
}

/// The records of one activity at `at`.
pub fn records(st: &State, at: OffsetDateTime, a: &Activity, rng: &mut impl Rng) -> Vec<Timed> {
    match a {
        Activity::SignIn {
            user,
            typed_user_name,
            origin,
            outcome,
            credential_id,
            auth_workflow_id,
        } => signin::chain(
            st,
            at,
            signin::Attempt {
                user: *user,
                typed: typed_user_name,
                origin,
                outcome: *outcome,
                credential_id: credential_id.as_deref(),
                workflow: auth_workflow_id,
            },
            rng,
        ),
        Activity::CreateToken {
            user,
            client_id,
            grant_type,
            origin,
            error,
            credential_id,
        } => vec![(
            at,
            create_token(
                st,
                at,
                *user,
                client_id,
                grant_type,
                origin,
                error,
                credential_id,
                rng,
            ),
        )],
        Activity::Portal {
            user,
            credential_id,
            origin,
            event_name,
            account_id,
            role_name,
            error,
        } => {
            let q = matches!(
                event_name.as_str(),
                "ListAvailableProfiles" | "ListAvailableCustomizations"
            );
            let mut m = Base {
                time: at,
                source: if q {
                    "codewhisperer.amazonaws.com"
                } else {
                    "sso.amazonaws.com"
                },
                name: event_name,
                origin,
                identity: identity::identity_center_user(st, *user, Some(credential_id)),
                read_only: event_name.starts_with("List") || event_name.starts_with("Get"),
                event_type: if q { "AwsApiCall" } else { "AwsServiceEvent" },
                recipient: st.org.instance.owner_account_id.clone(),
            }
            .build(st, rng);
            let mut details = Map::new();
            if let Some(r) = role_name {
                details.insert("role_name".into(), json!(r));
            }
            if let Some(acct) = account_id {
                details.insert("account_id".into(), json!(acct));
            }
            if !details.is_empty() {
                m.insert("serviceEventDetails".into(), Value::Object(details));
            }
            error_members(&mut m, error);
            vec![(at, Value::Object(m))]
        }
        Activity::MfaDevice {
            user,
            credential_id,
            origin,
            event_name,
            device_type,
            error,
        } => {
            let mut m = Base {
                time: at,
                source: "sso-directory.amazonaws.com",
                name: event_name,
                origin,
                identity: identity::identity_center_user(st, *user, Some(credential_id)),
                read_only: event_name.starts_with("List"),
                event_type: "AwsApiCall",
                recipient: st.org.instance.owner_account_id.clone(),
            }
            .build(st, rng);
            let mut request = json!({"userId": st.org.users[*user].id});
            if !event_name.starts_with("List") {
                request["mfaDeviceType"] = json!(device_type);
            }
            m.insert("requestParameters".into(), request);
            error_members(&mut m, error);
            vec![(at, Value::Object(m))]
        }
        Activity::AwsCall {
            caller,
            origin,
            event_source,
            event_name,
            read_only,
            request,
            error,
        } => {
            let mut m = Base {
                time: at,
                source: event_source,
                name: event_name,
                origin,
                identity: identity::caller(st, caller, at),
                read_only: *read_only,
                event_type: "AwsApiCall",
                recipient: identity::caller_account(st, caller),
            }
            .build(st, rng);
            if !request.is_null() {
                m.insert("requestParameters".into(), request.clone());
            }
            error_members(&mut m, error);
            vec![(at, Value::Object(m))]
        }
        Activity::AssumeRoleWithWebIdentity { .. } => {
            vec![(at, signin::web_identity(st, at, a, rng))]
        }
        Activity::CreateTokenWithIam {
            caller,
            origin,
            application_arn,
            grant_type,
            scopes,
            user,
            credential_id,
            expires_in,
            error,
        } => {
            let mut m = Base {
                time: at,
                source: "sso-oauth.amazonaws.com",
                name: "CreateTokenWithIAM",
                origin,
                identity: identity::caller(st, caller, at),
                read_only: false,
                event_type: "AwsApiCall",
                recipient: st.org.instance.owner_account_id.clone(),
            }
            .build(st, rng);
            m.insert(
                "requestParameters".into(),
                json!({"clientId": application_arn, "grantType": grant_type,
                       "scope": scopes, "assertion": HIDDEN}),
            );
            if error.is_none() {
                m.insert(
                    "responseElements".into(),
                    json!({"accessToken": HIDDEN, "expiresIn": expires_in, "tokenType": "Bearer",
                           "issuedTokenType": "urn:ietf:params:oauth:token-type:access_token"}),
                );
            }
            if let Some(u) = user {
                let mut extra = json!({
                    "identitystore:UserId": st.org.users[*u].id,
                    "identitystore:IdentityStoreArn": st.identity_store_arn(),
                });
                if let Some(c) = credential_id {
                    extra["identitycenter:CredentialId"] = json!(c);
                }
                m.insert("additionalEventData".into(), extra);
            }
            m.insert(
                "resources".into(),
                json!([{"type": "AWS::SSO::Application", "ARN": application_arn}]),
            );
            error_members(&mut m, error);
            vec![(at, Value::Object(m))]
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn create_token(
    st: &State,
    at: OffsetDateTime,
    user: Option<usize>,
    client_id: &str,
    grant_type: &str,
    origin: &Origin,
    error: &Option<String>,
    credential_id: &Option<String>,
    rng: &mut impl Rng,
) -> Value {
    let identity = match (user, error) {
        (Some(u), None) => identity::identity_center_user(st, u, credential_id.as_deref()),
        _ => identity::unknown(st),
    };
    let mut m = Base {
        time: at,
        source: "sso-oauth.amazonaws.com",
        name: "CreateToken",
        origin,
        identity,
        read_only: false,
        event_type: "AwsApiCall",
        recipient: st.org.instance.owner_account_id.clone(),
    }
    .build(st, rng);
    let mut request =
        json!({"clientId": client_id, "clientSecret": HIDDEN, "grantType": grant_type});
    let secret_member = match grant_type {
        "urn:ietf:params:oauth:grant-type:device_code" => Some("deviceCode"),
        "authorization_code" => Some("code"),
        "refresh_token" => Some("refreshToken"),
        _ => None,
    };
    if let Some(k) = secret_member {
        request[k] = json!(HIDDEN);
    }
    m.insert("requestParameters".into(), request);
    match error {
        None => {
            m.insert(
                "responseElements".into(),
                json!({"accessToken": HIDDEN, "tokenType": "Bearer",
                       "expiresIn": st.settings.token_ttl, "refreshToken": HIDDEN,
                       "idToken": HIDDEN}),
            );
        }
        Some(code) => {
            m.insert("errorCode".into(), json!(code));
        }
    }
    m.insert(
        "resources".into(),
        json!([{"accountId": st.org.instance.owner_account_id, "type": "IdentityStoreId",
                "ARN": st.org.instance.identity_store_id}]),
    );
    Value::Object(m)
}
