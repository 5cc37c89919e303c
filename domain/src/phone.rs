//! Mainland mobile numbers, the login name of staff and the contact residents leave.

use std::fmt;

use crate::Invalid;

/// An 11-digit mainland China mobile number (`1[3-9]` then nine digits).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts the number with spaces or dashes between digits and an optional `+86` prefix,
    /// since that is how people copy numbers; stores the bare eleven digits.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let compact: String = value
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        let digits = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .unwrap_or(&compact);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if valid {
            Ok(Self(digits.to_owned()))
        } else {
            Err(Invalid::one(
                "phone",
                "invalid_phone",
                "phone must be an 11-digit mainland mobile number",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: what logs and most readers may see.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks the middle four digits of an 11-digit number; anything else is masked whole.
pub fn mask(number: &str) -> String {
    if number.len() == 11 && number.is_ascii() {
        format!("{}****{}", &number[..3], &number[7..])
    } else {
        "****".to_owned()
    }
}

/// Whether `text` holds a mainland mobile number standing alone: a run of exactly eleven
/// digits, `1[3-9]` first. Longer runs of digits (order numbers, trace ids) are not phones.
pub fn contains_mobile(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() == 11 && Phone::parse(run).is_ok())
}

// Debug shows the masked form so a phone never reaches a log in clear by accident.
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_a_mobile_standing_alone_in_text_and_nothing_else() {
        assert!(contains_mobile("13812345678"));
        assert!(contains_mobile("req-13812345678-x"));
        assert!(!contains_mobile("12812345678"), "no mobile starts 12");
        assert!(
            !contains_mobile("138123456789"),
            "twelve digits are not a phone"
        );
        assert!(!contains_mobile("Root=1-5759e988-bd862e3fe1be46a994272793"));
        assert!(!contains_mobile(""));
    }

    #[test]
    fn accepts_common_spellings() {
        for value in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+8613812345678",
        ] {
            assert_eq!(
                Phone::parse(value).unwrap().as_str(),
                "13812345678",
                "{value}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_mobile_number() {
        for value in [
            "",
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "1381234567x",
        ] {
            let e = Phone::parse(value).unwrap_err();
            assert_eq!(e.0[0].code, "invalid_phone", "{value}");
        }
    }

    #[test]
    fn masks_the_middle_digits() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
        assert_eq!(mask("123"), "****");
    }

    #[test]
    fn debug_never_shows_the_full_number() {
        let phone = Phone::parse("13812345678").unwrap();
        assert!(!format!("{phone:?}").contains("13812345678"));
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips(second in 3u8..=9, rest in "[0-9]{9}") {
            let number = format!("1{second}{rest}");
            let phone = Phone::parse(&number).unwrap();
            prop_assert_eq!(phone.as_str(), number.as_str());
        }
    }
}
