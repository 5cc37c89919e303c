//! Liaison stations: the places where deputies meet residents.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// 联络站 / 联络点 / 代表之家 / 代表工作室.
    StationKind, "kind" {
        Station => "station",
        Point => "point",
        Home => "home",
        Studio => "studio",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in StationKind::ALL {
            assert_eq!(StationKind::parse(kind.as_str()).unwrap(), *kind);
        }
        assert!(StationKind::parse("office").is_err());
    }
}
