//! Bounded, trimmed text: names, addresses and other short strings people type.

use crate::Invalid;

/// Trims `value` and checks it holds between `min` and `max` characters (not bytes: names are
/// Chinese) and no control characters.
pub fn bounded(field: &str, value: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    if length < min {
        let message = if min == 1 {
            format!("{field} must not be empty")
        } else {
            format!("{field} must have at least {min} characters")
        };
        return Err(Invalid::one(field, "too_short", message));
    }
    if length > max {
        return Err(Invalid::one(
            field,
            "too_long",
            format!("{field} must have at most {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::one(
            field,
            "invalid_characters",
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Declares a newtype over bounded text whose only constructor is `parse`.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(value: &str) -> Result<Self, $crate::Invalid> {
                $crate::text::bounded($field, value, $min, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

bounded_text!(
    /// The name of a region, station, department, category or person.
    Name, "name", 1, 64
);
bounded_text!(
    /// A street address or directions to a place.
    Address, "address", 1, 200
);
bounded_text!(
    /// Free text such as opening hours or office hours.
    ShortText, "text", 1, 200
);

/// A person's name as those who may not read it whole see it: its first character, a star for
/// each of the others (`王**`).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_accepts_chinese_by_characters() {
        let name = Name::parse("  西平县人民代表联络站  ").unwrap();
        assert_eq!(name.as_str(), "西平县人民代表联络站");
        assert!(Name::parse(&"站".repeat(64)).is_ok());
    }

    #[test]
    fn rejects_empty_and_blank() {
        for value in ["", "   ", "\t"] {
            let e = Name::parse(value).unwrap_err();
            assert_eq!(e.0[0].code, "too_short");
            assert_eq!(e.0[0].field, "name");
        }
    }

    #[test]
    fn rejects_too_long_by_characters() {
        let e = Name::parse(&"站".repeat(65)).unwrap_err();
        assert_eq!(e.0[0].code, "too_long");
    }

    #[test]
    fn rejects_control_characters() {
        let e = Name::parse("a\u{0}b").unwrap_err();
        assert_eq!(e.0[0].code, "invalid_characters");
    }

    #[test]
    fn address_allows_two_hundred_characters() {
        assert!(Address::parse(&"路".repeat(200)).is_ok());
        assert!(Address::parse(&"路".repeat(201)).is_err());
    }

    #[test]
    fn a_masked_name_keeps_its_first_character_only() {
        assert_eq!(mask_name("王大爷"), "王**");
        assert_eq!(mask_name("李"), "李");
        assert_eq!(mask_name(""), "");
    }
}
