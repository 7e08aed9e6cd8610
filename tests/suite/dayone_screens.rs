//! Day one on rendered screens (issue 12): counts agree with their nouns and one age reads the
//! same on every screen.

use centry::model::account::{AccountEntry, Listing};
use centry::services::local_store::Prefs;
use centry::tui::action::Action;
use centry::tui::command::Command;
use time::Duration;

use crate::common::render::{app, draw, now};

fn text(b: &ratatui::backend::TestBackend) -> String {
    let buf = b.buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn one_role(age: Duration) -> Listing {
    let mut l = Listing::empty(now() - age);
    l.accounts.insert(
        "381492058412".into(),
        AccountEntry {
            account_id: "381492058412".into(),
            account_name: "acme-management".into(),
            email_address: "aws+mgmt@acme.example".into(),
            roles: Some(vec!["IdentityCenterAuditor".into()]),
        },
    );
    l
}

#[test]
fn one_account_one_role_and_the_write_all_question_agree_in_number() {
    let mut a = app(true);
    a.views
        .accounts
        .show_cached(one_role(Duration::hours(30)), &Prefs::default());
    let s = text(&draw(&mut a, 120, 40));
    assert!(s.contains("1 account · 1 role"), "{s}");
    assert!(
        s.contains("as of 1 day ago"),
        "30 hours read as the same age everywhere:\n{s}"
    );
    a.update(Action::Command(Command::WriteAllProfiles));
    let s = text(&draw(&mut a, 120, 40));
    assert!(s.contains("Write 1 AWS CLI profile to"), "{s}");
}
