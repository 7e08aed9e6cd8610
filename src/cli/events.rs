//! `centry events`: Identity Center's CloudTrail events, from LookupEvents (credentials and
//! region from the AWS chain, like `centry approvals`) or from log files (`--file`, read
//! streaming and in parallel). A table on a terminal; `--json` writes one object per line with
//! the keys issue 5 lists (`person` filled where the directory could say who it is); `--csv`
//! the same fields as columns. `--follow` keeps polling until Ctrl-C. Problems with one event
//! source or one file are reported on stderr while the rest carries on.

use std::io::Write;
use std::sync::{Arc, Mutex};

use clap::Args;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::GlobalArgs;
use super::output::Format;
use crate::model::text::{self, sanitize};
use crate::model::trail_event::{
    EventFilter, EventGroup, JSON_KEYS, Outcome, TrailEvent, short_user_agent,
};
use crate::services::limiter::Limiter;
use crate::services::trail::Resolution;
use crate::services::trail::people::People;
use crate::services::trail::{
    FollowOptions, SourceStatus, TrailClient, TrailUpdate, follow_handle, lookup_limiter,
    sources_for,
};
use crate::services::trail_files::{ReadOptions, TrailSource, read_trail};

/// Options of `centry events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Events since this long ago (`30m`, `2h`, `7d`) or this time (RFC 3339); default 2h
    /// (log files: everything in them).
    #[arg(long, value_name = "AGO|TIME")]
    pub since: Option<String>,
    /// Events until this long ago or this time (default: now).
    #[arg(long, value_name = "AGO|TIME", conflicts_with = "follow")]
    pub until: Option<String>,
    /// Only this person: user name, display name or Identity Store user id.
    #[arg(long, value_name = "NAME|ID")]
    pub user: Option<String>,
    /// Only these event groups: portal, oidc, signin, directory, admin, mpa (repeat or comma-separate).
    #[arg(long, value_delimiter = ',', value_name = "GROUP")]
    pub source: Vec<EventGroup>,
    /// Only failures (errors, failed sign-in steps).
    #[arg(long)]
    pub failures: bool,
    /// Keep polling for new events until Ctrl-C.
    #[arg(long, conflicts_with = "file")]
    pub follow: bool,
    /// Read CloudTrail log files instead (files, directories, .json or .json.gz; `-` is stdin).
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub file: Vec<String>,
    /// With --file: name the people behind the events through Identity Store DescribeUser,
    /// with the AWS credentials (--profile or the environment). LookupEvents always does.
    #[arg(long, requires = "file")]
    pub resolve: bool,
}

/// `30m`, `2h`, `7d`, `1w`, `45s` before `now`, or an RFC 3339 time.
pub fn parse_when(s: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = n
        .parse()
        .map_err(|_| format!("{s:?} is neither a duration (30m, 2h, 7d) nor an RFC 3339 time"))?;
    let d = match unit {
        "s" => Duration::seconds(n),
        "m" | "min" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => return Err(format!("{s:?}: the unit must be s, m, h, d or w")),
    };
    Ok(now - d)
}

/// Run `centry events`.
pub async fn run(global: &GlobalArgs, args: EventsArgs) -> anyhow::Result<i32> {
    let now = OffsetDateTime::now_utc();
    let since = match (&args.since, args.file.is_empty()) {
        (Some(s), _) => Some(parse_when(s, now).map_err(|e| anyhow::anyhow!("--since: {e}"))?),
        (None, true) => Some(now - Duration::hours(2)),
        (None, false) => None,
    };
    let until = match &args.until {
        Some(u) => Some(parse_when(u, now).map_err(|e| anyhow::anyhow!("--until: {e}"))?),
        None => None,
    };
    let filter = EventFilter {
        user: args.user.clone(),
        groups: args.source.clone(),
        outcome: args.failures.then_some(Outcome::Failure),
        since,
        until,
        ..Default::default()
    };
    let printer = Arc::new(Mutex::new(Printer::new(Format::from_flags(
        global.json,
        global.csv,
    ))));
    if !args.file.is_empty() {
        let people = if args.resolve {
            let svc = super::approvals::services(global).await?;
            check_credentials(&svc).await?;
            Some(Arc::new(People::new(
                svc,
                Arc::new(Limiter::identity_center()),
            )))
        } else {
            None
        };
        return from_files(args.file, filter, people, printer).await;
    }
    let since = since.unwrap_or(now - Duration::hours(2));
    let svc = super::approvals::services(global).await?;
    check_credentials(&svc).await?;
    let client = TrailClient::new(&svc, lookup_limiter(), Arc::new(Limiter::identity_center()));
    let sources = sources_for(&args.source);
    if args.follow {
        follow(&client, &sources, since, filter, printer).await
    } else {
        let collected = Mutex::new(Vec::new());
        let on = |u: TrailUpdate| match u {
            TrailUpdate::Events(evs) => collected
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(evs),
            other => report(&other),
        };
        let summary = client
            .read_window(&sources, since, until.unwrap_or(now), None, &on)
            .await;
        let mut events = collected.into_inner().unwrap_or_else(|e| e.into_inner());
        match print_sorted(&printer, &filter, &mut events) {
            Err(e) if is_broken_pipe(&e) => return Ok(0),
            other => other?,
        }
        if summary.failed.len() == sources.len() {
            anyhow::bail!("every event source failed (see above)");
        }
        Ok(i32::from(!summary.failed.is_empty()))
    }
}

/// Fail early, in words, when the AWS chain has no credentials (rather than once per source).
async fn check_credentials(svc: &crate::services::Services) -> anyhow::Result<()> {
    use aws_credential_types::provider::ProvideCredentials;
    let conf = svc.sdk_config(&svc.endpoint.sso_region, false);
    let missing = match conf.credentials_provider() {
        Some(p) => p.provide_credentials().await.err().map(|e| e.to_string()),
        None => Some("no credentials provider".into()),
    };
    match missing {
        Some(why) => anyhow::bail!(
            "no AWS credentials ({}): LookupEvents needs IAM credentials (set --profile or AWS_* variables), or read log files with --file",
            sanitize(&why)
        ),
        None => Ok(()),
    }
}

/// Problems on stderr (sanitised: messages come from the service).
fn report(u: &TrailUpdate) {
    match u {
        TrailUpdate::Source { source, status } if status.is_trouble() => {
            let hint = match status {
                SourceStatus::Failed(e) => format!(" — {}", e.hint()),
                _ => String::new(),
            };
            eprintln!("{source}: {}{hint}", sanitize(&status.label()));
        }
        TrailUpdate::Malformed { source, error } => {
            eprintln!("{source}: skipped an event: {}", sanitize(error));
        }
        TrailUpdate::People(resolved) => {
            for (id, r) in resolved {
                if let crate::services::trail::Resolution::Unverified(e) = r {
                    eprintln!(
                        "could not look up user {} ({}) — names shown are the events' own, unverified",
                        sanitize(id),
                        sanitize(&e.message)
                    );
                    break;
                }
            }
        }
        _ => {}
    }
}

fn print_sorted(
    printer: &Mutex<Printer>,
    filter: &EventFilter,
    events: &mut Vec<TrailEvent>,
) -> anyhow::Result<()> {
    events.retain(|e| filter.matches(e));
    events.sort_by(|a, b| {
        a.event_time
            .cmp(&b.event_time)
            .then(a.event_id.cmp(&b.event_id))
    });
    let mut p = printer.lock().unwrap_or_else(|e| e.into_inner());
    for e in events.iter() {
        p.print(e)?;
    }
    p.flush()?;
    Ok(())
}

async fn follow(
    client: &TrailClient,
    sources: &[&str],
    since: OffsetDateTime,
    filter: EventFilter,
    printer: Arc<Mutex<Printer>>,
) -> anyhow::Result<i32> {
    let (handle, control) = follow_handle();
    let h = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        h.cancel();
    });
    // The first window arrives source by source: hold it until it is complete, then print it
    // in time order; later polls print as they come, each batch in time order.
    let pending: Mutex<Option<Vec<TrailEvent>>> = Mutex::new(Some(Vec::new()));
    let failed = Mutex::new(None::<anyhow::Error>);
    let live_filter = EventFilter {
        until: None,
        ..filter
    };
    let on = |u: TrailUpdate| {
        let result = match u {
            TrailUpdate::Events(mut evs) => {
                let mut first = pending.lock().unwrap_or_else(|e| e.into_inner());
                match first.as_mut() {
                    Some(buf) => {
                        buf.extend(evs);
                        Ok(())
                    }
                    None => print_sorted(&printer, &live_filter, &mut evs),
                }
            }
            TrailUpdate::WindowRead { .. } => {
                let first = pending.lock().unwrap_or_else(|e| e.into_inner()).take();
                match first {
                    Some(mut evs) => print_sorted(&printer, &live_filter, &mut evs),
                    None => Ok(()),
                }
            }
            other => {
                report(&other);
                Ok(())
            }
        };
        if let Err(e) = result {
            // stdout is gone (a closed pipe): stop.
            *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
            handle.cancel();
        }
    };
    // The memory bound of a tail left running: event ids remembered to drop repeats.
    let max_events = crate::services::settings::Settings::load()
        .map(|s| s.max_events)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let options = FollowOptions {
        max_seen: max_events.saturating_mul(2),
        ..FollowOptions::default()
    };
    client.follow(sources, since, options, control, &on).await;
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) if !is_broken_pipe(&e) => Err(e),
        _ => Ok(0),
    }
}

/// Whether writing failed because the reader went away (`centry events | head`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let io = e.downcast_ref::<std::io::Error>().or_else(|| {
        e.downcast_ref::<csv::Error>().and_then(|c| match c.kind() {
            csv::ErrorKind::Io(io) => Some(io),
            _ => None,
        })
    });
    io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

async fn from_files(
    paths: Vec<String>,
    filter: EventFilter,
    people: Option<Arc<People>>,
    printer: Arc<Mutex<Printer>>,
) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Handle::current();
    let sources = paths.iter().map(|p| TrailSource::from_arg(p)).collect();
    // Resolving names people the records do not (portal calls carry only a user id), so the
    // person filter then waits for the names; everything else is filtered while reading.
    let (read_filter, person_filter) = match &people {
        Some(_) if filter.user.is_some() => (
            EventFilter {
                user: None,
                ..filter.clone()
            },
            Some(filter),
        ),
        _ => (filter, None),
    };
    let options = ReadOptions {
        filter: read_filter,
        keep_raw: false,
        ..Default::default()
    };
    let summary = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut reader = read_trail(sources, options);
        let mut warned = false;
        while let Some(mut batch) = reader.next_batch() {
            if let Some(people) = &people {
                // Each person is looked up once; the answers are cached for later batches.
                let fresh = runtime.block_on(people.resolve(&mut batch));
                if !warned
                    && fresh
                        .iter()
                        .any(|(_, r)| matches!(r, Resolution::Unverified(_)))
                {
                    report(&TrailUpdate::People(fresh));
                    warned = true;
                }
            }
            if let Some(f) = &person_filter {
                batch.retain(|e| f.matches(e));
            }
            let mut p = printer.lock().unwrap_or_else(|e| e.into_inner());
            for e in &batch {
                if let Err(err) = p.print(e) {
                    if is_broken_pipe(&err) {
                        return Ok(reader.finish());
                    }
                    return Err(err);
                }
            }
        }
        printer.lock().unwrap_or_else(|e| e.into_inner()).flush()?;
        Ok(reader.finish())
    })
    .await??;
    for e in &summary.file_errors {
        eprintln!("{}", sanitize(&e.to_string()));
    }
    if summary.malformed > 0 {
        eprintln!(
            "{} malformed records skipped{}",
            summary.malformed,
            summary
                .malformed_samples
                .first()
                .map(|m| format!(
                    " (first: {} #{}: {})",
                    sanitize(&m.source),
                    m.index,
                    m.error
                ))
                .unwrap_or_default()
        );
    }
    Ok(i32::from(!summary.file_errors.is_empty()))
}

/// Writes events in the chosen format.
struct Printer {
    format: Format,
    out: std::io::BufWriter<std::io::Stdout>,
    csv: Option<text::csv::Writer<std::io::Stdout>>,
    header_done: bool,
}

/// The CSV columns after the JSON keys but `person`: the person split in two.
const CSV_PERSON: [&str; 2] = ["personUserName", "personDisplayName"];

impl Printer {
    fn new(format: Format) -> Printer {
        Printer {
            format,
            out: std::io::BufWriter::new(std::io::stdout()),
            csv: (format == Format::Csv).then(|| text::csv::Writer::new(std::io::stdout())),
            header_done: false,
        }
    }

    fn print(&mut self, e: &TrailEvent) -> anyhow::Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, "{}", e.to_json_line())?,
            Format::Csv => {
                let w = self
                    .csv
                    .get_or_insert_with(|| text::csv::Writer::new(std::io::stdout()));
                if !self.header_done {
                    let plain = &JSON_KEYS[..JSON_KEYS.len() - 1];
                    w.write_record(plain.iter().chain(&CSV_PERSON))?;
                    self.header_done = true;
                }
                let line: serde_json::Value = serde_json::from_str(&e.to_json_line())?;
                let cell = |k: &str| match &line[k] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                let plain = &JSON_KEYS[..JSON_KEYS.len() - 1];
                let mut row: Vec<String> = plain.iter().map(|k| cell(k)).collect();
                row.push(
                    e.person
                        .as_ref()
                        .map(|p| p.user_name.clone())
                        .unwrap_or_default(),
                );
                row.push(
                    e.person
                        .as_ref()
                        .and_then(|p| p.display_name.clone())
                        .unwrap_or_default(),
                );
                w.write_record(&row)?;
            }
            Format::Table => {
                if !self.header_done {
                    writeln!(
                        self.out,
                        "{}",
                        table_row([
                            "TIME",
                            "OUTCOME",
                            "PERSON",
                            "EVENT",
                            "SOURCE IP",
                            "USER AGENT"
                        ])
                    )?;
                    self.header_done = true;
                }
                let time = e
                    .event_time
                    .format(&Rfc3339)
                    .unwrap_or_default()
                    .replace('T', " ");
                let outcome = match e.outcome {
                    Outcome::Success => "ok",
                    Outcome::Failure => "FAILED",
                };
                let who = e.who().label();
                let ua = e
                    .user_agent
                    .as_deref()
                    .map(short_user_agent)
                    .unwrap_or_default();
                writeln!(
                    self.out,
                    "{}",
                    table_row([
                        &time,
                        outcome,
                        &who,
                        &e.event_name,
                        e.source_ip.as_deref().unwrap_or("—"),
                        &ua,
                    ])
                )?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(w) = &mut self.csv {
            w.flush()?;
        }
        self.out.flush()
    }
}

/// Fixed widths so rows line up while streaming; every cell sanitised and cut.
fn table_row(cells: [&str; 6]) -> String {
    const WIDTHS: [usize; 5] = [20, 7, 26, 28, 15];
    let mut s = String::new();
    for (i, c) in cells.iter().enumerate() {
        let clean = sanitize(c);
        match WIDTHS.get(i) {
            Some(&w) => {
                let cut: String = if clean.chars().count() > w {
                    clean.chars().take(w - 1).chain(['…']).collect()
                } else {
                    clean.into_owned()
                };
                s.push_str(&format!("{cut:<w$}  "));
            }
            None => s.push_str(&clean),
        }
    }
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_durations_ago_or_rfc3339() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert_eq!(parse_when("2h", now).unwrap(), now - Duration::hours(2));
        assert_eq!(parse_when("30m", now).unwrap(), now - Duration::minutes(30));
        assert_eq!(parse_when("7d", now).unwrap(), now - Duration::days(7));
        assert_eq!(
            parse_when("2027-01-15T08:00:00Z", now)
                .unwrap()
                .unix_timestamp(),
            1_800_000_000
        );
        assert!(parse_when("2 hours", now).is_err());
        assert!(parse_when("h", now).is_err());
        assert!(parse_when("5y", now).is_err());
    }

    #[test]
    fn table_rows_are_cut_and_sanitised() {
        let row = table_row(["t", "ok", "a\u{1b}[2Jname", "E", "1.2.3.4", "ua"]);
        assert!(!row.contains('\u{1b}'));
        assert!(row.contains("a␛[2Jname"));
        let long = "x".repeat(40);
        assert!(table_row(["t", "ok", &long, "E", "ip", "ua"]).contains("xxxxxxxxx…"));
    }
}
