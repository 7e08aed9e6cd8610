//! Profile names that would collide are refused before anything is written, naming the roles
//! and a template that separates them: from `profiles populate` and from the console (`P`).

use centry::tui::command::Command;

use crate::common::{self, headless::Headless};
use crate::user_files::{Env, text};

#[test]
fn populate_refuses_a_template_that_folds_roles_together_and_writes_nothing() {
    let e = Env::new(|_| {});
    let mine = format!("# mine\n{}", e.session_section("\n"));
    std::fs::write(e.config(), &mine).unwrap();
    e.login();
    let out = e.populate(&["--template", "{role_name}"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("so nothing was written"), "{said}");
    assert!(said.contains("gives 24 roles only 7 names"), "{said}");
    assert!(
        said.contains("\"PowerUserAccess\" for: identity (242991420329) PowerUserAccess; "),
        "{said}"
    );
    assert!(
        said.contains("--template \"{account_id}.{role_name}\""),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(e.config()).unwrap(), mine);
}

#[test]
fn populate_refuses_the_default_template_when_two_accounts_share_a_name() {
    let e = Env::new(|org| {
        for a in &mut org.accounts {
            if a.name == "network" {
                a.name = "shared-services".into();
            }
        }
    });
    std::fs::write(e.config(), e.session_section("\n")).unwrap();
    e.login();
    let out = e.populate(&[]);
    let said = text(&out);
    assert!(said.contains("so nothing was written"), "{said}");
    assert!(
        said.contains("\"shared-services.ReadOnlyAccess\" for: shared-services (898781089880) ReadOnlyAccess; shared-services (966858285191) ReadOnlyAccess"),
        "{said}"
    );
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("--template \"{account_name}-{account_id}.{role_name}\""),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(e.config()).unwrap(),
        e.session_section("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_the_same_refusal() {
    centry::paths::sandbox(
        std::env::temp_dir().join(format!("centry-suite-{}", std::process::id())),
    );
    let emu = common::demo().await;
    let mut h = Headless::new(&emu, false);
    h.app.sh.session.settings.profile_template = "{role_name}".into();
    h.start();
    h.until("the listing", |a| {
        a.views
            .accounts
            .listing
            .as_ref()
            .is_some_and(|l| l.role_count() > 0)
            && a.views.accounts.loading.is_none()
    })
    .await;
    h.press(Command::WriteAllProfiles);
    h.press(Command::Confirm);
    h.settle(std::time::Duration::from_millis(300)).await;
    let flash = h.app.sh.flash.as_ref().map(|f| f.text.clone());
    let flash = flash.unwrap_or_default();
    assert!(
        flash.starts_with("profile names collide, nothing written:"),
        "{flash}"
    );
    assert!(flash.contains("{account_id}.{role_name}"), "{flash}");
}
