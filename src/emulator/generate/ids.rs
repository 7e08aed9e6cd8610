//! Identifier and timestamp makers for the generator: every id comes out of the one seeded
//! random stream, in the shape AWS uses for that kind of id.

use rand::Rng;
use rand::rngs::StdRng;

/// The hex prefix of older identity-store ids (`<10 hex>-<uuid>`): the identity store id's digits.
pub(super) const STORE_PREFIX: &str = "9067c3a2b1-";

const HEX: &[u8] = b"0123456789abcdef";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `n` characters drawn from `alphabet`.
fn draw(rng: &mut StdRng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// Lower-case hex, e.g. the 16 characters after `ps-` or `apl-`.
pub(super) fn hex(rng: &mut StdRng, n: usize) -> String {
    draw(rng, HEX, n)
}

/// Lower-case letters and digits (OU ids).
pub(super) fn lower_alnum(rng: &mut StdRng, n: usize) -> String {
    draw(rng, LOWER_ALNUM, n)
}

/// Upper-case letters and digits (Q Developer profile ids).
pub(super) fn upper_alnum(rng: &mut StdRng, n: usize) -> String {
    draw(rng, UPPER_ALNUM, n)
}

/// Mixed-case letters and digits (Okta user ids, approval team ids).
pub(super) fn mixed_alnum(rng: &mut StdRng, n: usize) -> String {
    draw(rng, MIXED_ALNUM, n)
}

/// An identity-store id: a v4 UUID, with the older `<10 hex>-` prefix when `prefixed`.
pub(super) fn store_id(rng: &mut StdRng, prefixed: bool) -> String {
    let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
    if prefixed {
        format!("{STORE_PREFIX}{id}")
    } else {
        id.to_string()
    }
}

/// An Okta user id (`00u` + 17 characters).
pub(super) fn okta_id(rng: &mut StdRng) -> String {
    format!("00u{}", mixed_alnum(rng, 17))
}

/// A random RFC 3339 UTC time (`…Z`) between two Unix times.
pub(super) fn time_between(rng: &mut StdRng, from: i64, to: i64) -> String {
    rfc3339(rng.random_range(from..to.max(from + 1)))
}

/// Formats a Unix time as RFC 3339 with a `Z` suffix and whole seconds.
pub(super) fn rfc3339(unix: i64) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// 2019-04-01T00:00:00Z: the earliest member account in a generated organisation.
pub(super) const ORG_EPOCH: i64 = 1_554_076_800;
/// 2026-10-01T00:00:00Z: the latest time the generator hands out.
pub(super) const LATEST: i64 = 1_790_812_800;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn rfc3339_is_utc_with_z() {
        assert_eq!(rfc3339(ORG_EPOCH), "2019-04-01T00:00:00Z");
        assert_eq!(rfc3339(LATEST), "2026-10-01T00:00:00Z");
    }

    #[test]
    fn store_ids_have_the_identity_store_shape() {
        let mut rng = StdRng::seed_from_u64(5);
        let plain = store_id(&mut rng, false);
        let prefixed = store_id(&mut rng, true);
        assert_eq!(plain.len(), 36);
        assert_eq!(&plain[14..15], "4", "a v4 UUID: {plain}");
        assert!(prefixed.starts_with(STORE_PREFIX));
        assert_eq!(
            prefixed.len(),
            47,
            "the longest PrincipalId AWS allows: {prefixed}"
        );
    }
}
