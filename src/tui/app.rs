//! The one owner of state. Events become actions (keys through the keymap, for the context
//! derived from what is open), `update` applies them and returns effects, and `render` draws
//! from state alone.

use crossterm::event::{Event as TermEvent, KeyEvent, KeyEventKind, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use time::OffsetDateTime;

use super::action::Action;
use super::admin::AdminView;
use super::approvals::ApprovalsView;
use super::command::Command;
use super::dev::DevEffect;
use super::dev::accounts::AccountsView;
use super::dev::apps::AppsView;
use super::dev::qdev::QView;
use super::dev::role::RoleView;
use super::dev::signin::{Phase, SignInView};
use super::effect::Effect;
use super::event::Event;
use super::keymap::{KeyContext, Keymap};
use super::logs::LogsView;
use super::overlay::Overlay;
use super::shared::{Nav, ScreenId, Session, Shared};
use super::theme::Theme;
use super::view::View;
use super::widgets::Flash;
use crate::services::local_store::Prefs;
use crate::services::signin::Flow;

/// The role the demo uses for the admin and events screens.
pub const DEMO_ADMIN_ROLE: (&str, &str) = ("381492058412", "IdentityCenterAuditor");

/// Every screen's view, apart from the shared state so both can be borrowed at once.
pub struct Views {
    /// Sign-in.
    pub signin: SignInView,
    /// Accounts.
    pub accounts: AccountsView,
    /// The open role.
    pub role: RoleView,
    /// Applications.
    pub apps: AppsView,
    /// Q Developer.
    pub q: QView,
    /// The administrator's console.
    pub admin: AdminView,
    /// Logs.
    pub logs: LogsView,
    /// Approval teams.
    pub approvals: ApprovalsView,
    /// The trusted-identity-propagation chain.
    pub tip: super::tip::chain::ChainView,
    /// Token-exchange applications and trusted issuers.
    pub tip_admin: super::tip::admin::TipAdminView,
    /// Identity Center's CloudTrail events.
    pub events: super::events::EventsView,
}

impl Views {
    /// The view of a screen.
    pub fn get(&self, s: ScreenId) -> &dyn View {
        match s {
            ScreenId::SignIn => &self.signin,
            ScreenId::Accounts => &self.accounts,
            ScreenId::Role => &self.role,
            ScreenId::Apps => &self.apps,
            ScreenId::Q => &self.q,
            ScreenId::Admin => &self.admin,
            ScreenId::Logs => &self.logs,
            ScreenId::Approvals => &self.approvals,
            ScreenId::TipChain => &self.tip,
            ScreenId::TipAdmin => &self.tip_admin,
            ScreenId::Events => &self.events,
        }
    }

    /// The view of a screen, mutably.
    pub fn get_mut(&mut self, s: ScreenId) -> &mut dyn View {
        match s {
            ScreenId::SignIn => &mut self.signin,
            ScreenId::Accounts => &mut self.accounts,
            ScreenId::Role => &mut self.role,
            ScreenId::Apps => &mut self.apps,
            ScreenId::Q => &mut self.q,
            ScreenId::Admin => &mut self.admin,
            ScreenId::Logs => &mut self.logs,
            ScreenId::Approvals => &mut self.approvals,
            ScreenId::TipChain => &mut self.tip,
            ScreenId::TipAdmin => &mut self.tip_admin,
            ScreenId::Events => &mut self.events,
        }
    }
}

/// The application.
pub struct App {
    /// Shared state.
    pub sh: Shared,
    /// Screen stack (last = shown).
    pub stack: Vec<ScreenId>,
    /// Every screen's view.
    pub views: Views,
    /// An overlay.
    pub overlay: Option<Overlay>,
    quit: bool,
    dirty: bool,
}

impl App {
    /// A new app.
    pub fn new(
        session: Session,
        prefs: Prefs,
        keymap: Keymap,
        theme: Theme,
        forced_flow: Option<Flow>,
        open_browser: bool,
    ) -> App {
        let mut signin = SignInView::new(forced_flow, open_browser);
        signin.auto_approved = session.demo;
        App {
            sh: Shared {
                session,
                prefs,
                keymap,
                theme,
                flash: None,
                nav: None,
                log: Default::default(),
                now: OffsetDateTime::now_utc(),
            },
            stack: vec![ScreenId::Accounts],
            views: Views {
                signin,
                accounts: AccountsView::default(),
                role: RoleView::default(),
                apps: AppsView::default(),
                q: QView::default(),
                admin: AdminView::default(),
                logs: LogsView::default(),
                approvals: ApprovalsView::default(),
                tip: Default::default(),
                tip_admin: Default::default(),
                events: Default::default(),
            },
            overlay: None,
            quit: false,
            dirty: true,
        }
    }

    /// What to do first.
    pub fn start(&mut self) -> Vec<Effect> {
        match (&self.sh.session.target, self.sh.session.targets.len()) {
            (Some(t), _) => vec![Effect::Dev(DevEffect::LoadStart(t.clone()))],
            (None, n) if n > 1 => {
                self.views.signin.phase = Phase::Choose;
                self.stack = vec![ScreenId::SignIn];
                vec![]
            }
            _ => vec![],
        }
    }

    /// Whether to leave.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Take the redraw flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// The screen shown.
    pub fn screen(&self) -> ScreenId {
        *self.stack.last().unwrap_or(&ScreenId::Accounts)
    }

    /// Key contexts, most specific first, derived from what is open.
    pub fn contexts(&self) -> Vec<KeyContext> {
        if let Some(o) = &self.overlay {
            return o.contexts();
        }
        self.views.get(self.screen()).contexts()
    }

    fn text_input_focused(&self) -> bool {
        match &self.overlay {
            Some(o) => o.takes_text(),
            None => self.views.get(self.screen()).filter_editing(),
        }
    }

    /// Turn a loop event into actions.
    pub fn translate(&self, ev: Event) -> Vec<Action> {
        match ev {
            Event::Tick => vec![Action::Tick],
            Event::Done(a) => vec![a],
            Event::Terminate => vec![Action::Command(Command::Quit)],
            Event::Term(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => {
                self.translate_key(k)
            }
            Event::Term(TermEvent::Paste(s)) => vec![Action::Paste(s)],
            Event::Term(TermEvent::Mouse(m)) => vec![Action::Mouse(m)],
            Event::Term(TermEvent::Resize(..)) => vec![Action::Tick],
            Event::Term(_) => vec![],
        }
    }

    fn translate_key(&self, k: KeyEvent) -> Vec<Action> {
        // Ctrl-C always quits: in overlays, in text fields, whatever the keymap says.
        if k.code == crossterm::event::KeyCode::Char('c')
            && k.modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL)
        {
            return vec![Action::Command(Command::Quit)];
        }
        let contexts = self.contexts();
        match self.sh.keymap.lookup(&contexts, &k) {
            Some(cmd) => vec![Action::Command(cmd)],
            None if self.text_input_focused() => vec![Action::TextKey(k)],
            None => vec![],
        }
    }

    /// Apply an action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        let effects = match action {
            Action::Command(cmd) => self.on_command(cmd),
            Action::TextKey(k) => self.on_text(|f| f.input(&k)),
            Action::Paste(s) => self.on_text(|f| f.paste(&s)),
            Action::Mouse(m) => self.on_mouse(m),
            Action::Tick => {
                self.sh.now = OffsetDateTime::now_utc();
                self.dirty = self.on_tick();
                self.refresh_if_due()
            }
            Action::Dev(msg) => {
                if let Some(outcome) = msg.connection() {
                    self.sh.session.disconnected = outcome;
                }
                self.on_dev(msg)
            }
            Action::Approvals(msg) => self.views.approvals.on_msg(msg, &mut self.sh),
            Action::Tip(msg) => super::tip::update(&mut self.views, &mut self.sh, msg),
            Action::Admin(msg) => self.views.admin.on_msg(msg, &mut self.sh),
            Action::Events(msg) => self.views.events.on_msg(msg, &mut self.sh),
            Action::Flash(f) => {
                self.sh.flash(f);
                vec![]
            }
            Action::Log(line) => {
                self.sh.show_log_line(line);
                vec![]
            }
        };
        self.apply_nav();
        effects
    }

    fn on_text(&mut self, f: impl FnOnce(&mut super::widgets::FilterInput) -> bool) -> Vec<Effect> {
        if let Some(o) = &mut self.overlay {
            o.on_text(f);
            return vec![];
        }
        let v = self.views.get_mut(self.screen());
        if v.filter().is_some_and(f) {
            v.refilter();
        }
        vec![]
    }

    fn on_mouse(&mut self, m: crossterm::event::MouseEvent) -> Vec<Effect> {
        let cmd = match m.kind {
            MouseEventKind::ScrollDown => Command::Down,
            MouseEventKind::ScrollUp => Command::Up,
            MouseEventKind::Down(_) if self.screen() == ScreenId::Accounts && m.row >= 4 => {
                let row = self.views.accounts.list.offset + (m.row as usize - 4);
                if row < self.views.accounts.visible.len() {
                    if self.views.accounts.list.selected == row {
                        return self.on_command(Command::Open);
                    }
                    self.views.accounts.list.selected = row;
                }
                return vec![];
            }
            _ => return vec![],
        };
        self.on_command(cmd)
    }

    fn on_tick(&mut self) -> bool {
        let now = std::time::Instant::now();
        let mut redraw = false;
        if self.sh.flash.as_ref().is_some_and(|f| f.expired(now)) {
            self.sh.flash = None;
            redraw = true;
        }
        redraw |= self.sh.session.token.is_some();
        redraw |= self.views.get_mut(self.screen()).on_tick();
        redraw
    }

    fn apply_nav(&mut self) {
        let Some(nav) = self.sh.nav.take() else {
            return;
        };
        match nav {
            Nav::Push(s) => {
                if s == ScreenId::Role
                    && let Some(r) = self.views.accounts.current()
                {
                    self.views.role = RoleView::open(
                        &r.account_id,
                        &r.account_name,
                        r.role.as_deref().unwrap_or_default(),
                    );
                }
                self.stack.push(s);
            }
            Nav::Pop => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                }
            }
            Nav::Switch(s) => self.stack = vec![s],
            Nav::Confirm { question, command } => {
                self.overlay = Some(Overlay::Confirm { question, command })
            }
        }
    }

    fn switch_to(&mut self, s: ScreenId) -> Vec<Effect> {
        if self.sh.session.token.is_none() && !matches!(s, ScreenId::Logs | ScreenId::TipChain) {
            self.sh.flash(Flash::warn("sign in first"));
            return vec![];
        }
        self.stack = vec![s];
        self.views.get_mut(s).on_enter(&self.sh)
    }

    fn on_command(&mut self, cmd: Command) -> Vec<Effect> {
        if cmd == Command::Quit {
            // Quitting is never swallowed by an open overlay (help, confirm, palette).
            self.overlay = None;
            self.quit = true;
            return vec![];
        }
        if let Some(o) = self.overlay.take() {
            let (keep, then) = o.on_command(cmd, &self.sh);
            self.overlay = keep;
            return match then {
                Some(super::overlay::Then::Run(c)) => self.run_confirmed(c),
                Some(super::overlay::Then::Go(s)) => self.switch_to(s),
                None => vec![],
            };
        }
        if cmd.is_dangerous() && self.sh.session.read_only {
            self.sh
                .flash(Flash::warn("read-only mode: nothing is changed"));
            return vec![];
        }
        if cmd.is_dangerous() {
            let question = match cmd {
                Command::WriteProfile => format!(
                    "Write an AWS CLI profile for {} in {} to ~/.aws/config?",
                    self.views.role.role, self.views.role.account_name
                ),
                Command::WriteAllProfiles => {
                    let n = self.views.accounts.roles_for_profiles().len();
                    format!(
                        "Write {} to ~/.aws/config (and prune centry's stale ones)?",
                        crate::model::words::count(n, "AWS CLI profile", "AWS CLI profiles")
                    )
                }
                Command::SignOut => {
                    "Sign out? This revokes the session and removes the cached token.".to_string()
                }
                _ => "Are you sure?".to_string(),
            };
            self.overlay = Some(Overlay::Confirm {
                question,
                command: cmd,
            });
            return vec![];
        }
        let handled = self
            .views
            .get_mut(self.screen())
            .on_command(cmd, &mut self.sh);
        if let Some(effects) = handled {
            return effects;
        }
        self.global(cmd)
    }

    fn run_confirmed(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::WriteProfile => self
                .views
                .role
                .on_command(Command::WriteProfile, &mut self.sh)
                .unwrap_or_default(),
            Command::WriteAllProfiles => self.write_all_profiles(),
            Command::SignOut => match self.sh.session.target.clone() {
                Some(t) => vec![Effect::Dev(DevEffect::SignOut(t))],
                None => vec![],
            },
            Command::SignIn => self.begin_sign_in(),
            _ => vec![],
        }
    }

    fn global(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::Quit => self.quit = true,
            Command::Back => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                } else if self.screen() != ScreenId::Accounts && self.sh.session.token.is_some() {
                    self.stack = vec![ScreenId::Accounts];
                } else {
                    // Esc never leaves: a reflexive third Esc must not end the session.
                    let keys = self.sh.keymap.keys_for(&self.contexts(), Command::Quit);
                    self.sh.flash(Flash::info(format!(
                        "nothing to close here — {} quits",
                        keys.join(" or ")
                    )));
                }
            }
            Command::Help => {
                self.overlay = Some(Overlay::Help {
                    contexts: self.contexts(),
                    scroll: 0,
                })
            }
            Command::Palette => self.overlay = Some(Overlay::palette()),
            Command::ScreenAccounts => return self.switch_to(ScreenId::Accounts),
            Command::ScreenApps => return self.switch_to(ScreenId::Apps),
            Command::ScreenQ => return self.switch_to(ScreenId::Q),
            Command::ScreenAdmin => return self.switch_to(ScreenId::Admin),
            Command::ScreenLogs => return self.switch_to(ScreenId::Logs),
            Command::ScreenApprovals => return self.switch_to(ScreenId::Approvals),
            Command::ScreenEvents => return self.switch_to(ScreenId::Events),
            Command::ScreenTip => return self.switch_to(ScreenId::TipChain),
            Command::ScreenTipAdmin => return self.switch_to(ScreenId::TipAdmin),
            Command::NextScreen | Command::PrevScreen => {
                let tabs = ScreenId::TABS;
                let cur = tabs.iter().position(|s| *s == self.screen()).unwrap_or(0);
                let next = if cmd == Command::NextScreen {
                    (cur + 1) % tabs.len()
                } else {
                    (cur + tabs.len() - 1) % tabs.len()
                };
                return self.switch_to(tabs[next]);
            }
            Command::SignIn => return self.begin_sign_in(),
            _ => {}
        }
        vec![]
    }

    /// Draw everything.
    pub fn render(&mut self, f: &mut Frame) {
        let area = f.area();
        let [header, tabs, body, footer, flash] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_header(f, header);
        self.render_tabs(f, tabs);
        self.views.get_mut(self.screen()).render(f, body, &self.sh);
        self.render_footer(f, footer);
        self.render_flash(f, flash);
        if let Some(o) = &mut self.overlay {
            o.render(f, area, &self.sh);
        }
    }
}
