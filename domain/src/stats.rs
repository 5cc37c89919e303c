//! The figures reported upward (统计): what is counted, how cases are grouped, and the three
//! rates (三率) exactly as the glossary defines them.
//!
//! Counts of steps are counted when the step was taken: a case raised in March and resolved in
//! April is received in March and resolved in April. Each step counts its case once per
//! period and group (accepted, declined, assigned, resolved); `reopened` counts rounds.
//! - received: cases raised in the period;
//! - response rate (响应率): of the cases whose `respond_by` falls in the period, the share first
//!   answered (accepted, replied or declined) by then;
//! - resolution rate (解决率): of the cases closed in the period, or open and due (`resolve_by`)
//!   in it, the share resolved. Each case is judged once ([`resolution_judged`]): where it was
//!   closed, or, while it is open, where its deadline falls; so the months of a year add up to
//!   the year, asked one by one or together;
//! - a deadline still ahead is judged once it has come, or once it is met: until then the case
//!   is in neither side of a rate;
//! - satisfaction rate (满意率): of the ratings given in the period, the share `satisfied` or
//!   `basically_satisfied`;
//! - the median times run from raising to the first answer, and to each resolution, given in
//!   the period, each time taken to two significant figures of hours ([`reported`]: 0.37 h,
//!   2.4 h, 52 h, 140 h); a median of an even count is the mean of the middle two, to the
//!   hundredth of an hour.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::local_day;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What the figures are grouped by.
    GroupBy, "group_by" {
        Station => "station",
        Township => "township",
        Category => "category",
        Department => "department",
        Deputy => "deputy",
        Channel => "channel",
    }
);

vocabulary!(
    /// The times whose medians are reported: from raising to the first answer, and to each
    /// resolution.
    Measure, "measure" {
        FirstResponse => "first_response",
        Resolution => "resolution",
    }
);

/// Where a case stands for the resolution rate: judged at `at`, resolved or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub at: DateTime<Utc>,
    pub resolved: bool,
}

/// How a case is judged for the resolution rate at `now`: a closed case where it was closed;
/// an open one where its deadline to resolve falls, once that has come or the case is
/// resolved; `None` for an open, unresolved case whose deadline is ahead.
pub fn resolution_judged(
    closed_at: Option<DateTime<Utc>>,
    resolve_by: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Judged> {
    let resolved = resolved_at.is_some();
    match closed_at {
        Some(at) => Some(Judged { at, resolved }),
        None => (resolve_by < now || resolved).then_some(Judged {
            at: resolve_by,
            resolved,
        }),
    }
}

/// The days before `today` whose figures a change of a case from `before` to `after` restates.
///
/// Everything else a closed day counts is fixed once the day is over: the cases raised, the
/// steps taken and the times measured on it, and the deadlines to answer that fell on it (an
/// answer after the day is late whenever it comes). Only the resolution rate judges a case
/// again later: when it is resolved, reopened, given a new deadline or closed.
pub fn restated_days(
    before: Option<Judged>,
    after: Option<Judged>,
    today: NaiveDate,
) -> Vec<NaiveDate> {
    if before == after {
        return Vec::new();
    }
    let mut days: Vec<NaiveDate> = [before, after]
        .into_iter()
        .flatten()
        .map(|judged| local_day(judged.at))
        .filter(|day| *day < today)
        .collect();
    days.sort();
    days.dedup();
    days
}

/// `part` over `whole`, to four places; none of nothing.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// A hundredth of an hour, the unit the median times are reported in.
pub const HUNDREDTH_OF_HOUR_SECS: f64 = 36.0;

/// The hundredth of an hour nearest to `secs` (a half rounds up), as the store counts
/// durations in SQL.
pub fn hundredths(secs: f64) -> i64 {
    ((secs + HUNDREDTH_OF_HOUR_SECS / 2.0) / HUNDREDTH_OF_HOUR_SECS).floor() as i64
}

/// `hundredths` of an hour to two significant figures (a half rounds up): to the hundredth
/// below an hour, the tenth below ten hours, the hour below a hundred, ten hours below a
/// thousand. The precision the median times are reported to, and what makes a county's
/// month of durations a few hundred counts per station rather than one per case, so that a
/// year's medians are read from a rollup of whole months (`docs/statistics.md`).
pub fn reported(hundredths: i64) -> i64 {
    let mut unit = 1;
    while hundredths >= 100 * unit {
        unit *= 10;
    }
    (hundredths + unit / 2) / unit * unit
}

/// Durations counted by the time they come to, in hundredths of an hour to two significant
/// figures ([`reported`]): a million cases' durations are a few thousand counts, added up
/// over months and groups, and the median read off them is what the reported times of the
/// durations themselves give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Durations(BTreeMap<i64, u64>);

impl Durations {
    /// Counts `n` durations of `hundredths` of an hour, as reported.
    pub fn add(&mut self, hundredths: i64, n: u64) {
        *self.0.entry(reported(hundredths)).or_default() += n;
    }

    /// Each reported time counted, in hundredths of an hour, with how many durations came to
    /// it, shortest first.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.0.iter().map(|(hundredths, n)| (*hundredths, *n))
    }

    pub fn absorb(&mut self, other: &Durations) {
        for (hundredths, n) in &other.0 {
            self.add(*hundredths, *n);
        }
    }

    /// The median in hours: the middle duration, or the mean of the middle two, to the
    /// hundredth; none of none.
    pub fn median_hours(&self) -> Option<f64> {
        let count: u64 = self.0.values().sum();
        if count == 0 {
            return None;
        }
        // The 1-based places of the middle one, or of the middle two.
        let (lower, upper) = (count.div_ceil(2), count / 2 + 1);
        let at = |place: u64| {
            let mut seen = 0;
            self.0
                .iter()
                .find(|(_, n)| {
                    seen += **n;
                    seen >= place
                })
                .map(|(hundredths, _)| *hundredths as f64)
                .unwrap_or_default()
        };
        let middle = (at(lower) + at(upper)) / 2.0;
        Some(middle.round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_shares_to_four_places_and_none_of_nothing() {
        assert_eq!(rate(2, 3), Some(0.6667));
        assert_eq!(rate(0, 5), Some(0.0));
        assert_eq!(rate(5, 5), Some(1.0));
        assert_eq!(rate(0, 0), None);
    }

    fn durations(hours: &[f64]) -> Durations {
        let mut durations = Durations::default();
        for h in hours {
            durations.add(hundredths(h * 3600.0), 1);
        }
        durations
    }

    #[test]
    fn a_median_is_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(durations(&[]).median_hours(), None);
        assert_eq!(durations(&[3.0]).median_hours(), Some(3.0));
        assert_eq!(durations(&[9.0, 1.0, 4.0]).median_hours(), Some(4.0));
        assert_eq!(durations(&[9.0, 1.0, 4.0, 2.0]).median_hours(), Some(3.0));
        // Repeats count as often as they come.
        assert_eq!(durations(&[1.0, 1.0, 1.0, 8.0]).median_hours(), Some(1.0));
        // The mean of two middle hundredths that differ by one rounds up.
        assert_eq!(durations(&[0.01, 0.02]).median_hours(), Some(0.02));
    }

    #[test]
    fn durations_count_by_the_nearest_hundredth_of_an_hour() {
        assert_eq!(hundredths(0.0), 0);
        assert_eq!(hundredths(17.9), 0);
        assert_eq!(hundredths(18.0), 1, "a half rounds up");
        assert_eq!(hundredths(36.0), 1);
        assert_eq!(hundredths(2.0 * 3600.0), 200);
        assert_eq!(hundredths(36.5 * 3600.0 + 10.0), 3650);
    }

    #[test]
    fn times_are_reported_to_two_significant_figures() {
        for (exact, reported_as) in [
            (0, 0),
            (37, 37),
            (99, 99),
            (100, 100),
            (244, 240),
            (245, 250),
            (995, 1000),
            (5_249, 5_200),
            (14_400, 14_000),
            (19_200, 19_000),
            (19_500, 20_000),
            (144_032, 140_000),
        ] {
            assert_eq!(reported(exact), reported_as, "{exact}");
            assert_eq!(
                reported(reported_as),
                reported_as,
                "reporting again changes nothing"
            );
        }
        // A median is read off the reported times: 144 h, 120 h and 192 h are 140, 120, 190.
        assert_eq!(
            durations(&[144.0, 120.0, 192.0]).median_hours(),
            Some(140.0)
        );
        assert_eq!(durations(&[120.0, 144.0]).median_hours(), Some(130.0));
    }

    #[test]
    fn durations_of_parts_add_up_to_the_whole() {
        let mut whole = durations(&[1.0, 5.0]);
        whole.absorb(&durations(&[2.0, 2.0, 9.0]));
        assert_eq!(whole, durations(&[1.0, 2.0, 2.0, 5.0, 9.0]));
        assert_eq!(whole.median_hours(), Some(2.0));
    }

    fn t(when: &str) -> DateTime<Utc> {
        format!("2025-{when}:00Z").parse().unwrap()
    }

    #[test]
    fn a_closed_case_is_judged_where_it_closed_and_an_open_one_where_it_is_due() {
        let (due, now) = (t("04-09T01:00"), t("06-01T00:00"));
        // Closed early: judged at the closing, whatever the deadline.
        let closed = resolution_judged(Some(t("03-16T01:00")), due, Some(t("03-15T01:00")), now);
        assert_eq!(
            closed,
            Some(Judged {
                at: t("03-16T01:00"),
                resolved: true
            })
        );
        // Declined and closed: judged, not resolved.
        let declined = resolution_judged(Some(t("03-16T01:00")), due, None, now);
        assert_eq!(declined.map(|j| j.resolved), Some(false));
        // Open past its deadline: judged at the deadline, not resolved.
        let late = resolution_judged(None, due, None, now);
        assert_eq!(
            late,
            Some(Judged {
                at: due,
                resolved: false
            })
        );
        // Open, resolved, awaiting its rating before the deadline: judged at the deadline.
        let early = resolution_judged(None, due, Some(t("04-01T01:00")), t("04-02T00:00"));
        assert_eq!(early.map(|j| (j.at, j.resolved)), Some((due, true)));
        // Open, unresolved, the deadline ahead: not yet.
        assert_eq!(resolution_judged(None, due, None, t("04-02T00:00")), None);
    }

    #[test]
    fn a_change_restates_the_closed_days_it_was_and_is_judged_on() {
        let day = |d: &str| format!("2025-{d}").parse::<NaiveDate>().unwrap();
        let today = day("06-01");
        let due = Judged {
            at: t("04-09T01:00"),
            resolved: false,
        };
        // Resolved today, still open: the deadline's day now counts it resolved.
        let resolved = Judged {
            resolved: true,
            ..due
        };
        assert_eq!(
            restated_days(Some(due), Some(resolved), today),
            [day("04-09")]
        );
        // Closed today: it leaves the deadline's day; today is not closed yet.
        let closed = Judged {
            at: t("05-31T17:00"),
            resolved: true,
        };
        assert_eq!(
            restated_days(Some(due), Some(closed), today),
            [day("04-09")]
        );
        // Beijing's 05-31 ends at 16:00 UTC: 15:00 UTC is still that day.
        let yesterday = Judged {
            at: t("05-31T15:00"),
            ..closed
        };
        assert_eq!(
            restated_days(Some(due), Some(yesterday), today),
            [day("04-09"), day("05-31")]
        );
        // A step that changes nothing of it restates nothing; nor does one of today's cases.
        assert!(restated_days(Some(due), Some(due), today).is_empty());
        assert!(restated_days(None, None, today).is_empty());
        let fresh = Judged {
            at: t("06-01T01:00"),
            resolved: true,
        };
        assert!(restated_days(None, Some(fresh), today).is_empty());
    }

    #[test]
    fn groups_are_the_issue_s_and_nothing_else() {
        let words: Vec<&str> = GroupBy::ALL.iter().map(|g| g.as_str()).collect();
        assert_eq!(
            words,
            [
                "station",
                "township",
                "category",
                "department",
                "deputy",
                "channel"
            ]
        );
        let refused = GroupBy::parse("month").unwrap_err();
        assert_eq!(refused.0[0].field, "group_by");
    }
}
