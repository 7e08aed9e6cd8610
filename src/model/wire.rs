//! Enums read from AWS answers that must survive values added after centry was built: each
//! known value gets a variant, anything else is kept as sent and shown as is.

/// Declares a wire enum whose unknown values are kept as sent (`Other`), so a value AWS adds
/// later is shown rather than breaking anything.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $var,)+
            /// A value this version of centry does not know, as the service sent it.
            Other(String),
        }

        impl $name {
            /// From the wire string (unknown values are kept in `Other`).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($s => Self::$var,)+
                    other => Self::Other(other.to_string()),
                }
            }

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$var => $s,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;
