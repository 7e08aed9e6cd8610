//! Snapshots of the developer console's screens on a `TestBackend` (fixed clock, no colour):
//! sign-in, accounts (cached, streaming, filtered, empty, failed), a role, applications and Q
//! Developer, at 120×40 and 80×24. Plus cell-style checks where colour carries meaning.

use centry::model::account::{AccountEntry, Listing};
use centry::model::apps::{AppInstance, AppProfile, QCustomization, QProfile};
use centry::model::credentials::RoleCredentials;
use centry::model::secret::Secret;
use centry::services::portal::Progress;
use centry::services::signin::DeviceStart;
use centry::services::{ErrorKind, ServiceError};
use centry::tui::dev::signin::Phase;
use centry::tui::shared::ScreenId;
use time::Duration;

use crate::common::render::{app, draw, now};

fn listing(with_roles: bool) -> Listing {
    let rows: &[(&str, &str, &[&str])] = &[
        (
            "381492058412",
            "acme-management",
            &["IdentityCenterAuditor"],
        ),
        (
            "502938475610",
            "payments-prod",
            &["DeveloperAccess", "ReadOnlyAccess"],
        ),
        (
            "966858285191",
            "network",
            &["NetworkAdmin", "ReadOnlyAccess"],
        ),
        (
            "622874654824",
            "platform-dev",
            &["AdministratorAccess", "DeveloperAccess"],
        ),
        (
            "123456789012",
            "Zoë \u{1b}[31mevil\u{1b}[0m account",
            &["ReadOnlyAccess"],
        ),
    ];
    let mut l = Listing::empty(now() - Duration::minutes(12));
    for (id, name, roles) in rows {
        l.accounts.insert(
            id.to_string(),
            AccountEntry {
                account_id: id.to_string(),
                account_name: name.to_string(),
                email_address: format!("aws+{}@acme.example", id),
                roles: with_roles.then(|| roles.iter().map(|r| r.to_string()).collect()),
            },
        );
    }
    l
}

#[test]
fn sign_in_with_a_device_code() {
    let mut a = app(false);
    a.stack = vec![ScreenId::SignIn];
    a.views.signin.phase = Phase::Device(DeviceStart {
        verification_uri: "https://device.sso.us-east-1.amazonaws.com/".into(),
        verification_uri_complete:
            "https://device.sso.us-east-1.amazonaws.com/?user_code=HVFC-PXLM".into(),
        user_code: "HVFC-PXLM".into(),
        device_code: Secret::new("dc"),
        expires_at: now() + Duration::seconds(581),
        interval: 1,
    });
    a.views.signin.reason = "this is an SSH session, so no browser can be opened here".into();
    insta::assert_snapshot!("signin_device@120x40", draw(&mut a, 120, 40));
    insta::assert_snapshot!("signin_device@80x24", draw(&mut a, 80, 24));
}

#[test]
fn sign_in_through_the_browser_and_failure() {
    let mut a = app(false);
    a.stack = vec![ScreenId::SignIn];
    a.views.signin.flow = centry::services::signin::Flow::AuthCode;
    a.views.signin.reason = "a browser is available".into();
    a.views.signin.phase = Phase::Browser {
        url: "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=abc"
            .into(),
        opened: true,
    };
    insta::assert_snapshot!("signin_browser@120x40", draw(&mut a, 120, 40));
    a.views.signin.phase = Phase::Failed(
        "the sign-in request was denied in the browser — your role is not allowed".into(),
    );
    insta::assert_snapshot!("signin_failed@80x24", draw(&mut a, 80, 24));
}

#[test]
fn choosing_what_to_sign_in_to() {
    let mut a = app(false);
    let mut other = crate::common::render::target();
    other.session = Some("partner".into());
    other.start_url = "https://partner.awsapps.com/start".into();
    other.region = "eu-west-1".into();
    a.sh.session.targets.push(other);
    a.sh.session.target = None;
    a.stack = vec![ScreenId::SignIn];
    a.views.signin.phase = Phase::Choose;
    insta::assert_snapshot!("signin_choose@80x24", draw(&mut a, 80, 24));
}

#[test]
fn accounts_from_cache_with_age_and_sanitised_names() {
    let mut a = app(true);
    let prefs = a.sh.prefs.clone();
    a.views.accounts.show_cached(listing(true), &prefs);
    let s = draw(&mut a, 120, 40);
    insta::assert_snapshot!("accounts_cached@120x40", s);
    insta::assert_snapshot!("accounts_cached@80x24", draw(&mut a, 80, 24));
}

#[test]
fn accounts_streaming_in_with_progress() {
    let mut a = app(true);
    let prefs = a.sh.prefs.clone();
    a.views.accounts.begin_listing();
    a.views.accounts.on_listing(
        centry::services::portal::ListingEvent::Accounts(
            listing(false).accounts.into_values().collect(),
        ),
        &prefs,
    );
    a.views.accounts.on_listing(
        centry::services::portal::ListingEvent::Roles {
            account_id: "966858285191".into(),
            roles: vec!["NetworkAdmin".into()],
        },
        &prefs,
    );
    a.views.accounts.loading = Some(Progress {
        done: 1,
        total: 5,
        total_final: true,
        rate: 19.6,
        elapsed: 0.2,
    });
    insta::assert_snapshot!("accounts_streaming@120x40", draw(&mut a, 120, 40));
}

#[test]
fn accounts_filtered_with_new_and_removed_marks() {
    let mut a = app(true);
    let prefs = a.sh.prefs.clone();
    let mut old = listing(true);
    old.accounts.remove("622874654824");
    old.accounts.insert(
        "111111111111".into(),
        AccountEntry {
            account_id: "111111111111".into(),
            account_name: "old-sandbox".into(),
            email_address: "x@acme.example".into(),
            roles: Some(vec!["AdministratorAccess".into()]),
        },
    );
    a.views.accounts.show_cached(old, &prefs);
    a.views.accounts.begin_listing();
    let mut new = listing(true);
    new.as_of = now();
    a.views.accounts.listing_done(Ok(new), &prefs);
    insta::assert_snapshot!("accounts_diff@120x40", draw(&mut a, 120, 40));
    a.views.accounts.filter.text = "prod dev".into();
    a.views.accounts.filter.editing = true;
    a.views.accounts.refilter();
    insta::assert_snapshot!("accounts_filtered@120x40", draw(&mut a, 120, 40));
    a.views.accounts.filter.text = "zzzz".into();
    a.views.accounts.refilter();
    insta::assert_snapshot!("accounts_no_match@80x24", draw(&mut a, 80, 24));
}

#[test]
fn accounts_empty_and_failed() {
    let mut a = app(true);
    let prefs = a.sh.prefs.clone();
    a.views
        .accounts
        .listing_done(Ok(Listing::empty(now())), &prefs);
    insta::assert_snapshot!("accounts_empty@80x24", draw(&mut a, 80, 24));
    let mut b = app(true);
    b.views.accounts.show_cached(listing(true), &prefs);
    b.views.accounts.listing_done(
        Err(ServiceError::new(
            "ListAccounts",
            ErrorKind::SignInExpired,
            "Session token expired",
        )),
        &prefs,
    );
    insta::assert_snapshot!(
        "accounts_failed_keeps_listing@120x40",
        draw(&mut b, 120, 40)
    );
}

fn creds() -> RoleCredentials {
    RoleCredentials {
        account_id: "966858285191".into(),
        role_name: "NetworkAdmin".into(),
        access_key_id: "ASIAEXAMPLE7NETWORK1".into(),
        secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        session_token: Secret::new("IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENabcd"),
        expiration: now() + Duration::minutes(234),
    }
}

#[test]
fn a_role_with_masked_credentials() {
    let mut a = app(true);
    a.stack = vec![ScreenId::Accounts, ScreenId::Role];
    a.views.role =
        centry::tui::dev::role::RoleView::open("966858285191", "network", "NetworkAdmin");
    a.views.role.on_credentials(Ok(creds()));
    let s = draw(&mut a, 120, 40);
    let text = format!("{s:?}");
    assert!(
        !text.contains("wJalrXUtnFEMI"),
        "the secret never reaches the screen unasked"
    );
    insta::assert_snapshot!("role_masked@120x40", s);
    insta::assert_snapshot!("role_masked@80x24", draw(&mut a, 80, 24));
    a.views.role =
        centry::tui::dev::role::RoleView::open("966858285191", "network", "NetworkAdmin");
    insta::assert_snapshot!("role_loading@80x24", draw(&mut a, 80, 24));
    a.views.role.on_credentials(Err(ServiceError::new(
        "GetRoleCredentials",
        ErrorKind::AccessDenied,
        "No access",
    )));
    insta::assert_snapshot!("role_denied@80x24", draw(&mut a, 80, 24));
}

#[test]
fn applications_loaded_and_refused() {
    let mut a = app(true);
    a.stack = vec![ScreenId::Apps];
    a.views.apps.apps = Some(vec![
        AppInstance {
            id: "ins-1".into(),
            name: "GitHub Enterprise".into(),
            description: "Source code".into(),
            application_name: "Custom SAML 2.0 application".into(),
            profiles: Some(vec![AppProfile {
                id: "p-1".into(),
                name: "Default".into(),
                description: String::new(),
                url: "https://github.com/enterprises/acme/sso".into(),
                protocol: "SAML".into(),
                relay_state: None,
            }]),
        },
        AppInstance {
            id: "ins-2".into(),
            name: "PagerDuty".into(),
            description: String::new(),
            application_name: "Custom SAML 2.0 application".into(),
            profiles: None,
        },
    ]);
    insta::assert_snapshot!("apps@120x40", draw(&mut a, 120, 40));
    a.views.apps.apps = None;
    a.views.apps.error = Some(ServiceError::new(
        "ListApplications",
        ErrorKind::AccessDenied,
        "No access",
    ));
    insta::assert_snapshot!("apps_refused@80x24", draw(&mut a, 80, 24));
}

#[test]
fn q_developer_profiles_and_missing_scopes() {
    let mut a = app(true);
    a.stack = vec![ScreenId::Q];
    let arn = "arn:aws:codewhisperer:eu-central-1:381492058412:profile/WGM0ZI1DGXYN".to_string();
    a.views.q.profiles = Some(vec![QProfile {
        arn: arn.clone(),
        name: "acme-eu-engineering".into(),
        region: "eu-central-1".into(),
        description: Some("EU-resident profile".into()),
        status: Some("ACTIVE".into()),
        active_functionalities: vec!["COMPLETIONS".into(), "CONVERSATIONS".into()],
        customizations: Some(vec![QCustomization {
            arn: "arn:x".into(),
            name: "acme-eu-gdpr-services".into(),
            description: Some("EU services".into()),
        }]),
    }]);
    insta::assert_snapshot!("q_profiles@120x40", draw(&mut a, 120, 40));
    a.views.q.profiles = Some(vec![]);
    a.views.q.failures = vec![
        (
            "us-east-1".into(),
            ServiceError::new(
                "ListAvailableProfiles",
                ErrorKind::AccessDenied,
                "User is not authorized to make this call",
            ),
        ),
        (
            "eu-central-1".into(),
            ServiceError::new(
                "ListAvailableProfiles",
                ErrorKind::AccessDenied,
                "User is not authorized to make this call",
            ),
        ),
    ];
    insta::assert_snapshot!("q_missing_scope@80x24", draw(&mut a, 80, 24));
    a.views.q.failures.clear();
    insta::assert_snapshot!("q_not_subscribed@80x24", draw(&mut a, 80, 24));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut a = app(true);
    let prefs = a.sh.prefs.clone();
    a.views.accounts.show_cached(listing(true), &prefs);
    a.update(centry::tui::action::Action::Command(
        centry::tui::command::Command::Help,
    ));
    let s = format!("{:?}", draw(&mut a, 120, 40));
    assert!(
        s.contains("favourite") && s.contains("filter") && s.contains("sign in again"),
        "{s}"
    );
}

#[test]
fn selected_rows_and_errors_are_styled_without_colour_too() {
    use ratatui::style::Modifier;
    let mut a = app(true);
    let prefs = a.sh.prefs.clone();
    a.views.accounts.show_cached(listing(true), &prefs);
    let buf = draw(&mut a, 120, 40);
    // Row 4 is the first data row; with NO_COLOR the selection is reversed video.
    let cell = &buf.buffer()[(6, 4)];
    assert!(
        cell.modifier.contains(Modifier::REVERSED),
        "selection visible without colour: {cell:?}"
    );
}

#[test]
fn logs_screen_shows_the_consoles_lines_and_traced_warnings() {
    use centry::tui::action::Action;
    use centry::tui::command::Command;
    let mut a = app(true);
    a.sh.log("signed in");
    // What the tracing layer forwards while the console runs.
    a.update(Action::Log(
        "WARN  services::role_cache: ignoring a damaged role-credentials cache file path=/tmp/x \u{1b}[2J"
            .into(),
    ));
    a.update(Action::Command(Command::ScreenLogs));
    let b = draw(&mut a, 100, 12);
    let s = format!("{b}");
    assert!(s.contains("signed in"), "{s}");
    assert!(
        s.contains("WARN  services::role_cache: ignoring a damaged"),
        "{s}"
    );
    assert!(!s.contains('\u{1b}'), "{s}");
    insta::assert_snapshot!("logs@100x12", b);
}
