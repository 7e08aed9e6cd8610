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
use crate::services::trail_files::{ReadOptions, ReadSummary, TrailSource, read_trail};

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
    /// Also show the directory lookups centry itself made to name people (hidden by default,
    /// as in the console).
    #[arg(long, conflicts_with = "file")]
    pub own_calls: bool,
}

/// Drops the directory lookups centry made with `key` (its own, to name people) unless they
/// were asked for, and counts them.
struct OwnCalls {
    key: Option<String>,
    show: bool,
    hidden: std::sync::atomic::AtomicUsize,
}

impl OwnCalls {
    fn keep(&self, events: &mut Vec<TrailEvent>) {
        let Some(key) = self.key.as_deref().filter(|_| !self.show) else {
            return;
        };
        let before = events.len();
        events.retain(|e| {
            !(e.group == EventGroup::Directory && e.access_key_id.as_deref() == Some(key))
        });
        self.hidden
            .fetch_add(before - events.len(), std::sync::atomic::Ordering::Relaxed);
    }

    fn say(&self) {
        let n = self.hidden.load(std::sync::atomic::Ordering::Relaxed);
        if n > 0 {
            eprintln!(
                "{} hidden (--own-calls shows them)",
                crate::model::words::count(
                    n,
                    "directory lookup centry made itself",
                    "directory lookups centry made itself"
                )
            );
        }
    }
}

/// The furthest back `--since`/`--until` reach: 100 years, far beyond any CloudTrail retention,
/// and far inside what a date can hold (larger numbers used to panic).
pub const MAX_AGO_DAYS: i64 = 36_525;

/// `30m`, `2h`, `7d`, `1w`, `45s` before `now`, or an RFC 3339 time. Durations beyond
/// [`MAX_AGO_DAYS`] are refused with a clear message.
pub fn parse_when(s: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let too_far = || format!("{s:?} reaches too far back: at most {MAX_AGO_DAYS}d (100 years)");
    let n: i64 = match n.parse() {
        Ok(n) => n,
        Err(e) if n.is_empty() || !matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            return Err(format!(
                "{s:?} is neither a duration (30m, 2h, 7d) nor an RFC 3339 time"
            ));
        }
        Err(_) => return Err(too_far()),
    };
    let unit_secs: i64 = match unit {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("{s:?}: the unit must be s, m, h, d or w")),
    };
    let secs = n
        .checked_mul(unit_secs)
        .filter(|secs| *secs <= MAX_AGO_DAYS * 86_400)
        .ok_or_else(too_far)?;
    now.checked_sub(Duration::seconds(secs)).ok_or_else(too_far)
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
    let own = OwnCalls {
        key: Some(check_credentials(&svc).await?),
        show: args.own_calls,
        hidden: Default::default(),
    };
    let client = TrailClient::new(&svc, lookup_limiter(), Arc::new(Limiter::identity_center()));
    let sources = sources_for(&args.source);
    if args.follow {
        follow(&client, &sources, since, filter, printer, &own).await
    } else {
        let collected = Mutex::new(Vec::new());
        let progress = super::context::stderr_is_tty();
        let on = |u: TrailUpdate| match u {
            TrailUpdate::Events(evs) => {
                let mut all = collected.lock().unwrap_or_else(|e| e.into_inner());
                all.extend(evs);
                if progress {
                    eprint!("\r\x1b[2Kreading events… {} so far", all.len());
                }
            }
            other => report(&other),
        };
        let summary = client
            .read_window(&sources, since, until.unwrap_or(now), None, &on)
            .await;
        if progress {
            eprint!("\r\x1b[2K");
        }
        let mut events = collected.into_inner().unwrap_or_else(|e| e.into_inner());
        own.keep(&mut events);
        match print_sorted(&printer, &filter, &mut events) {
            Err(e) if is_broken_pipe(&e) => return Ok(0),
            other => other?,
        }
        own.say();
        if summary.failed.len() == sources.len() {
            anyhow::bail!("every event source failed (see above)");
        }
        Ok(i32::from(!summary.failed.is_empty()))
    }
}

/// Fail early, in words, when the AWS chain has no credentials (rather than once per source);
/// the access key id, which marks centry's own calls in the trail.
async fn check_credentials(svc: &crate::services::Services) -> anyhow::Result<String> {
    use aws_credential_types::provider::ProvideCredentials;
    let conf = svc.sdk_config(&svc.endpoint.sso_region, false);
    let found = match conf.credentials_provider() {
        Some(p) => p
            .provide_credentials()
            .await
            .map(|c| c.access_key_id().to_string())
            .map_err(|e| e.to_string()),
        None => Err("no credentials provider".into()),
    };
    found.map_err(|why| {
        anyhow::anyhow!(
            "no AWS credentials ({}): LookupEvents needs IAM credentials (set --profile or AWS_* variables), or read log files with --file",
            sanitize(&why)
        )
    })
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
    own: &OwnCalls,
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
                own.keep(&mut evs);
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
    own.say();
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
    Ok(file_outcome(&summary))
}

/// Report what reading the files found on stderr; the exit code: 1 when a file could not be
/// read or no record could be.
fn file_outcome(summary: &ReadSummary) -> i32 {
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
    if summary.records == 0 {
        // Nothing could be read: an empty file, `{"Records":null}` or only malformed records is
        // not a successful read, whatever the filter would have let through.
        eprintln!(
            "no CloudTrail records found: {} file(s) read, {} malformed record(s), {} file(s) unreadable",
            summary.files_read,
            summary.malformed,
            summary.file_errors.len()
        );
        return 1;
    }
    i32::from(!summary.file_errors.is_empty())
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
        assert_eq!(
            parse_when("36525d", now).unwrap(),
            now - Duration::days(36_525)
        );
        for huge in [
            "36526d",
            "100000000d",
            "9223372036854775807d",
            "99999999999999999999s",
        ] {
            let err = parse_when(huge, now).unwrap_err();
            assert!(err.contains("too far back"), "{huge}: {err}");
        }
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
