//! Drawing one person: who they are (as the directory says, or the events' own unverified
//! name and why), their sessions (credentialId, first and last event, addresses, user agents),
//! the addresses they came from (the new ones marked) and their failures.

use crate::model::words::count;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use time::OffsetDateTime;

use super::insight::person;
use super::view::EventsView;
use crate::model::text::sanitize;
use crate::services::trail::Resolution;
use crate::tui::approvals::cell;
use crate::tui::shared::Shared;

fn short_time(t: OffsetDateTime) -> String {
    format!(
        "{:02}-{:02} {:02}:{:02}",
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn short_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 14 {
        id.to_string()
    } else {
        format!(
            "{}…{}",
            id.chars().take(6).collect::<String>(),
            id.chars().skip(n - 6).collect::<String>()
        )
    }
}

/// Draw the person view.
pub fn render(v: &mut EventsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    let Some(key) = v.focus_person.clone() else {
        return;
    };
    let events = v.store.all();
    let p = person(events, &v.insight, &key);
    let first = p.events.first().map(|&i| &events[i]);
    let label = first
        .map(|e| v.insight.who_label(e))
        .unwrap_or_else(|| key.clone());
    let mut lines = vec![Line::from(vec![
        Span::styled("Events › ", th.title()),
        Span::styled(sanitize(&label).into_owned(), th.title()),
    ])];
    let ids = p.events.iter().find_map(|&i| {
        Some((
            events[i].user_id.as_deref()?,
            events[i].identity_store_arn.as_deref(),
        ))
    });
    match ids {
        Some((id, store)) => {
            lines.push(Line::styled(
                format!(
                    "user id {}   identity store {}",
                    sanitize(id),
                    sanitize(store.unwrap_or("—"))
                ),
                th.dim(),
            ));
            match v.people.get(id) {
                Some(Resolution::Verified(d)) => {
                    lines.push(Line::from(vec![
                        Span::styled("directory: ", th.dim()),
                        Span::styled(
                            format!(
                                "{} ({})",
                                sanitize(d.display_name.as_deref().unwrap_or("—")),
                                sanitize(&d.user_name)
                            ),
                            th.ok(),
                        ),
                    ]));
                    if !d.emails.is_empty() {
                        lines.push(Line::styled(
                            format!("emails: {}", sanitize(&d.emails.join(", "))),
                            th.text(),
                        ));
                    }
                    for (issuer, xid) in &d.external_ids {
                        lines.push(Line::styled(
                            format!("external id: {} at {}", sanitize(xid), sanitize(issuer)),
                            th.text(),
                        ));
                    }
                }
                Some(Resolution::NotFound) => lines.push(Line::styled(
                    "directory: no such user any more (deleted?)",
                    th.warn(),
                )),
                Some(Resolution::Unverified(e)) => lines.push(Line::styled(
                    format!(
                        "directory: could not be read ({}) — names shown are the events' own, unverified",
                        sanitize(&e.message)
                    ),
                    th.warn(),
                )),
                None => lines.push(Line::styled("directory: not looked up yet", th.dim())),
            }
        }
        None => lines.push(Line::styled(
            "No user id in these events (failed sign-ins): the name is the one typed, unverified.",
            th.warn(),
        )),
    }
    lines.push(Line::styled(
        format!(
            "{} · {} · {} · {}",
            count(p.events.len(), "event", "events"),
            count(p.sessions.len(), "session", "sessions"),
            count(p.ips.len(), "address", "addresses"),
            count(p.failures.len(), "failure", "failures")
        ),
        th.text(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Sessions", th.title()));
    lines.push(Line::styled(
        format!(
            "{}{}{}{}{}",
            cell("CREDENTIAL", 15),
            cell("FIRST", 11),
            cell("LAST", 11),
            cell("EVENTS", 6),
            "ADDRESSES · AGENTS"
        ),
        th.dim(),
    ));
    for s in &p.sessions {
        lines.push(Line::styled(
            format!(
                "{}{}{}{}{} · {}",
                cell(&short_id(&s.credential_id), 15),
                cell(&short_time(s.first), 11),
                cell(&short_time(s.last), 11),
                cell(&s.events.to_string(), 6),
                sanitize(&s.ips.join(", ")),
                sanitize(&s.agents.join(", "))
            ),
            th.text(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Addresses", th.title()));
    for ip in &p.ips {
        let style = if ip.new { th.warn() } else { th.text() };
        lines.push(Line::styled(
            format!(
                "{}{}{}{}{}",
                cell(&ip.ip, 16),
                cell(&format!("{} events", ip.events), 10),
                cell(&short_time(ip.first), 11),
                cell(&short_time(ip.last), 11),
                if ip.new { "◆ NEW IP" } else { "" }
            ),
            style,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Failures", th.title()));
    if p.failures.is_empty() {
        lines.push(Line::styled("none in this window", th.dim()));
    }
    for &i in &p.failures {
        let e = &events[i];
        lines.push(Line::styled(
            format!(
                "{}{}{}{}",
                cell(&short_time(e.event_time), 11),
                cell(&e.event_name, 26),
                cell(e.source_ip.as_deref().unwrap_or("—"), 16),
                sanitize(e.error_code.as_deref().unwrap_or("failed"))
            ),
            th.error(),
        ));
    }
    let inner = area.height.saturating_sub(2) as usize;
    v.scroll = v.scroll.min(lines.len().saturating_sub(inner));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((v.scroll as u16, 0))
            .block(Block::default().borders(Borders::ALL).title(" Person ")),
        area,
    );
}
