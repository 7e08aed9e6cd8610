//! Other people's activity for `--demo` and `centry emulator serve --activity`: every so often
//! someone signs in, browses the portal, signs in for the CLI, mistypes a password, or changes
//! an MFA device. Events are dated a little before they become visible, as CloudTrail delivers
//! them minutes late, so a follower that polls without an overlapping window misses some.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use rand::Rng;
use time::{Duration, OffsetDateTime};

use super::scenario;
use crate::emulator::Emu;

/// The background task; dropping the handle stops it.
pub struct ActivityGenerator {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ActivityGenerator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Pause between sessions at the demo's gentle pace (a few events a minute).
pub const DEMO_PACE: (StdDuration, StdDuration) =
    (StdDuration::from_secs(40), StdDuration::from_secs(110));

/// Start the generator at the demo's pace.
pub fn spawn(emu: Arc<Emu>) -> ActivityGenerator {
    spawn_with(emu, DEMO_PACE)
}

/// Start the generator with pauses between sessions drawn from `pace` (min, max); the first
/// session comes after a short pause.
pub fn spawn_with(emu: Arc<Emu>, pace: (StdDuration, StdDuration)) -> ActivityGenerator {
    let task = tokio::spawn(async move {
        let mut wait = pace.0 / 8;
        loop {
            tokio::time::sleep(wait).await;
            one_session(&emu);
            wait = {
                let mut rng = rand::rng();
                let (lo, hi) = (pace.0.as_millis() as u64, pace.1.as_millis() as u64);
                StdDuration::from_millis(rng.random_range(lo..=hi.max(lo)))
            };
        }
    });
    ActivityGenerator { task }
}

/// Record one session of someone's, ending a little in the past.
pub fn one_session(emu: &Emu) {
    let mut st = emu.state();
    let users = scenario::active_users(&st);
    if users.is_empty() {
        return;
    }
    let mut rng = rand::rng();
    let user = users[rng.random_range(0..users.len())];
    let kind = scenario::pick_kind(&mut rng);
    let draft = scenario::session(
        &mut st,
        &mut rng,
        user,
        kind,
        OffsetDateTime::UNIX_EPOCH,
        false,
    );
    let Some(last) = draft.last().map(|(t, _)| *t) else {
        return;
    };
    let end = OffsetDateTime::now_utc() - Duration::seconds(rng.random_range(0..45));
    let shift = end - last;
    for (t, a) in draft {
        st.activity.push((t + shift, a));
    }
    super::absorb(&mut st);
}
