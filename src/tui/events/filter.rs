//! The events screen's filter bar: what is typed after `/` (`user:ana group:signin fail
//! ip:10.0.0.0/8`, bare words matched fuzzily against the row's visible text) combined with
//! the quick toggles (`f` failures only, `e` cycles the event group) and the time window into
//! one [`EventFilter`].

use time::OffsetDateTime;

use crate::model::trail_event::{EventFilter, EventGroup, IpMatch, Outcome};

/// The quick toggles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Toggles {
    /// Only failures.
    pub failures: bool,
    /// Only this event group.
    pub group: Option<EventGroup>,
    /// Show the calls this console made itself (its directory lookups), hidden by default.
    pub own_calls: bool,
}

/// The groups `e` cycles through, after "all".
pub const CYCLE: [EventGroup; 6] = [
    EventGroup::Signin,
    EventGroup::Portal,
    EventGroup::Oidc,
    EventGroup::Directory,
    EventGroup::Admin,
    EventGroup::Mpa,
];

impl Toggles {
    /// The next group in the cycle (all → sign-in → … → approvals → all).
    pub fn next_group(&mut self) {
        self.group = match self.group {
            None => Some(CYCLE[0]),
            Some(g) => CYCLE
                .iter()
                .position(|c| *c == g)
                .and_then(|i| CYCLE.get(i + 1))
                .copied(),
        };
    }
}

/// Parse the bar's text into the filter and the free text (bare words, matched fuzzily
/// against each row's visible text, as `/` does on every list). Terms: `user:NAME`,
/// `group:G` / `g:G`, `fail`/`failures`/`outcome:failure`, `ok`/`outcome:success`,
/// `ip:ADDR[/PREFIX]`.
pub fn parse(text: &str) -> Result<(EventFilter, String), String> {
    let mut f = EventFilter::default();
    let mut words = Vec::new();
    for term in text.split_whitespace() {
        let (key, value) = term.split_once(':').unwrap_or(("", term));
        match key.to_ascii_lowercase().as_str() {
            "user" | "u" | "person" => f.user = Some(value.to_string()),
            "group" | "g" | "source" => {
                let g: EventGroup = value.parse()?;
                if !f.groups.contains(&g) {
                    f.groups.push(g);
                }
            }
            "ip" => f.source_ip = Some(value.parse::<IpMatch>()?),
            "outcome" | "o" => {
                f.outcome = Some(match value.to_ascii_lowercase().as_str() {
                    "failure" | "fail" | "failed" => Outcome::Failure,
                    "success" | "ok" => Outcome::Success,
                    other => return Err(format!("outcome {other:?}: use failure or success")),
                })
            }
            "" if matches!(
                value.to_ascii_lowercase().as_str(),
                "fail" | "failures" | "failed"
            ) =>
            {
                f.outcome = Some(Outcome::Failure)
            }
            "" if value.eq_ignore_ascii_case("ok") => f.outcome = Some(Outcome::Success),
            "" => words.push(value),
            other => {
                return Err(format!(
                    "unknown filter {other:?}: use user:, group:, ip:, outcome: (or fail)"
                ));
            }
        }
    }
    Ok((f, words.join(" ")))
}

/// The filter the screen applies: the bar's, the toggles on top, from `since`.
pub fn combine(bar: &EventFilter, toggles: Toggles, since: OffsetDateTime) -> EventFilter {
    let mut f = bar.clone();
    if toggles.failures {
        f.outcome = Some(Outcome::Failure);
    }
    if let Some(g) = toggles.group {
        f.groups = vec![g];
    }
    f.since = Some(since);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_build_a_filter() {
        let (f, text) = parse("user:ana.silva group:signin fail ip:10.0.0.0/8").unwrap();
        assert_eq!(text, "");
        assert_eq!(f.user.as_deref(), Some("ana.silva"));
        assert_eq!(f.groups, vec![EventGroup::Signin]);
        assert_eq!(f.outcome, Some(Outcome::Failure));
        assert!(f.source_ip.is_some());
        let (f, text) = parse("Ana Silva").unwrap();
        assert_eq!((f.user, text.as_str()), (None, "Ana Silva"));
        assert_eq!(parse("").unwrap(), (EventFilter::default(), String::new()));
        assert!(parse("group:nope").is_err());
        assert!(parse("ip:10.0.0.0/99").is_err());
        assert!(parse("colour:red").is_err());
    }

    #[test]
    fn toggles_override_the_bar_and_cycle_back_to_all() {
        let (bar, _) = parse("g:portal ok").unwrap();
        let mut t = Toggles {
            failures: true,
            ..Toggles::default()
        };
        let since = OffsetDateTime::UNIX_EPOCH;
        let f = combine(&bar, t, since);
        assert_eq!(f.outcome, Some(Outcome::Failure));
        assert_eq!(f.groups, vec![EventGroup::Portal]);
        t.next_group();
        assert_eq!(combine(&bar, t, since).groups, vec![EventGroup::Signin]);
        for _ in 0..CYCLE.len() {
            t.next_group();
        }
        assert_eq!(t.group, None);
    }
}
