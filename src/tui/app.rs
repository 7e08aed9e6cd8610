//! The one owner of state. Events become actions (keys through the keymap, for the context
//! derived from what is open), `update` applies them and returns effects, and `render` draws
//! from state alone.

use crossterm::event::{Event as TermEvent, KeyEvent, KeyEventKind, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use time::OffsetDateTime;

use super::action::Action;
use super::approvals::ApprovalsView;
use super::command::Command;
use super::dev::accounts::AccountsView;
use super::dev::apps::AppsView;
use super::dev::qdev::QView;
use super::dev::role::RoleView;
use super::dev::signin::{Phase, SignInView};
use super::dev::{CredPurpose, DevEffect, DevMsg};
use super::effect::Effect;
use super::event::Event;
use super::keymap::{KeyContext, Keymap};
use super::logs::LogsView;
use super::overlay::Overlay;
use super::shared::{AdminCredentials, Nav, ScreenId, Session, Shared, TokenInfo};
use super::theme::Theme;
use super::view::View;
use super::widgets::hints::hint_line;
use super::widgets::{Flash, FlashLevel};
use crate::model::text::sanitize;
use crate::services::ErrorKind;
use crate::services::local_store::Prefs;
use crate::services::signin::Flow;
use crate::services::token_cache::CachedToken;

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
                vec![]
            }
            Action::Dev(msg) => self.on_dev(msg),
            Action::Approvals(msg) => self.views.approvals.on_msg(msg, &mut self.sh),
            Action::Tip(msg) => super::tip::update(&mut self.views, &mut self.sh, msg),
            Action::Events(msg) => self.views.events.on_msg(msg, &mut self.sh),
            Action::Log(line) => {
                self.sh.log(line);
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
                        "Write {n} AWS CLI profiles to ~/.aws/config (and prune centry's stale ones)?"
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

    fn write_all_profiles(&mut self) -> Vec<Effect> {
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
        let specs = self
            .views
            .accounts
            .roles_for_profiles()
            .into_iter()
            .map(
                |(id, name, role)| crate::services::config_file::ProfileSpec {
                    name: crate::services::config_file::profile_name(
                        "{account_name}.{role_name}",
                        &name,
                        &id,
                        &role,
                        &session,
                    ),
                    session: session.clone(),
                    account_id: id,
                    role_name: role,
                    region: Some(target.region.clone()),
                },
            )
            .collect();
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

    fn global(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::Quit => self.quit = true,
            Command::Back => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                } else if self.screen() != ScreenId::Accounts && self.sh.session.token.is_some() {
                    self.stack = vec![ScreenId::Accounts];
                } else {
                    self.quit = true;
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

    fn begin_sign_in(&mut self) -> Vec<Effect> {
        let Some(target) = self.sh.session.target.clone() else {
            self.stack = vec![ScreenId::SignIn];
            self.views.signin.phase = Phase::Choose;
            return vec![];
        };
        self.stack = vec![ScreenId::SignIn];
        self.views.signin.start(&target)
    }

    fn set_token(&mut self, t: &CachedToken) {
        self.sh.session.token = Some(TokenInfo {
            access: t.access_token.clone(),
            expires_at: t.expires_at,
            refreshable: t.refreshable(OffsetDateTime::now_utc()),
        });
    }

    fn after_sign_in(&mut self) -> Vec<Effect> {
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

    fn on_dev(&mut self, msg: DevMsg) -> Vec<Effect> {
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
                self.set_token(&t);
                vec![]
            }
            DevMsg::Refreshed(_) => vec![],
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
                            "listed {} accounts, {} roles",
                            l.accounts.len(),
                            l.role_count()
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
                            if self.screen() == ScreenId::Events {
                                return self.views.events.on_enter(&self.sh);
                            }
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
                Ok(url) => {
                    self.sh.flash(Flash::info(
                        "copied the console sign-in URL (single use, valid for minutes)",
                    ));
                    vec![Effect::Copy(url)]
                }
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

    fn render_header(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        let s = &self.sh.session;
        let now = self.sh.now;
        let mut spans = vec![Span::styled(" centry ", th.title())];
        if s.emulator {
            spans.push(Span::styled(" EMULATOR ", th.badge()));
            spans.push(Span::raw(" "));
        }
        if let Some(u) = &s.user {
            spans.push(Span::styled(sanitize(u).into_owned(), th.text()));
            spans.push(Span::styled(" @ ", th.dim()));
        }
        if let Some(t) = &s.target {
            spans.push(Span::styled(
                format!("{} ({})", sanitize(&t.label()), sanitize(&t.region)),
                th.text(),
            ));
        }
        match &s.token {
            Some(t) => {
                let left = crate::tui::format::left(t.expires_at, now);
                let style = if (t.expires_at - now).whole_minutes() < 15 {
                    th.warn()
                } else {
                    th.ok()
                };
                spans.push(Span::styled(format!("  session {left} left"), style));
            }
            None => spans.push(Span::styled("  not signed in", th.warn())),
        }
        if let Some(a) = &s.admin {
            spans.push(Span::styled(
                format!("  admin: {}", sanitize(&a.label)),
                th.dim(),
            ));
        }
        if s.read_only {
            spans.push(Span::styled("  READ-ONLY", th.warn()));
        }
        f.render_widget(Paragraph::new(Line::from(spans)).style(th.header()), area);
    }

    fn render_tabs(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        let cur = self.screen();
        let tab = |s: &ScreenId, short: bool| {
            let key = self
                .sh
                .keymap
                .keys_for(&[KeyContext::Global], s.command())
                .first()
                .cloned()
                .unwrap_or_default();
            format!(
                " {key} {} ",
                if short { s.short_title() } else { s.title() }
            )
        };
        let full: usize = ScreenId::TABS
            .iter()
            .map(|s| tab(s, false).chars().count())
            .sum();
        let short = full > area.width as usize;
        let mut spans = Vec::new();
        for s in ScreenId::TABS {
            let active = *s == cur || (cur == ScreenId::Role && *s == ScreenId::Accounts);
            spans.push(Span::styled(
                tab(s, short),
                if active { th.selected() } else { th.dim() },
            ));
        }
        if cur == ScreenId::Role {
            spans.push(Span::styled(
                format!(
                    "  › {} › {}",
                    sanitize(&self.views.role.account_name),
                    sanitize(&self.views.role.role)
                ),
                th.text(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn render_footer(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        if self.overlay.is_none()
            && self.screen() == ScreenId::Accounts
            && (self.views.accounts.filter.editing || self.views.accounts.filter.is_active())
        {
            let cursor = if self.views.accounts.filter.editing {
                "▏"
            } else {
                ""
            };
            let line = Line::from(vec![
                Span::styled("/", th.key()),
                Span::styled(
                    format!("{}{cursor}", sanitize(&self.views.accounts.filter.text)),
                    th.text(),
                ),
                Span::styled(
                    if self.views.accounts.filter.editing {
                        "   enter keep · esc done"
                    } else {
                        "   esc clear"
                    },
                    th.dim(),
                ),
            ]);
            f.render_widget(Paragraph::new(line), area);
            return;
        }
        let contexts = self.contexts();
        let cmds = match &self.overlay {
            Some(o) => o.hints(),
            None => self.views.get(self.screen()).hints(),
        };
        let cmds: Vec<Command> = cmds
            .into_iter()
            .filter(|c| !(self.sh.session.read_only && c.is_dangerous()))
            .collect();
        f.render_widget(
            Paragraph::new(hint_line(&self.sh.keymap, &contexts, &cmds, th, area.width)),
            area,
        );
    }

    fn render_flash(&self, f: &mut Frame, area: Rect) {
        let th = &self.sh.theme;
        if let Some(fl) = &self.sh.flash {
            let style = match fl.level {
                FlashLevel::Info => th.ok(),
                FlashLevel::Warn => th.warn(),
                FlashLevel::Error => th.error(),
            };
            f.render_widget(
                Paragraph::new(Line::styled(sanitize(&fl.text).into_owned(), style)),
                area,
            );
        }
    }
}
