//! The organisation trail on disk: every CloudTrail record the emulator makes is delivered as
//! CloudTrail delivers to S3 — one gzip JSON object (`{"Records": […]}`) per account, region
//! and ~5-minute batch, under `AWSLogs/<org-id>/<account-id>/CloudTrail/<region>/YYYY/MM/DD/`
//! (layout: [`crate::trail_sql::layout`]). A batch is named and filed by its delivery time, the
//! end of its 5-minute window, so events from a day's last minutes land in the next day's
//! folder. Whatever else the folder holds (a synced bucket, other organisations) is left alone
//! and served as it is.
//!
//! Records wait in the CloudTrail store's outbox ([`super::cloudtrail::Trail`]); [`flush`] takes
//! them under the lock and writes outside it. It runs before every trail query, on
//! DescribeTrails / GetTrailStatus, and on a timer for `emulator serve` and the demo.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::Rng;
use time::{Duration, OffsetDateTime};

use super::Emu;
use crate::trail_sql::layout;

/// The organisation trail's name (DescribeTrails).
pub const TRAIL_NAME: &str = "organization-trail";

/// How often a long-running emulator (`emulator serve`, the demo) delivers the trail on its
/// own, besides before every query.
pub const DELIVERY_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How long one delivery batch spans.
pub const BATCH: Duration = Duration::minutes(5);

/// Where the trail goes and what it stands for.
#[derive(Debug, Clone)]
pub struct TrailConfig {
    /// The folder standing for `s3://<bucket>/`.
    pub dir: PathBuf,
    /// The bucket name DescribeTrails and Athena's `LOCATION` use.
    pub bucket: String,
}

/// The default bucket name for an organisation's trail.
pub fn default_bucket(management_account: &str) -> String {
    format!("aws-cloudtrail-logs-{management_account}-org")
}

/// A record waiting for delivery: its time, account, region and compact JSON.
#[derive(Debug, Clone)]
pub struct Pending {
    /// `eventTime`.
    pub time: OffsetDateTime,
    /// `recipientAccountId`.
    pub account: String,
    /// `awsRegion`.
    pub region: String,
    /// The record as JSON text.
    pub json: String,
}

/// The end of the 5-minute window holding `t`: when the batch holding `t` is delivered.
pub fn delivery_time(t: OffsetDateTime) -> OffsetDateTime {
    let secs = t.unix_timestamp();
    let window = BATCH.whole_seconds();
    let end = (secs.div_euclid(window) + 1) * window;
    OffsetDateTime::from_unix_timestamp(end).unwrap_or(t)
}

/// 16 random letters and digits, as CloudTrail ends object names.
pub fn suffix(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Write one object holding `records` (JSON texts) atomically (a temporary name, then a
/// rename, so a reader never sees half an object). Returns its size in bytes.
pub fn write_object(
    root: &Path,
    org: &str,
    account: &str,
    region: &str,
    delivered: OffsetDateTime,
    records: &[&str],
    rng: &mut impl Rng,
) -> std::io::Result<u64> {
    let rel = layout::object_path(org, account, region, delivered, &suffix(rng));
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let file = std::fs::File::create(&tmp)?;
    let mut gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::fast());
    gz.write_all(b"{\"Records\":[")?;
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            gz.write_all(b",")?;
        }
        gz.write_all(r.as_bytes())?;
    }
    gz.write_all(b"]}")?;
    let mut out = gz.finish()?;
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    Ok(std::fs::metadata(&path)?.len())
}

/// Group pending records into delivery batches (account, region, delivery time), time-ordered
/// within each batch.
pub fn batches(pending: Vec<Pending>) -> BTreeMap<(String, String, OffsetDateTime), Vec<Pending>> {
    let mut out: BTreeMap<_, Vec<Pending>> = BTreeMap::new();
    for p in pending {
        let key = (p.account.clone(), p.region.clone(), delivery_time(p.time));
        out.entry(key).or_default().push(p);
    }
    for list in out.values_mut() {
        list.sort_by_key(|p| p.time);
    }
    out
}

/// Deliver everything recorded so far into the trail folder. Returns how many objects were
/// written. A write that fails is logged and its records are dropped (as a delivery error in
/// GetTrailStatus), never retried forever.
pub fn flush(emu: &Emu) -> usize {
    let (pending, org, root) = {
        let mut st = emu.state();
        super::cloudtrail::absorb(&mut st);
        let pending = st.trail.take_outbox();
        (
            pending,
            st.org.organization.id.clone(),
            st.settings.trail.dir.clone(),
        )
    };
    if pending.is_empty() {
        return 0;
    }
    let mut rng = rand::rng();
    let mut written = 0;
    let mut error = None;
    let mut latest = None;
    for ((account, region, delivered), list) in batches(pending) {
        let texts: Vec<&str> = list.iter().map(|p| p.json.as_str()).collect();
        match write_object(&root, &org, &account, &region, delivered, &texts, &mut rng) {
            Ok(_) => {
                written += 1;
                latest = latest.max(Some(delivered));
            }
            Err(e) => {
                tracing::warn!("trail delivery to {} failed: {e}", root.display());
                error = Some(e.to_string());
            }
        }
    }
    let mut st = emu.state();
    st.trail.delivered(latest, error);
    written
}

/// Deliver on a timer (every `every`) until the emulator is dropped.
pub fn spawn_delivery(emu: Arc<Emu>, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    let weak = Arc::downgrade(&emu);
    drop(emu);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(emu) = weak.upgrade() else { break };
            let _ = tokio::task::spawn_blocking(move || flush(&emu)).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn pending(t: OffsetDateTime, account: &str) -> Pending {
        Pending {
            time: t,
            account: account.into(),
            region: "us-east-1".into(),
            json: format!("{{\"eventTime\":\"{t}\"}}"),
        }
    }

    #[test]
    fn a_days_last_minutes_are_delivered_into_the_next_day() {
        let d = delivery_time(datetime!(2026-12-01 23:57:10 UTC));
        assert_eq!(d, datetime!(2026-12-02 00:00 UTC));
        assert_eq!(
            delivery_time(datetime!(2026-12-01 10:00:00 UTC)),
            datetime!(2026-12-01 10:05 UTC)
        );
    }

    #[test]
    fn one_batch_per_account_region_and_window() {
        let t = datetime!(2026-12-01 10:01 UTC);
        let b = batches(vec![
            pending(t + Duration::minutes(2), "1"),
            pending(t, "1"),
            pending(t, "2"),
            pending(t + Duration::minutes(6), "1"),
        ]);
        assert_eq!(b.len(), 3);
        let first = &b[&("1".to_string(), "us-east-1".to_string(), delivery_time(t))];
        assert_eq!(first.len(), 2);
        assert!(first[0].time < first[1].time);
    }
}
