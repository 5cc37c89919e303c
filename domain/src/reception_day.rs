//! Reception days (接待日 / 赶集日): a station's scheduled open days, as dates and weekly rules,
//! and the next one from a given moment on the county's clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use crate::clock::{from_local, local_day};
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// A day of the week, for a weekly rule such as market days every Tuesday.
    Weekday, "weekday" {
        Monday => "monday",
        Tuesday => "tuesday",
        Wednesday => "wednesday",
        Thursday => "thursday",
        Friday => "friday",
        Saturday => "saturday",
        Sunday => "sunday",
    }
);

impl Weekday {
    fn of(day: NaiveDate) -> Weekday {
        Weekday::ALL[day.weekday().num_days_from_monday() as usize]
    }
}

/// Which days an entry of the schedule opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    /// One date.
    On(NaiveDate),
    /// Every such weekday.
    Every(Weekday),
}

/// One entry of a schedule: the days, and the hours on the county's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceptionDay {
    pub days: Days,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

/// One opening: a reception day's hours as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A schedule of a few dozen entries covers a year of market days; more is a mistake.
pub const MAX_ENTRIES: usize = 100;

/// A station's schedule, checked: each entry ends after it starts, and no entry is repeated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule(Vec<ReceptionDay>);

impl Schedule {
    pub fn parse(entries: Vec<ReceptionDay>) -> Result<Self, Invalid> {
        if entries.len() > MAX_ENTRIES {
            return Err(Invalid::one(
                "days",
                "too_many",
                format!("at most {MAX_ENTRIES} reception days"),
            ));
        }
        let mut errors = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            if entry.ends <= entry.starts {
                errors.push(Err(Invalid::one(
                    format!("days[{index}].ends"),
                    "before_start",
                    "a reception day must end after it starts",
                )));
            } else if entries[..index].iter().any(|e| e.days == entry.days) {
                errors.push(Err(Invalid::one(
                    format!("days[{index}].date"),
                    "repeated",
                    "this day is already in the schedule",
                )));
            }
        }
        Invalid::collect(errors)?;
        Ok(Self(entries))
    }

    pub fn entries(&self) -> &[ReceptionDay] {
        &self.0
    }

    /// The next opening that has not ended at `now`: one under way counts, so that on a market
    /// morning the page says "today". Days are the county's days, whatever `now`'s zone.
    pub fn next(&self, now: DateTime<Utc>) -> Option<Opening> {
        let today = local_day(now);
        self.0
            .iter()
            .filter_map(|entry| {
                let opening_on = |day: NaiveDate| Opening {
                    starts_at: from_local(day.and_time(entry.starts)),
                    ends_at: from_local(day.and_time(entry.ends)),
                };
                match entry.days {
                    Days::On(day) => Some(opening_on(day)).filter(|o| o.ends_at > now),
                    // Today (if not yet over) or within the coming week: eight days cover both.
                    Days::Every(weekday) => (0..8)
                        .map(|ahead| today + Duration::days(ahead))
                        .filter(|day| Weekday::of(*day) == weekday)
                        .map(opening_on)
                        .find(|o| o.ends_at > now),
                }
            })
            .min_by_key(|o| o.starts_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn time(hour: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, 0, 0).unwrap()
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    fn every(weekday: Weekday, from: u32, to: u32) -> ReceptionDay {
        ReceptionDay {
            days: Days::Every(weekday),
            starts: time(from),
            ends: time(to),
        }
    }

    fn on(day: u32, from: u32, to: u32) -> ReceptionDay {
        ReceptionDay {
            days: Days::On(date(day)),
            starts: time(from),
            ends: time(to),
        }
    }

    /// An instant given on the county's clock.
    fn local(day: u32, hour: u32) -> DateTime<Utc> {
        from_local(date(day).and_time(time(hour)))
    }

    #[test]
    fn entries_end_after_they_start_and_are_not_repeated() {
        let err = Schedule::parse(vec![
            on(3, 9, 9),
            every(Weekday::Tuesday, 8, 12),
            every(Weekday::Tuesday, 13, 15),
        ])
        .unwrap_err();
        let codes: Vec<(&str, &str)> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            [
                ("days[0].ends", "before_start"),
                ("days[2].date", "repeated")
            ]
        );
        assert_eq!(
            Schedule::parse(vec![on(3, 9, 10); MAX_ENTRIES + 1])
                .unwrap_err()
                .0[0]
                .code,
            "too_many"
        );
    }

    #[test]
    fn the_next_weekly_day_is_found_within_a_week() {
        // 2026-12-01 is a Tuesday.
        let tuesdays = Schedule::parse(vec![every(Weekday::Tuesday, 8, 12)]).unwrap();
        let opening = tuesdays.next(local(1, 7)).unwrap();
        assert_eq!(opening.starts_at, local(1, 8));
        assert_eq!(tuesdays.next(local(1, 11)).unwrap().starts_at, local(1, 8));
        assert_eq!(tuesdays.next(local(1, 12)).unwrap().starts_at, local(8, 8));
    }

    #[test]
    fn the_earliest_of_dates_and_rules_wins_and_past_dates_do_not_count() {
        let schedule = Schedule::parse(vec![
            every(Weekday::Friday, 8, 12),
            on(2, 14, 16),
            on(1, 9, 10),
        ])
        .unwrap();
        assert_eq!(schedule.next(local(1, 11)).unwrap().starts_at, local(2, 14));
        assert_eq!(schedule.next(local(3, 0)).unwrap().starts_at, local(4, 8));
        let past = Schedule::parse(vec![on(1, 9, 10)]).unwrap();
        assert_eq!(past.next(local(2, 0)), None);
        assert_eq!(Schedule::default().next(local(1, 0)), None);
    }

    #[test]
    fn days_are_the_county_days_not_utc_days() {
        // 2026-12-01 17:00 UTC is already Wednesday 01:00 in Beijing: Tuesday's market is over,
        // though in UTC it is still Tuesday.
        let tuesdays = Schedule::parse(vec![every(Weekday::Tuesday, 8, 12)]).unwrap();
        let utc_tuesday_evening = Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap();
        assert_eq!(
            tuesdays.next(utc_tuesday_evening).unwrap().starts_at,
            local(8, 8)
        );
        // And a Wednesday 07:00 opening is 23:00 UTC on Tuesday.
        let wednesdays = Schedule::parse(vec![every(Weekday::Wednesday, 7, 9)]).unwrap();
        assert_eq!(
            wednesdays.next(utc_tuesday_evening).unwrap().starts_at,
            Utc.with_ymd_and_hms(2026, 12, 1, 23, 0, 0).unwrap()
        );
    }
}
