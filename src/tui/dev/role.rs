//! One role: its credentials (masked until revealed, with a live expiry) and what to do with
//! them: copy as export lines, credential_process JSON or an ini profile; a shell with them;
//! the AWS console; an AWS CLI profile; or use them for the admin and events screens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{CredPurpose, DevEffect};
use crate::model::credentials::{CredentialFormat, Destination, RoleCredentials};
use crate::model::text::sanitize;
use crate::services::ServiceError;
use crate::services::config_file::{ProfileSpec, SsoSession, profile_name};
use crate::tui::clipboard::Clip;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::{AdminCredentials, Nav, Shared};
use crate::tui::widgets::Flash;

/// The role screen.
#[derive(Default)]
pub struct RoleView {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// Role.
    pub role: String,
    /// Credentials, once fetched.
    pub creds: Option<RoleCredentials>,
    /// Fetch failure.
    pub error: Option<ServiceError>,
    /// Show secrets.
    pub revealed: bool,
    /// Waiting for credentials.
    pub loading: bool,
}

impl RoleView {
    /// Whether anything shown depends on time.
    pub fn tick(&mut self) -> bool {
        self.creds.is_some()
    }

    /// Open a role.
    pub fn open(account_id: &str, account_name: &str, role: &str) -> RoleView {
        RoleView {
            account_id: account_id.into(),
            account_name: account_name.into(),
            role: role.into(),
            loading: true,
            ..Default::default()
        }
    }

    /// `account/role`.
    pub fn key(&self) -> String {
        crate::services::local_store::Prefs::key(&self.account_id, &self.role)
    }

    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        vec![KeyContext::Role, KeyContext::Global]
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        vec![
            Command::Reveal,
            Command::CopyEnv,
            Command::CopyCredentialProcess,
            Command::ExecShell,
            Command::OpenConsole,
            Command::WriteProfile,
            Command::UseForAdmin,
            Command::Back,
        ]
    }

    /// Credentials arrived.
    pub fn on_credentials(&mut self, result: Result<RoleCredentials, ServiceError>) {
        self.loading = false;
        match result {
            Ok(c) => {
                self.creds = Some(c);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn profile_name(&self, sh: &Shared) -> String {
        let session = sh
            .session
            .target
            .as_ref()
            .and_then(|t| t.session.clone())
            .unwrap_or_else(|| "centry".into());
        profile_name(
            &sh.session.settings.profile_template,
            &self.account_name,
            &self.account_id,
            &self.role,
            &session,
        )
    }

    /// Handle a command; `None` = not ours.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let need_creds = matches!(
            cmd,
            Command::Reveal
                | Command::CopyEnv
                | Command::CopyCredentialProcess
                | Command::CopyIni
                | Command::ExecShell
                | Command::OpenConsole
                | Command::CopyConsoleUrl
                | Command::UseForAdmin
        );
        if need_creds && self.creds.is_none() {
            sh.flash(Flash::warn(if self.loading {
                "credentials are still loading"
            } else {
                "no credentials — press r to try again"
            }));
            return Some(vec![]);
        }
        let region = sh
            .session
            .target
            .as_ref()
            .map(|t| t.region.clone())
            .unwrap_or_else(|| "us-east-1".into());
        let to = Destination {
            region: region.clone(),
            endpoint_url: sh.session.endpoint_url.clone(),
        };
        match cmd {
            Command::Reveal => self.revealed = !self.revealed,
            Command::CopyEnv | Command::CopyCredentialProcess | Command::CopyIni => {
                let c = self.creds.as_ref()?;
                let (fmt, what) = match cmd {
                    Command::CopyEnv => (CredentialFormat::Env, "export lines"),
                    Command::CopyCredentialProcess => (
                        CredentialFormat::CredentialProcess,
                        "credential_process JSON",
                    ),
                    _ => (CredentialFormat::Ini, "ini profile"),
                };
                let text = c.render(fmt, true, &self.profile_name(sh), &to);
                return Some(vec![Effect::Copy(Clip::new(what, text).or_see(format!(
                    "`centry creds {} {}` prints them",
                    self.account_id, self.role
                )))]);
            }
            Command::ExecShell => {
                let c = self.creds.as_ref()?;
                let shell = std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".into());
                return Some(vec![Effect::RunInTerminal {
                    argv: vec![shell],
                    env: crate::cli::access::role_env(c, &to),
                    banner: format!(
                        "centry: shell as {} in {} ({}) — exit to return",
                        self.role, self.account_name, self.account_id
                    ),
                }]);
            }
            Command::OpenConsole | Command::CopyConsoleUrl => {
                let c = self.creds.clone()?;
                sh.flash(Flash::info("asking AWS for a console sign-in link…"));
                return Some(vec![Effect::Dev(DevEffect::ConsoleUrl {
                    creds: Box::new(c),
                    region,
                    open: cmd == Command::OpenConsole,
                })]);
            }
            Command::WriteProfile => {
                let target = sh.session.target.clone()?;
                let Some(session) = target.session.clone() else {
                    sh.flash(Flash::warn(
                        "profiles need an [sso-session]: start centry with --sso-session NAME",
                    ));
                    return Some(vec![]);
                };
                let spec = ProfileSpec {
                    name: self.profile_name(sh),
                    session: session.clone(),
                    account_id: self.account_id.clone(),
                    role_name: self.role.clone(),
                    region: Some(region.clone()),
                };
                let s = SsoSession {
                    name: session,
                    start_url: target.start_url.clone(),
                    region: target.region.clone(),
                    scopes: target.registration_scopes(),
                };
                return Some(vec![Effect::Dev(DevEffect::WriteProfiles {
                    session: s,
                    specs: vec![spec],
                    prune: false,
                })]);
            }
            Command::UseForAdmin => {
                let c = self.creds.clone()?;
                sh.session.admin = Some(AdminCredentials {
                    label: format!("{} @ {}", self.role, self.account_id),
                    creds: c,
                });
                sh.flash(Flash::info(format!(
                    "admin and events screens now use {} in {}",
                    self.role, self.account_name
                )));
            }
            Command::Refresh => {
                let token = sh.token()?;
                self.loading = true;
                return Some(vec![Effect::Dev(DevEffect::GetCredentials {
                    token,
                    account: self.account_id.clone(),
                    role: self.role.clone(),
                    purpose: CredPurpose::Show,
                })]);
            }
            Command::ToggleFavourite => {
                let on = sh.prefs.toggle_favourite(&self.key());
                sh.flash(Flash::info(if on {
                    "added to favourites"
                } else {
                    "removed from favourites"
                }));
                return Some(vec![Effect::Dev(DevEffect::SavePrefs(sh.prefs.clone()))]);
            }
            Command::Back => {
                self.revealed = false;
                sh.nav = Some(Nav::Pop);
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let now = sh.now;
        let mut lines = vec![
            Line::from(vec![
                Span::styled(sanitize(&self.role).into_owned(), th.title()),
                Span::styled(
                    format!(
                        "  in  {}  ({})",
                        sanitize(&self.account_name),
                        sanitize(&self.account_id)
                    ),
                    th.text(),
                ),
            ]),
            Line::raw(""),
        ];
        if self.loading {
            lines.push(Line::styled("Getting credentials…", th.dim()));
        }
        if let Some(e) = &self.error {
            lines.push(Line::styled(
                format!(
                    "{} failed: {} — {}",
                    e.operation,
                    sanitize(&e.message),
                    e.hint()
                ),
                th.error(),
            ));
        }
        if let Some(c) = &self.creds {
            let left = crate::tui::format::left(c.expiration, now);
            let secret = if self.revealed {
                c.secret_access_key.expose().to_string()
            } else {
                c.secret_access_key.masked()
            };
            let token = if self.revealed {
                c.session_token.expose().to_string()
            } else {
                c.session_token.masked()
            };
            let field = |k: &str, v: String| {
                Line::from(vec![
                    Span::styled(format!("  {k:<20}"), th.dim()),
                    Span::styled(v, th.text()),
                ])
            };
            lines.push(field("Access key id", c.access_key_id.clone()));
            lines.push(field("Secret access key", secret));
            lines.push(field("Session token", token));
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<20}", "Expires"), th.dim()),
                Span::styled(
                    format!("{} ({left} left)", c.expiration_text()),
                    if (c.expiration - now).whole_minutes() < 10 {
                        th.warn()
                    } else {
                        th.ok()
                    },
                ),
            ]));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                if self.revealed {
                    "Secrets are shown — press v to hide them."
                } else {
                    "Secrets are masked — press v to reveal, e/c/i to copy."
                },
                th.dim(),
            ));
        }
        if let Some(a) = &sh.session.admin {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("Admin and events screens use: {}", sanitize(&a.label)),
                th.dim(),
            ));
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(" Role ")),
            area,
        );
    }
}

impl crate::tui::view::View for RoleView {
    fn contexts(&self) -> Vec<KeyContext> {
        RoleView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        RoleView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        RoleView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        RoleView::render(self, f, area, sh)
    }
    fn on_tick(&mut self) -> bool {
        RoleView::tick(self)
    }
}
