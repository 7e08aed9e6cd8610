//! Times for people: "3 min ago", "7h 59m left".

use time::OffsetDateTime;

/// How long ago, roughly.
pub fn age(then: OffsetDateTime, now: OffsetDateTime) -> String {
    let s = (now - then).whole_seconds().max(0);
    match s {
        0..=9 => "just now".into(),
        10..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86399 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86400),
    }
}

/// Time left until `until`, e.g. `7h 59m`, `4m 10s`, `expired`.
pub fn left(until: OffsetDateTime, now: OffsetDateTime) -> String {
    crate::cli::signin::time_left(until, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        assert_eq!(age(now, now), "just now");
        assert_eq!(age(now - time::Duration::minutes(3), now), "3 min ago");
        assert_eq!(age(now - time::Duration::hours(5), now), "5 h ago");
        assert_eq!(left(now + time::Duration::seconds(250), now), "4m 10s");
    }
}
