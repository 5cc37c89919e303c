//! The period figures are reported for (统计期间): a year, a quarter, a month, or days from one
//! date to another, on the county's clock; and the period before it, to compare against.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};

use crate::clock::{from_local, local_day};
use crate::Invalid;

/// The longest period figures are asked for: five years, a deputies' term.
pub const MAX_DAYS: i64 = 5 * 366;

/// The years a period may lie in.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// The years a deputy's yearly records are kept for: the five registers, the performance
/// record and the scoring schemes.
pub const RECORD_YEARS: std::ops::RangeInclusive<i32> = 2000..=9999;

/// The `year` of a yearly record asked for: absent or blank is `current`; text that is not a
/// year of [`RECORD_YEARS`] is wrong in `year`.
pub fn record_year(asked: Option<&str>, current: i32) -> Result<i32, Invalid> {
    let Some(text) = asked.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(current);
    };
    text.parse::<i32>()
        .ok()
        .filter(|y| RECORD_YEARS.contains(y))
        .ok_or_else(|| {
            Invalid::one(
                "year",
                "out_of_range",
                format!(
                    "a year from {} to {}",
                    RECORD_YEARS.start(),
                    RECORD_YEARS.end()
                ),
            )
        })
}

/// What a request may say of its period; at most one way of saying it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    /// The first day, and the last day, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub year: Option<i32>,
    /// 1–4, with `year`.
    pub quarter: Option<u32>,
    /// 1–12, with `year`.
    pub month: Option<u32>,
}

/// How the period was given, which decides what "the period before" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Year,
    Quarter,
    Month,
    Days,
}

/// Days `[first, last]` on the county's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub unit: Unit,
}

impl Period {
    /// The whole of `year` on the county's clock.
    pub fn year(year: i32) -> Period {
        let day = |month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
        Period {
            first: day(1, 1),
            last: day(12, 31),
            unit: Unit::Year,
        }
    }

    /// Reads what was asked; nothing at all is this year so far (`today` on the county's clock).
    pub fn parse(asked: Asked, today: NaiveDate) -> Result<Period, Invalid> {
        // Years a county reports on, and every date arithmetic below stays within chrono's.
        let out_of_range =
            |field: &'static str| Invalid::one(field, "out_of_range", "a year from 1 to 9999");
        if asked.year.is_some_and(|y| !YEARS.contains(&y)) {
            return Err(out_of_range("year"));
        }
        for (field, day) in [("from", asked.from), ("to", asked.to)] {
            if day.is_some_and(|d| !YEARS.contains(&d.year())) {
                return Err(out_of_range(field));
            }
        }
        let calendar = asked.year.is_some() || asked.quarter.is_some() || asked.month.is_some();
        let days = asked.from.is_some() || asked.to.is_some();
        if calendar && days {
            return Err(Invalid::one(
                "from",
                "conflicting",
                "give from and to, or a year (with a quarter or a month), not both",
            ));
        }
        let period = match (asked, calendar) {
            (_, true) => calendar_period(asked)?,
            (Asked { from, to, .. }, false) => {
                let first = from.unwrap_or_else(|| start_of_year(today));
                let last = to.unwrap_or(today);
                if last < first {
                    return Err(Invalid::one("to", "before_from", "to is before from"));
                }
                Period {
                    first,
                    last,
                    unit: Unit::Days,
                }
            }
        };
        if period.days() > MAX_DAYS {
            return Err(Invalid::one(
                if days { "to" } else { "year" },
                "period_too_long",
                "a period spans at most five years",
            ));
        }
        Ok(period)
    }

    /// Days in the period, both ends included.
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// The instants the period covers, `[from, to)`.
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |day: NaiveDate| from_local(day.and_time(chrono::NaiveTime::MIN));
        (start(self.first), start(self.last + Duration::days(1)))
    }

    /// Whether `at` falls in the period.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let day = local_day(at);
        self.first <= day && day <= self.last
    }

    /// The period before, to compare against: the year, quarter or month before, or as many
    /// days just before.
    pub fn previous(&self) -> Period {
        let months = match self.unit {
            Unit::Year => Some(12),
            Unit::Quarter => Some(3),
            Unit::Month => Some(1),
            Unit::Days => None,
        };
        match months {
            Some(months) => {
                let first = self.first - Months::new(months);
                Period {
                    first,
                    last: self.first - Duration::days(1),
                    unit: self.unit,
                }
            }
            None => Period {
                first: self.first - Duration::days(self.days()),
                last: self.first - Duration::days(1),
                unit: Unit::Days,
            },
        }
    }

    /// The months the period touches, first to last, as their first days.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut month = self.first.with_day(1).unwrap_or(self.first);
        let mut months = Vec::new();
        while month <= self.last {
            months.push(month);
            month = month + Months::new(1);
        }
        months
    }

    /// Where the months of the period begin and the period ends, as instants: month `i` of
    /// `months()` covers `[bounds[i], bounds[i + 1])`, the first and the last cut to the
    /// period. Counting per month compares timestamps with these.
    pub fn month_bounds(&self) -> Vec<DateTime<Utc>> {
        let start = |day: NaiveDate| from_local(day.and_time(chrono::NaiveTime::MIN));
        let mut bounds: Vec<DateTime<Utc>> = self
            .months()
            .into_iter()
            .map(|month| start(month.max(self.first)))
            .collect();
        bounds.push(self.instants().1);
        bounds
    }
}

fn start_of_year(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day)
}

fn calendar_period(asked: Asked) -> Result<Period, Invalid> {
    let Some(year) = asked.year else {
        let field = if asked.quarter.is_some() {
            "quarter"
        } else {
            "month"
        };
        return Err(Invalid::one(
            field,
            "year_required",
            "a quarter or a month needs its year",
        ));
    };
    let day = |month: u32| {
        NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| Invalid::one("year", "out_of_range", "no such year"))
    };
    let (first, months, unit) = match (asked.quarter, asked.month) {
        (Some(_), Some(_)) => {
            return Err(Invalid::one(
                "month",
                "conflicting",
                "give a quarter or a month, not both",
            ))
        }
        (Some(quarter @ 1..=4), None) => (day(quarter * 3 - 2)?, 3, Unit::Quarter),
        (Some(_), None) => return Err(Invalid::one("quarter", "out_of_range", "quarter is 1–4")),
        (None, Some(month @ 1..=12)) => (day(month)?, 1, Unit::Month),
        (None, Some(_)) => return Err(Invalid::one("month", "out_of_range", "month is 1–12")),
        (None, None) => (day(1)?, 12, Unit::Year),
    };
    Ok(Period {
        first,
        last: first + Months::new(months) - Duration::days(1),
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_s_year_is_this_one_or_2000_to_9999() {
        assert_eq!(record_year(None, 2026), Ok(2026));
        assert_eq!(record_year(Some(" "), 2026), Ok(2026));
        assert_eq!(record_year(Some("2025"), 2026), Ok(2025));
        for bad in ["1999", "10000", "abc", "2025.5"] {
            let invalid = record_year(Some(bad), 2026).unwrap_err();
            let fields: Vec<String> = invalid.0.into_iter().map(|e| e.field).collect();
            assert_eq!(fields, ["year"], "{bad}");
        }
    }

    #[test]
    fn a_year_runs_from_new_year_to_new_year_in_beijing() {
        let (from, to) = Period::year(2025).instants();
        assert_eq!(from.to_rfc3339(), "2024-12-31T16:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2025-12-31T16:00:00+00:00");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 12, 2)
    }

    fn field(asked: Asked) -> String {
        Period::parse(asked, today()).unwrap_err().0[0]
            .field
            .clone()
    }

    #[test]
    fn month_bounds_cut_the_first_and_last_month_to_the_period_on_the_county_clock() {
        let period = Period::parse(
            Asked {
                from: Some(date(2026, 1, 15)),
                to: Some(date(2026, 3, 3)),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        let local = |d: NaiveDate| from_local(d.and_time(chrono::NaiveTime::MIN));
        assert_eq!(
            period.month_bounds(),
            vec![
                local(date(2026, 1, 15)),
                local(date(2026, 2, 1)),
                local(date(2026, 3, 1)),
                local(date(2026, 3, 4)),
            ]
        );
        assert_eq!(period.month_bounds().len(), period.months().len() + 1);
        // Midnight in Beijing is 16:00 the day before in UTC.
        assert_eq!(
            period.month_bounds()[1].to_rfc3339(),
            "2026-01-31T16:00:00+00:00"
        );
    }

    #[test]
    fn a_year_a_quarter_or_a_month_is_its_calendar_days() {
        let year = Period::parse(
            Asked {
                year: Some(2026),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            (year.first, year.last),
            (date(2026, 1, 1), date(2026, 12, 31))
        );
        let quarter = Period::parse(
            Asked {
                year: Some(2026),
                quarter: Some(4),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            (quarter.first, quarter.last),
            (date(2026, 10, 1), date(2026, 12, 31))
        );
        let february = Period::parse(
            Asked {
                year: Some(2028),
                month: Some(2),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(february.last, date(2028, 2, 29), "a leap year");
        assert_eq!(february.days(), 29);
    }

    #[test]
    fn nothing_asked_is_this_year_so_far() {
        let period = Period::parse(Asked::default(), today()).unwrap();
        assert_eq!((period.first, period.last), (date(2026, 1, 1), today()));
        assert_eq!(period.unit, Unit::Days);
    }

    #[test]
    fn the_period_s_instants_are_the_county_s_days() {
        let period = Period {
            first: date(2026, 12, 1),
            last: date(2026, 12, 1),
            unit: Unit::Days,
        };
        let (from, to) = period.instants();
        assert_eq!(
            from,
            "2026-11-30T16:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(to, "2026-12-01T16:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert!(period.contains(from));
        assert!(!period.contains(to));
        assert!(period.contains(to - Duration::seconds(1)));
    }

    #[test]
    fn the_period_before_is_the_unit_before_or_as_many_days() {
        let q1 = Period::parse(
            Asked {
                year: Some(2026),
                quarter: Some(1),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        let before = q1.previous();
        assert_eq!(
            (before.first, before.last),
            (date(2025, 10, 1), date(2025, 12, 31))
        );
        let days = Period {
            first: date(2026, 3, 1),
            last: date(2026, 3, 10),
            unit: Unit::Days,
        };
        let before = days.previous();
        assert_eq!(
            (before.first, before.last),
            (date(2026, 2, 19), date(2026, 2, 28))
        );
    }

    #[test]
    fn months_are_listed_from_first_to_last() {
        let period = Period {
            first: date(2026, 11, 15),
            last: date(2027, 1, 3),
            unit: Unit::Days,
        };
        assert_eq!(
            period.months(),
            [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
        );
    }

    #[test]
    fn bad_periods_name_their_field() {
        let to_before_from = Asked {
            from: Some(date(2026, 5, 1)),
            to: Some(date(2026, 4, 1)),
            ..Asked::default()
        };
        assert_eq!(field(to_before_from), "to");
        let too_long = Asked {
            from: Some(date(2020, 1, 1)),
            to: Some(date(2026, 1, 1)),
            ..Asked::default()
        };
        assert_eq!(field(too_long), "to");
        let both = Asked {
            from: Some(date(2026, 1, 1)),
            year: Some(2026),
            ..Asked::default()
        };
        assert_eq!(field(both), "from");
        let orphan = Asked {
            month: Some(3),
            ..Asked::default()
        };
        assert_eq!(field(orphan), "month");
        let thirteenth = Asked {
            year: Some(2026),
            month: Some(13),
            ..Asked::default()
        };
        assert_eq!(field(thirteenth), "month");
        let fifth = Asked {
            year: Some(2026),
            quarter: Some(5),
            ..Asked::default()
        };
        assert_eq!(field(fifth), "quarter");
        // Far years are refused before any date arithmetic could overflow.
        for year in [0, 10_000, 262_142, i32::MAX, i32::MIN] {
            let far = Asked {
                year: Some(year),
                quarter: Some(4),
                ..Asked::default()
            };
            assert_eq!(field(far), "year", "{year}");
        }
        let last_day = Asked {
            from: Some(NaiveDate::MAX - Duration::days(3)),
            to: Some(NaiveDate::MAX),
            ..Asked::default()
        };
        assert_eq!(field(last_day), "from");
        // Five years is the most: 2022-01-01 to 2026-12-31 is allowed.
        let five = Asked {
            from: Some(date(2022, 1, 1)),
            to: Some(date(2026, 12, 31)),
            ..Asked::default()
        };
        assert!(Period::parse(five, today()).is_ok());
    }
}
