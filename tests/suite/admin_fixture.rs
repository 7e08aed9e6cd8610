//! The organisation the admin-API tests run against (`fixtures/admin-org.json`): small, but with
//! enough of everything to page through more than three pages, nested OUs, every policy kind,
//! an out-of-date provisioning, applications with trusted identity propagation, and approval
//! teams with sessions in every state. Tests read their expectations from it where they can.

#![allow(dead_code)]

use centry::emulator::{Emulator, EmulatorConfig, Org};

use crate::common;

/// The fixture organisation, checked like a file given to `--org`.
pub fn org() -> Org {
    let org: Org = serde_json::from_str(include_str!("fixtures/admin-org.json"))
        .expect("the admin fixture parses");
    org.validate().expect("the admin fixture is consistent");
    org
}

/// Start the fixture organisation with a configuration tweak.
pub async fn start(tweak: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    common::with(org(), tweak).await
}

/// The instance ARN of the fixture.
pub const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-72230000c0ffee01";
/// The identity store id of the fixture.
pub const STORE: &str = "d-a1b2c3d4e5";
/// The management (and Identity Center) account.
pub const MGMT: &str = "111122223333";

/// The ARN of a fixture permission set, by name.
pub fn pset_arn(org: &Org, name: &str) -> String {
    let p = org
        .permission_sets
        .iter()
        .find(|p| p.name == name)
        .expect("permission set in fixture");
    format!(
        "arn:aws:sso:::permissionSet/ssoins-72230000c0ffee01/{}",
        p.id
    )
}

/// A fixture user's id, by user name.
pub fn user_id(org: &Org, name: &str) -> String {
    org.users
        .iter()
        .find(|u| u.user_name == name)
        .expect("user in fixture")
        .id
        .clone()
}

/// A fixture group's id, by display name.
pub fn group_id(org: &Org, name: &str) -> String {
    org.groups
        .iter()
        .find(|g| g.display_name == name)
        .expect("group in fixture")
        .id
        .clone()
}

/// A fixture account's id, by name.
pub fn account_id(org: &Org, name: &str) -> String {
    org.accounts
        .iter()
        .find(|a| a.name == name)
        .expect("account in fixture")
        .id
        .clone()
}
