//! Snapshots of every admin screen (by account, by person and a person's access, an
//! account's people, permission sets and one in detail, applications, the diff; loading,
//! empty, error, no credentials, several instances, a denied directory; 120×40 and 80×24),
//! drawn from an inventory the services read from the demo organisation.

use centry::model::credentials::RoleCredentials;
use centry::model::inventory::Inventory;
use centry::model::secret::Secret;
use centry::services::admin::inventory::{self, Options};
use centry::services::admin::{Progress, permission_sets};
use centry::services::{ErrorKind, ServiceError};
use centry::tui::action::Action;
use centry::tui::admin::AdminMsg;
use centry::tui::admin::view::Tab;
use centry::tui::app::App;
use centry::tui::command::Command;
use centry::tui::effect::Effect;
use centry::tui::shared::{AdminCredentials, ScreenId};

use super::support::{admin, instance};
use crate::common::{self, render};

fn creds() -> AdminCredentials {
    AdminCredentials {
        label: "IdentityCenterAuditor @ 381492058412".into(),
        creds: RoleCredentials {
            account_id: common::MGMT.into(),
            role_name: "IdentityCenterAuditor".into(),
            access_key_id: "ASIATESTTESTTEST".into(),
            secret_access_key: Secret::new("secret"),
            session_token: Secret::new("token"),
            expiration: render::now() + time::Duration::hours(1),
        },
    }
}

async fn demo_inventory(svc: &centry::services::Services) -> Inventory {
    let a = admin(svc);
    let inst = instance(&a).await;
    let mut inv = inventory::full(&a, &inst, Options::default())
        .await
        .unwrap();
    inv.as_of = render::now() - time::Duration::minutes(3);
    inv
}

fn app(inv: Option<Inventory>) -> App {
    let mut app = render::app(true);
    app.sh.session.admin = Some(creds());
    app.stack = vec![ScreenId::Admin];
    if let Some(inv) = inv {
        app.views.admin.loaded_for = Some(creds().label);
        app.views.admin.set_inventory(inv, false);
    }
    app
}

fn cmd(app: &mut App, c: Command) {
    let _ = app.update(Action::Command(c));
}

fn filter(app: &mut App, text: &str) {
    let t = app.views.admin.table().unwrap();
    t.filter.text = text.into();
    t.refilter();
}

fn progress() -> Progress {
    Progress {
        phase: "assignments",
        done: 120,
        total: 196,
        calls: 171,
        rate: 19.6,
        elapsed: 8.7,
        phase_elapsed: 6.1,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_screens() {
    let emu = common::demo().await;
    let inv = demo_inventory(&common::operator(&emu)).await;

    // No credentials, loading, error, several instances.
    let mut a = app(None);
    a.sh.session.admin = None;
    insta::assert_snapshot!("admin_no_credentials", render::draw(&mut a, 120, 40));
    let mut a = app(None);
    a.views.admin.loading = true;
    a.views.admin.progress = Some(progress());
    insta::assert_snapshot!("admin_loading", render::draw(&mut a, 120, 40));
    let mut a = app(None);
    a.views.admin.error = Some(ServiceError::new(
        "ListInstances",
        ErrorKind::AccessDenied,
        "User: arn:aws:sts::381492058412:assumed-role/AWSReservedSSO_DeveloperAccess_0123/jordan.lee is not authorized to perform: sso:ListInstances",
    ));
    insta::assert_snapshot!("admin_error", render::draw(&mut a, 120, 40));
    let mut a = app(None);
    let mut second = inv.instance.clone();
    second.arn = "arn:aws:sso:::instance/ssoins-00000000000000aa".into();
    second.name = Some("Acme Lab".into());
    a.views.admin.instances = Some(centry::tui::admin::pages::instances(&[
        inv.instance.clone(),
        second,
    ]));
    insta::assert_snapshot!("admin_instances", render::draw(&mut a, 120, 40));

    // The cached inventory while a fresh one is read.
    let mut a = app(None);
    a.views.admin.set_inventory(inv.clone(), true);
    a.views.admin.loading = true;
    a.views.admin.progress = Some(progress());
    insta::assert_snapshot!("admin_cached_revalidating", render::draw(&mut a, 120, 40));

    // By account, and one account's people.
    let mut a = app(Some(inv.clone()));
    insta::assert_snapshot!("admin_accounts", render::draw(&mut a, 120, 40));
    insta::assert_snapshot!("admin_accounts_80x24", render::draw(&mut a, 80, 24));
    filter(&mut a, "acme-management");
    cmd(&mut a, Command::Open);
    insta::assert_snapshot!("admin_account_people", render::draw(&mut a, 120, 40));

    // By person, filtered, and one person's access with the group paths.
    let mut a = app(Some(inv.clone()));
    cmd(&mut a, Command::NextView);
    assert_eq!(a.views.admin.tab, Tab::People);
    insta::assert_snapshot!("admin_people", render::draw(&mut a, 120, 40));
    cmd(&mut a, Command::Filter);
    for c in "jordan".chars() {
        let _ = a.update(Action::TextKey(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        )));
    }
    insta::assert_snapshot!("admin_people_filtering", render::draw(&mut a, 120, 40));
    cmd(&mut a, Command::Open);
    cmd(&mut a, Command::Open);
    cmd(&mut a, Command::Down);
    insta::assert_snapshot!("admin_person_access", render::draw(&mut a, 120, 40));
    insta::assert_snapshot!("admin_person_access_80x24", render::draw(&mut a, 80, 24));

    // By permission set, and one in detail (policies read on demand).
    let mut a = app(Some(inv.clone()));
    a.views.admin.tab = Tab::PermissionSets;
    insta::assert_snapshot!("admin_permission_sets", render::draw(&mut a, 120, 40));
    filter(&mut a, "NetworkAdmin");
    cmd(&mut a, Command::Open);
    insta::assert_snapshot!(
        "admin_permission_set_loading",
        render::draw(&mut a, 120, 40)
    );
    let arn = inv
        .permission_set_by_name("NetworkAdmin")
        .unwrap()
        .arn
        .clone();
    let d = {
        let ad = admin(&common::operator(&emu));
        permission_sets::detail(&ad, &inv.instance.arn, &arn)
            .await
            .unwrap()
    };
    let _ = a.update(Action::Admin(AdminMsg::Detail {
        arn: arn.clone(),
        result: Box::new(Ok(d)),
    }));
    insta::assert_snapshot!("admin_permission_set_detail", render::draw(&mut a, 120, 40));
    // A short terminal cuts the inline policy and says how to read it; `p` reads it all.
    let s = format!("{}", render::draw(&mut a, 100, 24));
    assert!(s.contains("more lines · p reads it all"), "{s}");
    cmd(&mut a, Command::ReadPolicy);
    cmd(&mut a, Command::Bottom);
    let b = render::draw(&mut a, 100, 24);
    let s = format!("{b}");
    assert!(
        s.contains("\"Version\": \"2012-10-17\""),
        "the policy's end: {s}"
    );
    assert!(!s.contains("ACCOUNT "), "the detail has the body: {s}");
    insta::assert_snapshot!("admin_permission_set_reading_100x24", b);
    let effects = a.update(Action::Command(Command::Copy));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy(p)] if p.text.contains("\"Statement\"")),
        "y copies the inline policy"
    );
    cmd(&mut a, Command::Back);
    assert!(a.views.admin.reading.is_none());

    // Applications and one application's people.
    let mut a = app(Some(inv.clone()));
    a.views.admin.tab = Tab::Applications;
    insta::assert_snapshot!("admin_applications", render::draw(&mut a, 120, 40));
    filter(&mut a, "PagerDuty");
    cmd(&mut a, Command::Open);
    insta::assert_snapshot!("admin_application_people", render::draw(&mut a, 120, 40));

    // The diff: no baseline yet, then a baseline with a removed, an added and a changed grant.
    let mut a = app(Some(inv.clone()));
    a.views.admin.tab = Tab::Diff;
    insta::assert_snapshot!("admin_diff_no_baseline", render::draw(&mut a, 120, 40));
    let base = centry::model::snapshot::Snapshot::from_inventory(&inv).unwrap();
    let mut changed = inv.clone();
    // jordan.lee after an identity-source switch: the same name, a new id.
    let old = changed.find_user("jordan.lee").unwrap().id.clone();
    let new = "9067c3a2b1-00000000-0000-4000-8000-000000000001".to_string();
    let mut u = changed.users.remove(&old).unwrap();
    u.id = new.clone();
    changed.users.insert(new.clone(), u);
    changed.assignments = changed
        .assignments
        .iter()
        .cloned()
        .map(|mut g| {
            if g.principal_id == old {
                g.principal_id = new.clone();
            }
            g
        })
        .collect();
    changed.app_assignments = changed
        .app_assignments
        .iter()
        .cloned()
        .map(|mut g| {
            if g.principal_id == old {
                g.principal_id = new.clone();
            }
            g
        })
        .collect();
    let gone = changed.assignments.iter().next().unwrap().clone();
    changed.assignments.remove(&gone);
    let admin_set = changed
        .permission_set_by_name("AdministratorAccess")
        .unwrap()
        .arn
        .clone();
    changed
        .assignments
        .insert(centry::model::inventory::AccountGrant {
            account_id: "525553318744".into(),
            permission_set_arn: admin_set,
            principal_kind: centry::model::inventory::PrincipalKind::User,
            principal_id: new,
        });
    let mut a = app(Some(changed));
    a.views.admin.baseline = Some((base, "your snapshot of 09:30".into()));
    a.views.admin.tab = Tab::Diff;
    insta::assert_snapshot!("admin_diff", render::draw(&mut a, 120, 40));

    // Empty: an instance with nothing assigned.
    let mut empty = inv.clone();
    empty.assignments.clear();
    empty.app_assignments.clear();
    let mut a = app(Some(empty));
    a.views.admin.tab = Tab::People;
    filter(&mut a, "jordan");
    cmd(&mut a, Command::Open);
    insta::assert_snapshot!("admin_person_no_access", render::draw(&mut a, 120, 40));

    // A denied directory: ids marked unverified, group grants with unknown members.
    let proxy = super::denied::DenyDirectory::start(&emu).await;
    let denied = demo_inventory(&proxy.services(&emu)).await;
    let mut a = app(Some(denied));
    filter(&mut a, "acme-management");
    cmd(&mut a, Command::Open);
    insta::assert_snapshot!("admin_denied_directory", render::draw(&mut a, 120, 40));
}
