//! Effective access from centry's inventory equals an independent computation from the raw
//! API answers — on the demo organisation and on generated ones, with pages of one item,
//! odd page sizes and shuffled orderings — and targeted questions give the same answers as
//! the inventory at a fraction of the calls.

use centry::model::access::Query;
use centry::model::inventory::{Inventory, SectionState};
use centry::services::admin::assignments::PairStrategy;
use centry::services::admin::inventory::{self, Options};
use centry::services::admin::targeted;

use super::support::{admin, independent_reach, instance, model_reach, small_org};
use crate::common;

async fn walk(emu: &centry::emulator::Emulator, strategy: PairStrategy) -> Inventory {
    let a = admin(&common::operator(emu));
    let inst = instance(&a).await;
    inventory::full(
        &a,
        &inst,
        Options {
            strategy,
            applications: true,
        },
    )
    .await
    .expect("inventory")
}

fn assert_complete(inv: &Inventory) {
    let s = &inv.sections;
    for (name, st) in [
        ("accounts", &s.accounts),
        ("permission sets", &s.permission_sets),
        ("directory", &s.directory),
        ("assignments", &s.assignments),
        ("applications", &s.applications),
    ] {
        assert_eq!(st, &SectionState::Complete, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_effective_access_matches_the_raw_answers_for_every_user() {
    let emu = common::demo().await;
    let inv = walk(&emu, PairStrategy::Auto).await;
    assert_complete(&inv);
    assert_eq!(inv.accounts.len(), 40);
    assert_eq!(inv.users.len(), 60);
    let expected = independent_reach(&emu, &inv.instance).await;
    let got = model_reach(&inv, Query::default());
    assert!(!expected.is_empty());
    assert!(
        expected.iter().any(|(_, _, _, via)| via.len() > 1),
        "the demo has grants held through several paths"
    );
    assert_eq!(got, expected);
    // OU paths come from the tree walk.
    let mgmt = &inv.accounts[common::MGMT];
    assert!(mgmt.name.is_some());
    assert!(
        inv.accounts.values().any(|a| a.ou_path.len() >= 2),
        "nested OUs have paths"
    );
    assert!(!inv.applications.is_empty() && !inv.app_assignments.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_org_matches_whatever_the_page_size_order_and_strategy() {
    let mut reference: Option<(Inventory, super::support::Reach)> = None;
    let runs = [
        (None, None, PairStrategy::Auto),
        (Some(1), Some(7), PairStrategy::ByAccount),
        (Some(3), Some(99), PairStrategy::ByPermissionSet),
        (Some(2), None, PairStrategy::EveryPair),
        (Some(4), Some(12), PairStrategy::ByPrincipal),
    ];
    for (cap, seed, strategy) in runs {
        let emu = common::with(small_org(5), |c| {
            c.settings.page_cap = cap;
            c.settings.shuffle_seed = seed;
        })
        .await;
        let inv = walk(&emu, strategy).await;
        assert_complete(&inv);
        let got = model_reach(&inv, Query::default());
        match &reference {
            None => {
                let expected = independent_reach(&emu, &inv.instance).await;
                assert!(
                    expected.iter().filter(|g| !g.3.contains("direct")).count() > 20,
                    "most grants come through groups"
                );
                assert_eq!(got, expected, "against the raw answers");
                reference = Some((inv, got));
            }
            Some((first, reach)) => {
                let ctx = format!("page cap {cap:?}, shuffle {seed:?}, {strategy:?}");
                assert_eq!(&got, reach, "{ctx}");
                assert_eq!(inv.assignments, first.assignments, "{ctx}");
                assert_eq!(inv.members, first.members, "{ctx}");
                assert_eq!(inv.users, first.users, "{ctx}");
                assert_eq!(inv.accounts, first.accounts, "{ctx}");
                assert_eq!(inv.app_assignments, first.app_assignments, "{ctx}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targeted_questions_answer_like_the_inventory_with_few_calls() {
    let emu = common::with(small_org(11), |c| {
        c.settings.page_cap = Some(2);
        c.settings.shuffle_seed = Some(3);
    })
    .await;
    let full = walk(&emu, PairStrategy::Auto).await;
    let a = admin(&common::operator(&emu));
    // A few people: with and without groups, with and without direct grants.
    let mut people: Vec<&str> = full.users.keys().map(String::as_str).take(6).collect();
    people.push(
        full.users
            .values()
            .find(|u| u.user_name == "dev.user")
            .map(|u| u.id.as_str())
            .unwrap(),
    );
    for uid in people {
        let u = &full.users[uid];
        for query in [u.user_name.as_str(), uid] {
            let before = a.calls();
            let one = targeted::person(&a, &full.instance, query, true)
                .await
                .unwrap()
                .expect("found");
            let calls = a.calls() - before;
            let q = Query {
                user: Some(uid),
                ..Default::default()
            };
            assert_eq!(model_reach(&one, q), model_reach(&full, q), "{query}");
            let apps = centry::model::access::app_access(&one, Some(uid), None);
            let all_apps = centry::model::access::app_access(&full, Some(uid), None);
            assert_eq!(apps.grants, all_apps.grants, "{query}");
            assert!(
                calls < full.stats.calls / 3,
                "{query}: {calls} calls vs {} for everything",
                full.stats.calls
            );
        }
    }
    assert!(
        targeted::person(&a, &full.instance, "nobody.here", false)
            .await
            .unwrap()
            .is_none()
    );
    for acct in full.account_ids().iter().take(5) {
        let one = targeted::account(&a, &full.instance, acct, None)
            .await
            .unwrap();
        let q = Query {
            account: Some(acct),
            ..Default::default()
        };
        assert_eq!(model_reach(&one, q), model_reach(&full, q), "{acct}");
        assert_eq!(one.accounts[acct].name, full.accounts[acct].name);
    }
}
