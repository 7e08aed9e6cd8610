//! The `userIdentity` element of a record, per kind of caller, as AWS writes it today: an
//! Identity Center person is `IdentityCenterUser` with `onBehalfOf {userId, identityStoreArn}`
//! and the portal session as `credentialId` (no `userName`, no `principalId`); nobody yet
//! authenticated is `Unknown`; IAM principals are `IAMUser` / `AssumedRole` with their session
//! context, and an identity-enhanced role session also carries `onBehalfOf`.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::emulator::activity::Caller;
use crate::emulator::caller::{
    assumed_role_parts, reserved_role_suffix, role_unique_id, sso_role_arn,
};
use crate::emulator::state::State;
use crate::emulator::wire::iso_s;

/// `onBehalfOf` for a person.
pub fn on_behalf_of(st: &State, user: usize) -> Value {
    json!({
        "userId": st.org.users[user].id,
        "identityStoreArn": st.identity_store_arn(),
    })
}

/// An authenticated Identity Center person; `credential_id` is their portal session.
pub fn identity_center_user(st: &State, user: usize, credential_id: Option<&str>) -> Value {
    let mut v = json!({
        "type": "IdentityCenterUser",
        "accountId": st.org.instance.owner_account_id,
        "onBehalfOf": on_behalf_of(st, user),
    });
    if let Some(c) = credential_id {
        v["credentialId"] = json!(c);
    }
    v
}

/// Nobody authenticated yet (a failed sign-in step, a refused token request).
pub fn unknown(st: &State) -> Value {
    let account = &st.org.instance.owner_account_id;
    json!({
        "type": "Unknown",
        "principalId": account,
        "arn": "",
        "accountId": account,
        "accessKeyId": "",
    })
}

/// The operator's IAM user name.
pub const OPERATOR_USER: &str = "centry-emulator-operator";

/// The account whose event history holds a call by `caller`.
pub fn caller_account(st: &State, caller: &Caller) -> String {
    match caller {
        Caller::Operator { .. } => st.org.organization.management_account_id.clone(),
        Caller::Role { account_id, .. } | Caller::WebIdentity { account_id, .. } => {
            account_id.clone()
        }
        Caller::Anonymous => st.org.instance.owner_account_id.clone(),
    }
}

/// The `userIdentity` of a signed AWS API call.
pub fn caller(st: &State, caller: &Caller, at: OffsetDateTime) -> Value {
    match caller {
        Caller::Operator { access_key_id } => {
            let account = &st.org.organization.management_account_id;
            json!({
                "type": "IAMUser",
                "principalId": "AIDACENTRYEMULATOROP",
                "arn": format!("arn:aws:iam::{account}:user/{OPERATOR_USER}"),
                "accountId": account,
                "accessKeyId": access_key_id,
                "userName": OPERATOR_USER,
            })
        }
        Caller::Role {
            user,
            account_id,
            pset,
            access_key_id,
            role_arn,
            identity_enhanced,
            ..
        } => {
            let (arn, issuer_arn, issuer_name, role_id) = match role_arn {
                Some(assumed) => {
                    let (role, _) = assumed_role_parts(assumed);
                    let name = role.rsplit('/').next().unwrap_or_default().to_string();
                    (assumed.clone(), role.clone(), name, role_unique_id(&role))
                }
                None => {
                    let p = &st.org.permission_sets[*pset];
                    let name = format!("AWSReservedSSO_{}_{}", p.name, reserved_role_suffix(&p.id));
                    let role = format!(
                        "arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/{}/{name}",
                        st.org.instance.region
                    );
                    let id = format!("AROA{}", &reserved_role_suffix(&p.id).to_uppercase()[..12]);
                    (sso_role_arn(st, account_id, *pset, *user), role, name, id)
                }
            };
            let session = arn.rsplit('/').next().unwrap_or_default().to_string();
            let mut v = json!({
                "type": "AssumedRole",
                "principalId": format!("{role_id}:{session}"),
                "arn": arn,
                "accountId": account_id,
                "accessKeyId": access_key_id,
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role_id,
                        "arn": issuer_arn,
                        "accountId": account_id,
                        "userName": issuer_name,
                    },
                    "attributes": {"creationDate": iso_s(at), "mfaAuthenticated": "false"},
                },
            });
            if *identity_enhanced {
                v["onBehalfOf"] = on_behalf_of(st, *user);
            }
            v
        }
        Caller::WebIdentity {
            account_id,
            role_arn,
            role_id,
            session_name,
            access_key_id,
            issuer,
            created,
            ..
        } => {
            let role_name = role_arn.rsplit('/').next().unwrap_or_default();
            json!({
                "type": "AssumedRole",
                "principalId": format!("{role_id}:{session_name}"),
                "arn": format!("arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"),
                "accountId": account_id,
                "accessKeyId": access_key_id,
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role_id,
                        "arn": role_arn,
                        "accountId": account_id,
                        "userName": role_name,
                    },
                    "webIdFederationData": {
                        "federatedProvider": format!(
                            "arn:aws:iam::{account_id}:oidc-provider/{}",
                            without_scheme(issuer)
                        ),
                        "attributes": {},
                    },
                    "attributes": {"creationDate": iso_s(*created), "mfaAuthenticated": "false"},
                },
            })
        }
        Caller::Anonymous => unknown(st),
    }
}

/// An issuer URL without its scheme, as IAM names OIDC providers.
pub fn without_scheme(issuer: &str) -> &str {
    issuer.split_once("://").map_or(issuer, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::{Org, Settings};

    #[test]
    fn people_are_identity_center_users_without_names() {
        let st = State::new(Org::demo(), Settings::default());
        let v = identity_center_user(&st, 0, Some("cred"));
        assert_eq!(v["type"], "IdentityCenterUser");
        assert_eq!(v["onBehalfOf"]["userId"], st.org.users[0].id.as_str());
        assert_eq!(v["credentialId"], "cred");
        assert!(v.get("userName").is_none() && v.get("principalId").is_none());
    }

    #[test]
    fn identity_enhanced_sessions_carry_on_behalf_of() {
        let st = State::new(Org::demo(), Settings::default());
        let role = |enhanced| Caller::Role {
            user: 1,
            account_id: "111122223333".into(),
            pset: 0,
            access_key_id: "ASIA".into(),
            credential_id: "c".into(),
            role_arn: None,
            identity_enhanced: enhanced,
        };
        let now = OffsetDateTime::now_utc();
        let plain = caller(&st, &role(false), now);
        assert_eq!(plain["type"], "AssumedRole");
        assert!(plain.get("onBehalfOf").is_none());
        assert!(
            plain["arn"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{}", st.org.users[1].user_name))
        );
        let enhanced = caller(&st, &role(true), now);
        assert_eq!(
            enhanced["onBehalfOf"]["userId"],
            st.org.users[1].id.as_str()
        );
    }
}
