//! The county's clock: Beijing time (UTC+8, no daylight saving), where days begin and end.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// UTC+8: China keeps one time zone and no summer time, so a fixed offset is exact.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("UTC+8 is a valid offset"))
}

/// The day `at` falls on at the county.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&beijing()).date_naive()
}

/// A time as people at the county read and write it, to the minute: `2026-12-02 09:30`.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&beijing())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The instant a date and time on the county's clock mean.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    (local - chrono::Duration::hours(8)).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_county_day_starts_at_sixteen_utc() {
        let before = Utc.with_ymd_and_hms(2026, 12, 1, 15, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 1, 16, 0, 0).unwrap();
        assert_eq!(
            local_day(before),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(
            local_day(after),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
        let midnight = NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(from_local(midnight), after);
    }
}
