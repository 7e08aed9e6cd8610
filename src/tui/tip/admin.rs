//! The token-exchange admin screen: applications (kind, authentication methods, grants with
//! their trusted token issuers and `aud` values, access scopes, assignment requirement,
//! assignments) with, for each, who may exchange tokens for it — which IdPs, which roles, for
//! which services; and, with `i`, the trusted token issuers (issuer URL, claim mapping, the
//! applications that trust them). Read through sso-admin with the admin credentials.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::TipEffect;
use crate::model::text::sanitize;
use crate::services::ServiceError;
use crate::services::tip_admin::{GrantInfo, TipApp, TrustedIssuer, scope_service};
use crate::tui::command::Command;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::widgets::ListState;
use crate::tui::widgets::list::fit;

/// The token-exchange admin screen.
#[derive(Default)]
pub struct TipAdminView {
    /// Applications, once loaded.
    pub apps: Option<Vec<TipApp>>,
    /// Trusted token issuers, once loaded.
    pub issuers: Option<Vec<TrustedIssuer>>,
    /// Why loading failed.
    pub error: Option<ServiceError>,
    /// Loading.
    pub loading: bool,
    /// Showing trusted token issuers instead of applications.
    pub show_issuers: bool,
    /// Cursor.
    pub list: ListState,
}

fn kv(th: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {k:<22}"), th.dim()),
        Span::styled(v, th.text()),
    ])
}

fn heading(th: &Theme, s: &str) -> Line<'static> {
    Line::styled(s.to_string(), th.title())
}

impl TipAdminView {
    fn reload(&mut self, sh: &mut Shared) -> Vec<Effect> {
        match &sh.session.admin {
            Some(a) => {
                self.loading = true;
                self.error = None;
                vec![Effect::Tip(TipEffect::LoadAdmin(Box::new(a.creds.clone())))]
            }
            None => vec![],
        }
    }

    /// Applications arrived.
    pub fn on_apps(&mut self, r: Result<Vec<TipApp>, ServiceError>) {
        match r {
            Ok(a) => self.apps = Some(a),
            Err(e) => {
                self.loading = false;
                self.error = Some(e);
            }
        }
    }

    /// Trusted token issuers arrived.
    pub fn on_issuers(&mut self, r: Result<Vec<TrustedIssuer>, ServiceError>) {
        self.loading = false;
        match r {
            Ok(i) => self.issuers = Some(i),
            Err(e) => self.error = Some(e),
        }
    }

    fn len(&self) -> usize {
        if self.show_issuers {
            self.issuers.as_ref().map_or(0, Vec::len)
        } else {
            self.apps.as_ref().map_or(0, Vec::len)
        }
    }

    fn issuer_name(&self, arn: &str) -> String {
        self.issuers
            .as_ref()
            .and_then(|v| v.iter().find(|t| t.arn == arn))
            .map(|t| t.name.clone())
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string())
    }

    fn app_detail(&self, a: &TipApp, th: &Theme) -> Vec<Line<'static>> {
        let s = |x: &str| sanitize(x).into_owned();
        let mut d = vec![heading(th, &s(&a.name)), Line::styled(s(&a.arn), th.dim())];
        d.push(kv(
            th,
            "kind",
            format!(
                "{} ({})",
                a.kind(),
                s(a.provider_arn.rsplit('/').next().unwrap_or_default())
            ),
        ));
        d.push(kv(th, "status", s(&a.status)));
        d.push(kv(
            th,
            "assignment",
            match a.assignment_required {
                Some(true) => "required".into(),
                Some(false) => "not required (everyone in the directory)".into(),
                None => "unknown".into(),
            },
        ));
        d.push(kv(
            th,
            "assigned",
            if a.assignments.is_empty() {
                "nobody".into()
            } else {
                a.assignments
                    .iter()
                    .map(|(k, n)| format!("{} {}", k.to_lowercase(), s(n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ));
        d.push(heading(th, "Grants"));
        if a.grants.is_empty() {
            d.push(Line::styled("  none", th.dim()));
        }
        for g in &a.grants {
            d.push(match g {
                GrantInfo::AuthorizationCode(r) => kv(
                    th,
                    "authorization code",
                    if r.is_empty() {
                        "no redirect URIs".into()
                    } else {
                        r.iter().map(|u| s(u)).collect::<Vec<_>>().join(", ")
                    },
                ),
                GrantInfo::RefreshToken => kv(th, "refresh token", String::new()),
                GrantInfo::TokenExchange => kv(th, "token exchange", String::new()),
                GrantInfo::JwtBearer(i) => kv(
                    th,
                    "JWT bearer",
                    i.iter()
                        .map(|(arn, aud)| {
                            format!("{} (aud {})", s(&self.issuer_name(arn)), s(&aud.join(", ")))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                GrantInfo::Other(t) => kv(th, "other", s(t)),
            });
        }
        d.push(heading(th, "Authentication methods"));
        d.push(kv(
            th,
            "IAM principals",
            if a.exchange_principals.is_empty() {
                "no principal".into()
            } else {
                s(&a.exchange_principals.join(", "))
            },
        ));
        d.push(heading(th, "Access scopes"));
        d.push(kv(
            th,
            "scopes",
            if a.scopes.is_empty() {
                "none".into()
            } else {
                a.scopes
                    .iter()
                    .map(|x| format!("{} ({})", s(x), scope_service(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ));
        d.push(heading(th, "Who may exchange tokens for it"));
        let issuers = a.trusted_issuers();
        if issuers.is_empty() {
            d.push(Line::styled(
                "  No JWT bearer grant: no IdP's token can be exchanged for this application.",
                th.dim(),
            ));
            return d;
        }
        for (arn, aud) in issuers {
            let t = self
                .issuers
                .as_ref()
                .and_then(|v| v.iter().find(|t| &t.arn == arn));
            let how = match t {
                Some(t) => format!(
                    "{} — {}, {} → {}, aud {}",
                    s(&t.name),
                    s(&t.issuer_url),
                    s(&t.claim),
                    s(&t.attribute),
                    s(&aud.join(", "))
                ),
                None => format!("{} — aud {}", s(&self.issuer_name(arn)), s(&aud.join(", "))),
            };
            d.push(kv(th, "IdP", how));
        }
        d.push(kv(
            th,
            "through roles",
            if a.exchange_principals.is_empty() {
                "none: nobody can call CreateTokenWithIAM for it".into()
            } else {
                s(&a.exchange_principals.join(", "))
            },
        ));
        let mut services: Vec<String> = a.scopes.iter().map(|x| scope_service(x)).collect();
        services.dedup();
        d.push(kv(
            th,
            "for services",
            if services.is_empty() {
                "none (no access scopes)".into()
            } else {
                services.join(", ")
            },
        ));
        d
    }

    fn issuer_detail(&self, t: &TrustedIssuer, th: &Theme) -> Vec<Line<'static>> {
        let s = |x: &str| sanitize(x).into_owned();
        let mut d = vec![heading(th, &s(&t.name)), Line::styled(s(&t.arn), th.dim())];
        d.push(kv(th, "issuer URL", s(&t.issuer_url)));
        d.push(kv(
            th,
            "maps claim",
            format!("{} → identity store {}", s(&t.claim), s(&t.attribute)),
        ));
        d.push(heading(th, "Trusted by"));
        let users: Vec<String> = self
            .apps
            .iter()
            .flatten()
            .filter_map(|a| {
                let aud = a.trusted_issuers().iter().find(|(arn, _)| arn == &t.arn)?;
                Some(format!("  {} (aud {})", s(&a.name), s(&aud.1.join(", "))))
            })
            .collect();
        if users.is_empty() {
            d.push(Line::styled("  no application", th.dim()));
        }
        d.extend(users.into_iter().map(|u| Line::styled(u, th.text())));
        d
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        let [list_area, detail] =
            Layout::horizontal([Constraint::Percentage(35), Constraint::Percentage(65)])
                .areas(area);
        let mut lines = Vec::new();
        let mut d = Vec::new();
        let mut notice = None;
        if sh.session.admin.is_none() {
            notice = Some(Line::styled(
                "pick a role with admin access (a on a role)",
                th.warn(),
            ));
        } else if let Some(e) = &self.error {
            notice = Some(Line::styled(
                format!("{} — {}", sanitize(&e.message), e.hint()),
                th.error(),
            ));
        } else if self.loading && self.apps.is_none() {
            lines.push(Line::styled("Loading…", th.dim()));
        }
        let names: Vec<(String, String)> = if self.show_issuers {
            self.issuers
                .iter()
                .flatten()
                .map(|t| (t.name.clone(), "OIDC".to_string()))
                .collect()
        } else {
            self.apps
                .iter()
                .flatten()
                .map(|a| {
                    (
                        a.name.clone(),
                        if a.trusted_issuers().is_empty() {
                            String::new()
                        } else {
                            "JWT bearer".to_string()
                        },
                    )
                })
                .collect()
        };
        let len = names.len();
        let range = self
            .list
            .visible(len, list_area.height.saturating_sub(2) as usize);
        let w = list_area.width.saturating_sub(4) as usize;
        for i in range {
            let style = if i == self.list.selected {
                th.selected()
            } else {
                th.text()
            };
            let (n, tag) = &names[i];
            let tag_w = tag.chars().count();
            lines.push(Line::from(vec![
                Span::styled(fit(n, w.saturating_sub(tag_w + 1)), style),
                Span::styled(format!(" {tag}"), th.dim()),
            ]));
        }
        if self.show_issuers {
            if let Some(t) = self
                .issuers
                .as_ref()
                .and_then(|v| v.get(self.list.selected))
            {
                d = self.issuer_detail(t, th);
            }
        } else if let Some(a) = self.apps.as_ref().and_then(|v| v.get(self.list.selected)) {
            d = self.app_detail(a, th);
        }
        if let Some(n) = notice {
            d.insert(0, n);
        }
        let title = if self.show_issuers {
            " Trusted token issuers (i: applications) "
        } else {
            " Applications (i: trusted issuers) "
        };
        f.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
            list_area,
        );
        f.render_widget(
            Paragraph::new(d).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Token exchange "),
            ),
            detail,
        );
    }
}

impl crate::tui::view::View for TipAdminView {
    fn contexts(&self) -> Vec<KeyContext> {
        vec![KeyContext::TipAdmin, KeyContext::List, KeyContext::Global]
    }
    fn hints(&self) -> Vec<Command> {
        vec![
            Command::ToggleIssuers,
            Command::Refresh,
            Command::Help,
            Command::Quit,
        ]
    }
    fn on_command(&mut self, cmd: Command, sh: &mut Shared) -> Option<Vec<Effect>> {
        let len = self.len();
        match cmd {
            Command::Down => self.list.move_by(1, len),
            Command::Up => self.list.move_by(-1, len),
            Command::PageDown => self.list.move_by(10, len),
            Command::PageUp => self.list.move_by(-10, len),
            Command::Top => self.list.top(),
            Command::Bottom => self.list.bottom(len),
            Command::ToggleIssuers => {
                self.show_issuers = !self.show_issuers;
                self.list = ListState::default();
            }
            Command::Refresh => return Some(self.reload(sh)),
            _ => return None,
        }
        Some(vec![])
    }
    fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        TipAdminView::render(self, f, area, sh)
    }
    fn on_enter(&mut self, sh: &Shared) -> Vec<Effect> {
        if self.apps.is_some() || self.loading {
            return vec![];
        }
        match &sh.session.admin {
            Some(a) => {
                self.loading = true;
                vec![Effect::Tip(TipEffect::LoadAdmin(Box::new(a.creds.clone())))]
            }
            None => vec![],
        }
    }
}
