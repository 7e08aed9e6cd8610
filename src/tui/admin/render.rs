//! Drawing the admin screen (from state only) and turning the table shown into JSON lines or
//! CSV for export.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{Table, Target};
use super::view::{AdminView, Tab};
use crate::model::inventory::{SectionState, age_ago};
use crate::model::text::sanitize;
use crate::model::words::count;
use crate::tui::shared::Shared;
use crate::tui::widgets::list::fit;

const SPIN: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// `PERMISSION SET` → `permissionSet`.
fn camel(header: &str) -> String {
    let mut out = String::new();
    for (i, w) in header
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let w = w.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&w);
        } else {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.push(f.to_ascii_uppercase());
                out.extend(c);
            }
        }
    }
    out
}

/// The rows shown as JSON lines (keys from the headers, camelCase) or CSV.
pub fn export(t: &Table, csv: bool) -> Result<Vec<u8>, String> {
    if csv {
        let mut w = crate::model::text::csv::Writer::new(Vec::new());
        w.write_record(&t.headers).map_err(|e| e.to_string())?;
        for r in t.shown() {
            w.write_record(&r.cells).map_err(|e| e.to_string())?;
        }
        return w.into_inner();
    }
    let keys: Vec<String> = t.headers.iter().map(|h| camel(h)).collect();
    let mut out = Vec::new();
    for r in t.shown() {
        let obj: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .zip(&r.cells)
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        out.extend(
            crate::model::text::json::to_line(&obj)
                .map_err(|e| e.to_string())?
                .into_bytes(),
        );
        out.push(b'\n');
    }
    Ok(out)
}

impl AdminView {
    fn view_bar(&self, sh: &Shared) -> Line<'static> {
        let th = &sh.theme;
        let mut spans = Vec::new();
        for t in Tab::ALL {
            let style = if t == self.tab && self.inv.is_some() {
                th.selected()
            } else {
                th.dim()
            };
            spans.push(Span::styled(format!(" {} ", t.title()), style));
        }
        if !self.stack.is_empty() {
            spans.push(Span::styled(format!("  › {}", self.tab.title()), th.text()));
            for p in &self.stack {
                spans.push(Span::styled(
                    format!(" › {}", sanitize(&p.crumb)),
                    th.text(),
                ));
            }
        }
        Line::from(spans)
    }

    fn progress_line(&self, sh: &Shared) -> Option<Line<'static>> {
        if !self.loading {
            return None;
        }
        let spin = SPIN[self.spinner % SPIN.len()];
        let what = if self.inv.is_some() {
            "revalidating"
        } else {
            "reading"
        };
        let text = match &self.progress {
            Some(p) => format!("{spin} {what}: {} · x to cancel", p.line()),
            None => format!("{spin} {what}…"),
        };
        Some(Line::styled(text, sh.theme.ok()))
    }

    fn status(&self, sh: &Shared) -> Line<'static> {
        let th = &sh.theme;
        let mut spans = Vec::new();
        if let Some(inv) = &self.inv {
            let name = inv
                .instance
                .name
                .clone()
                .unwrap_or_else(|| inv.instance.arn.clone());
            spans.push(Span::styled(sanitize(&name).into_owned(), th.title()));
            let age = age_ago(inv.age_secs(sh.now));
            let (text, style) = if self.from_cache {
                (format!(" · cached inventory, read {age}"), th.warn())
            } else {
                (format!(" · read {age}"), th.dim())
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::styled(
                format!(
                    " · {} · {} · {}",
                    count(inv.account_ids().len(), "account", "accounts"),
                    count(inv.users.len(), "person", "people"),
                    count(inv.assignments.len(), "assignment", "assignments")
                ),
                th.dim(),
            ));
        }
        Line::from(spans)
    }

    fn notes(&self, sh: &Shared) -> Vec<Line<'static>> {
        let th = &sh.theme;
        let mut out = Vec::new();
        if let Some(inv) = &self.inv {
            for (section, state) in inv.section_states() {
                let op = |m: &str| m.split(':').next().unwrap_or_default().to_string();
                let text = match state {
                    SectionState::Denied(m) => format!(
                        "{section}: access denied ({}) — shown as ids marked (unverified)",
                        op(m)
                    ),
                    SectionState::Failed(m) => {
                        format!("{section} could not be read: {m} — press r to retry")
                    }
                    _ => continue,
                };
                out.push(Line::styled(sanitize(&text).into_owned(), th.warn()));
            }
        }
        if let Some(e) = &self.error {
            out.push(Line::styled(
                format!("{} failed: {}", e.operation, sanitize(&e.message)),
                th.error(),
            ));
            out.push(Line::styled(e.hint(), th.error()));
        }
        if let Some(n) = &self.notice {
            out.push(Line::styled(sanitize(n).into_owned(), th.warn()));
        }
        if self.tab == Tab::Diff
            && self.stack.is_empty()
            && let Some((_, label)) = &self.baseline
        {
            out.push(Line::styled(
                format!("compared with {}", sanitize(label)),
                th.dim(),
            ));
        }
        out
    }

    fn empty_state(&self, sh: &Shared) -> Vec<Line<'static>> {
        let th = &sh.theme;
        if sh.session.admin.is_none() {
            return vec![
                Line::styled(
                    "The admin screens read Identity Center with IAM credentials.",
                    th.text(),
                ),
                Line::styled("Pick a role with admin access (a on a role).", th.warn()),
                Line::styled(
                    "It needs sso:List*/Describe*, identitystore read and organizations read (e.g. AWSSSOReadOnly + AWSOrganizationsReadOnlyAccess).",
                    th.dim(),
                ),
            ];
        }
        if self.loading {
            return vec![Line::styled("Reading the inventory…", th.dim())];
        }
        if self.instances.is_some() {
            return vec![Line::styled(
                "Several Identity Center instances: choose one (enter).",
                th.text(),
            )];
        }
        if self.error.is_some() {
            return vec![Line::styled("Press r to try again.", th.dim())];
        }
        vec![Line::styled("Press r to read the inventory.", th.dim())]
    }

    fn detail_block(&self, sh: &Shared) -> Vec<Line<'static>> {
        let th = &sh.theme;
        let Some(Target::PermissionSet(arn)) = self.stack.last().map(|p| &p.target) else {
            return vec![];
        };
        match self.details.get(arn) {
            None => vec![Line::styled(
                "Loading the permission set's policies…",
                th.dim(),
            )],
            Some(Err(e)) => vec![Line::styled(
                format!("details could not be read: {}", sanitize(e)),
                th.error(),
            )],
            Some(Ok(d)) => super::detail::permission_set_lines(
                d,
                self.portal
                    .unwrap_or(crate::model::access::DEFAULT_PORTAL_SESSION),
            )
            .into_iter()
            .map(|(l, warn)| {
                Line::styled(
                    sanitize(&l).into_owned(),
                    if warn { th.warn() } else { th.text() },
                )
            })
            .collect(),
        }
    }

    /// Draw.
    pub fn draw(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let w = area.width as usize;
        let mut top = vec![self.view_bar(sh), self.status(sh)];
        top.extend(self.progress_line(sh));
        top.extend(self.notes(sh).into_iter().take(4));
        let top_h = top.len() as u16;
        let block = self.detail_block(sh);
        if self.reading.is_some() {
            let [top_area, body] =
                Layout::vertical([Constraint::Length(top_h), Constraint::Min(1)]).areas(area);
            let top: Vec<Line> = top.into_iter().map(|l| clip(l, w)).collect();
            f.render_widget(Paragraph::new(top), top_area);
            let lines = block.into_iter().map(|l| clip(l, w)).collect();
            self.draw_reading(lines, f, body);
            return;
        }
        let editing = self.filter_editing();
        let table = self.table();
        let (filter_line, selected_detail) = match table {
            Some(t) => {
                let filter = (t.filter.editing || t.filter.is_active()).then(|| {
                    Line::from(vec![
                        Span::styled("/", th.key()),
                        Span::styled(
                            format!(
                                "{}{}",
                                sanitize(&t.filter.text),
                                if editing { "▏" } else { "" }
                            ),
                            th.text(),
                        ),
                        Span::styled(
                            format!(
                                "   {} match · {}",
                                t.visible.len(),
                                if editing {
                                    "enter keep · esc done"
                                } else {
                                    "esc clear"
                                }
                            ),
                            th.dim(),
                        ),
                    ])
                });
                let detail: Vec<Line<'static>> = t
                    .current()
                    .map(|r| {
                        r.detail
                            .iter()
                            .take(3)
                            .map(|d| Line::styled(fit(d, w), th.dim()))
                            .collect()
                    })
                    .unwrap_or_default();
                (filter, detail)
            }
            None => (None, vec![]),
        };
        let empty_state = if self.inv.is_none() {
            self.empty_state(sh)
        } else {
            vec![]
        };
        let body_h = area.height.saturating_sub(top_h);
        let mut block = block;
        if block.len() as u16 > body_h / 2 {
            // Cut, saying how to read the rest.
            let keep = (body_h / 2).saturating_sub(1) as usize;
            let more = block.len() - keep;
            block.truncate(keep);
            block.push(Line::styled(
                format!("  … {more} more lines · p reads it all"),
                th.dim(),
            ));
        }
        let block_h = (block.len() as u16).min(body_h / 2);
        let [
            top_area,
            block_area,
            place_area,
            table_area,
            detail_area,
            filter_area,
        ] = Layout::vertical([
            Constraint::Length(top_h),
            Constraint::Length(block_h),
            Constraint::Length(empty_state.len() as u16),
            Constraint::Min(1),
            Constraint::Length(selected_detail.len() as u16),
            Constraint::Length(filter_line.is_some() as u16),
        ])
        .areas(area);
        let top: Vec<Line> = top.into_iter().map(|l| clip(l, w)).collect();
        f.render_widget(Paragraph::new(top), top_area);
        f.render_widget(
            Paragraph::new(block.into_iter().map(|l| clip(l, w)).collect::<Vec<_>>()),
            block_area,
        );
        f.render_widget(Paragraph::new(empty_state), place_area);
        if let Some(t) = self.table() {
            t.render(f, table_area, th);
        }
        f.render_widget(Paragraph::new(selected_detail), detail_area);
        if let Some(l) = filter_line {
            f.render_widget(Paragraph::new(l), filter_area);
        }
    }
}

/// Cut a line's spans to `width` characters.
fn clip(line: Line<'static>, width: usize) -> Line<'static> {
    let mut left = width;
    let spans: Vec<Span<'static>> = line
        .spans
        .into_iter()
        .filter_map(|s| {
            if left == 0 {
                return None;
            }
            let n = s.content.chars().count();
            if n <= left {
                left -= n;
                Some(s)
            } else {
                let text: String = s
                    .content
                    .chars()
                    .take(left.saturating_sub(1))
                    .chain(['…'])
                    .collect();
                left = 0;
                Some(Span::styled(text, s.style))
            }
        })
        .collect();
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::admin::table::TableRow;

    #[test]
    fn export_writes_what_is_shown_with_camel_case_keys() {
        let mut t = Table::new(
            vec!["ACCOUNT", "PERMISSION SET"],
            vec![
                TableRow {
                    cells: vec!["prod".into(), "Admin".into()],
                    ..Default::default()
                },
                TableRow {
                    cells: vec!["dev".into(), "Read,Only".into()],
                    ..Default::default()
                },
            ],
            "",
        );
        t.filter.text = "dev".into();
        t.refilter();
        let json = String::from_utf8(export(&t, false).unwrap()).unwrap();
        assert_eq!(
            json,
            "{\"account\":\"dev\",\"permissionSet\":\"Read,Only\"}\n"
        );
        let csv = String::from_utf8(export(&t, true).unwrap()).unwrap();
        assert_eq!(csv, "ACCOUNT,PERMISSION SET\ndev,\"Read,Only\"\n");
        assert_eq!(camel("OU PATH"), "ouPath");
    }
}
