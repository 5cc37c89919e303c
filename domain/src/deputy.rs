//! Deputies: the five levels of elected deputies who sit at stations.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// 五级代表: the congress a deputy was elected to.
    DeputyLevel, "level" {
        National => "national",
        Provincial => "provincial",
        City => "city",
        County => "county",
        Township => "township",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_levels_round_trip() {
        assert_eq!(DeputyLevel::ALL.len(), 5);
        for level in DeputyLevel::ALL {
            assert_eq!(DeputyLevel::parse(level.as_str()).unwrap(), *level);
        }
        assert!(DeputyLevel::parse("village").is_err());
    }
}
