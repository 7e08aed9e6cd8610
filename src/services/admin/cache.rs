//! The inventory's disk cache: the last full inventory per endpoint and region, shown at once
//! with its age while a fresh one is gathered, and used instead of targeted calls while it
//! is fresh. Written 0600 atomically; a corrupt file is set aside and reported, like every
//! centry file (see [`crate::services::local_store`]).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha1::Digest;
use time::OffsetDateTime;

use crate::model::inventory::{Inventory, Scope};
use crate::services::local_store::{StoreError, read_json, write_json};

/// How long a cached inventory answers questions without asking AWS again.
pub const FRESH_FOR: Duration = Duration::from_secs(15 * 60);

/// The file format version.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CacheFile {
    version: u32,
    place: String,
    inventory: Inventory,
}

/// What the cache is keyed by: the endpoint (`aws` for real AWS) and the region.
fn place(endpoint: Option<&str>, region: &str) -> String {
    format!("{}|{region}", endpoint.unwrap_or("aws"))
}

fn path(place: &str) -> Option<PathBuf> {
    let key = hex::encode(sha1::Sha1::digest(place.as_bytes()));
    crate::paths::cache_dir().map(|d| d.join("admin").join(format!("{key}.json")))
}

/// The cached inventory for an endpoint and region, if any.
pub fn load(endpoint: Option<&str>, region: &str) -> Result<Option<Inventory>, StoreError> {
    let place = place(endpoint, region);
    let Some(p) = path(&place) else {
        return Ok(None);
    };
    Ok(read_json::<CacheFile>(&p)?
        .filter(|f| f.version == VERSION && f.place == place)
        .map(|f| f.inventory))
}

/// Save a full inventory (partial ones are not cached).
pub fn save(endpoint: Option<&str>, region: &str, inv: &Inventory) -> Result<(), StoreError> {
    if inv.scope != Scope::Full {
        return Ok(());
    }
    let place = place(endpoint, region);
    let Some(p) = path(&place) else {
        return Ok(());
    };
    write_json(
        &p,
        &CacheFile {
            version: VERSION,
            place,
            inventory: inv.clone(),
        },
    )
}

/// Whether an inventory is recent enough to answer from, for `instance` (ARN).
pub fn is_fresh(inv: &Inventory, instance: &str, now: OffsetDateTime, fresh_for: Duration) -> bool {
    inv.scope == Scope::Full
        && inv.instance.arn == instance
        && inv.age_secs(now) < fresh_for.as_secs() as i64
        && now >= inv.as_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::InstanceInfo;

    #[test]
    fn freshness_needs_the_same_instance_a_full_scope_and_a_recent_age() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let mut inv = Inventory::new(
            InstanceInfo {
                arn: "arn:i".into(),
                ..Default::default()
            },
            Scope::Full,
            now - time::Duration::minutes(5),
        );
        assert!(is_fresh(&inv, "arn:i", now, FRESH_FOR));
        assert!(!is_fresh(&inv, "arn:other", now, FRESH_FOR));
        assert!(!is_fresh(&inv, "arn:i", now, Duration::from_secs(60)));
        inv.scope = Scope::Account("1".into());
        assert!(!is_fresh(&inv, "arn:i", now, FRESH_FOR));
    }

    #[test]
    fn places_differ_by_endpoint_and_region() {
        assert_ne!(
            path(&place(None, "us-east-1")),
            path(&place(Some("http://127.0.0.1:9"), "us-east-1"))
        );
        assert_ne!(
            path(&place(None, "us-east-1")),
            path(&place(None, "eu-west-1"))
        );
    }
}
