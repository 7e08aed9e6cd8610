//! Drawing the stream: a title line (window, live or paused with "▲ N new", last poll), the
//! filter bar, sparklines of sign-ins and failures per hour, the table (time, outcome, person,
//! event, source IP, short user agent, and why a row stands out), and each event source's
//! status. Failed sign-ins, MFA device changes and first sign-ins from a new address are
//! highlighted. Every string from an event is sanitised.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};

use super::WINDOWS;
use super::insight::{Highlight, hourly};
use super::view::EventsView;
use crate::model::text::sanitize;
use crate::model::trail_event::{Outcome, TrailEvent, short_user_agent};
use crate::services::trail::SourceStatus;
use crate::tui::approvals::cell;
use crate::tui::command::Command;
use crate::tui::keymap::KeyContext;
use crate::tui::shared::Shared;

/// Column widths: time, outcome, person, event, source IP, user agent (0 = hidden).
fn widths(total: u16) -> [usize; 6] {
    if total >= 110 {
        // The person and the user agent take what is left, beside room for the highlight tag.
        let spare = (total as usize).saturating_sub(14 + 4 + 20 + 24 + 15 + 14 + 6 + 24);
        [14, 4, 20 + spare / 3, 24, 15, 14 + spare - spare / 3]
    } else {
        [8, 4, 16, 22, 15, 0]
    }
}

fn time_cell(e: &TrailEvent, wide: bool) -> String {
    let t = e.event_time;
    if wide {
        format!(
            "{:02}-{:02} {:02}:{:02}:{:02}",
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    } else {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// Every cell a stream row shows, uncut, for the `/` filter's free text.
pub fn row_cells(insight: &super::insight::Insight, e: &TrailEvent) -> [String; 7] {
    let outcome = match e.outcome {
        Outcome::Success => "ok",
        Outcome::Failure => "FAIL",
    };
    let ua = e
        .user_agent
        .as_deref()
        .map(short_user_agent)
        .unwrap_or_default();
    let mark = insight.highlight(e).map(|m| m.marker()).unwrap_or_default();
    [
        time_cell(e, true),
        outcome.to_string(),
        insight.who_label(e),
        e.event_name.clone(),
        e.source_ip.clone().unwrap_or_default(),
        ua,
        mark.to_string(),
    ]
}

fn row(
    v: &EventsView,
    e: &TrailEvent,
    selected: bool,
    w: [usize; 6],
    sh: &Shared,
) -> Line<'static> {
    let th = &sh.theme;
    let mark = v.insight.highlight(e);
    let base = match mark {
        Some(Highlight::FailedSignIn | Highlight::Failure) => th.error(),
        Some(Highlight::MfaChange | Highlight::NewIp) => th.warn(),
        None => th.text(),
    };
    let base = if selected {
        base.patch(th.selected())
    } else {
        base
    };
    let outcome = match e.outcome {
        Outcome::Success => "ok",
        Outcome::Failure => "FAIL",
    };
    let mut text = String::new();
    text.push_str(&cell(&time_cell(e, w[0] > 8), w[0]));
    text.push_str(&cell(outcome, w[1]));
    text.push_str(&cell(&v.insight.who_label(e), w[2]));
    text.push_str(&cell(&e.event_name, w[3]));
    text.push_str(&cell(e.source_ip.as_deref().unwrap_or("—"), w[4]));
    if w[5] > 0 {
        let ua = e
            .user_agent
            .as_deref()
            .map(short_user_agent)
            .unwrap_or_default();
        text.push_str(&cell(&ua, w[5]));
    }
    let mut spans = vec![Span::styled(text, base)];
    if let Some(m) = mark {
        spans.push(Span::styled(format!("◆ {}", m.marker()), base));
    }
    Line::from(spans)
}

fn title(v: &EventsView, sh: &Shared) -> Line<'static> {
    let th = &sh.theme;
    let mut spans = vec![
        Span::styled("Events", th.title()),
        Span::styled(format!(" · last {} ", v.window_label()), th.text()),
    ];
    if v.loading {
        spans.push(Span::styled(
            format!("· loading… {} so far", v.store.len()),
            th.warn(),
        ));
    } else if v.following {
        spans.push(Span::styled("· ● live", th.ok()));
    } else {
        spans.push(Span::styled("· ❚❚ paused", th.warn()));
        if v.held > 0 {
            spans.push(Span::styled(format!("  ▲ {} new", v.held), th.warn()));
        }
        if v.held_dropped > 0 {
            spans.push(Span::styled(
                format!(" ({} older ones dropped)", v.held_dropped),
                th.dim(),
            ));
        }
    }
    if let Some(t) = v.last_poll {
        let ago = (sh.now - t).whole_seconds().max(0);
        spans.push(Span::styled(format!("  polled {ago} s ago"), th.dim()));
    }
    if let Some(label) = &v.loaded_with {
        spans.push(Span::styled(format!("  as {}", sanitize(label)), th.dim()));
    }
    Line::from(spans)
}

fn filter_line(v: &EventsView, sh: &Shared) -> Line<'static> {
    let th = &sh.theme;
    let mut spans = vec![Span::styled("/", th.key())];
    let cursor = if v.bar.editing { "▏" } else { "" };
    if v.bar.text.is_empty() && !v.bar.editing {
        spans.push(Span::styled(
            "filter: any text · user: group: ip: fail",
            th.dim(),
        ));
    } else {
        spans.push(Span::styled(
            format!("{}{cursor}", sanitize(&v.bar.text)),
            th.text(),
        ));
    }
    if let Some(e) = &v.bar_error {
        spans.push(Span::styled(format!("   {}", sanitize(e)), th.error()));
    }
    let group = v.toggles.group.map_or("all groups", |g| g.label());
    spans.push(Span::styled(format!("   e: {group}"), th.text()));
    if v.toggles.failures {
        spans.push(Span::styled("   f: failures only", th.warn()));
    }
    if v.own_events > 0 {
        let calls = if v.own_events == 1 { "call" } else { "calls" };
        let (text, style) = if v.toggles.own_calls {
            (
                format!("   m: showing {} own {calls}", v.own_events),
                th.text(),
            )
        } else {
            (
                format!("   m: {} own {calls} hidden", v.own_events),
                th.dim(),
            )
        };
        spans.push(Span::styled(text, style));
    }
    let keys = [Command::LongerWindow, Command::ShorterWindow]
        .into_iter()
        .filter_map(|c| window_key(sh, c))
        .collect::<Vec<_>>()
        .join("/");
    spans.push(Span::styled(
        format!("   {keys}: window ({})", v.window_label()),
        th.dim(),
    ));
    Line::from(spans)
}

/// The key bound to a window command on this screen (keys are data).
fn window_key(sh: &Shared, cmd: Command) -> Option<String> {
    sh.keymap
        .keys_for(&[KeyContext::Events], cmd)
        .into_iter()
        .next()
}

fn sparkline(f: &mut Frame, area: Rect, label: &str, data: &[u64], style: Style, sh: &Shared) {
    let [l, s] = Layout::horizontal([Constraint::Length(16), Constraint::Min(1)]).areas(area);
    let total: u64 = data.iter().sum();
    f.render_widget(
        Paragraph::new(Line::styled(format!("{label} {total:>4}"), sh.theme.dim())),
        l,
    );
    let shown = &data[data.len().saturating_sub(s.width as usize)..];
    f.render_widget(Sparkline::default().data(shown).style(style), s);
}

fn sources_line(v: &EventsView, sh: &Shared) -> Line<'static> {
    let th = &sh.theme;
    let n = v.store.visible.len();
    let mut spans = vec![Span::styled(
        format!("{n} {}", if n == 1 { "event" } else { "events" }),
        th.text(),
    )];
    if v.store.visible.len() != v.store.len() {
        spans.push(Span::styled(format!(" of {}", v.store.len()), th.dim()));
    }
    for (source, status) in &v.sources {
        let short = source.trim_end_matches(".amazonaws.com");
        let style = match status {
            SourceStatus::Failed(_) => th.error(),
            SourceStatus::Throttled { .. } | SourceStatus::Retrying { .. } => th.warn(),
            _ => th.dim(),
        };
        spans.push(Span::styled(
            format!("  {short}: {}", sanitize(&status.label())),
            style,
        ));
    }
    if v.malformed > 0 {
        spans.push(Span::styled(
            format!("  {} unreadable", v.malformed),
            th.warn(),
        ));
    }
    Line::from(spans)
}

/// The message in place of the table when there is nothing to list.
fn empty_text(v: &EventsView, sh: &Shared) -> Vec<Line<'static>> {
    let th = &sh.theme;
    let failed: Vec<(&String, &crate::services::ServiceError)> = v
        .sources
        .iter()
        .filter_map(|(s, st)| match st {
            SourceStatus::Failed(e) => Some((s, e)),
            _ => None,
        })
        .collect();
    if !failed.is_empty() && failed.len() == v.sources.len() {
        let (_, e) = failed[0];
        return vec![
            Line::styled("The events could not be read:", th.error()),
            Line::styled(sanitize(&e.message).into_owned(), th.error()),
            Line::raw(""),
            Line::styled(e.hint(), th.text()),
            Line::styled(
                "centry needs cloudtrail:LookupEvents in the Identity Center account's region; r retries.",
                th.dim(),
            ),
        ];
    }
    if v.loading {
        return vec![Line::styled(
            format!(
                "Reading the last {} of Identity Center events…",
                v.window_label()
            ),
            th.dim(),
        )];
    }
    if v.store.is_empty() {
        return vec![Line::styled(
            format!(
                "No Identity Center events in the last {}. New ones appear here as they arrive; {} widens the window.",
                v.window_label(),
                window_key(sh, Command::LongerWindow).unwrap_or_else(|| "a longer window".into())
            ),
            th.dim(),
        )];
    }
    vec![Line::styled(
        "Nothing matches the filter (x clears it).",
        th.dim(),
    )]
}

/// Draw the stream.
pub fn render(v: &mut EventsView, f: &mut Frame, area: Rect, sh: &Shared) {
    let th = &sh.theme;
    let [
        title_area,
        filter_area,
        spark1,
        spark2,
        header,
        body,
        status,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(title(v, sh)), title_area);
    f.render_widget(Paragraph::new(filter_line(v, sh)), filter_area);
    let hours = (WINDOWS[v.window].0.whole_hours().max(1)) as usize;
    let h = hourly(v.store.all(), sh.now, hours);
    sparkline(f, spark1, "sign-ins/h", &h.sign_ins, th.ok(), sh);
    sparkline(f, spark2, "failures/h", &h.failures, th.error(), sh);
    let w = widths(area.width);
    let mut head = String::new();
    for (name, width) in ["TIME", "", "PERSON", "EVENT", "SOURCE IP", "USER AGENT"]
        .iter()
        .zip(w)
    {
        if width > 0 {
            head.push_str(&cell(name, width));
        }
    }
    f.render_widget(Paragraph::new(Line::styled(head, th.dim())), header);
    if v.store.visible.is_empty() {
        f.render_widget(
            Paragraph::new(empty_text(v, sh)).wrap(Wrap { trim: false }),
            body,
        );
    } else {
        let range = v.list.visible(v.store.visible.len(), body.height as usize);
        let lines: Vec<Line<'static>> = range
            .filter_map(|r| Some((r, v.store.row(r)?)))
            .map(|(r, e)| row(v, e, r == v.list.selected, w, sh))
            .collect();
        f.render_widget(Paragraph::new(lines), body);
    }
    f.render_widget(Paragraph::new(sources_line(v, sh)), status);
}
