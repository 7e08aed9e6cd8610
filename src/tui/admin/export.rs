//! What the admin screen writes out: the table shown as JSON or CSV (`e` / `E`), and a snapshot
//! of the inventory that also becomes the diff's baseline (`S`). Files are named after the page
//! and the time; the writing itself is an effect.

use time::OffsetDateTime;

use super::AdminEffect;
use super::view::{AdminView, Tab};
use crate::model::snapshot::Snapshot;
use crate::tui::effect::Effect;
use crate::tui::shared::Shared;
use crate::tui::widgets::Flash;

/// `20261122-063000`, for file names.
fn stamp(n: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        n.year(),
        n.month() as u8,
        n.day(),
        n.hour(),
        n.minute(),
        n.second()
    )
}

impl AdminView {
    /// A name for the page shown, for export file names.
    fn slug(&self) -> String {
        let base = match self.stack.last() {
            Some(p) => p.crumb.clone(),
            None => self.tab.title().to_string(),
        };
        let s: String = base
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        s.split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Write the table shown as CSV or JSON.
    pub(super) fn export(&mut self, csv: bool, sh: &mut Shared) -> Vec<Effect> {
        let slug = self.slug();
        let Some(t) = self.table() else {
            return vec![];
        };
        let bytes = match super::render::export(t, csv) {
            Ok(b) => b,
            Err(e) => {
                sh.flash(Flash::error(format!("export failed: {e}")));
                return vec![];
            }
        };
        let name = format!(
            "centry-{slug}-{}.{}",
            stamp(sh.now),
            if csv { "csv" } else { "json" }
        );
        vec![Effect::Admin(AdminEffect::Write { name, bytes })]
    }

    /// Write a snapshot of the inventory and make it the diff's baseline.
    pub(super) fn take_snapshot(&mut self, sh: &mut Shared) -> Vec<Effect> {
        let Some(inv) = &self.inv else {
            return vec![];
        };
        match Snapshot::from_inventory(inv) {
            Ok(s) => {
                let n = sh.now;
                let name = format!("centry-snapshot-{}.json", stamp(n));
                let bytes = s.to_json().into_bytes();
                self.baseline = Some((
                    s,
                    format!("your snapshot of {:02}:{:02}", n.hour(), n.minute()),
                ));
                self.roots[Tab::Diff.index()] = None;
                vec![Effect::Admin(AdminEffect::Write { name, bytes })]
            }
            Err(e) => {
                sh.flash(Flash::warn(e.to_string()));
                vec![]
            }
        }
    }
}
