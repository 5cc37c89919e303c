//! The figures reported upward (统计): what is counted, how cases are grouped, and the three
//! rates (三率) exactly as the glossary defines them.
//!
//! Counts of steps are counted when the step was taken: a case raised in March and resolved in
//! April is received in March and resolved in April. Each step counts its case once per
//! period and group (accepted, declined, assigned, resolved); `reopened` counts rounds.
//! - received: cases raised in the period;
//! - response rate (响应率): of the cases whose `respond_by` falls in the period, the share first
//!   answered (accepted, replied or declined) by then;
//! - resolution rate (解决率): of the cases due (`resolve_by`) or closed in the period, the
//!   share resolved;
//! - a deadline still ahead is judged once it has come, or once it is met: until then the case
//!   is in neither side of a rate;
//! - satisfaction rate (满意率): of the ratings given in the period, the share `satisfied` or
//!   `basically_satisfied`;
//! - the median times run from raising to the first answer, and to each resolution, given in
//!   the period, to the hundredth of an hour; a median of an even count is the mean of the
//!   middle two.

use std::collections::BTreeMap;

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

/// Durations counted by the hundredth of an hour they come to: a million cases' durations
/// are a few thousand counts, added up over months and groups, and the median read off them
/// is what the hundredths of the durations themselves give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Durations(BTreeMap<i64, u64>);

impl Durations {
    /// Counts `n` durations of `hundredths` of an hour.
    pub fn add(&mut self, hundredths: i64, n: u64) {
        *self.0.entry(hundredths).or_default() += n;
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
    fn durations_of_parts_add_up_to_the_whole() {
        let mut whole = durations(&[1.0, 5.0]);
        whole.absorb(&durations(&[2.0, 2.0, 9.0]));
        assert_eq!(whole, durations(&[1.0, 2.0, 2.0, 5.0, 9.0]));
        assert_eq!(whole.median_hours(), Some(2.0));
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
