//! Sign-in records. A browser sign-in is a chain on `signin.amazonaws.com` sharing one
//! `AuthWorkflowID`: `CredentialChallenge` / `CredentialVerification` per factor (password, then
//! the person's MFA device), then `UserAuthentication`, then the portal's `Authenticate`. Each
//! step says how it went in `serviceEventDetails` (`Success` / `Failure`); there is no
//! `UserAuthentication` when a factor fails. Authenticated steps are `IdentityCenterUser` with
//! `onBehalfOf` and the new portal session as `credentialId`; failed attempts stay `Unknown`,
//! and the user name typed is kept in `additionalEventData.UserName` — masked as
//! `HIDDEN_DUE_TO_SECURITY_REASONS` when no such user exists. Also the STS web-identity
//! federation record (`AssumeRoleWithWebIdentity`, a `WebIdentityUser`).

use rand::Rng;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::{Base, HIDDEN, Timed};
use crate::emulator::activity::{Activity, Origin, SignInOutcome};
use crate::emulator::cloudtrail::identity;
use crate::emulator::state::State;
use crate::emulator::wire::iso_s;

/// The second factor a person's sign-ins use (stable per person: most have a device).
pub fn mfa_factor(st: &State, user: usize) -> Option<&'static str> {
    use sha1::Digest;
    let h = sha1::Sha1::digest(st.org.users[user].id.as_bytes());
    match h[0] % 6 {
        0 => None,
        1..=3 => Some("TOTP"),
        _ => Some("WEBAUTHN"),
    }
}

/// One browser sign-in attempt.
pub struct Attempt<'a> {
    /// The person, when the name typed is theirs.
    pub user: Option<usize>,
    /// The name typed.
    pub typed: &'a str,
    /// Browser origin.
    pub origin: &'a Origin,
    /// How it ended.
    pub outcome: SignInOutcome,
    /// The portal session a successful sign-in started.
    pub credential_id: Option<&'a str>,
    /// The `AuthWorkflowID`.
    pub workflow: &'a str,
}

struct Step {
    name: &'static str,
    credential_type: String,
    ok: bool,
}

fn step(name: &'static str, credential_type: &str, ok: bool) -> Step {
    Step {
        name,
        credential_type: credential_type.to_string(),
        ok,
    }
}

fn steps(outcome: SignInOutcome, factor: Option<&str>) -> Vec<Step> {
    let mut steps = vec![step("CredentialChallenge", "PASSWORD", true)];
    match outcome {
        SignInOutcome::BadPassword | SignInOutcome::UnknownUser => {
            steps.push(step("CredentialVerification", "PASSWORD", false));
        }
        SignInOutcome::BadMfa => {
            let f = factor.unwrap_or("TOTP");
            steps.push(step("CredentialVerification", "PASSWORD", true));
            steps.push(step("CredentialChallenge", f, true));
            steps.push(step("CredentialVerification", f, false));
        }
        SignInOutcome::Success | SignInOutcome::Denied => {
            steps.push(step("CredentialVerification", "PASSWORD", true));
            let mut used = "PASSWORD".to_string();
            if let Some(f) = factor {
                steps.push(step("CredentialChallenge", f, true));
                steps.push(step("CredentialVerification", f, true));
                used = format!("PASSWORD,{f}");
            }
            steps.push(step("UserAuthentication", &used, true));
        }
    }
    steps
}

/// The chain's records, ending at `at` (the steps are a few seconds apart before it).
pub fn chain(st: &State, at: OffsetDateTime, a: Attempt<'_>, rng: &mut impl Rng) -> Vec<Timed> {
    let known = a.user.filter(|_| a.outcome != SignInOutcome::UnknownUser);
    // Nobody can authenticate as a name the directory does not know.
    let outcome = match known {
        None => SignInOutcome::UnknownUser,
        Some(_) => a.outcome,
    };
    let factor = known.and_then(|u| mfa_factor(st, u));
    let steps = steps(outcome, factor);
    let authenticated = matches!(outcome, SignInOutcome::Success | SignInOutcome::Denied);
    let credential = (outcome == SignInOutcome::Success)
        .then_some(a.credential_id)
        .flatten();
    let n = steps.len() as i64;
    let mut out = Vec::with_capacity(steps.len() + 1);
    for (i, s) in steps.iter().enumerate() {
        // The steps end a second before the portal's Authenticate at `at`.
        let time = at - Duration::seconds(1 + 3 * (n - 1 - i as i64));
        let identity = match known {
            Some(u) if authenticated => identity::identity_center_user(st, u, credential),
            _ => identity::unknown(st),
        };
        let mut m = Base {
            time,
            source: "signin.amazonaws.com",
            name: s.name,
            origin: a.origin,
            identity,
            read_only: false,
            event_type: "AwsServiceEvent",
            recipient: st.org.instance.owner_account_id.clone(),
        }
        .build(st, rng);
        let mut extra = json!({"AuthWorkflowID": a.workflow, "CredentialType": s.credential_type});
        if s.name == "CredentialChallenge" && s.credential_type == "PASSWORD" {
            extra["UserName"] = json!(if known.is_some() { a.typed } else { HIDDEN });
        }
        if s.name == "UserAuthentication" {
            extra["LoginTo"] = json!(st.org.instance.start_url);
        }
        m.insert("additionalEventData".into(), extra);
        m.insert(
            "serviceEventDetails".into(),
            json!({ s.name: if s.ok { "Success" } else { "Failure" } }),
        );
        out.push((time, Value::Object(m)));
    }
    if let (SignInOutcome::Success, Some(u)) = (outcome, known) {
        let m = Base {
            time: at,
            source: "sso.amazonaws.com",
            name: "Authenticate",
            origin: a.origin,
            identity: identity::identity_center_user(st, u, credential),
            read_only: false,
            event_type: "AwsServiceEvent",
            recipient: st.org.instance.owner_account_id.clone(),
        }
        .build(st, rng);
        out.push((at, Value::Object(m)));
    }
    out
}

/// The account in an IAM ARN (`arn:aws:iam::<account>:role/...`).
fn arn_account(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

/// `AssumeRoleWithWebIdentity` (a `WebIdentityUser` on `sts.amazonaws.com`).
pub fn web_identity(st: &State, at: OffsetDateTime, a: &Activity, rng: &mut impl Rng) -> Value {
    let Activity::AssumeRoleWithWebIdentity {
        origin,
        issuer,
        audience,
        subject,
        role_arn,
        session_name,
        duration_s,
        issued,
        error,
    } = a
    else {
        return Value::Null;
    };
    let provider = identity::without_scheme(issuer.as_deref().unwrap_or_default()).to_string();
    let sub = subject.clone().unwrap_or_default();
    let aud = audience.clone().unwrap_or_default();
    let account = arn_account(role_arn).to_string();
    let mut m = Base {
        time: at,
        source: "sts.amazonaws.com",
        name: "AssumeRoleWithWebIdentity",
        origin,
        identity: json!({
            "type": "WebIdentityUser",
            "principalId": format!("{provider}:{aud}:{sub}"),
            "userName": sub,
            "identityProvider": provider,
        }),
        read_only: true,
        event_type: "AwsApiCall",
        recipient: if account.is_empty() {
            st.org.organization.management_account_id.clone()
        } else {
            account.clone()
        },
    }
    .build(st, rng);
    m.insert(
        "requestParameters".into(),
        json!({"roleArn": role_arn, "roleSessionName": session_name, "durationSeconds": duration_s}),
    );
    match (issued, error) {
        (Some(i), None) => {
            m.insert(
                "responseElements".into(),
                json!({
                    "credentials": {"accessKeyId": i.access_key_id, "sessionToken": HIDDEN,
                                    "expiration": iso_s(i.expires)},
                    "subjectFromWebIdentityToken": sub,
                    "assumedRoleUser": {"assumedRoleId": i.assumed_role_id, "arn": i.arn},
                    "provider": format!("arn:aws:iam::{account}:oidc-provider/{provider}"),
                    "audience": aud,
                }),
            );
        }
        (_, Some((code, message))) => {
            m.insert("errorCode".into(), json!(code));
            m.insert("errorMessage".into(), json!(message));
        }
        _ => {}
    }
    m.insert(
        "resources".into(),
        json!([{"accountId": account, "type": "AWS::IAM::Role", "ARN": role_arn}]),
    );
    Value::Object(m)
}
