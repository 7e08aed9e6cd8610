//! Times for people: "3 min ago", "7h 59m left".

use time::OffsetDateTime;

/// How long ago, roughly (the one rendering: [`crate::model::words::ago`]).
pub fn age(then: OffsetDateTime, now: OffsetDateTime) -> String {
    crate::model::words::ago((now - then).whole_seconds())
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
