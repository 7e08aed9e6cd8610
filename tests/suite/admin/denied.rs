//! Permission errors are per section: credentials without Identity Store read still list
//! assignments (names become ids marked unverified, group members unknown and reported as
//! such), credentials without Organizations read still list everything but account names —
//! never a crash, never an empty answer that looks like "nobody has access".

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use centry::emulator::{Emulator, Org};
use centry::model::access::{Query, account_access};
use centry::model::inventory::{PrincipalKind, SectionState};
use centry::model::snapshot::Snapshot;
use centry::services::admin::inventory::{self, Options};
use centry::services::admin::targeted;
use centry::services::{Endpoint, Services};

use super::support::{admin, instance};
use crate::common;

/// A pass-through proxy to the emulator that refuses every Identity Store call, as AWS
/// does for a role without `identitystore:*` permissions.
pub struct DenyDirectory {
    /// The proxy's URL.
    pub url: String,
}

async fn forward(State(upstream): State<String>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if target.starts_with("AWSIdentityStore.") {
        let body = format!(
            r#"{{"__type":"AccessDeniedException","Message":"User is not authorized to perform: identitystore:{}","RequestId":"0f0e0d0c-0b0a-4909-8807-060504030201"}}"#,
            target.rsplit('.').next().unwrap_or_default()
        );
        return (
            StatusCode::BAD_REQUEST,
            [
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amzn-errortype", "AccessDeniedException"),
            ],
            body,
        )
            .into_response();
    }
    let client = reqwest::Client::new();
    let mut req = client.post(&upstream).body(body);
    // Headers as sent, Host included: the signature covers it, as behind a real proxy.
    for (k, v) in &headers {
        if k != "content-length" {
            req = req.header(k, v);
        }
    }
    match req.send().await {
        Ok(r) => {
            let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
            let mut out = HeaderMap::new();
            for (k, v) in r.headers() {
                if k != "content-length" && k != "transfer-encoding" {
                    out.insert(k.clone(), v.clone());
                }
            }
            let bytes = r.bytes().await.unwrap_or_default();
            (status, out, bytes).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

impl DenyDirectory {
    /// Start in front of `emu`.
    pub async fn start(emu: &Emulator) -> DenyDirectory {
        let app = axum::Router::new()
            .route("/", axum::routing::post(forward))
            .with_state(format!("{}/", emu.endpoint_url()));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        DenyDirectory { url }
    }

    /// Services through the proxy with the operator's credentials.
    pub fn services(&self, emu: &Emulator) -> Services {
        let (id, secret) = emu.operator_credentials();
        Services::new(Endpoint {
            url: Some(self.url.clone()),
            sso_region: emu.region(),
            region: None,
        })
        .with_credentials(aws_credential_types::Credentials::new(
            id, secret, None, None, "test",
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_identity_store_read_names_are_unverified_ids_and_groups_are_not_hidden() {
    let emu = common::demo().await;
    let proxy = DenyDirectory::start(&emu).await;
    let a = admin(&proxy.services(&emu));
    let inst = instance(&a).await;
    let inv = inventory::full(&a, &inst, Options::default())
        .await
        .unwrap();
    assert!(
        matches!(&inv.sections.directory, SectionState::Denied(m) if m.contains("identitystore")),
        "{:?}",
        inv.sections.directory
    );
    assert_eq!(inv.sections.assignments, SectionState::Complete);
    assert_eq!(inv.sections.accounts, SectionState::Complete);
    assert!(inv.assignments.len() > 100, "assignments are still listed");
    let g = inv
        .assignments
        .iter()
        .find(|a| a.principal_kind == PrincipalKind::Group)
        .unwrap();
    let label = inv.group_label(&g.principal_id);
    assert!(!label.verified);
    assert!(label.display().ends_with("(unverified)"));
    // Every group grant is reported as unexpanded, none silently dropped.
    let access = account_access(&inv, Query::default());
    let group_grants = inv
        .assignments
        .iter()
        .filter(|a| a.principal_kind == PrincipalKind::Group)
        .count();
    assert_eq!(access.unexpanded.len(), group_grants);
    assert!(!inv.problems().is_empty());
    let e = Snapshot::from_inventory(&inv).unwrap_err();
    assert!(e.to_string().contains("Identity Store"), "{e}");

    // One account: its group grants are there, unexpanded.
    let one = targeted::account(&a, &inst, common::MGMT, None)
        .await
        .unwrap();
    assert!(matches!(one.sections.directory, SectionState::Denied(_)));
    let access = account_access(&one, Query::default());
    assert!(!access.unexpanded.is_empty());

    // One person by id: direct grants, with the missing groups flagged.
    let full = {
        let direct = common::operator(&emu);
        let d = admin(&direct);
        inventory::full(&d, &inst, Options::default())
            .await
            .unwrap()
    };
    let jordan = full.find_user("jordan.lee").unwrap().id.clone();
    let person = targeted::person(&a, &inst, &jordan, false)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(person.sections.directory, SectionState::Denied(_)));
    let direct_only: Vec<_> = full
        .assignments
        .iter()
        .filter(|g| g.principal_id == jordan)
        .cloned()
        .collect();
    assert_eq!(
        person.assignments.iter().cloned().collect::<Vec<_>>(),
        direct_only
    );
    // A name cannot be looked up without the directory: a clear error, not "no access".
    let e = targeted::person(&a, &inst, "jordan.lee", false)
        .await
        .unwrap_err();
    assert_eq!(e.kind, centry::services::ErrorKind::AccessDenied);
}

/// The demo organisation plus a permission set with only AWSSSOReadOnly (Identity Center
/// and directory reads, no Organizations) held by jordan.lee in the management account.
fn org_with_sso_only_role() -> Org {
    let mut org = Org::demo();
    let mut ps = org
        .permission_sets
        .iter()
        .find(|p| p.name == "IdentityCenterAuditor")
        .unwrap()
        .clone();
    ps.id = "ps-5150dd0000000001".into();
    ps.name = "SsoReadOnly".into();
    ps.managed_policies = vec!["arn:aws:iam::aws:policy/AWSSSOReadOnly".into()];
    org.permission_sets.push(ps);
    org.account_assignments
        .push(centry::emulator::org::AccountAssignment {
            account: common::MGMT.into(),
            permission_set: "SsoReadOnly".into(),
            principal_type: centry::emulator::org::PrincipalKind::User,
            principal: "jordan.lee".into(),
        });
    org
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_organizations_read_accounts_are_ids_and_assignments_are_complete() {
    let emu = common::with(org_with_sso_only_role(), |c| {
        c.settings.auto_approve = Some("jordan.lee".into());
        c.settings.auto_approve_delay_ms = 50;
    })
    .await;
    let token = common::device_sign_in(&emu).await;
    let creds = common::role_credentials(&emu, &token, common::MGMT, "SsoReadOnly").await;
    let a = admin(&common::services(&emu).with_credentials(creds));
    let inst = instance(&a).await;
    let inv = inventory::full(&a, &inst, Options::default())
        .await
        .unwrap();
    assert!(
        matches!(&inv.sections.accounts, SectionState::Denied(m) if m.contains("ListAccounts")),
        "{:?}",
        inv.sections.accounts
    );
    assert_eq!(inv.sections.directory, SectionState::Complete);
    assert_eq!(inv.sections.assignments, SectionState::Complete);
    assert!(
        inv.stats.strategy.starts_with("pruned by permission set"),
        "{}",
        inv.stats.strategy
    );
    let reference = {
        let d = admin(&common::operator(&emu));
        inventory::full(&d, &inst, Options::default())
            .await
            .unwrap()
    };
    assert_eq!(inv.assignments, reference.assignments, "nothing missing");
    let l = inv.account_label(common::MGMT);
    assert_eq!(l.display(), format!("{} (unverified)", common::MGMT));
    // A snapshot only needs names that survive: it still works, without account names.
    let snap = Snapshot::from_inventory(&inv).unwrap();
    assert!(
        snap.account_assignments
            .iter()
            .all(|g| g.account_name.is_none())
    );
}
