//! Lenient serde readers for the record view: a value is a string if it is one and absent
//! otherwise, a flag is a boolean or `true`/`yes`/`false`/`no`, and an object is read key by key
//! through [`ObjectView`] (anything else is absent). None of them fails on valid JSON, and keys
//! are classified without being allocated.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Str;

/// An object read key by key. `Key` is what a key name classifies to, so keys are matched
/// without being allocated.
pub(super) trait ObjectView<'de>: Default {
    type Key;
    fn key(name: &str) -> Self::Key;
    fn value<A: MapAccess<'de>>(&mut self, key: Self::Key, map: &mut A) -> Result<(), A::Error>;
}

/// `next_value` for a lenient string.
pub(super) fn text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Str<'de>, A::Error> {
    map.next_value_seed(TextSeed)
}

/// `next_value` for a lenient flag.
pub(super) fn flag<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<bool>, A::Error> {
    map.next_value_seed(FlagSeed)
}

/// `next_value` for a nested object (absent unless it is an object).
pub(super) fn object<'de, T: ObjectView<'de>, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<T>, A::Error> {
    map.next_value_seed(ObjectSeed::<T>(PhantomData))
}

pub(super) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

struct ObjectSeed<T>(PhantomData<T>);

impl<'de, T: ObjectView<'de>> DeserializeSeed<'de> for ObjectSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(ObjectVisitor::<T>(PhantomData))
    }
}

pub(super) struct ObjectVisitor<T>(pub(super) PhantomData<T>);

impl<'de, T: ObjectView<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut view = T::default();
        while let Some(key) = map.next_key_seed(KeySeed::<T>(PhantomData))? {
            view.value(key, &mut map)?;
        }
        Ok(Some(view))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// Classifies a map key through `T::key` without allocating it.
struct KeySeed<T>(PhantomData<T>);

impl<'de, T: ObjectView<'de>> DeserializeSeed<'de> for KeySeed<T> {
    type Value = T::Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T::Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: ObjectView<'de>> Visitor<'de> for KeySeed<T> {
    type Value = T::Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T::Key, E> {
        Ok(T::key(v))
    }
}

/// A value read as a string when it is one; anything else reads as `None`.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Str<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Str<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Str<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
        Ok(Some(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
        Ok(Some(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Str<'de>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Str<'de>, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Str<'de>, A::Error> {
        drain_map(map).map(|()| None)
    }
}

/// A flag logged as a boolean or as `"true"`/`"false"`/`"Yes"`/`"No"`; anything else is `None`.
struct FlagSeed;

impl<'de> DeserializeSeed<'de> for FlagSeed {
    type Value = Option<bool>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<bool>, D::Error> {
        Ok(match d.deserialize_any(FlagVisitor)? {
            Flag::Bool(b) => Some(b),
            Flag::Text(t) => t.as_deref().and_then(parse_flag),
        })
    }
}

enum Flag<'a> {
    Bool(bool),
    Text(Str<'a>),
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Flag<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag<'de>, E> {
        Ok(Flag::Bool(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Flag<'de>, E> {
        TextSeed.visit_borrowed_str(v).map(Flag::Text)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag<'de>, E> {
        TextSeed.visit_str(v).map(Flag::Text)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Flag<'de>, E> {
        Ok(Flag::Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Flag<'de>, A::Error> {
        drain_seq(seq).map(|()| Flag::Text(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Flag<'de>, A::Error> {
        drain_map(map).map(|()| Flag::Text(None))
    }
}

/// `true`/`yes` and `false`/`no`, any case.
fn parse_flag(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_flag;

    #[test]
    fn flags_read_as_logged() {
        assert_eq!(parse_flag("true"), Some(true));
        assert_eq!(parse_flag(" Yes "), Some(true));
        assert_eq!(parse_flag("FALSE"), Some(false));
        assert_eq!(parse_flag("no"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
        assert_eq!(parse_flag(""), None);
    }
}
