//! Applications: the instance's applications, their assignments, and the catalogue of
//! application providers they are made from.

use serde_json::{Value, json};

use super::{
    instance_arn, invalid, kind_str, listing, not_found, page, pattern_error, principal_id_of,
    principal_shape, strip_partition,
};
use crate::emulator::org::PrincipalKind;
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, epoch_s, parse_time};

const APPLICATION_ARN_PATTERN: &str = "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso::\\d{12}:application/(sso)?ins-[a-zA-Z0-9-.]{16}/apl-[a-zA-Z0-9]{16}";

/// The ARN of an application.
pub fn application_arn(st: &State, app: usize) -> String {
    format!(
        "arn:aws:sso::{}:application/{}/{}",
        st.org.instance.owner_account_id,
        st.instance_id(),
        st.org.applications[app].id
    )
}

/// The ARN of an application provider (`custom-saml` → `…:applicationProvider/custom-saml`).
pub fn provider_arn(provider: &str) -> String {
    format!("arn:aws:sso::aws:applicationProvider/{provider}")
}

/// Resolve the required `ApplicationArn`: malformed → ValidationException, unknown →
/// ResourceNotFoundException.
pub fn application(st: &State, call: &Call) -> Result<usize, ApiError> {
    let arn = call.required_str("ApplicationArn")?;
    let well_formed = strip_partition(arn, "sso")
        .and_then(|r| r.strip_prefix(':'))
        .and_then(|r| r.split_once(":application/"))
        .and_then(|(acct, rest)| Some((acct, rest.split_once('/')?)))
        .is_some_and(|(acct, (ins, apl))| {
            acct.len() == 12
                && acct.chars().all(|c| c.is_ascii_digit())
                && super::well_formed_instance_id(ins)
                && apl
                    .strip_prefix("apl-")
                    .is_some_and(|a| a.len() == 16 && a.chars().all(|c| c.is_ascii_alphanumeric()))
        });
    if !well_formed {
        return Err(pattern_error(
            "ApplicationArn",
            arn,
            APPLICATION_ARN_PATTERN,
        ));
    }
    (0..st.org.applications.len())
        .find(|&i| application_arn(st, i) == arn)
        .ok_or_else(|| not_found(format!("Application {arn} does not exist")))
}

fn application_json(st: &State, i: usize) -> Value {
    let a = &st.org.applications[i];
    let mut sign_in =
        json!({"Origin": if a.url.is_some() { "APPLICATION" } else { "IDENTITY_CENTER" }});
    if let Some(url) = &a.url {
        sign_in["ApplicationUrl"] = json!(url);
    }
    let mut out = json!({
        "ApplicationArn": application_arn(st, i),
        "ApplicationProviderArn": provider_arn(&a.provider),
        "Name": a.name,
        "ApplicationAccount": st.org.instance.owner_account_id,
        "InstanceArn": st.org.instance.instance_arn,
        "IdentityStoreArn": st.identity_store_arn(),
        "Status": a.status,
        "PortalOptions": {
            "SignInOptions": sign_in,
            "Visibility": if a.visible { "ENABLED" } else { "DISABLED" },
        },
        "CreatedDate": parse_time(&st.org.instance.created).map(epoch_s).unwrap_or(json!(0)),
        "CreatedFrom": st.org.instance.region,
    });
    if let Some(d) = &a.description {
        out["Description"] = json!(d);
    }
    out
}

/// ListApplications, with the optional account and provider filter.
pub fn list_applications(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, invalid)?;
    let filter = call.input.get("Filter");
    let account = filter
        .and_then(|f| f.get("ApplicationAccount"))
        .and_then(Value::as_str);
    let provider = filter
        .and_then(|f| f.get("ApplicationProvider"))
        .and_then(Value::as_str);
    let items: Vec<Value> = (0..st.org.applications.len())
        .filter(|_| account.is_none_or(|a| a == st.org.instance.owner_account_id))
        .filter(|&i| provider.is_none_or(|p| p == provider_arn(&st.org.applications[i].provider)))
        .map(|i| application_json(st, i))
        .collect();
    let fp = format!("ListApplications|{account:?}|{provider:?}");
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("Applications", items, next))
}

/// DescribeApplication.
pub fn describe_application(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let i = application(st, call)?;
    Ok(application_json(st, i))
}

/// CreateApplicationAssignment / DeleteApplicationAssignment: synchronous, as in AWS. Creating
/// an assignment that exists changes nothing; deleting one that does not is
/// ResourceNotFoundException.
pub fn write_assignment(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let app = application(st, call)?;
    let (kind, id) = super::principal(st, call)?;
    let name = match kind {
        PrincipalKind::User => st.org.users[st.idx.user_by_id[&id]].user_name.clone(),
        PrincipalKind::Group => st.org.groups[st.idx.group_by_id[&id]].display_name.clone(),
    };
    let list = &mut st.org.applications[app].assignments;
    let at = list
        .iter()
        .position(|p| p.principal_type == kind && p.principal == name);
    match (call.op, at) {
        ("CreateApplicationAssignment", None) => list.push(crate::emulator::org::PrincipalRef {
            principal_type: kind,
            principal: name,
        }),
        ("CreateApplicationAssignment", Some(_)) => {}
        (_, Some(i)) => {
            list.remove(i);
        }
        (_, None) => {
            return Err(not_found(format!(
                "{} {id} is not assigned to the application",
                kind_str(kind)
            )));
        }
    }
    Ok(json!({}))
}

/// The resolved (kind, id) principals assigned to an application.
fn assigned(st: &State, app: usize) -> Vec<(PrincipalKind, String)> {
    st.org.applications[app]
        .assignments
        .iter()
        .filter_map(|p| {
            Some((
                p.principal_type,
                principal_id_of(st, p.principal_type, &p.principal)?,
            ))
        })
        .collect()
}

/// ListApplicationAssignments.
pub fn list_application_assignments(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let i = application(st, call)?;
    let arn = application_arn(st, i);
    let items: Vec<Value> = assigned(st, i)
        .into_iter()
        .map(|(kind, id)| json!({"ApplicationArn": arn, "PrincipalId": id, "PrincipalType": kind_str(kind)}))
        .collect();
    let fp = format!("ListApplicationAssignments|{i}");
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("ApplicationAssignments", items, next))
}

/// ListApplicationAssignmentsForPrincipal: a principal's direct application assignments.
pub fn list_for_principal(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    instance_arn(st, call, not_found)?;
    let (kind, id) = principal_shape(call)?;
    let only = match call
        .input
        .get("Filter")
        .and_then(|f| f.get("ApplicationArn"))
    {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_str().unwrap_or_default().to_string()),
    };
    let items: Vec<Value> = (0..st.org.applications.len())
        .filter(|&i| assigned(st, i).iter().any(|(k, p)| *k == kind && *p == id))
        .map(|i| application_arn(st, i))
        .filter(|arn| only.as_ref().is_none_or(|o| o == arn))
        .map(|arn| json!({"ApplicationArn": arn, "PrincipalId": id, "PrincipalType": kind_str(kind)}))
        .collect();
    let fp = format!(
        "ListApplicationAssignmentsForPrincipal|{}|{id}|{only:?}",
        kind_str(kind)
    );
    let (items, next) = page(st, call, items, 100, &fp)?;
    Ok(listing("ApplicationAssignments", items, next))
}

/// What the emulator knows about an application provider: protocol, display name, and the
/// scopes its resource server offers.
fn provider_catalogue(
    provider: &str,
) -> (
    &'static str,
    String,
    &'static [(&'static str, &'static str)],
) {
    match provider {
        "custom-saml" => ("SAML", "Custom SAML 2.0 application".into(), &[]),
        "custom-oauth" | "custom" => ("OAUTH", "Customer managed application".into(), &[]),
        "q-developer" | "codewhisperer" => (
            "OAUTH",
            "Amazon Q Developer".into(),
            &[
                ("codewhisperer:completions", "Code completions"),
                ("codewhisperer:analysis", "Security scans"),
                ("codewhisperer:conversations", "Chat"),
                ("codewhisperer:transformations", "Code transformation"),
                ("codewhisperer:taskassist", "Agentic tasks"),
            ],
        ),
        other => ("OAUTH", other.to_string(), &[]),
    }
}

/// ListApplicationProviders: the providers every seed application is made from, plus the
/// custom SAML and OAuth providers every instance offers.
pub fn list_application_providers(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let mut names: Vec<String> = vec!["custom-saml".into(), "custom-oauth".into()];
    for a in &st.org.applications {
        if !names.contains(&a.provider) {
            names.push(a.provider.clone());
        }
    }
    let items: Vec<Value> = names
        .iter()
        .map(|n| {
            let (protocol, display, scopes) = provider_catalogue(n);
            let mut out = json!({
                "ApplicationProviderArn": provider_arn(n),
                "FederationProtocol": protocol,
                "DisplayData": {"DisplayName": display},
            });
            if !scopes.is_empty() {
                let map: serde_json::Map<String, Value> = scopes
                    .iter()
                    .map(|(s, title)| {
                        (
                            s.to_string(),
                            json!({"DetailedTitle": title, "LongDescription": title}),
                        )
                    })
                    .collect();
                out["ResourceServerConfig"] = json!({ "Scopes": map });
            }
            out
        })
        .collect();
    let (items, next) = page(st, call, items, 100, "ListApplicationProviders")?;
    Ok(listing("ApplicationProviders", items, next))
}
