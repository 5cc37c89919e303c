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
//!   the period; a median of an even count is the mean of the middle two.

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

/// The median of `values`: the middle one, or the mean of the middle two; none of none.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
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

    #[test]
    fn a_median_is_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [9.0, 1.0, 4.0]), Some(4.0));
        assert_eq!(median(&mut [9.0, 1.0, 4.0, 2.0]), Some(3.0));
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
