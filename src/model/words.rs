//! Counts and ages in words, one rendering for every screen and command: "1 role" /
//! "2 roles", "just now", "4 min ago", "5 h ago", "1 day ago", "in 6 days".

use time::OffsetDateTime;

/// `n` with the noun in the right number: `count(1, "role", "roles")` is "1 role".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A length of time in words, without "ago": `42 s`, `4 min`, `5 h`, `1 day`, `3 days`
/// (hours up to a day, then days).
pub fn span(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h", s / 3600),
        _ => count((s / 86_400) as usize, "day", "days"),
    }
}

/// How long ago something happened `secs` seconds back: "just now" under ten seconds.
pub fn ago(secs: i64) -> String {
    if secs < 10 {
        "just now".into()
    } else {
        format!("{} ago", span(secs))
    }
}

/// A time relative to `now`: "3 days ago", "just now", "in 6 days".
pub fn relative(t: OffsetDateTime, now: OffsetDateTime) -> String {
    if t <= now {
        ago((now - t).whole_seconds())
    } else {
        format!("in {}", span((t - now).whole_seconds()))
    }
}

/// Up to three of `candidates` closest to `input` (a fragment of one, or a near spelling),
/// closest first: for "no such thing — did you mean …" errors.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let want = input.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let score = if lower.contains(&want) || (!lower.is_empty() && want.contains(&lower)) {
                2.0
            } else {
                strsim::jaro_winkler(&want, &lower)
            };
            (score >= 0.75).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "no account platfrom-dev — closest: platform-dev" (or a hint when nothing is close).
pub fn unknown(what: &str, input: &str, close: &[String], otherwise: &str) -> String {
    if close.is_empty() {
        format!("no {what} {input} — {otherwise}")
    } else {
        format!("no {what} {input} — closest: {}", close.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1, "role", "roles"), "1 role");
        assert_eq!(count(0, "role", "roles"), "0 roles");
        assert_eq!(count(1, "address", "addresses"), "1 address");
    }

    #[test]
    fn closest_names_near_spellings_and_fragments() {
        let names = [
            "platform-dev",
            "payments-prod",
            "network",
            "sandbox-jordan-lee",
        ];
        assert_eq!(closest("platfrom-dev", names), vec!["platform-dev"]);
        assert_eq!(closest("jordan", names), vec!["sandbox-jordan-lee"]);
        assert!(closest("zzzzzz", names).is_empty());
    }

    #[test]
    fn one_age_reads_the_same_everywhere() {
        assert_eq!(ago(3), "just now");
        assert_eq!(ago(42), "42 s ago");
        assert_eq!(ago(240), "4 min ago");
        assert_eq!(ago(5 * 3600), "5 h ago");
        assert_eq!(ago(30 * 3600), "1 day ago");
        assert_eq!(ago(3 * 86_400), "3 days ago");
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        assert_eq!(relative(now + time::Duration::days(6), now), "in 6 days");
        assert_eq!(relative(now - time::Duration::hours(30), now), "1 day ago");
    }
}
