//! The sign-in screen: choose what to sign in to (when there are several), then the device
//! code (URL, code and a countdown) or the browser flow, chosen visibly and switchable.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::DevEffect;
use crate::model::text::sanitize;
use crate::services::signin::{DeviceStart, Flow, SignInTarget};
use crate::tui::clipboard::Clip;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::{Flash, ListState};

/// Where the sign-in is.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Several targets: pick one.
    Choose,
    /// Nothing running (cancelled, or waiting for Enter).
    Idle,
    /// Registering / starting.
    Starting,
    /// Waiting for the person to approve a device code.
    Device(DeviceStart),
    /// Waiting for the browser redirect.
    Browser {
        /// The authorize URL.
        url: String,
        /// Whether a browser was opened.
        opened: bool,
    },
    /// It failed.
    Failed(String),
}

/// The sign-in screen.
pub struct SignInView {
    /// Current phase.
    pub phase: Phase,
    /// The flow in use.
    pub flow: Flow,
    /// Why that flow.
    pub reason: String,
    /// Chooser cursor.
    pub chooser: ListState,
    /// Whether to open a browser (off with `--no-browser`).
    pub open_browser: bool,
    /// The emulator approves device codes by itself (`--demo`): no page to open.
    pub auto_approved: bool,
    /// A background refresh is in flight.
    pub refreshing: bool,
    spinner: usize,
}

impl SignInView {
    /// A sign-in screen with the flow chosen (or forced).
    pub fn new(forced: Option<Flow>, open_browser: bool) -> SignInView {
        let (flow, reason) = Flow::choose(forced);
        SignInView {
            phase: Phase::Idle,
            flow,
            reason: reason.to_string(),
            chooser: ListState::default(),
            open_browser,
            auto_approved: false,
            refreshing: false,
            spinner: 0,
        }
    }

    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        match self.phase {
            Phase::Choose => vec![KeyContext::List, KeyContext::Global],
            _ => vec![KeyContext::SignIn, KeyContext::Global],
        }
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        match self.phase {
            Phase::Choose => vec![Command::Open, Command::Down, Command::Up, Command::Quit],
            Phase::Device(_) | Phase::Browser { .. } => vec![
                Command::Back,
                Command::Copy,
                Command::UseBrowser,
                Command::UseDeviceCode,
                Command::Quit,
            ],
            _ => vec![
                Command::Open,
                Command::UseBrowser,
                Command::UseDeviceCode,
                Command::Quit,
            ],
        }
    }

    /// Begin signing in to `target`.
    pub fn start(&mut self, target: &SignInTarget) -> Vec<Effect> {
        self.phase = Phase::Starting;
        let open_browser =
            self.open_browser && !(self.auto_approved && self.flow == Flow::DeviceCode);
        vec![Effect::Dev(DevEffect::StartSignIn {
            target: target.clone(),
            flow: self.flow,
            open_browser,
        })]
    }

    /// Handle a command. `None` = not ours.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        match (&self.phase, cmd) {
            (Phase::Choose, Command::Down) => self.chooser.move_by(1, sh.session.targets.len()),
            (Phase::Choose, Command::Up) => self.chooser.move_by(-1, sh.session.targets.len()),
            (Phase::Choose, Command::Open) => {
                let t = sh.session.targets.get(self.chooser.selected)?.clone();
                sh.session.target = Some(t.clone());
                return Some(vec![Effect::Dev(DevEffect::LoadStart(t))]);
            }
            (Phase::Device(_) | Phase::Browser { .. } | Phase::Starting, Command::Back) => {
                self.phase = Phase::Idle;
                sh.flash(Flash::info(
                    "sign-in cancelled — press enter to start again",
                ));
                return Some(vec![Effect::Dev(DevEffect::CancelSignIn)]);
            }
            (Phase::Device(d), Command::Copy) => {
                return Some(vec![Effect::Copy(Clip::new(
                    "the sign-in URL",
                    d.verification_uri_complete.clone(),
                ))]);
            }
            (Phase::Browser { url, .. }, Command::Copy) => {
                return Some(vec![Effect::Copy(Clip::new(
                    "the sign-in URL",
                    url.clone(),
                ))]);
            }
            (_, Command::UseDeviceCode | Command::UseBrowser) => {
                let flow = if cmd == Command::UseDeviceCode {
                    Flow::DeviceCode
                } else {
                    Flow::AuthCode
                };
                self.flow = flow;
                self.reason = "switched by you".into();
                let target = sh.session.target.clone()?;
                let mut effects = vec![Effect::Dev(DevEffect::CancelSignIn)];
                effects.extend(self.start(&target));
                return Some(effects);
            }
            (Phase::Idle | Phase::Failed(_), Command::Open) => {
                let target = sh.session.target.clone()?;
                return Some(self.start(&target));
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// Advance the spinner; returns whether something on screen changes with time.
    pub fn tick(&mut self) -> bool {
        self.spinner = self.spinner.wrapping_add(1);
        matches!(
            self.phase,
            Phase::Device(_) | Phase::Browser { .. } | Phase::Starting
        )
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        if let Phase::Choose = self.phase {
            let mut lines = vec![
                Line::styled("Choose what to sign in to:", th.title()),
                Line::raw(""),
            ];
            for (i, t) in sh.session.targets.iter().enumerate() {
                let style = if i == self.chooser.selected {
                    th.selected()
                } else {
                    th.text()
                };
                lines.push(Line::styled(
                    format!(
                        "  {:<24} {}  ({})",
                        sanitize(&t.label()),
                        sanitize(&t.start_url),
                        sanitize(&t.region)
                    ),
                    style,
                ));
            }
            f.render_widget(
                Paragraph::new(lines)
                    .block(Block::default().borders(Borders::ALL).title(" Sign in ")),
                area,
            );
            return;
        }
        let target = sh.session.target.as_ref();
        let mut lines = vec![Line::from(vec![
            Span::styled("Sign in to ", th.title()),
            Span::styled(
                target
                    .map(|t| sanitize(&t.label()).into_owned())
                    .unwrap_or_default(),
                th.title(),
            ),
        ])];
        if let Some(t) = target {
            lines.push(Line::styled(
                format!("{}  ·  {}", sanitize(&t.start_url), sanitize(&t.region)),
                th.dim(),
            ));
        }
        lines.push(Line::raw(""));
        let how = match self.flow {
            Flow::DeviceCode => "Using a device code",
            Flow::AuthCode => "Using the browser (authorization code + PKCE)",
        };
        lines.push(Line::from(vec![
            Span::styled(how, th.text()),
            Span::styled(format!(" — {}.", self.reason), th.dim()),
        ]));
        lines.push(Line::raw(""));
        const SPIN: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
        let spin = SPIN[self.spinner % SPIN.len()];
        match &self.phase {
            Phase::Choose => {}
            Phase::Idle => lines.push(Line::styled("Press enter to sign in.", th.text())),
            Phase::Starting => lines.push(Line::styled(
                format!("{spin} Contacting Identity Center…"),
                th.text(),
            )),
            Phase::Device(d) => {
                let left = (d.expires_at - sh.now).whole_seconds().max(0);
                lines.push(Line::from(vec![
                    Span::styled("  Open   ", th.dim()),
                    Span::styled(sanitize(&d.verification_uri).into_owned(), th.text()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("  Code   ", th.dim()),
                    Span::styled(sanitize(&d.user_code).into_owned(), th.warn()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("  Or     ", th.dim()),
                    Span::styled(
                        sanitize(&d.verification_uri_complete).into_owned(),
                        th.text(),
                    ),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!(
                        "{spin} Waiting for approval… {}:{:02} left",
                        left / 60,
                        left % 60
                    ),
                    th.text(),
                ));
            }
            Phase::Browser { url, opened } => {
                lines.push(Line::styled(
                    if *opened {
                        "A browser window was opened. If it did not appear, open:"
                    } else {
                        "Open this URL in a browser on this machine:"
                    },
                    th.text(),
                ));
                lines.push(Line::styled(sanitize(url).into_owned(), th.text()));
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!("{spin} Waiting for the browser…"),
                    th.text(),
                ));
            }
            Phase::Failed(msg) => {
                lines.push(Line::styled(
                    format!("Sign-in failed: {}", sanitize(msg)),
                    th.error(),
                ));
                lines.push(Line::styled(
                    "Press enter to try again, d for a device code, b for the browser.",
                    th.dim(),
                ));
            }
        }
        let [_, mid, _] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(5),
            Constraint::Length(1),
        ])
        .areas(area);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(" Sign in ")),
            mid,
        );
    }

    /// The sign-in finished; reset.
    pub fn finished(&mut self, error: Option<String>) {
        self.phase = match error {
            Some(e) => Phase::Failed(e),
            None => Phase::Idle,
        };
    }
}

impl crate::tui::view::View for SignInView {
    fn contexts(&self) -> Vec<KeyContext> {
        SignInView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        SignInView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        SignInView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        SignInView::render(self, f, area, sh)
    }
    fn on_tick(&mut self) -> bool {
        SignInView::tick(self)
    }
}
