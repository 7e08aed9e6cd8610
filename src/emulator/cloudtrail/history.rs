//! The history synthesised at start-up from the seed's `history` block: `days` days before the
//! emulator started, about `signInsPerDay` sessions on a working day (fewer at weekends),
//! between 07:00 and 19:00 UTC, each a plausible session (`scenario`). Everything — who, when,
//! from where, every id — comes from the block's `seed`, so two emulators started from the same
//! seed hold the same history relative to their start.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Duration, OffsetDateTime, Time, Weekday};

use super::scenario::{self, Kind};
use crate::emulator::activity::Activity;
use crate::emulator::org::History;
use crate::emulator::state::State;

/// The generator for the history's record ids (separate from the one choosing activity, so
/// both sequences stay stable).
pub fn rng(history: &History) -> StdRng {
    StdRng::seed_from_u64(history.seed ^ 0x7472_6169_6c5f_6964)
}

/// The history's activity, oldest first, all before the emulator started.
pub fn generate(st: &mut State) -> Vec<(OffsetDateTime, Activity)> {
    let h = st.org.history.clone();
    let started = st.trail.started();
    let users = scenario::active_users(st);
    if h.days == 0 || h.sign_ins_per_day == 0 || users.is_empty() {
        return Vec::new();
    }
    let mut rng = StdRng::seed_from_u64(h.seed);
    let mut out = Vec::new();
    let today = started.replace_time(Time::MIDNIGHT);
    for days_ago in (0..=i64::from(h.days)).rev() {
        let day = today - Duration::days(days_ago);
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        let base = f64::from(h.sign_ins_per_day) * if weekend { 0.4 } else { 1.0 };
        let n = (base * rng.random_range(0.8..1.2)).round() as u32;
        let mut starts: Vec<OffsetDateTime> = (0..n)
            .map(|_| day + Duration::seconds(rng.random_range(7 * 3600..19 * 3600)))
            .collect();
        starts.sort();
        for t0 in starts {
            let user = users[rng.random_range(0..users.len())];
            let kind = scenario::pick_kind(&mut rng);
            let session = scenario::session(st, &mut rng, user, kind, t0, true);
            out.extend(session.into_iter().filter(|(t, _)| {
                *t < started && *t >= started - Duration::days(i64::from(h.days))
            }));
        }
    }
    // Keep at least one of each kind of trouble in every history, whatever the dice said.
    if !out.is_empty() {
        let t0 = started - Duration::hours(3);
        let user = users[rng.random_range(0..users.len())];
        // A sign-in from home first, so the one from a new network stands out.
        out.extend(scenario::session(
            st,
            &mut rng,
            user,
            Kind::SignIn,
            t0 - Duration::hours(2),
            false,
        ));
        for kind in [Kind::BadPassword, Kind::MfaDevice, Kind::NewIp] {
            let t = t0 + Duration::minutes(out.len() as i64 % 40);
            out.extend(scenario::session(st, &mut rng, user, kind, t, false));
        }
    }
    out.sort_by_key(|(t, _)| *t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::{Org, Settings};

    #[test]
    fn the_same_seed_gives_the_same_history_relative_to_the_start() {
        // Sessions fall on the days before the start, and the staged trouble hours before it;
        // two starts a few milliseconds apart give the same records at the same times, give or
        // take those milliseconds.
        let run = || {
            let mut st = State::new(Org::demo(), Settings::default());
            let started = st.trail.started();
            let history = generate(&mut st)
                .into_iter()
                .map(|(t, a)| (started - t, format!("{a:?}")))
                .collect::<Vec<_>>();
            (started, history)
        };
        let (started, a) = run();
        assert!(a.len() > 200, "days of sign-ins: {}", a.len());
        assert!(
            a.iter().all(|(ago, _)| ago.is_positive()),
            "all before the start"
        );
        let (again, b) = run();
        if again.date() != started.date() {
            return;
        }
        assert_eq!(a.len(), b.len());
        for ((ago_a, rec_a), (ago_b, rec_b)) in a.iter().zip(&b) {
            assert_eq!(rec_a, rec_b);
            assert!((*ago_a - *ago_b).abs() < Duration::seconds(1), "{rec_a}");
        }
    }
}
