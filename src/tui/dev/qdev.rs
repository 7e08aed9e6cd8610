//! Amazon Q Developer profiles across the Q regions, each with its ARN, region, status and
//! customizations; a region that failed, a sign-in without the Q scopes, and no subscription
//! each say so plainly.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::DevEffect;
use crate::model::apps::{QCustomization, QProfile};
use crate::model::text::sanitize;
use crate::services::ServiceError;
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::widgets::ListState;
use crate::tui::widgets::list::fit;

/// The Q Developer screen.
#[derive(Default)]
pub struct QView {
    /// Profiles from every region that answered.
    pub profiles: Option<Vec<QProfile>>,
    /// Regions that failed, with why.
    pub failures: Vec<(String, ServiceError)>,
    /// Loading.
    pub loading: bool,
    /// Cursor.
    pub list: ListState,
}

impl QView {
    /// Whether anything shown depends on time.
    pub fn tick(&mut self) -> bool {
        self.loading
    }

    /// Key contexts.
    pub fn contexts(&self) -> Vec<KeyContext> {
        vec![KeyContext::List, KeyContext::Global]
    }

    /// Footer hints.
    pub fn hints(&self) -> Vec<Command> {
        vec![
            Command::Copy,
            Command::Refresh,
            Command::SignIn,
            Command::Help,
            Command::Quit,
        ]
    }

    /// Load if not loaded yet.
    pub fn ensure_loaded(&mut self, sh: &Shared) -> Vec<Effect> {
        if self.profiles.is_some() || self.loading {
            return vec![];
        }
        self.reload(sh)
    }

    fn reload(&mut self, sh: &Shared) -> Vec<Effect> {
        match sh.token() {
            Some(t) => {
                self.loading = true;
                vec![Effect::Dev(DevEffect::LoadQ(t))]
            }
            None => vec![],
        }
    }

    /// Profiles arrived (per region); ask for customizations.
    pub fn on_profiles(
        &mut self,
        results: Vec<(String, Result<Vec<QProfile>, ServiceError>)>,
        sh: &Shared,
    ) -> Vec<Effect> {
        self.loading = false;
        self.failures.clear();
        let mut all = Vec::new();
        for (region, r) in results {
            match r {
                Ok(p) => all.extend(p),
                Err(e) => self.failures.push((region, e)),
            }
        }
        all.sort_by(|a, b| a.region.cmp(&b.region).then(a.name.cmp(&b.name)));
        let effects = match sh.token() {
            Some(t) => all
                .iter()
                .map(|p| {
                    Effect::Dev(DevEffect::LoadQCustomizations {
                        token: t.clone(),
                        arn: p.arn.clone(),
                    })
                })
                .collect(),
            None => vec![],
        };
        self.profiles = Some(all);
        effects
    }

    /// Customizations arrived.
    pub fn on_customizations(
        &mut self,
        arn: &str,
        result: Result<Vec<QCustomization>, ServiceError>,
    ) {
        if let Some(p) = self
            .profiles
            .as_mut()
            .and_then(|v| v.iter_mut().find(|p| p.arn == arn))
        {
            p.customizations = Some(result.unwrap_or_default());
        }
    }

    fn missing_scope(&self) -> bool {
        !self.failures.is_empty()
            && self
                .failures
                .iter()
                .all(|(_, e)| e.message.contains("not authorized"))
    }

    /// Handle a command; `None` = not ours.
    pub fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let len = self.profiles.as_ref().map_or(0, Vec::len);
        match cmd {
            Command::Down => self.list.move_by(1, len),
            Command::Up => self.list.move_by(-1, len),
            Command::Top => self.list.top(),
            Command::Bottom => self.list.bottom(len),
            Command::Refresh => return Some(self.reload(sh)),
            Command::Copy | Command::Open => {
                let p = self.profiles.as_ref()?.get(self.list.selected)?;
                return Some(vec![Effect::Copy(crate::tui::clipboard::Clip::new(
                    "the profile ARN",
                    p.arn.clone(),
                ))]);
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
        if self.loading {
            lines.push(Line::styled("Asking us-east-1 and eu-central-1…", th.dim()));
        }
        if self.missing_scope() {
            lines.push(Line::styled(
                "This sign-in lacks the Q Developer scopes",
                th.error(),
            ));
            lines.push(Line::styled(
                "(codewhisperer:*). Press L to sign in again with them.",
                th.error(),
            ));
        } else {
            for (region, e) in &self.failures {
                lines.push(Line::styled(
                    format!("{region}: {}", sanitize(&e.message)),
                    th.error(),
                ));
            }
        }
        if let Some(p) = &self.profiles {
            if p.is_empty() && self.failures.is_empty() {
                lines.push(Line::styled(
                    "No Q Developer profiles: you are not subscribed in any region.",
                    th.dim(),
                ));
            }
            let w = list_area.width.saturating_sub(4) as usize;
            let range = self.list.visible(
                p.len(),
                list_area.height.saturating_sub(2 + lines.len() as u16) as usize,
            );
            for i in range {
                let style = if i == self.list.selected {
                    th.selected()
                } else {
                    th.text()
                };
                lines.push(Line::styled(
                    fit(&format!("{:<14} {}", p[i].region, p[i].name), w),
                    style,
                ));
            }
        }
        f.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Q Developer profiles "),
            ),
            list_area,
        );
        let mut d = Vec::new();
        if let Some(p) = self
            .profiles
            .as_ref()
            .and_then(|v| v.get(self.list.selected))
        {
            d.push(Line::styled(sanitize(&p.name).into_owned(), th.title()));
            d.push(Line::styled(sanitize(&p.arn).into_owned(), th.dim()));
            d.push(Line::from(vec![
                Span::styled("Region  ", th.dim()),
                Span::styled(p.region.clone(), th.text()),
            ]));
            d.push(Line::from(vec![
                Span::styled("Status  ", th.dim()),
                Span::styled(p.status.clone().unwrap_or_default(), th.ok()),
            ]));
            if let Some(desc) = &p.description {
                d.push(Line::styled(sanitize(desc).into_owned(), th.text()));
            }
            if !p.active_functionalities.is_empty() {
                d.push(Line::styled(
                    format!("Features: {}", p.active_functionalities.join(", ")),
                    th.dim(),
                ));
            }
            d.push(Line::raw(""));
            d.push(Line::styled("Customizations", th.title()));
            match &p.customizations {
                None => d.push(Line::styled("loading…", th.dim())),
                Some(c) if c.is_empty() => d.push(Line::styled(
                    "none (Amazon Q foundation model only)",
                    th.dim(),
                )),
                Some(c) => {
                    for x in c {
                        d.push(Line::styled(format!("• {}", sanitize(&x.name)), th.text()));
                        if let Some(desc) = &x.description {
                            d.push(Line::styled(format!("  {}", sanitize(desc)), th.dim()));
                        }
                    }
                }
            }
        }
        f.render_widget(
            Paragraph::new(d)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(" Profile ")),
            detail,
        );
    }
}

impl crate::tui::view::View for QView {
    fn contexts(&self) -> Vec<KeyContext> {
        QView::contexts(self)
    }
    fn hints(&self) -> Vec<Command> {
        QView::hints(self)
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        QView::on_command(self, cmd, sh)
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        QView::render(self, f, area, sh)
    }
    fn on_tick(&mut self) -> bool {
        QView::tick(self)
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        self.ensure_loaded(sh)
    }
}
