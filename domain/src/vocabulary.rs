//! Closed sets of words (levels, kinds, roles) stored and sent as their glossary spelling.

/// A closed set of words: what the storage layer maps to a column once, for every such set.
pub trait Vocabulary: Copy + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The field the words fill, for messages: `status`, `role`, ...
    const FIELD: &'static str;
    /// Every word of the set, in declaration order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(value: &str) -> Result<Self, crate::Invalid>;
}

/// Declares an enum whose variants are written as fixed snake_case words in JSON, the database
/// and logs, with `as_str`, `parse` (naming the field on error) and `ALL`.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            pub fn parse(value: &str) -> Result<Self, $crate::Invalid> {
                match value {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::Invalid::one(
                        $field,
                        "unknown_value",
                        format!(
                            "{} must be one of: {}",
                            $field,
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl $crate::vocabulary::Vocabulary for $name {
            const FIELD: &'static str = $field;
            const ALL: &'static [$name] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn parse(value: &str) -> Result<Self, $crate::Invalid> {
                $name::parse(value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;
