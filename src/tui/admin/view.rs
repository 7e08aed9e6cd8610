//! The admin screen's state and commands: which view (accounts, people, permission sets,
//! applications, diff), the drill-down stack behind the breadcrumbs, the inventory shown
//! (cached at first, with its age, then revalidated), progress and cancel, permission-set
//! details fetched on demand, export of what is shown, and the baseline snapshot the diff
//! compares against.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::pages::{self, Derived};
use super::table::{Table, Target};
use super::{AdminEffect, AdminMsg, detail};
use crate::model::access::DEFAULT_PORTAL_SESSION;
use crate::model::inventory::Inventory;
use crate::model::permission_set::PermissionSetDetail;
use crate::model::snapshot::{self, Snapshot};
use crate::services::ServiceError;
use crate::services::admin::{Progress, is_cancelled};
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::{FilterInput, Flash};

/// The admin views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// By account.
    #[default]
    Accounts,
    /// By person.
    People,
    /// By permission set.
    PermissionSets,
    /// Applications.
    Applications,
    /// The diff against the baseline.
    Diff,
}

impl Tab {
    /// In order.
    pub const ALL: [Tab; 5] = [
        Tab::Accounts,
        Tab::People,
        Tab::PermissionSets,
        Tab::Applications,
        Tab::Diff,
    ];

    /// Name on the view bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Accounts => "By account",
            Tab::People => "By person",
            Tab::PermissionSets => "By permission set",
            Tab::Applications => "Applications",
            Tab::Diff => "Diff",
        }
    }

    pub(super) fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// A drill-down page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its breadcrumb.
    pub crumb: String,
    /// What it shows.
    pub target: Target,
    /// Its table.
    pub table: Table,
}

/// The admin screen.
#[derive(Default)]
pub struct AdminView {
    /// The inventory shown.
    pub inv: Option<Arc<Inventory>>,
    /// Effective access computed from it.
    pub derived: Option<Arc<Derived>>,
    /// Whether `inv` came from the disk cache (and is being revalidated).
    pub from_cache: bool,
    /// A load is running.
    pub loading: bool,
    /// Its progress.
    pub progress: Option<Progress>,
    /// The last load's failure.
    pub error: Option<ServiceError>,
    /// A one-line notice (`cancelled`, a cache problem).
    pub notice: Option<String>,
    /// Instances to choose from, when there are several.
    pub instances: Option<Table>,
    /// The instance chosen.
    pub instance: Option<String>,
    /// The credentials label the inventory was read with.
    pub loaded_for: Option<String>,
    /// The current view.
    pub tab: Tab,
    /// Each view's root table (built when first shown).
    pub roots: [Option<Table>; 5],
    /// Drill-down pages, last = shown.
    pub stack: Vec<Page>,
    /// Permission-set details by ARN (or why they could not be read).
    pub details: BTreeMap<String, Result<PermissionSetDetail, String>>,
    /// The snapshot the diff compares with, and how to name it.
    pub baseline: Option<(Snapshot, String)>,
    /// Spinner phase.
    pub spinner: usize,
    /// Load generation (stale results are ignored).
    pub generation: u64,
    /// The access portal session used for windows.
    pub portal: Option<Duration>,
    /// Reading the shown permission set's whole detail, scrolled this far.
    pub reading: Option<usize>,
}

impl AdminView {
    fn portal(&self) -> Duration {
        self.portal.unwrap_or(DEFAULT_PORTAL_SESSION)
    }

    /// Show an inventory (from the cache, or fresh).
    pub fn set_inventory(&mut self, inv: Inventory, from_cache: bool) {
        if !from_cache
            && self.from_cache
            && self.baseline.is_none()
            && let Some(old) = &self.inv
            && let Ok(s) = Snapshot::from_inventory(old)
        {
            let t = old.as_of;
            self.baseline = Some((
                s,
                format!("the cached inventory of {:02}:{:02}", t.hour(), t.minute()),
            ));
        }
        self.derived = Some(Arc::new(Derived::new(&inv, self.portal())));
        self.inv = Some(Arc::new(inv));
        self.from_cache = from_cache;
        self.instances = None;
        self.roots = Default::default();
        let targets: Vec<(String, Target, usize, FilterInput)> = self
            .stack
            .drain(..)
            .map(|p| (p.crumb, p.target, p.table.list.selected, p.table.filter))
            .collect();
        for (crumb, target, selected, filter) in targets {
            let mut table = self.table_for(&target);
            table.filter = filter;
            table.refilter();
            table.list.selected = selected;
            table.list.clamp(table.visible.len());
            self.stack.push(Page {
                crumb,
                target,
                table,
            });
        }
    }

    fn table_for(&self, target: &Target) -> Table {
        let (Some(inv), Some(d)) = (&self.inv, &self.derived) else {
            return Table::default();
        };
        match target {
            Target::Account(id) => pages::account(inv, d, id),
            Target::Person(id) => pages::person(inv, d, id),
            Target::App(arn) => pages::application(inv, d, arn),
            Target::PermissionSet(arn) => {
                let prov = self
                    .details
                    .get(arn)
                    .and_then(|r| r.as_ref().ok())
                    .map(|d| d.provisioned.as_slice());
                pages::permission_set(inv, d, arn, prov)
            }
            Target::Instance(_) => Table::default(),
        }
    }

    fn crumb_for(&self, target: &Target) -> String {
        let Some(inv) = &self.inv else {
            return String::new();
        };
        match target {
            Target::Account(id) => inv.account_label(id).cell(),
            Target::Person(id) => inv.user_label(id).cell(),
            Target::PermissionSet(arn) => inv.permission_set_label(arn).cell(),
            Target::App(arn) => inv
                .applications
                .get(arn)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| arn.clone()),
            Target::Instance(arn) => arn.clone(),
        }
    }

    fn root(&mut self) -> &mut Table {
        let i = self.tab.index();
        if self.roots[i].is_none() {
            let built = match (&self.inv, &self.derived) {
                (Some(inv), Some(d)) => match self.tab {
                    Tab::Accounts => pages::accounts(inv, d),
                    Tab::People => pages::people(inv, d),
                    Tab::PermissionSets => pages::permission_sets(inv, d),
                    Tab::Applications => pages::applications(inv, d),
                    Tab::Diff => self.diff_table(inv),
                },
                _ => Table::default(),
            };
            self.roots[i] = Some(built);
        }
        self.roots[i].get_or_insert_with(Table::default)
    }

    fn diff_table(&self, inv: &Inventory) -> Table {
        let Some((base, label)) = &self.baseline else {
            return Table::new(
                vec!["CHANGE"],
                vec![],
                "No baseline yet: press S to snapshot now, then r later to see what changed.",
            );
        };
        match Snapshot::from_inventory(inv) {
            Ok(now) => detail::diff_table(&snapshot::diff(base, &now), label),
            Err(e) => Table::new(vec!["CHANGE"], vec![], format!("Cannot compare: {e}")),
        }
    }

    /// The table shown (instances to choose from, a drill-down page, or the view's root).
    pub fn table(&mut self) -> Option<&mut Table> {
        if self.inv.is_none() {
            return self.instances.as_mut();
        }
        if !self.stack.is_empty() {
            return self.stack.last_mut().map(|p| &mut p.table);
        }
        Some(self.root())
    }

    /// Start loading with the session's admin credentials.
    pub fn load(&mut self, sh: &Shared, with_cache: bool) -> Vec<Effect> {
        let Some(admin) = &sh.session.admin else {
            return vec![];
        };
        self.generation += 1;
        self.loading = true;
        self.progress = None;
        self.error = None;
        self.notice = None;
        vec![Effect::Admin(AdminEffect::Load {
            generation: self.generation,
            creds: Box::new(admin.creds.clone()),
            label: admin.label.clone(),
            instance: self.instance.clone(),
            with_cache,
        })]
    }

    /// A result arrived.
    pub fn on_msg(&mut self, msg: AdminMsg, sh: &mut Shared) -> Vec<Effect> {
        match msg {
            AdminMsg::Cached(g, r) if g == self.generation => match r {
                Ok(Some(inv)) if self.inv.is_none() => self.set_inventory(*inv, true),
                Ok(_) => {}
                Err(e) => self.notice = Some(format!("inventory cache: {e}")),
            },
            AdminMsg::Progress(g, p) if g == self.generation && self.loading => {
                self.progress = Some(p)
            }
            AdminMsg::Instances(g, list) if g == self.generation => {
                self.loading = false;
                self.instances = Some(pages::instances(&list));
            }
            AdminMsg::Loaded {
                generation,
                label,
                result,
            } if generation == self.generation => {
                self.loading = false;
                self.progress = None;
                match *result {
                    Ok(inv) => {
                        sh.log(format!(
                            "admin inventory: {} assignments, {} calls in {:.1} s ({})",
                            inv.assignments.len(),
                            inv.stats.calls,
                            inv.stats.seconds,
                            inv.stats.strategy
                        ));
                        self.loaded_for = Some(label);
                        self.set_inventory(inv, false);
                    }
                    Err(e) if is_cancelled(&e) => {
                        self.notice = Some("cancelled — press r to read again".into())
                    }
                    Err(e) => {
                        sh.log(format!("admin inventory failed: {e}"));
                        self.error = Some(e);
                    }
                }
            }
            AdminMsg::Detail { arn, result } => {
                let r = (*result).map_err(|e| format!("{} — {}", e, e.hint()));
                self.details.insert(arn.clone(), r);
                let fresh: Vec<usize> = self
                    .stack
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.target == Target::PermissionSet(arn.clone()))
                    .map(|(i, _)| i)
                    .collect();
                for i in fresh {
                    let mut t = self.table_for(&self.stack[i].target);
                    t.list = self.stack[i].table.list;
                    t.filter = self.stack[i].table.filter.clone();
                    t.refilter();
                    self.stack[i].table = t;
                }
            }
            AdminMsg::Written(Ok(path)) => sh.flash(Flash::info(format!("wrote {path}"))),
            AdminMsg::Written(Err(e)) => sh.flash(Flash::error(format!("could not write: {e}"))),
            _ => {}
        }
        vec![]
    }

    fn open(&mut self, sh: &mut Shared) -> Vec<Effect> {
        let Some(target) = self
            .table()
            .and_then(|t| t.current())
            .and_then(|r| r.open.clone())
        else {
            return vec![];
        };
        if let Target::Instance(arn) = target {
            self.instance = Some(arn);
            self.instances = None;
            return self.load(sh, false);
        }
        let mut effects = vec![];
        if let Target::PermissionSet(arn) = &target
            && !matches!(self.details.get(arn), Some(Ok(_)))
            && let (Some(admin), Some(inv)) = (&sh.session.admin, &self.inv)
        {
            effects.push(Effect::Admin(AdminEffect::Detail {
                creds: Box::new(admin.creds.clone()),
                instance: inv.instance.arn.clone(),
                arn: arn.clone(),
            }));
        }
        let page = Page {
            crumb: self.crumb_for(&target),
            table: self.table_for(&target),
            target,
        };
        self.stack.push(page);
        effects
    }

    fn switch(&mut self, tab: Tab) {
        self.tab = tab;
        self.stack.clear();
    }

    /// Handle a command; `None` = not this screen's.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        if self.reading.is_some() {
            return self.on_reading_command(cmd, sh);
        }
        let editing = self.filter_editing();
        match cmd {
            Command::ReadPolicy if !editing => self.start_reading(sh),
            Command::Filter => self.table()?.filter.focus(),
            Command::Back if editing => self.table()?.filter.blur(),
            Command::Open if editing => self.table()?.filter.blur(),
            Command::Back if self.table().is_some_and(|t| t.filter.is_active()) => {
                let t = self.table()?;
                t.filter.clear();
                t.refilter();
            }
            Command::Back if !self.stack.is_empty() => {
                self.stack.pop();
            }
            Command::Open => return Some(self.open(sh)),
            Command::Refresh => {
                if sh.session.admin.is_none() {
                    sh.flash(Flash::warn("pick a role with admin access (a on a role)"));
                    return Some(vec![]);
                }
                return Some(self.load(sh, false));
            }
            Command::Cancel if self.loading => {
                self.loading = false;
                self.progress = None;
                self.notice = Some("cancelled — press r to read again".into());
                self.generation += 1;
                return Some(vec![Effect::Admin(AdminEffect::Cancel)]);
            }
            Command::NextView => self.switch(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Command::PrevView => {
                self.switch(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Command::ExportJson => return Some(self.export(false, sh)),
            Command::ExportCsv => return Some(self.export(true, sh)),
            Command::TakeSnapshot => return Some(self.take_snapshot(sh)),
            c => {
                let t = self.table()?;
                if !t.navigate(c, 20) {
                    return None;
                }
            }
        }
        Some(vec![])
    }

    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        if self.filter_editing() {
            vec![KeyContext::Filter]
        } else {
            vec![KeyContext::Admin, KeyContext::List, KeyContext::Global]
        }
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        if self.reading.is_some() {
            return vec![
                Command::Down,
                Command::Up,
                Command::Copy,
                Command::Back,
                Command::Help,
            ];
        }
        let mut h = vec![Command::Open, Command::Filter, Command::NextView];
        if self.permission_set_page().is_some() {
            h.push(Command::ReadPolicy);
        }
        if self.loading {
            h.push(Command::Cancel);
        } else {
            h.push(Command::Refresh);
        }
        h.extend([
            Command::ExportJson,
            Command::ExportCsv,
            Command::TakeSnapshot,
            Command::Help,
        ]);
        h
    }

    /// Whether the filter has focus.
    pub fn filter_editing(&self) -> bool {
        let t = if self.inv.is_none() {
            self.instances.as_ref()
        } else if let Some(p) = self.stack.last() {
            Some(&p.table)
        } else {
            self.roots[self.tab.index()].as_ref()
        };
        t.is_some_and(|t| t.filter.editing)
    }

    /// The screen was switched to: load when needed, or again when the credentials changed.
    pub fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        let Some(admin) = &sh.session.admin else {
            return vec![];
        };
        let stale = self.loaded_for.as_ref().is_some_and(|l| l != &admin.label);
        if stale {
            self.inv = None;
            self.derived = None;
            self.stack.clear();
            self.roots = Default::default();
            self.details.clear();
            return self.load(sh, false);
        }
        if (self.inv.is_none() || self.from_cache)
            && !self.loading
            && self.error.is_none()
            && self.instances.is_none()
        {
            return self.load(sh, self.inv.is_none());
        }
        vec![]
    }
}

impl crate::tui::view::View for AdminView {
    fn contexts(&self) -> Vec<KeyContext> {
        AdminView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        AdminView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        AdminView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, sh: &Shared) {
        self.draw(f, area, sh)
    }
    fn on_tick(&mut self) -> bool {
        if self.loading {
            self.spinner = self.spinner.wrapping_add(1);
        }
        self.loading
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        AdminView::on_enter(self, sh)
    }
    fn filter(&mut self) -> Option<&mut FilterInput> {
        self.table().map(|t| &mut t.filter)
    }
    fn filter_editing(&self) -> bool {
        AdminView::filter_editing(self)
    }
    fn refilter(&mut self) {
        if let Some(t) = self.table() {
            t.refilter();
        }
    }
}
