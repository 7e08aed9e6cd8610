//! Applications from the access portal: each with its kind and the profiles it opens with;
//! enter opens the selected application's URL. Falls back with a clear message when the
//! portal refuses the call.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::DevEffect;
use crate::model::apps::{AppInstance, AppProfile};
use crate::model::text::sanitize;
use crate::services::ServiceError;
use crate::tui::clipboard::Clip;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::list::fit;
use crate::tui::widgets::{Flash, ListState};

/// The applications screen.
#[derive(Default)]
pub struct AppsView {
    /// Applications, once loaded.
    pub apps: Option<Vec<AppInstance>>,
    /// Why loading failed.
    pub error: Option<ServiceError>,
    /// Loading.
    pub loading: bool,
    /// Cursor.
    pub list: ListState,
}

impl AppsView {
    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        vec![KeyContext::List, KeyContext::Global]
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        vec![
            Command::Open,
            Command::Copy,
            Command::Refresh,
            Command::Help,
            Command::Quit,
        ]
    }

    /// Load if not loaded yet.
    pub fn ensure_loaded(&mut self, sh: &Shared) -> Vec<Effect> {
        if self.apps.is_some() || self.loading {
            return vec![];
        }
        self.reload(sh)
    }

    fn reload(&mut self, sh: &Shared) -> Vec<Effect> {
        match sh.token() {
            Some(t) => {
                self.loading = true;
                vec![Effect::Dev(DevEffect::LoadApps(t))]
            }
            None => vec![],
        }
    }

    /// Applications arrived; ask for each one's profiles.
    pub fn on_apps(
        &mut self,
        result: Result<Vec<AppInstance>, ServiceError>,
        sh: &Shared,
    ) -> Vec<Effect> {
        self.loading = false;
        match result {
            Ok(mut apps) => {
                apps.sort_by_key(|a| a.name.to_lowercase());
                let effects = match sh.token() {
                    Some(t) => apps
                        .iter()
                        .map(|a| {
                            Effect::Dev(DevEffect::LoadAppProfiles {
                                token: t.clone(),
                                id: a.id.clone(),
                            })
                        })
                        .collect(),
                    None => vec![],
                };
                self.apps = Some(apps);
                self.error = None;
                effects
            }
            Err(e) => {
                self.error = Some(e);
                vec![]
            }
        }
    }

    /// One application's profiles arrived.
    pub fn on_profiles(&mut self, id: &str, result: Result<Vec<AppProfile>, ServiceError>) {
        if let Some(a) = self
            .apps
            .as_mut()
            .and_then(|v| v.iter_mut().find(|a| a.id == id))
        {
            a.profiles = Some(result.unwrap_or_default());
        }
    }

    fn current(&self) -> Option<&AppInstance> {
        self.apps.as_ref()?.get(self.list.selected)
    }

    /// Handle a command; `None` = not ours.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let len = self.apps.as_ref().map_or(0, Vec::len);
        match cmd {
            Command::Down => self.list.move_by(1, len),
            Command::Up => self.list.move_by(-1, len),
            Command::Top => self.list.top(),
            Command::Bottom => self.list.bottom(len),
            Command::Refresh => return Some(self.reload(sh)),
            Command::Open | Command::Copy => {
                let app = self.current()?;
                let Some(url) = app
                    .profiles
                    .as_ref()
                    .and_then(|p| p.first())
                    .map(|p| p.url.clone())
                else {
                    sh.flash(Flash::warn("this application has no URL to open yet"));
                    return Some(vec![]);
                };
                if cmd == Command::Open {
                    sh.flash(Flash::info(format!("opening {}", sanitize(&app.name))));
                    return Some(vec![Effect::OpenUrl(url)]);
                }
                return Some(vec![Effect::Copy(
                    Clip::new("the application URL", url).or_see("enter opens it"),
                )]);
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let [list_area, detail] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        let mut lines = Vec::new();
        if let Some(e) = &self.error {
            lines.push(Line::styled(
                "The access portal did not list your applications:",
                th.error(),
            ));
            lines.push(Line::styled(
                format!("{} — {}", sanitize(&e.message), e.hint()),
                th.error(),
            ));
            lines.push(Line::styled(
                "Accounts and roles still work; this list needs the portal's own API.",
                th.dim(),
            ));
        } else if self.loading {
            lines.push(Line::styled("Loading applications…", th.dim()));
        } else if let Some(apps) = &self.apps {
            if apps.is_empty() {
                lines.push(Line::styled(
                    "No applications are assigned to you.",
                    th.dim(),
                ));
            }
            let range = self
                .list
                .visible(apps.len(), list_area.height.saturating_sub(2) as usize);
            let w = list_area.width.saturating_sub(4) as usize;
            for i in range {
                let a = &apps[i];
                let style = if i == self.list.selected {
                    th.selected()
                } else {
                    th.text()
                };
                lines.push(Line::styled(fit(&a.name, w), style));
            }
        }
        f.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Applications "),
            ),
            list_area,
        );
        let mut d = Vec::new();
        if let Some(a) = self.current() {
            d.push(Line::styled(sanitize(&a.name).into_owned(), th.title()));
            d.push(Line::styled(
                sanitize(&a.application_name).into_owned(),
                th.dim(),
            ));
            if !a.description.is_empty() {
                d.push(Line::styled(
                    sanitize(&a.description).into_owned(),
                    th.text(),
                ));
            }
            d.push(Line::raw(""));
            match &a.profiles {
                None => d.push(Line::styled("Loading how to open it…", th.dim())),
                Some(p) if p.is_empty() => d.push(Line::styled("No profiles.", th.dim())),
                Some(p) => {
                    for prof in p {
                        d.push(Line::from(vec![
                            Span::styled(format!("{} ", sanitize(&prof.name)), th.text()),
                            Span::styled(format!("({})", sanitize(&prof.protocol)), th.dim()),
                        ]));
                        d.push(Line::styled(format!("  {}", sanitize(&prof.url)), th.dim()));
                    }
                }
            }
        }
        f.render_widget(
            Paragraph::new(d)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(" Open with ")),
            detail,
        );
    }
}

impl crate::tui::view::View for AppsView {
    fn contexts(&self) -> Vec<KeyContext> {
        AppsView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        AppsView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        AppsView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        AppsView::render(self, f, area, sh)
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        self.ensure_loaded(sh)
    }
}
