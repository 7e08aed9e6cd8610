//! A string that must never be printed by accident: tokens, secret keys, session tokens.
//! `Debug` shows `***`; there is no `Display`; the value is reached only through
//! [`Secret::expose`], so every place that shows or sends one is easy to find.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The value, for sending it where it belongs or showing it when asked.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A masked rendering that still tells secrets apart: the last four characters.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        if n <= 8 {
            "••••••••".to_string()
        } else {
            let tail: String = self.0.chars().skip(n - 4).collect();
            format!("••••••••{tail}")
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("aoaSECRETVALUE1234");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(s.masked(), "••••••••1234");
        assert_eq!(Secret::new("short").masked(), "••••••••");
    }
}
