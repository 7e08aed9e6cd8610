//! A dead endpoint: the CLI reports it within seconds, naming where it tried (connect failures
//! are not throttling and are not retried for long), and the console's header says it is
//! disconnected until a call gets an answer again.

use std::process::Command;
use std::time::{Duration, Instant};

use centry::services::{ErrorKind, ServiceError};
use centry::tui::action::Action;
use centry::tui::dev::DevMsg;

use crate::common::render::{app, draw};
use crate::common::tmux::centry_bin;

/// A loopback port nothing listens on.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_dead_endpoint_is_reported_within_seconds_with_its_address() {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    let url = "https://acme.awsapps.com/start";
    std::fs::write(
        aws.join("config"),
        format!("[sso-session acme]\nsso_start_url = {url}\nsso_region = us-east-1\n"),
    )
    .unwrap();
    let token = aws
        .join("sso/cache")
        .join(centry::services::token_cache::CacheKey::Session("acme".into()).file_name());
    std::fs::write(
        token,
        format!("{{\"startUrl\":\"{url}\",\"region\":\"us-east-1\",\"accessToken\":\"aoa\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}}"),
    )
    .unwrap();
    let port = dead_port();
    let started = Instant::now();
    let out = Command::new(centry_bin())
        .args(["accounts", "--sso-session", "acme"])
        .env("HOME", home.path())
        .env_remove("AWS_CONFIG_FILE")
        .env("CENTRY_CACHE_DIR", home.path().join("cache"))
        .env("CENTRY_DATA_DIR", home.path().join("data"))
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{err}"
    );
    // A bound on behaviour, not a speed target: it used to take 17 to 59 s.
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn the_header_shows_the_disconnection_until_an_answer_comes() {
    let mut a = app(true);
    let lost = ServiceError::new(
        "ListAccounts",
        ErrorKind::Unreachable,
        "could not connect to 127.0.0.1:9",
    );
    a.update(Action::Dev(DevMsg::ListingDone(Err(lost))));
    let screen = draw(&mut a, 120, 12);
    insta::assert_snapshot!("header_disconnected@120x12", screen);
    a.update(Action::Dev(DevMsg::Refreshed(Ok(None))));
    let screen = format!("{:?}", draw(&mut a, 120, 12));
    assert!(!screen.contains("DISCONNECTED"), "{screen}");
}
