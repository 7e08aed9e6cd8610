//! The home screen: every account and role, streamed in as the listing arrives, shown at once
//! from the disk cache with its age, with new and removed accounts marked; fuzzy filter over
//! name, id, email and role; favourites and recent roles first; sort keys; multi-select.

mod render;

use std::collections::{BTreeSet, HashSet};

use ratatui::Frame;
use ratatui::layout::Rect;
use time::OffsetDateTime;

use super::DevEffect;
use crate::model::account::{Listing, ListingDiff};
use crate::model::fuzzy::{FuzzyIndex, IncrementalFilter};
use crate::services::ServiceError;
use crate::services::local_store::Prefs;
use crate::services::portal::{ListingEvent, Progress};
use crate::tui::clipboard::Clip;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::{Nav, ScreenId, Shared};
use crate::tui::widgets::{Flash, ListState};

/// Sort orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Account name, then role.
    Name,
    /// Account id.
    Id,
    /// Role name, then account.
    Role,
}

impl SortKey {
    fn next(self) -> SortKey {
        match self {
            SortKey::Name => SortKey::Id,
            SortKey::Id => SortKey::Role,
            SortKey::Role => SortKey::Name,
        }
    }
    fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Id => "id",
            SortKey::Role => "role",
        }
    }
}

/// How a row relates to the previous listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Unchanged.
    Same,
    /// New since the cached listing.
    New,
    /// Gone since the cached listing.
    Removed,
}

/// One displayed row: an account and one of its roles (or a role still loading).
#[derive(Debug, Clone)]
pub struct Row {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// Email.
    pub email: String,
    /// Role, or `None` while loading.
    pub role: Option<String>,
    /// Change marker.
    pub change: Change,
}

impl Row {
    /// `account/role` key for preferences.
    pub fn key(&self) -> Option<String> {
        self.role.as_ref().map(|r| Prefs::key(&self.account_id, r))
    }
}

/// The accounts screen.
pub struct AccountsView {
    /// What is shown.
    pub listing: Option<Listing>,
    /// The listing it replaced (for new/removed marks).
    pub previous: Option<Listing>,
    /// Whether `listing` came from the disk cache and has not been revalidated yet.
    pub from_cache: bool,
    /// Progress of a listing in flight.
    pub loading: Option<Progress>,
    /// The last listing failure.
    pub error: Option<ServiceError>,
    /// What changed.
    pub diff: ListingDiff,
    /// Rows in display order (before filtering).
    pub rows: Vec<Row>,
    index: FuzzyIndex,
    narrowing: IncrementalFilter,
    /// Visible rows: indexes into `rows`.
    pub visible: Vec<usize>,
    /// The filter.
    pub filter: crate::tui::widgets::FilterInput,
    /// Cursor.
    pub list: ListState,
    /// Sort order.
    pub sort: SortKey,
    /// Selected role keys (multi-select).
    pub selected: BTreeSet<String>,
    spinner: usize,
}

impl Default for AccountsView {
    fn default() -> Self {
        AccountsView {
            listing: None,
            previous: None,
            from_cache: false,
            loading: None,
            error: None,
            diff: ListingDiff::default(),
            rows: Vec::new(),
            index: FuzzyIndex::default(),
            narrowing: IncrementalFilter::default(),
            visible: Vec::new(),
            filter: Default::default(),
            list: ListState::default(),
            sort: SortKey::Name,
            selected: BTreeSet::new(),
            spinner: 0,
        }
    }
}

impl AccountsView {
    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        if self.filter.editing {
            vec![KeyContext::Filter]
        } else {
            vec![KeyContext::Accounts, KeyContext::List, KeyContext::Global]
        }
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        vec![
            Command::Open,
            Command::Filter,
            Command::ToggleFavourite,
            Command::ToggleSelect,
            Command::CycleSort,
            Command::Refresh,
            Command::WriteAllProfiles,
            Command::Help,
            Command::Quit,
        ]
    }

    /// Show a cached listing at once.
    pub fn show_cached(&mut self, listing: Listing, prefs: &Prefs) {
        self.listing = Some(listing);
        self.from_cache = true;
        self.rebuild(prefs);
    }

    /// A listing starts: keep what is shown (marked stale) until the new one is in.
    pub fn begin_listing(&mut self) {
        self.loading = Some(Progress {
            done: 0,
            total: 0,
            total_final: false,
            rate: 0.0,
            elapsed: 0.0,
        });
        self.error = None;
    }

    /// Apply streamed listing events. The first page replaces a cached listing's rows only
    /// when there was no cache; otherwise the cache stays on screen and the new listing is
    /// built alongside, then swapped in.
    pub fn on_listing(&mut self, ev: ListingEvent, prefs: &Prefs) {
        match ev {
            ListingEvent::Progress(p) => self.loading = Some(p),
            ListingEvent::Accounts(entries) => {
                if self.from_cache {
                    return;
                }
                let l = self
                    .listing
                    .get_or_insert_with(|| Listing::empty(OffsetDateTime::now_utc()));
                for e in entries {
                    l.accounts.entry(e.account_id.clone()).or_insert(e);
                }
                self.rebuild(prefs);
            }
            ListingEvent::Roles { account_id, roles } => {
                if self.from_cache {
                    return;
                }
                if let Some(a) = self
                    .listing
                    .as_mut()
                    .and_then(|l| l.accounts.get_mut(&account_id))
                {
                    a.roles = Some(roles);
                }
                self.rebuild(prefs);
            }
        }
    }

    /// The listing finished.
    pub fn listing_done(
        &mut self,
        result: Result<Listing, ServiceError>,
        prefs: &Prefs,
    ) -> Option<Listing> {
        self.loading = None;
        match result {
            Ok(new) => {
                if let Some(old) = self.listing.take().filter(|_| self.from_cache) {
                    self.diff = old.diff(&new);
                    self.previous = Some(old);
                } else if let Some(prev) = &self.previous {
                    self.diff = prev.diff(&new);
                }
                self.listing = Some(new.clone());
                self.from_cache = false;
                self.error = None;
                self.rebuild(prefs);
                Some(new)
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// Rebuild rows, the fuzzy index and the visible order.
    pub fn rebuild(&mut self, prefs: &Prefs) {
        let keep = self
            .current()
            .and_then(|r| r.key().or(Some(r.account_id.clone())));
        let mut rows = Vec::new();
        if let Some(l) = &self.listing {
            for a in l.accounts.values() {
                let change = if self.diff.added.contains(&a.account_id) {
                    Change::New
                } else {
                    Change::Same
                };
                match &a.roles {
                    None => rows.push(Row {
                        account_id: a.account_id.clone(),
                        account_name: a.account_name.clone(),
                        email: a.email_address.clone(),
                        role: None,
                        change,
                    }),
                    Some(roles) => {
                        for r in roles {
                            let change = if change == Change::Same
                                && self
                                    .diff
                                    .roles_added
                                    .contains(&(a.account_id.clone(), r.clone()))
                            {
                                Change::New
                            } else {
                                change
                            };
                            rows.push(Row {
                                account_id: a.account_id.clone(),
                                account_name: a.account_name.clone(),
                                email: a.email_address.clone(),
                                role: Some(r.clone()),
                                change,
                            });
                        }
                    }
                }
            }
        }
        if let Some(prev) = &self.previous {
            for id in &self.diff.removed {
                if let Some(a) = prev.accounts.get(id) {
                    for r in a.roles.clone().unwrap_or_default() {
                        rows.push(Row {
                            account_id: id.clone(),
                            account_name: a.account_name.clone(),
                            email: a.email_address.clone(),
                            role: Some(r),
                            change: Change::Removed,
                        });
                    }
                }
            }
        }
        let rank = |r: &Row| -> (u8, usize) {
            let key = r.key().unwrap_or_default();
            if prefs.favourites.contains(&key) {
                (0, prefs.recency(&key).unwrap_or(usize::MAX))
            } else if let Some(n) = prefs.recency(&key) {
                (1, n)
            } else {
                (2, 0)
            }
        };
        let sort = self.sort;
        rows.sort_by(|a, b| {
            rank(a).cmp(&rank(b)).then_with(|| match sort {
                SortKey::Name => a
                    .account_name
                    .to_lowercase()
                    .cmp(&b.account_name.to_lowercase())
                    .then(a.role.cmp(&b.role)),
                SortKey::Id => a.account_id.cmp(&b.account_id).then(a.role.cmp(&b.role)),
                SortKey::Role => a.role.cmp(&b.role).then(
                    a.account_name
                        .to_lowercase()
                        .cmp(&b.account_name.to_lowercase()),
                ),
            })
        });
        self.index = FuzzyIndex::new(rows.iter().map(|r| {
            format!(
                "{} {} {} {}",
                r.account_name,
                r.account_id,
                r.email,
                r.role.as_deref().unwrap_or_default()
            )
        }));
        self.rows = rows;
        self.narrowing.reset();
        self.refilter();
        if let Some(k) = keep
            && let Some(pos) = self.visible.iter().position(|&i| {
                self.rows[i]
                    .key()
                    .unwrap_or_else(|| self.rows[i].account_id.clone())
                    == k
            })
        {
            self.list.selected = pos;
        }
    }

    /// Apply the filter: ranked by match score (ties keep the preferred order).
    pub fn refilter(&mut self) {
        self.visible = self
            .narrowing
            .apply(&self.index, &self.filter.text)
            .iter()
            .map(|(i, _)| *i)
            .collect();
        self.list.clamp(self.visible.len());
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<&Row> {
        self.visible.get(self.list.selected).map(|&i| &self.rows[i])
    }

    /// Handle a command; `None` = not ours.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let len = self.visible.len();
        match cmd {
            Command::Down => self.list.move_by(1, len),
            Command::Up => self.list.move_by(-1, len),
            Command::PageDown => self.list.move_by(20, len),
            Command::PageUp => self.list.move_by(-20, len),
            Command::Top => self.list.top(),
            Command::Bottom => self.list.bottom(len),
            Command::Filter => self.filter.focus(),
            Command::Back if self.filter.editing => self.filter.blur(),
            Command::Back if self.filter.is_active() => {
                self.filter.clear();
                self.refilter();
            }
            Command::Open if self.filter.editing => self.filter.blur(),
            Command::Open => {
                let row = self.current()?.clone();
                let Some(role) = row.role.clone() else {
                    sh.flash(Flash::info("this account's roles are still loading"));
                    return Some(vec![]);
                };
                if row.change == Change::Removed {
                    sh.flash(Flash::warn("this role is gone since the last listing"));
                    return Some(vec![]);
                }
                let token = sh.token()?;
                sh.prefs.touch(&Prefs::key(&row.account_id, &role));
                sh.nav = Some(Nav::Push(ScreenId::Role));
                return Some(vec![
                    Effect::Dev(DevEffect::GetCredentials {
                        token,
                        account: row.account_id,
                        role,
                        purpose: super::CredPurpose::Show,
                    }),
                    Effect::Dev(DevEffect::SavePrefs(sh.prefs.clone())),
                ]);
            }
            Command::ToggleFavourite => {
                let key = self.current()?.key()?;
                let on = sh.prefs.toggle_favourite(&key);
                sh.flash(Flash::info(if on {
                    "added to favourites"
                } else {
                    "removed from favourites"
                }));
                self.rebuild(&sh.prefs);
                return Some(vec![Effect::Dev(DevEffect::SavePrefs(sh.prefs.clone()))]);
            }
            Command::ToggleSelect => {
                let key = self.current()?.key()?;
                if !self.selected.remove(&key) {
                    self.selected.insert(key);
                }
                self.list.move_by(1, len);
            }
            Command::CycleSort => {
                self.sort = self.sort.next();
                sh.flash(Flash::info(format!(
                    "sorted by {} (favourites and recent roles stay first)",
                    self.sort.label()
                )));
                self.rebuild(&sh.prefs);
            }
            Command::Copy => {
                let text = if self.selected.is_empty() {
                    let r = self.current()?;
                    format!("{} {}", r.account_id, r.role.clone().unwrap_or_default())
                } else {
                    self.selected
                        .iter()
                        .map(|k| k.replace('/', " "))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                return Some(vec![Effect::Copy(Clip::new(
                    "the account id and role",
                    text,
                ))]);
            }
            Command::Refresh => {
                let token = sh.token()?;
                self.begin_listing();
                return Some(vec![Effect::Dev(DevEffect::ListAccounts(token))]);
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// The roles to write as profiles: the selection, or every role.
    pub fn roles_for_profiles(&self) -> Vec<(String, String, String)> {
        let Some(l) = &self.listing else {
            return vec![];
        };
        let wanted: HashSet<&String> = self.selected.iter().collect();
        l.accounts
            .values()
            .flat_map(|a| {
                a.roles
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |r| (a.account_id.clone(), a.account_name.clone(), r))
            })
            .filter(|(id, _, r)| wanted.is_empty() || wanted.contains(&Prefs::key(id, r)))
            .collect()
    }

    /// Whether anything time-dependent is on screen.
    pub fn tick(&mut self) -> bool {
        self.spinner = self.spinner.wrapping_add(1);
        true
    }
}

impl crate::tui::view::View for AccountsView {
    fn contexts(&self) -> Vec<KeyContext> {
        AccountsView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        AccountsView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        AccountsView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        AccountsView::render(self, f, area, sh)
    }
    fn on_tick(&mut self) -> bool {
        AccountsView::tick(self)
    }
    fn filter(&mut self) -> Option<&mut crate::tui::widgets::FilterInput> {
        Some(&mut self.filter)
    }
    fn filter_editing(&self) -> bool {
        self.filter.editing
    }
    fn refilter(&mut self) {
        AccountsView::refilter(self)
    }
}
