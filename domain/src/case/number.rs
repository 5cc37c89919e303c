//! Case numbers (受理编号): county code, the day in Beijing, the sequence of that day.

use chrono::{DateTime, Duration, Utc};

/// The counter key of a day: `20261122`. China keeps UTC+8 all year (no summer time), so a
/// fixed eight hours turns the UTC instant into the Beijing calendar day.
pub fn day(at: DateTime<Utc>) -> String {
    (at + Duration::hours(8)).format("%Y%m%d").to_string()
}

/// `XP-20261122-0007`. Sequences past 9999 simply grow wider.
pub fn format(code: &str, day: &str, seq: u32) -> String {
    format!("{code}-{day}-{seq:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_the_paper_ledger() {
        assert_eq!(format("XP", "20261122", 7), "XP-20261122-0007");
        assert_eq!(format("XP", "20261122", 12345), "XP-20261122-12345");
    }

    #[test]
    fn the_day_turns_at_midnight_in_beijing() {
        let before = "2026-11-22T15:59:59Z".parse().unwrap();
        let after = "2026-11-22T16:00:00Z".parse().unwrap();
        assert_eq!(day(before), "20261122");
        assert_eq!(day(after), "20261123");
    }
}
