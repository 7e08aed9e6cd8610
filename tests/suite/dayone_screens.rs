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
        s.contains("· 1/1 · by name ·"),
        "the position and the order:\n{s}"
    );
    assert!(
        s.contains("as of 1 day ago"),
        "30 hours read as the same age everywhere:\n{s}"
    );
    a.update(Action::Command(Command::WriteAllProfiles));
    let s = text(&draw(&mut a, 120, 40));
    assert!(s.contains("Write 1 AWS CLI profile to"), "{s}");
}

/// The column where the help box starts (its top-left corner).
fn help_left(s: &str) -> usize {
    let line = s
        .lines()
        .find(|l| l.contains("Keys"))
        .expect("the help box");
    line.chars().position(|c| c == '┌').expect("a corner")
}

#[test]
fn help_lists_screens_in_tab_order_and_keeps_its_width_while_scrolling() {
    let mut a = app(true);
    a.views
        .accounts
        .show_cached(one_role(Duration::minutes(1)), &Prefs::default());
    a.update(Action::Command(Command::Help));
    let s = text(&draw(&mut a, 120, 60));
    let keys: Vec<char> = s
        .lines()
        .flat_map(|l| l.split('│').skip(1).step_by(2))
        .filter_map(|cell| {
            let t = cell.trim_start();
            let mut it = t.chars();
            let k = it.next()?;
            (k.is_ascii_digit() && it.next() == Some(' ')).then_some(k)
        })
        .collect();
    assert_eq!(
        keys,
        vec!['1', '2', '3', '4', '5', '6', '7', '8', '9'],
        "screens in tab order:\n{s}"
    );
    let at_top = help_left(&text(&draw(&mut a, 120, 30)));
    for _ in 0..40 {
        a.update(Action::Command(Command::Down));
    }
    let scrolled = text(&draw(&mut a, 120, 30));
    assert_eq!(help_left(&scrolled), at_top, "same width:\n{scrolled}");
}
