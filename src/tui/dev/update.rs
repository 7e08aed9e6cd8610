//! How the developer console's results change the app: sign-in outcomes, the streamed
//! listing, credentials, applications, Q profiles, profiles written, sign-out.

use time::OffsetDateTime;

use super::signin::Phase;
use super::{CredPurpose, DevEffect, DevMsg};
use crate::model::text::sanitize;
use crate::services::ErrorKind;
use crate::services::config_file::{RoleRef, plan_profiles};
use crate::services::token_cache::CachedToken;
use crate::tui::app::{App, DEMO_ADMIN_ROLE};
use crate::tui::effect::Effect;
use crate::tui::overlay::Overlay;
use crate::tui::shared::{AdminCredentials, ScreenId, TokenInfo};
use crate::tui::widgets::Flash;

impl App {
    /// Refresh the token in the background when it has ten minutes left and can be refreshed.
    pub(crate) fn refresh_if_due(&mut self) -> Vec<Effect> {
        let (Some(t), Some(target)) = (&self.sh.session.token, &self.sh.session.target) else {
            return vec![];
        };
        if self.views.signin.refreshing || !t.refresh_due(self.sh.now) {
            return vec![];
        }
        self.views.signin.refreshing = true;
        vec![Effect::Dev(DevEffect::Refresh(target.clone()))]
    }

    pub(crate) fn write_all_profiles(&mut self) -> Vec<Effect> {
        let Some(target) = self.sh.session.target.clone() else {
            return vec![];
        };
        let Some(session) = target.session.clone() else {
            self.sh.flash(Flash::warn(
                "profiles need an [sso-session]: start centry with --sso-session NAME",
            ));
            return vec![];
        };
        let prune = self.views.accounts.selected.is_empty();
        let roles: Vec<RoleRef> = self
            .views
            .accounts
            .roles_for_profiles()
            .into_iter()
            .map(|(account_id, account_name, role_name)| RoleRef {
                account_id,
                account_name,
                role_name,
            })
            .collect();
        let specs = match plan_profiles(
            &self.sh.session.settings.profile_template,
            &session,
            Some(&target.region),
            &roles,
        ) {
            Ok(specs) => specs,
            Err(e) => {
                self.sh.flash(Flash::error(e.summary()));
                return vec![];
            }
        };
        let s = crate::services::config_file::SsoSession {
            name: session,
            start_url: target.start_url.clone(),
            region: target.region.clone(),
            scopes: target.registration_scopes(),
        };
        vec![Effect::Dev(DevEffect::WriteProfiles {
            session: s,
            specs,
            prune,
        })]
    }

    pub(crate) fn begin_sign_in(&mut self) -> Vec<Effect> {
        let Some(target) = self.sh.session.target.clone() else {
            self.stack = vec![ScreenId::SignIn];
            self.views.signin.phase = Phase::Choose;
            return vec![];
        };
        self.stack = vec![ScreenId::SignIn];
        self.views.signin.start(&target)
    }

    pub(crate) fn set_token(&mut self, t: &CachedToken) {
        self.sh.session.token = Some(TokenInfo {
            access: t.access_token.clone(),
            expires_at: t.expires_at,
            refreshable: t.refreshable(OffsetDateTime::now_utc()),
            obtained_at: OffsetDateTime::now_utc(),
        });
    }

    pub(crate) fn after_sign_in(&mut self) -> Vec<Effect> {
        let token = match self.sh.token() {
            Some(t) => t,
            None => return vec![],
        };
        if self.screen() == ScreenId::SignIn {
            self.stack = vec![ScreenId::Accounts];
        }
        self.views.accounts.begin_listing();
        let mut effects = vec![Effect::Dev(DevEffect::ListAccounts(token.clone()))];
        if self.sh.session.demo && self.sh.session.admin.is_none() {
            effects.push(Effect::Dev(DevEffect::GetCredentials {
                token,
                account: DEMO_ADMIN_ROLE.0.into(),
                role: DEMO_ADMIN_ROLE.1.into(),
                purpose: CredPurpose::Admin,
            }));
        }
        effects
    }

    pub(crate) fn on_dev(&mut self, msg: DevMsg) -> Vec<Effect> {
        match msg {
            DevMsg::Started { token, listing } => {
                match listing {
                    Ok(Some(l)) => self.views.accounts.show_cached(l, &self.sh.prefs),
                    Ok(None) => {}
                    Err(e) => self.sh.flash(Flash::warn(format!("account cache: {e}"))),
                }
                match token {
                    Ok(Some(t)) => {
                        self.set_token(&t);
                        self.sh.log("using the cached sign-in");
                        self.after_sign_in()
                    }
                    Ok(None) => self.begin_sign_in(),
                    Err(e) => {
                        self.sh.flash(Flash::error(format!("token cache: {e}")));
                        self.begin_sign_in()
                    }
                }
            }
            DevMsg::DeviceStarted(d) => {
                self.sh.log(format!(
                    "device code {} at {}",
                    d.user_code,
                    sanitize(&d.verification_uri)
                ));
                self.views.signin.phase = Phase::Device(d);
                vec![]
            }
            DevMsg::BrowserStarted { url, opened } => {
                self.views.signin.phase = Phase::Browser { url, opened };
                vec![]
            }
            DevMsg::SignedIn(Ok(t)) => {
                self.set_token(&t);
                self.views.signin.finished(None);
                self.sh.flash(Flash::info("signed in"));
                self.after_sign_in()
            }
            DevMsg::SignedIn(Err(e)) => {
                self.views
                    .signin
                    .finished(Some(format!("{} — {}", e.message, e.hint())));
                vec![]
            }
            DevMsg::Refreshed(Ok(Some(t))) => {
                self.views.signin.refreshing = false;
                let extended = self
                    .sh
                    .session
                    .token
                    .as_ref()
                    .is_none_or(|old| t.expires_at > old.expires_at);
                self.set_token(&t);
                if extended {
                    self.sh.log("refreshed the sign-in ahead of expiry");
                } else if let Some(cur) = self.sh.session.token.as_mut() {
                    cur.refreshable = false;
                }
                vec![]
            }
            DevMsg::Refreshed(r) => {
                self.views.signin.refreshing = false;
                if let Some(t) = self.sh.session.token.as_mut() {
                    // Do not try again this session; the header keeps counting down.
                    t.refreshable = false;
                }
                if let Err(e) = r {
                    self.sh.log(format!("refresh failed: {}", e.message));
                }
                vec![]
            }
            DevMsg::Listing(ev) => {
                self.views.accounts.on_listing(ev, &self.sh.prefs);
                vec![]
            }
            DevMsg::ListingDone(result) => {
                let failed = result.as_ref().err().cloned();
                let saved = self.views.accounts.listing_done(result, &self.sh.prefs);
                if let Some(e) = failed {
                    self.sh.log(format!("listing failed: {}", e.message));
                    if e.kind == ErrorKind::SignInExpired {
                        self.sh.session.token = None;
                        self.overlay = Some(Overlay::Error {
                            title: "Sign-in expired".into(),
                            text: "Your Identity Center session ended while listing. What is on screen stays; press L to sign in again.".into(),
                        });
                    }
                }
                match (saved, self.sh.session.target.clone()) {
                    (Some(l), Some(t)) => {
                        self.sh.log(format!(
                            "listed {}, {}",
                            crate::model::words::count(l.accounts.len(), "account", "accounts"),
                            crate::model::words::count(l.role_count(), "role", "roles")
                        ));
                        vec![Effect::Dev(DevEffect::SaveListing {
                            start_url: t.start_url.clone(),
                            listing: Box::new(l),
                        })]
                    }
                    _ => vec![],
                }
            }
            DevMsg::Credentials {
                purpose,
                key,
                result,
                user,
            } => {
                if let Some(u) = user {
                    self.sh.session.user = Some(u);
                }
                match purpose {
                    CredPurpose::Show => {
                        if key == self.views.role.key() {
                            if let Err(e) = result.as_ref()
                                && e.kind == ErrorKind::SignInExpired
                            {
                                self.overlay = Some(Overlay::Error {
                                    title: "Sign-in expired".into(),
                                    text: "Press L to sign in again.".into(),
                                });
                            }
                            self.views.role.on_credentials(*result);
                        }
                    }
                    CredPurpose::Admin => match *result {
                        Ok(c) => {
                            self.sh.log(format!("admin and events screens use {key}"));
                            self.sh.session.admin = Some(AdminCredentials {
                                label: format!("{} @ {}", c.role_name, c.account_id),
                                creds: c,
                            });
                            // A screen already open that waited for these loads now.
                            let screen = self.screen();
                            return self.views.get_mut(screen).on_enter(&self.sh);
                        }
                        Err(e) => self.sh.flash(Flash::warn(format!(
                            "could not get admin credentials: {}",
                            e.message
                        ))),
                    },
                }
                vec![]
            }
            DevMsg::ConsoleUrl { result, open } => match result {
                Ok(url) if open => {
                    self.sh.flash(Flash::info("opened the AWS console"));
                    vec![Effect::OpenUrl(url)]
                }
                Ok(url) => vec![Effect::Copy(
                    crate::tui::clipboard::Clip::new(
                        "the console sign-in URL (single use, valid for minutes)",
                        url,
                    )
                    .or_see("o opens the console instead"),
                )],
                Err(e) => {
                    self.sh
                        .flash(Flash::error(format!("console link failed: {}", e.message)));
                    vec![]
                }
            },
            DevMsg::Apps(r) => self.views.apps.on_apps(r, &self.sh),
            DevMsg::AppProfiles { id, result } => {
                self.views.apps.on_profiles(&id, result);
                vec![]
            }
            DevMsg::QProfiles(r) => self.views.q.on_profiles(r, &self.sh),
            DevMsg::QCustomizations { arn, result } => {
                self.views.q.on_customizations(&arn, result);
                vec![]
            }
            DevMsg::ProfilesWritten(Ok(ch)) => {
                self.sh.flash(Flash::info(format!(
                    "~/.aws/config: {} added, {} updated, {} removed, {} left alone (written by hand)",
                    ch.added.len(),
                    ch.updated.len(),
                    ch.removed.len(),
                    ch.skipped.len()
                )));
                vec![]
            }
            DevMsg::ProfilesWritten(Err(e)) => {
                self.sh.flash(Flash::error(e));
                vec![]
            }
            DevMsg::SignedOut(r) => {
                match r {
                    Ok(_) => {
                        self.sh.session.token = None;
                        self.sh.session.admin = None;
                        self.sh.flash(Flash::info("signed out"));
                        self.stack = vec![ScreenId::SignIn];
                        self.views.signin.phase = Phase::Idle;
                    }
                    Err(e) => self
                        .sh
                        .flash(Flash::error(format!("sign-out failed: {}", e.message))),
                }
                vec![]
            }
            DevMsg::SaveFailed(e) => {
                self.sh.flash(Flash::warn(e));
                vec![]
            }
        }
    }
}
