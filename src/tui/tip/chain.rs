//! The chain screen: the person signed in at the company IdP (subject, email) → their Identity
//! Center user (user id, identity store) → the identity-enhanced role session, each link with
//! its expiry, filled in link by link as the chain runs, and the first link that failed with
//! its reason and the setting to fix.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::TipEffect;
use crate::model::text::sanitize;
use crate::services::tip::{ChainError, ChainEvent, LinkId, LinkReport, TipConfig};
use crate::tui::clipboard::Clip;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::format::left;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::Flash;

/// The settings the chain runs with, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSummary {
    /// IdP issuer.
    pub issuer: String,
    /// Client id at the IdP.
    pub client_id: String,
    /// Bridge role.
    pub bridge_role: String,
    /// Identity Center application.
    pub application_arn: String,
    /// Target role.
    pub role: String,
    /// Every configured target role (`t` picks the next).
    pub roles: Vec<String>,
}

impl ConfigSummary {
    /// From the settings and the role used.
    pub fn of(cfg: &TipConfig, role: &str) -> ConfigSummary {
        ConfigSummary {
            issuer: cfg.issuer.clone(),
            client_id: cfg.client_id.clone(),
            bridge_role: cfg.bridge_role.clone(),
            application_arn: cfg.application_arn.clone(),
            role: role.to_string(),
            roles: cfg.target_roles.clone(),
        }
    }
}

/// Where one link is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LinkState {
    /// Not reached.
    #[default]
    Waiting,
    /// Running now.
    Running,
    /// Stands.
    Done(LinkReport),
    /// Failed (the chain stopped here).
    Failed(ChainError),
}

/// The chain screen.
#[derive(Default)]
pub struct ChainView {
    /// The settings, once read.
    pub config: Option<ConfigSummary>,
    /// Why there are no settings.
    pub config_error: Option<String>,
    /// The four links.
    pub links: [LinkState; 4],
    /// The sign-in URL while the person must sign in in a browser.
    pub browser: Option<(String, bool)>,
    /// A chain is running.
    pub running: bool,
    /// A chain was started at least once.
    pub started: bool,
    /// Which configured target role the chain ends in.
    pub role: usize,
}

impl ChainView {
    fn start(&mut self, sh: &Shared, sign_in: bool) -> Vec<Effect> {
        self.running = true;
        self.started = true;
        self.browser = None;
        self.links = Default::default();
        vec![Effect::Tip(TipEffect::RunChain {
            sign_in,
            demo: sh.session.demo,
            open_browser: true,
            role: self.role,
        })]
    }

    /// Run the chain again into the next configured target role.
    fn next_role(&mut self, sh: &mut Shared) -> Vec<Effect> {
        let n = self.config.as_ref().map_or(0, |c| c.roles.len());
        if n < 2 {
            sh.flash(Flash::warn(
                "one target role is configured: add more to [tip] target_roles in centry's config.toml",
            ));
            return vec![];
        }
        self.role = (self.role + 1) % n;
        self.start(sh, false)
    }

    /// The settings arrived (or not).
    pub fn on_config(&mut self, c: Result<ConfigSummary, String>) {
        match c {
            Ok(s) => {
                self.config = Some(s);
                self.config_error = None;
            }
            Err(e) => {
                self.config_error = Some(e);
                self.running = false;
            }
        }
    }

    /// A chain event arrived.
    pub fn on_event(&mut self, ev: ChainEvent) {
        match ev {
            ChainEvent::Started(l) => self.links[l as usize] = LinkState::Running,
            ChainEvent::Browser { url, opened } => self.browser = Some((url, opened)),
            ChainEvent::Done(r) => {
                let l = r.link();
                if l == LinkId::IdpSignIn {
                    self.browser = None;
                }
                if l == LinkId::RoleSession {
                    self.running = false;
                }
                self.links[l as usize] = LinkState::Done(r);
            }
            ChainEvent::Failed(e) => {
                self.browser = None;
                self.running = false;
                let l = e.link as usize;
                self.links[l] = LinkState::Failed(e);
            }
        }
    }

    /// The person through the chain: IdP identity → Identity Center user →, then the session.
    fn person_lines(&self) -> Option<[String; 2]> {
        let idp = match &self.links[0] {
            LinkState::Done(LinkReport::Idp { email, subject, .. }) => {
                email.clone().unwrap_or_else(|| subject.clone())
            }
            _ => return None,
        };
        let user = match &self.links[2] {
            LinkState::Done(LinkReport::IdentityCenter { user_id, .. }) => user_id.clone(),
            _ => "…".into(),
        };
        let session = match &self.links[3] {
            LinkState::Done(LinkReport::Session { arn, .. }) => arn.clone(),
            _ => "…".into(),
        };
        Some([
            format!("{idp}  →  Identity Center user {user}  →"),
            format!("   {session}"),
        ])
    }

    fn link_lines(&self, l: LinkId, sh: &Shared, lines: &mut Vec<Line<'static>>) {
        let th = &sh.theme;
        let state = &self.links[l as usize];
        let (mark, status, style) = match state {
            LinkState::Waiting => ("·", "not reached".to_string(), th.dim()),
            LinkState::Running => ("…", "running".to_string(), th.text()),
            LinkState::Done(r) => {
                let exp = r.expires_at();
                let style = if exp <= sh.now { th.warn() } else { th.ok() };
                let cached = if r.reused() { ", cached" } else { "" };
                ("✓", format!("{} left{cached}", left(exp, sh.now)), style)
            }
            LinkState::Failed(_) => ("✗", "failed".to_string(), th.error()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} {}  ", l.number()), style),
            Span::styled(l.title().to_string(), th.title()),
            Span::styled(format!("   {status}"), style),
        ]));
        match state {
            LinkState::Done(r) => {
                let detail = match r {
                    LinkReport::Idp {
                        email,
                        subject,
                        issuer,
                        ..
                    } => format!(
                        "{}   subject {}   at {}",
                        sanitize(email.as_deref().unwrap_or("(no email claim)")),
                        sanitize(subject),
                        sanitize(issuer)
                    ),
                    LinkReport::IdentityCenter {
                        user_id,
                        identity_store_arn,
                        ..
                    } => format!(
                        "user {}   in {}",
                        sanitize(user_id),
                        sanitize(identity_store_arn)
                    ),
                    other => other.summary(),
                };
                lines.push(Line::styled(format!("      {detail}"), th.text()));
            }
            LinkState::Failed(e) => {
                lines.push(Line::styled(
                    format!("      {}", sanitize(&e.cause)),
                    th.error(),
                ));
                let fix = e.fix.replace(
                    "run `centry tip login`",
                    "press s to sign in at the IdP (or run `centry tip login`)",
                );
                lines.push(Line::styled(
                    format!("      fix: {}", sanitize(&fix)),
                    th.warn(),
                ));
            }
            _ => {}
        }
        if l != LinkId::RoleSession {
            lines.push(Line::styled("   │", th.dim()));
        }
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let mut lines: Vec<Line<'static>> = Vec::new();
        if let Some(e) = &self.config_error {
            lines.push(Line::styled(
                "Trusted identity propagation is not set up:",
                th.error(),
            ));
            lines.push(Line::styled(sanitize(e).into_owned(), th.error()));
            lines.push(Line::styled(
                "Write the settings with `centry tip config` (or try `centry --demo`).",
                th.dim(),
            ));
        } else {
            match &self.config {
                Some(c) => {
                    for (k, v) in [
                        ("IdP issuer", &c.issuer),
                        ("client id", &c.client_id),
                        ("bridge role", &c.bridge_role),
                        ("application", &c.application_arn),
                        ("target role", &c.role),
                    ] {
                        lines.push(Line::from(vec![
                            Span::styled(format!(" {k:<12} "), th.dim()),
                            Span::styled(sanitize(v).into_owned(), th.text()),
                        ]));
                    }
                    if c.roles.len() > 1 {
                        let at = c.roles.iter().position(|r| r == &c.role).unwrap_or(0);
                        if let Some(last) = lines.last_mut() {
                            last.spans.push(Span::styled(
                                format!("   ({} of {} · t next)", at + 1, c.roles.len()),
                                th.dim(),
                            ));
                        }
                    }
                }
                None if !self.started => lines.push(Line::styled(
                    " Press s to sign in at your company's IdP.",
                    th.dim(),
                )),
                None => lines.push(Line::styled(" Reading the settings…", th.dim())),
            }
            lines.push(Line::raw(""));
            if let Some(person) = self.person_lines() {
                for p in person {
                    lines.push(Line::styled(format!(" {}", sanitize(&p)), th.title()));
                }
                lines.push(Line::raw(""));
            }
            if let Some((url, opened)) = &self.browser {
                let what = if *opened {
                    "Sign in in the browser that opened, or at:"
                } else {
                    "Sign in at:"
                };
                lines.push(Line::styled(format!(" {what}"), th.warn()));
                lines.push(Line::styled(format!("   {}", sanitize(url)), th.text()));
                lines.push(Line::raw(""));
            }
            for l in LinkId::ALL {
                self.link_lines(l, sh, &mut lines);
            }
        }
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Trusted identity propagation: IdP → Identity Center → role session "),
            ),
            area,
        );
    }
}

impl crate::tui::view::View for ChainView {
    fn contexts(&self) -> Vec<KeyContext> {
        vec![KeyContext::Tip, KeyContext::Global]
    }
    fn hints(&self) -> Vec<Command> {
        vec![
            Command::TipSignIn,
            Command::Refresh,
            Command::NextRole,
            Command::Copy,
            Command::Help,
            Command::Quit,
        ]
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        match cmd {
            Command::TipSignIn => Some(self.start(sh, true)),
            Command::Refresh => Some(self.start(sh, false)),
            Command::NextRole => Some(self.next_role(sh)),
            Command::Copy => {
                let Some((url, _)) = &self.browser else {
                    sh.flash(Flash::warn(
                        "nothing to copy: no sign-in is waiting for a browser",
                    ));
                    return Some(vec![]);
                };
                Some(vec![Effect::Copy(Clip::new(
                    "the IdP sign-in URL",
                    url.clone(),
                ))])
            }
            _ => None,
        }
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        ChainView::render(self, f, area, sh)
    }
    fn on_tick(&mut self) -> bool {
        self.links.iter().any(|l| matches!(l, LinkState::Done(_)))
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        if self.started {
            return vec![];
        }
        self.start(sh, false)
    }
}
