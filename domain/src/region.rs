//! The administrative tree (county → township → village) that stations hang off.

use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// 县 / 乡镇(街道) / 村(社区).
    RegionLevel, "level" {
        County => "county",
        Township => "township",
        Village => "village",
    }
);

vocabulary!(
    /// A county's setting: whose re-assignment queue its unsatisfied cases wait in, the
    /// county's own or, for a station under a township, that township's.
    ReassignBy, "reassign_by" {
        County => "county",
        Township => "township",
    }
);

impl RegionLevel {
    /// The level a region of this level must hang under; a county is a root.
    pub fn parent_level(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::County => None,
            RegionLevel::Township => Some(RegionLevel::County),
            RegionLevel::Village => Some(RegionLevel::Township),
        }
    }
}

/// The township a region of `level` lies in: a township itself, a village's parent; a county
/// lies in none. What a township admin runs is what lies in their township.
pub fn township_of(level: RegionLevel, id: i64, parent_id: Option<i64>) -> Option<i64> {
    match level {
        RegionLevel::County => None,
        RegionLevel::Township => Some(id),
        RegionLevel::Village => parent_id,
    }
}

/// Checks that a region of `level` may hang under a parent of `parent` level (`None`: no parent).
pub fn check_parent(level: RegionLevel, parent: Option<RegionLevel>) -> Result<(), Invalid> {
    match (level.parent_level(), parent) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Invalid::one(
            "parent_id",
            "must_be_absent",
            "a county has no parent region",
        )),
        (Some(expected), None) => Err(Invalid::one(
            "parent_id",
            "required",
            format!("a {level} must hang under a {expected}"),
        )),
        (Some(expected), Some(actual)) if expected == actual => Ok(()),
        (Some(expected), Some(actual)) => Err(Invalid::one(
            "parent_id",
            "wrong_level",
            format!("a {level} must hang under a {expected}, not a {actual}"),
        )),
    }
}

/// The short letters a region contributes to case numbers (`XP` in `XP-20261122-0007`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionCode(String);

impl RegionCode {
    /// Two to eight ASCII letters or digits, starting with a letter; stored upper-case.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let code = value.trim().to_ascii_uppercase();
        let valid = (2..=8).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && code.as_bytes()[0].is_ascii_uppercase();
        if valid {
            Ok(Self(code))
        } else {
            Err(Invalid::one(
                "code",
                "invalid_code",
                "code must be 2 to 8 letters or digits, starting with a letter",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegionLevel::*;

    #[test]
    fn a_township_holds_itself_and_its_villages() {
        assert_eq!(township_of(Township, 5, Some(1)), Some(5));
        assert_eq!(township_of(Village, 9, Some(5)), Some(5));
        assert_eq!(township_of(County, 1, None), None);
    }

    #[test]
    fn the_tree_is_county_township_village() {
        assert!(check_parent(County, None).is_ok());
        assert!(check_parent(Township, Some(County)).is_ok());
        assert!(check_parent(Village, Some(Township)).is_ok());
    }

    #[test]
    fn every_wrong_parent_is_refused_with_a_code() {
        let cases = [
            (County, Some(County), "must_be_absent"),
            (County, Some(Township), "must_be_absent"),
            (Township, None, "required"),
            (Township, Some(Township), "wrong_level"),
            (Township, Some(Village), "wrong_level"),
            (Village, None, "required"),
            (Village, Some(County), "wrong_level"),
            (Village, Some(Village), "wrong_level"),
        ];
        for (level, parent, code) in cases {
            let e = check_parent(level, parent).unwrap_err();
            assert_eq!(e.0[0].code, code, "{level} under {parent:?}");
            assert_eq!(e.0[0].field, "parent_id");
        }
    }

    #[test]
    fn level_words_round_trip() {
        for level in RegionLevel::ALL {
            assert_eq!(RegionLevel::parse(level.as_str()).unwrap(), *level);
        }
        assert_eq!(
            RegionLevel::parse("province").unwrap_err().0[0].code,
            "unknown_value"
        );
    }

    #[test]
    fn codes_are_short_upper_case_letters() {
        assert_eq!(RegionCode::parse("xp").unwrap().as_str(), "XP");
        assert_eq!(RegionCode::parse("XP01").unwrap().as_str(), "XP01");
        for bad in ["X", "", "1X", "X-P", "ABCDEFGHI", "西平"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
