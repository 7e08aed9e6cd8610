//! The developer's console: sign-in, accounts and roles, a role's credentials, applications
//! and Amazon Q Developer profiles. This module holds the area's messages and effects and
//! runs the effects as background tasks.

pub mod accounts;
pub mod apps;
pub mod qdev;
pub mod role;
pub mod signin;
pub mod update;

use super::action::Action;
use super::effect::Runner;
use crate::model::account::Listing;
use crate::model::apps::{AppInstance, AppProfile, QCustomization, QProfile};
use crate::model::credentials::RoleCredentials;
use crate::model::secret::Secret;
use crate::services::config_file::{self, ConfigFile, ProfileChanges, ProfileSpec, SsoSession};
use crate::services::local_store::{self, Prefs};
use crate::services::portal::{self, ListingEvent};
use crate::services::signin::{self as auth, DeviceStart, Flow, SignInTarget};
use crate::services::token_cache::CachedToken;
use crate::services::{ServiceError, apps as apps_svc, console, qdev as q_svc};

/// Why credentials were fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredPurpose {
    /// To show in the role view.
    Show,
    /// To use for the admin and events screens.
    Admin,
}

impl DevMsg {
    /// What this answer says about reaching the endpoint: `Some(Some(why))` when a call could
    /// not connect, `Some(None)` when one got an answer, `None` when it says nothing.
    pub fn connection(&self) -> Option<Option<String>> {
        let outcome = match self {
            DevMsg::ListingDone(r) => r.as_ref().err(),
            DevMsg::Apps(r) => r.as_ref().err(),
            DevMsg::Credentials { result, .. } => result.as_ref().as_ref().err(),
            DevMsg::Refreshed(r) => r.as_ref().err(),
            _ => return None,
        };
        Some(outcome.and_then(|e| {
            (e.kind == crate::services::ErrorKind::Unreachable).then(|| e.message.clone())
        }))
    }
}

/// Results of developer-console work.
#[derive(Debug)]
pub enum DevMsg {
    /// The cached token and listing at start.
    Started {
        /// Cached token (refreshed when needed), or why it could not be read.
        token: Result<Option<CachedToken>, String>,
        /// Cached listing, or why it could not be read.
        listing: Result<Option<Listing>, String>,
    },
    /// A device authorization started: show the code.
    DeviceStarted(DeviceStart),
    /// A browser sign-in started.
    BrowserStarted {
        /// The URL.
        url: String,
        /// Whether a browser was opened.
        opened: bool,
    },
    /// Sign-in finished.
    SignedIn(Result<CachedToken, ServiceError>),
    /// A background refresh finished.
    Refreshed(Result<Option<CachedToken>, ServiceError>),
    /// Part of a listing arrived.
    Listing(ListingEvent),
    /// A listing finished.
    ListingDone(Result<Listing, ServiceError>),
    /// Credentials arrived.
    Credentials {
        /// What for.
        purpose: CredPurpose,
        /// `account/role`.
        key: String,
        /// The outcome (boxed: credentials are large).
        result: Box<Result<RoleCredentials, ServiceError>>,
        /// The person behind them (from the role session name), when learnt.
        user: Option<String>,
    },
    /// A console URL.
    ConsoleUrl {
        /// Outcome.
        result: Result<String, ServiceError>,
        /// Open it, or just copy it.
        open: bool,
    },
    /// Applications.
    Apps(Result<Vec<AppInstance>, ServiceError>),
    /// One application's profiles.
    AppProfiles {
        /// Instance id.
        id: String,
        /// Outcome.
        result: Result<Vec<AppProfile>, ServiceError>,
    },
    /// Q Developer profiles by region.
    QProfiles(Vec<(String, Result<Vec<QProfile>, ServiceError>)>),
    /// A profile's customizations.
    QCustomizations {
        /// Profile ARN.
        arn: String,
        /// Outcome.
        result: Result<Vec<QCustomization>, ServiceError>,
    },
    /// Profiles written to ~/.aws/config.
    ProfilesWritten(Result<ProfileChanges, String>),
    /// Signed out.
    SignedOut(Result<bool, ServiceError>),
    /// A local file could not be saved.
    SaveFailed(String),
}

/// Developer-console work to do.
#[derive(Debug)]
pub enum DevEffect {
    /// Read the cached token (refreshing it if needed) and the cached listing.
    LoadStart(SignInTarget),
    /// Sign in.
    StartSignIn {
        /// Where.
        target: SignInTarget,
        /// How.
        flow: Flow,
        /// Open a browser for the user.
        open_browser: bool,
    },
    /// Stop a sign-in in progress.
    CancelSignIn,
    /// Refresh the token ahead of expiry.
    Refresh(SignInTarget),
    /// List accounts and roles.
    ListAccounts(Secret),
    /// Stop a listing in progress.
    CancelListing,
    /// Get a role's credentials.
    GetCredentials {
        /// Token.
        token: Secret,
        /// Account.
        account: String,
        /// Role.
        role: String,
        /// What for.
        purpose: CredPurpose,
    },
    /// Make a console URL.
    ConsoleUrl {
        /// Credentials.
        creds: Box<RoleCredentials>,
        /// Console region.
        region: String,
        /// Open it, or copy it.
        open: bool,
    },
    /// List applications.
    LoadApps(Secret),
    /// One application's profiles.
    LoadAppProfiles {
        /// Token.
        token: Secret,
        /// Instance id.
        id: String,
    },
    /// List Q profiles.
    LoadQ(Secret),
    /// A profile's customizations.
    LoadQCustomizations {
        /// Token.
        token: Secret,
        /// Profile ARN.
        arn: String,
    },
    /// Write profiles to ~/.aws/config.
    WriteProfiles {
        /// The session they use.
        session: SsoSession,
        /// The profiles.
        specs: Vec<ProfileSpec>,
        /// Remove stale centry profiles.
        prune: bool,
    },
    /// Save preferences.
    SavePrefs(Prefs),
    /// Save the listing cache.
    SaveListing {
        /// Start URL.
        start_url: String,
        /// Listing.
        listing: Box<Listing>,
    },
    /// Sign out.
    SignOut(SignInTarget),
}

/// Start a developer effect.
pub fn run(r: &mut Runner, effect: DevEffect) {
    let cx = r.cx.clone();
    match effect {
        DevEffect::LoadStart(target) => {
            tokio::spawn(async move {
                let listing = tokio::task::spawn_blocking({
                    let url = target.start_url.clone();
                    move || local_store::load_listing(&url).map_err(|e| e.to_string())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                let token = auth::usable_token(&cx.svc, &target)
                    .await
                    .map_err(|e| e.message);
                cx.send(Action::Dev(DevMsg::Started { token, listing }));
            });
        }
        DevEffect::StartSignIn {
            target,
            flow,
            open_browser,
        } => {
            let cancel = r.token("signin");
            tokio::spawn(async move {
                let tx = cx.clone();
                let started = move |s: auth::SignInStarted| match s {
                    auth::SignInStarted::Device(d) => {
                        if open_browser {
                            let _ = webbrowser::open(&d.verification_uri_complete);
                        }
                        tx.send(Action::Dev(DevMsg::DeviceStarted(d)));
                    }
                    auth::SignInStarted::Browser(url) => {
                        let opened = open_browser && webbrowser::open(&url).is_ok();
                        tx.send(Action::Dev(DevMsg::BrowserStarted { url, opened }));
                    }
                };
                let result = auth::sign_in(&cx.svc, &target, flow, started, &cancel).await;
                if !cancel.is_cancelled() {
                    cx.send(Action::Dev(DevMsg::SignedIn(result)));
                }
            });
        }
        DevEffect::CancelSignIn => r.cancel("signin"),
        DevEffect::Refresh(target) => {
            tokio::spawn(async move {
                let result = async {
                    let cached = auth::load_cached(&target).map_err(|e| {
                        crate::services::ServiceError::new(
                            "ReadTokenCache",
                            crate::services::ErrorKind::Invalid,
                            e.to_string(),
                        )
                    })?;
                    match cached {
                        Some(c) if c.refreshable(time::OffsetDateTime::now_utc()) => {
                            auth::refresh(&cx.svc, &target, &c).await.map(Some)
                        }
                        other => Ok(other),
                    }
                }
                .await;
                cx.send(Action::Dev(DevMsg::Refreshed(result)));
            });
        }
        DevEffect::ListAccounts(token) => {
            let cancel = r.token("listing");
            let tx = cx.clone();
            tokio::spawn(async move {
                let report = move |ev: ListingEvent| tx.send(Action::Dev(DevMsg::Listing(ev)));
                let result = portal::list_accounts_and_roles(
                    &cx.svc,
                    cx.limiter.clone(),
                    &token,
                    report,
                    cancel.clone(),
                )
                .await;
                if !cancel.is_cancelled() {
                    cx.send(Action::Dev(DevMsg::ListingDone(result)));
                }
            });
        }
        DevEffect::CancelListing => r.cancel("listing"),
        DevEffect::GetCredentials {
            token,
            account,
            role,
            purpose,
        } => {
            tokio::spawn(async move {
                let key = local_store::Prefs::key(&account, &role);
                let result =
                    portal::get_role_credentials(&cx.svc, &cx.limiter, &token, &account, &role)
                        .await;
                let user = match &result {
                    Ok(c) => who_is(&cx.svc, c).await,
                    Err(_) => None,
                };
                cx.send(Action::Dev(DevMsg::Credentials {
                    purpose,
                    key,
                    result: Box::new(result),
                    user,
                }));
            });
        }
        DevEffect::ConsoleUrl {
            creds,
            region,
            open,
        } => {
            tokio::spawn(async move {
                let result = console::console_url(&cx.svc, &creds, &region, 3600).await;
                cx.send(Action::Dev(DevMsg::ConsoleUrl { result, open }));
            });
        }
        DevEffect::LoadApps(token) => {
            tokio::spawn(async move {
                let result = apps_svc::list_app_instances(&cx.svc, &token).await;
                cx.send(Action::Dev(DevMsg::Apps(result)));
            });
        }
        DevEffect::LoadAppProfiles { token, id } => {
            tokio::spawn(async move {
                let result = apps_svc::list_app_profiles(&cx.svc, &token, &id).await;
                cx.send(Action::Dev(DevMsg::AppProfiles { id, result }));
            });
        }
        DevEffect::LoadQ(token) => {
            tokio::spawn(async move {
                let result = q_svc::list_profiles_everywhere(&cx.svc, &token).await;
                cx.send(Action::Dev(DevMsg::QProfiles(result)));
            });
        }
        DevEffect::LoadQCustomizations { token, arn } => {
            tokio::spawn(async move {
                let result = q_svc::list_customizations(&cx.svc, &token, &arn).await;
                cx.send(Action::Dev(DevMsg::QCustomizations { arn, result }));
            });
        }
        DevEffect::WriteProfiles {
            session,
            specs,
            prune,
        } => {
            tokio::spawn(async move {
                let result =
                    tokio::task::spawn_blocking(move || write_profiles(&session, &specs, prune))
                        .await
                        .unwrap_or_else(|e| Err(e.to_string()));
                cx.send(Action::Dev(DevMsg::ProfilesWritten(result)));
            });
        }
        DevEffect::SavePrefs(prefs) => {
            tokio::task::spawn_blocking(move || {
                if let Err(e) = local_store::save_prefs(&prefs) {
                    send_save_failed(&cx, e.to_string());
                }
            });
        }
        DevEffect::SaveListing { start_url, listing } => {
            tokio::task::spawn_blocking(move || {
                if let Err(e) = local_store::save_listing(&start_url, &listing) {
                    send_save_failed(&cx, e.to_string());
                }
            });
        }
        DevEffect::SignOut(target) => {
            r.cancel("listing");
            tokio::spawn(async move {
                let result = auth::logout(&cx.svc, &target).await;
                cx.send(Action::Dev(DevMsg::SignedOut(result)));
            });
        }
    }
}

fn send_save_failed(cx: &super::effect::RunContext, msg: String) {
    cx.send(Action::Dev(DevMsg::SaveFailed(msg)));
}

/// The user name behind role credentials: the role session name in STS's answer.
async fn who_is(svc: &crate::services::Services, c: &RoleCredentials) -> Option<String> {
    let creds = aws_credential_types::Credentials::new(
        c.access_key_id.clone(),
        c.secret_access_key.expose().to_string(),
        Some(c.session_token.expose().to_string()),
        None,
        "centry-role",
    );
    let out = svc
        .with_credentials(creds)
        .sts()
        .get_caller_identity()
        .send()
        .await
        .ok()?;
    out.arn()?.rsplit('/').next().map(str::to_string)
}

fn write_profiles(
    session: &SsoSession,
    specs: &[ProfileSpec],
    prune: bool,
) -> Result<ProfileChanges, String> {
    let path = config_file::config_path().ok_or("no home folder for ~/.aws/config")?;
    let mut config =
        ConfigFile::load(&path).map_err(|e| format!("{e} (the file was not changed)"))?;
    config
        .ensure_sso_session(session)
        .map_err(|e| format!("{e} (the file was not changed)"))?;
    let changes = config
        .apply_profiles(specs, &session.name, prune)
        .map_err(|e| format!("{e} (the file was not changed)"))?;
    crate::fsutil::write_user_file(&path, config.render().as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(changes)
}
