//! The events screen's state: the held events and their filtered rows, the filter bar and
//! toggles, the time window, follow/pause with the count of events held back, each event
//! source's status, the people resolved so far, and which view is open (stream, person,
//! session, raw event). Commands change it and return the effects that start, pause and resume
//! the follower; drawing is in the sibling files.

use crate::model::fuzzy::TextQuery;
use std::collections::{BTreeMap, HashMap};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use time::OffsetDateTime;

use super::filter::{self, Toggles};
use super::insight::Insight;
use super::store::EventStore;
use super::{DEFAULT_WINDOW, EventsEffect, EventsMsg, WINDOWS};
use crate::model::text::sanitize;
use crate::model::trail_event::{EventFilter, EventGroup, TrailEvent};
use crate::services::trail::{
    APPROVALS_SOURCE, IDENTITY_CENTER_SOURCES, Resolution, SourceStatus, TrailUpdate,
};
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::{FilterInput, Flash, ListState};

/// Which view of the events is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The stream.
    #[default]
    Stream,
    /// One person: sessions, addresses, failures.
    Person,
    /// One session as a timeline.
    Session,
    /// One event's raw record.
    Detail,
}

/// The events screen.
#[derive(Debug)]
pub struct EventsView {
    /// Open view.
    pub mode: Mode,
    /// Where `esc` goes from the raw record.
    pub detail_from: Mode,
    /// Index into [`WINDOWS`].
    pub window: usize,
    /// The current run (messages of older runs are dropped).
    pub generation: u64,
    /// The credentials label the run uses.
    pub loaded_with: Option<String>,
    /// The access key the run reads with: events signed with it are this console's own.
    pub own_key: Option<String>,
    /// This console's own events held (hidden unless `toggles.own_calls`).
    pub own_events: usize,
    /// Start of the current run's window.
    pub since: OffsetDateTime,
    /// Event sources being read.
    pub polled: Vec<&'static str>,
    /// Time between polls.
    pub poll: std::time::Duration,
    /// Held events and visible rows.
    pub store: EventStore,
    /// Facts derived from the events.
    pub insight: Insight,
    /// Cursor over the visible rows.
    pub list: ListState,
    /// The filter bar.
    pub bar: FilterInput,
    /// What the bar's text means.
    pub bar_filter: EventFilter,
    /// The bar's free text, matched fuzzily against each row's visible text.
    pub bar_text: String,
    /// Why the bar's text means nothing, if it does not parse.
    pub bar_error: Option<String>,
    /// Quick toggles.
    pub toggles: Toggles,
    /// Following (new events shown as they come) or paused.
    pub following: bool,
    /// Events held back while paused.
    pub held: usize,
    /// Held events dropped to stay within the cap.
    pub held_dropped: u64,
    /// The first window is still being read.
    pub loading: bool,
    /// When the last poll ended.
    pub last_poll: Option<OffsetDateTime>,
    /// Each event source's status.
    pub sources: BTreeMap<String, SourceStatus>,
    /// What the directory said about each user id.
    pub people: HashMap<String, Resolution>,
    /// Events that could not be parsed.
    pub malformed: u64,
    /// The event the session and raw views are about.
    pub focus: Option<String>,
    /// The person the person view is about (see `Insight::person_key`).
    pub focus_person: Option<String>,
    /// Cursor over the session timeline.
    pub session_list: ListState,
    /// Scroll of the person and raw views.
    pub scroll: usize,
}

impl Default for EventsView {
    fn default() -> Self {
        EventsView {
            mode: Mode::Stream,
            detail_from: Mode::Stream,
            window: DEFAULT_WINDOW,
            generation: 0,
            loaded_with: None,
            own_key: None,
            own_events: 0,
            since: OffsetDateTime::UNIX_EPOCH,
            polled: Vec::new(),
            poll: std::time::Duration::from_secs(5),
            store: EventStore::default(),
            insight: Insight::default(),
            list: ListState::default(),
            bar: FilterInput::default(),
            bar_filter: EventFilter::default(),
            bar_text: String::new(),
            bar_error: None,
            toggles: Toggles::default(),
            following: true,
            held: 0,
            held_dropped: 0,
            loading: false,
            last_poll: None,
            sources: BTreeMap::new(),
            people: HashMap::new(),
            malformed: 0,
            focus: None,
            focus_person: None,
            session_list: ListState::default(),
            scroll: 0,
        }
    }
}

impl EventsView {
    /// The filter in force.
    pub fn filter(&self) -> EventFilter {
        filter::combine(&self.bar_filter, self.toggles, self.since)
    }

    /// The window's label.
    pub fn window_label(&self) -> &'static str {
        WINDOWS[self.window.min(WINDOWS.len() - 1)].1
    }

    /// The selected event in the stream.
    pub fn selected(&self) -> Option<&TrailEvent> {
        self.store.row(self.list.selected)
    }

    /// The focused event (session and raw views).
    pub fn focused(&self) -> Option<&TrailEvent> {
        let id = self.focus.as_ref()?;
        self.store.all().iter().find(|e| &e.event_id == id)
    }

    fn sources_wanted(&self) -> Vec<&'static str> {
        let mut s = IDENTITY_CENTER_SOURCES.to_vec();
        let f = self.filter();
        if f.groups.contains(&EventGroup::Mpa) {
            s.push(APPROVALS_SOURCE);
        }
        s
    }

    /// Start (or restart) following the window with the admin credentials.
    pub fn restart(&mut self, sh: &Shared) -> Vec<Effect> {
        let Some(admin) = &sh.session.admin else {
            return vec![];
        };
        self.generation += 1;
        self.loaded_with = Some(admin.label.clone());
        self.own_key = Some(admin.creds.access_key_id.clone());
        self.own_events = 0;
        self.since = sh.now - WINDOWS[self.window].0;
        let max_events = sh.session.settings.max_events;
        self.store = EventStore::new(max_events);
        self.insight = Insight::default();
        self.sources.clear();
        self.malformed = 0;
        self.loading = true;
        self.following = true;
        self.held = 0;
        self.held_dropped = 0;
        self.last_poll = None;
        self.list = ListState::default();
        self.polled = self.sources_wanted();
        vec![Effect::Events(EventsEffect::Follow {
            creds: Box::new(admin.creds.clone()),
            since: self.since,
            sources: self.polled.clone(),
            generation: self.generation,
            poll: self.poll,
            max_events,
        })]
    }

    /// Re-apply the filter, keeping the selected event selected (or the top while following).
    pub fn apply_filter(&mut self) {
        let keep = self.selected().map(|e| e.event_id.clone());
        let at_top = self.list.selected == 0;
        let f = self.filter();
        let anyone = EventFilter {
            user: None,
            ..f.clone()
        };
        let insight = &self.insight;
        let own_key = self.own_key.as_deref();
        let is_own = |e: &TrailEvent| own_key.is_some() && e.access_key_id.as_deref() == own_key;
        let show_own = self.toggles.own_calls;
        self.own_events = self.store.all().iter().filter(|e| is_own(e)).count();
        // Free text: the typed fragments where rows have them, else fuzzily (typos).
        for exact in [true, false] {
            let text = std::cell::RefCell::new(TextQuery::new(&self.bar_text, exact));
            let text_matches = |e: &TrailEvent| {
                text.borrow_mut().as_mut().is_none_or(|q| {
                    let cells = super::stream::row_cells(insight, e);
                    q.matches_fields(&cells.each_ref().map(String::as_str))
                })
            };
            // A person filter also keeps the failed steps of their sign-in chains.
            self.store.refilter_with(|e| {
                (show_own || !is_own(e))
                    && (f.matches(e)
                        || f.user
                            .as_deref()
                            .is_some_and(|u| insight.chain_matches(e, u) && anyone.matches(e)))
                    && text_matches(e)
            });
            if !self.store.visible.is_empty() || self.bar_text.trim().is_empty() {
                break;
            }
        }
        if !(self.following && at_top)
            && let Some(row) = keep.and_then(|id| self.store.row_of(&id))
        {
            self.list.selected = row;
        }
        self.list.clamp(self.store.visible.len());
    }

    /// A report from the follower.
    pub fn on_msg(&mut self, msg: EventsMsg, sh: &mut Shared) -> Vec<Effect> {
        let EventsMsg::Update { generation, update } = msg;
        if generation != self.generation {
            return vec![];
        }
        match update {
            TrailUpdate::Events(events) => {
                if self.store.add(events) > 0 {
                    self.insight = Insight::analyse(self.store.all());
                    self.apply_filter();
                }
            }
            TrailUpdate::Source { source, status } => {
                if let SourceStatus::Failed(e) = &status {
                    sh.log(format!("events: {source}: {}", sanitize(&e.to_string())));
                }
                self.sources.insert(source, status);
            }
            TrailUpdate::People(resolved) => self.people.extend(resolved),
            TrailUpdate::Malformed { source, error } => {
                self.malformed += 1;
                sh.log(format!(
                    "events: {source}: skipped an event: {}",
                    sanitize(&error)
                ));
            }
            TrailUpdate::WindowRead { until } => {
                self.loading = false;
                self.last_poll = Some(until);
            }
            TrailUpdate::Held { count, dropped } => {
                self.held = count;
                self.held_dropped = dropped;
            }
        }
        vec![]
    }

    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        if self.bar.editing {
            vec![KeyContext::Filter]
        } else {
            vec![KeyContext::Events, KeyContext::List, KeyContext::Global]
        }
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        match self.mode {
            Mode::Stream => vec![
                Command::Open,
                Command::OpenPerson,
                Command::OpenSession,
                Command::ToggleFollow,
                Command::LongerWindow,
                Command::Filter,
                Command::ToggleFailures,
                Command::CycleGroup,
                Command::Help,
            ],
            Mode::Session => vec![
                Command::Open,
                Command::OpenPerson,
                Command::Back,
                Command::Help,
            ],
            Mode::Person => vec![Command::Back, Command::Help],
            Mode::Detail => vec![Command::Copy, Command::Back, Command::Help],
        }
    }

    fn toggle_follow(&mut self) -> Vec<Effect> {
        self.following = !self.following;
        if self.following {
            self.held = 0;
            self.held_dropped = 0;
            self.list.top();
            vec![Effect::Events(EventsEffect::Resume)]
        } else {
            vec![Effect::Events(EventsEffect::Pause)]
        }
    }

    fn scroll(&mut self, cmd: Command) -> bool {
        let by: isize = match cmd {
            Command::Down => 1,
            Command::Up => -1,
            Command::PageDown => 10,
            Command::PageUp => -10,
            Command::Top => -(self.scroll as isize),
            Command::Bottom => 10_000,
            _ => return false,
        };
        self.scroll = (self.scroll as isize + by).max(0) as usize;
        true
    }

    fn move_cursor(&mut self, cmd: Command) -> bool {
        let (list, len) = match self.mode {
            Mode::Stream => (&mut self.list, self.store.visible.len()),
            Mode::Session => {
                let len = self
                    .focused()
                    .map(|f| super::insight::session(self.store.all(), f).len())
                    .unwrap_or(0);
                (&mut self.session_list, len)
            }
            Mode::Person | Mode::Detail => return self.scroll(cmd),
        };
        match cmd {
            Command::Down => list.move_by(1, len),
            Command::Up => list.move_by(-1, len),
            Command::PageDown => list.move_by(10, len),
            Command::PageUp => list.move_by(-10, len),
            Command::Top => list.top(),
            Command::Bottom => list.bottom(len),
            _ => return false,
        }
        true
    }

    /// The event under the cursor of the stream or the session timeline.
    fn cursor_event(&self) -> Option<&TrailEvent> {
        match self.mode {
            Mode::Session => {
                let f = self.focused()?;
                let rows = super::insight::session(self.store.all(), f);
                self.store.all().get(*rows.get(self.session_list.selected)?)
            }
            Mode::Detail => self.focused(),
            _ => self.selected(),
        }
    }

    /// Handle a command; `None` = not this screen's.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        if self.bar.editing {
            if matches!(cmd, Command::Back | Command::Open) {
                self.bar.blur();
                return Some(vec![]);
            }
            return None;
        }
        if sh.session.admin.is_none() && !matches!(cmd, Command::Back | Command::Help) {
            return match cmd {
                Command::Refresh | Command::ToggleFollow => {
                    sh.flash(Flash::warn("pick a role with admin access (a on a role)"));
                    Some(vec![])
                }
                _ => None,
            };
        }
        if self.move_cursor(cmd) {
            return Some(vec![]);
        }
        let window = |n: usize| Some(n);
        let picked = match cmd {
            Command::Window0 => window(0),
            Command::Window1 => window(1),
            Command::Window2 => window(2),
            Command::Window3 => window(3),
            Command::Window4 => window(4),
            Command::Window5 => window(5),
            Command::Window6 => window(6),
            Command::LongerWindow => window((self.window + 1) % WINDOWS.len()),
            Command::ShorterWindow => window((self.window + WINDOWS.len() - 1) % WINDOWS.len()),
            _ => None,
        };
        if let Some(n) = picked {
            self.window = n;
            self.mode = Mode::Stream;
            return Some(self.restart(sh));
        }
        match cmd {
            Command::Filter => {
                self.mode = Mode::Stream;
                self.bar.focus();
            }
            Command::Back => match self.mode {
                Mode::Detail => self.mode = self.detail_from,
                Mode::Person | Mode::Session => {
                    self.mode = Mode::Stream;
                    self.scroll = 0;
                }
                Mode::Stream if self.bar.is_active() || self.toggles != Toggles::default() => {
                    return Some(self.clear_filters(sh));
                }
                Mode::Stream => return None,
            },
            Command::ClearFilters => return Some(self.clear_filters(sh)),
            Command::Open => {
                if let Some(id) = self.cursor_event().map(|e| e.event_id.clone()) {
                    self.detail_from = self.mode;
                    self.focus = Some(id);
                    self.mode = Mode::Detail;
                    self.scroll = 0;
                }
            }
            Command::OpenPerson => match self.cursor_event().map(|e| self.insight.person_key(e)) {
                Some(Some(key)) => {
                    self.focus_person = Some(key);
                    self.mode = Mode::Person;
                    self.scroll = 0;
                }
                Some(None) => sh.flash(Flash::warn("this event names nobody")),
                None => {}
            },
            Command::OpenSession => {
                if let Some(id) = self.cursor_event().map(|e| e.event_id.clone()) {
                    self.focus = Some(id);
                    self.mode = Mode::Session;
                    self.session_list = ListState::default();
                }
            }
            Command::ToggleFollow => return Some(self.toggle_follow()),
            Command::ToggleFailures => {
                self.toggles.failures = !self.toggles.failures;
                self.apply_filter();
            }
            Command::ToggleOwnCalls => {
                self.toggles.own_calls = !self.toggles.own_calls;
                self.apply_filter();
            }
            Command::CycleGroup => {
                self.toggles.next_group();
                return Some(self.after_filter_change(sh));
            }
            Command::Refresh => return Some(self.restart(sh)),
            Command::Copy => {
                let text = self.cursor_event().and_then(TrailEvent::raw_pretty);
                return Some(match text {
                    Some(t) => vec![Effect::Copy(
                        crate::tui::clipboard::Clip::new("the event's JSON", t)
                            .or_see("enter shows it"),
                    )],
                    None => vec![],
                });
            }
            _ => return None,
        }
        Some(vec![])
    }

    fn clear_filters(&mut self, sh: &Shared) -> Vec<Effect> {
        self.bar.clear();
        self.bar_filter = EventFilter::default();
        self.bar_text.clear();
        self.bar_error = None;
        self.toggles = Toggles::default();
        self.after_filter_change(sh)
    }

    /// Refilter; restart when the filter needs a source not being read (approvals).
    fn after_filter_change(&mut self, sh: &Shared) -> Vec<Effect> {
        if self.sources_wanted() != self.polled && sh.session.admin.is_some() {
            return self.restart(sh);
        }
        self.apply_filter();
        vec![]
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        if sh.session.admin.is_none() && self.store.is_empty() {
            let th = &sh.theme;
            f.render_widget(
                Paragraph::new(vec![
                    Line::raw(""),
                    Line::styled(
                        "Events need IAM credentials: pick a role with admin access (a on a role).",
                        th.warn(),
                    ),
                    Line::styled(
                        "The role needs cloudtrail:LookupEvents in the Identity Center account; identitystore:DescribeUser names the people.",
                        th.dim(),
                    ),
                ]),
                area,
            );
            return;
        }
        match self.mode {
            Mode::Stream => super::stream::render(self, f, area, sh),
            Mode::Person => super::person::render(self, f, area, sh),
            Mode::Session => super::session::render(self, f, area, sh),
            Mode::Detail => super::detail::render(self, f, area, sh),
        }
    }
}

impl crate::tui::view::View for EventsView {
    fn contexts(&self) -> Vec<KeyContext> {
        EventsView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        EventsView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        EventsView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        EventsView::render(self, f, area, sh)
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        let label = sh.session.admin.as_ref().map(|a| a.label.clone());
        if label.is_some() && (label != self.loaded_with || self.generation == 0) {
            return self.restart(sh);
        }
        vec![]
    }
    fn on_tick(&mut self) -> bool {
        self.loading
    }
    fn filter(&mut self) -> Option<&mut FilterInput> {
        Some(&mut self.bar)
    }
    fn filter_editing(&self) -> bool {
        self.bar.editing
    }
    fn refilter(&mut self) {
        match filter::parse(&self.bar.text) {
            Ok((f, text)) => {
                self.bar_filter = f;
                self.bar_text = text;
                self.bar_error = None;
            }
            Err(e) => self.bar_error = Some(e),
        }
        self.apply_filter();
    }
}
