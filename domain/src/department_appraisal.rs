//! The department appraisal (承办单位测评): each department's figures over the rounds handed to
//! it in a period, a composite score, and the ranking with the top five and the bottom three
//! marked, as the seeds report them.
//!
//! What is counted, per department, over its *handovers*: the rounds of work (a case's round,
//! `case_events.round`) whose first assignment to the department falls in the period.
//! - `assigned`: handovers.
//! - `handled_on_time`: handovers the department reported back on (`handled`, its first in the
//!   round) no later than the deadline it was given (`resolve_by` of its latest assignment in
//!   the round).
//! - `on_time_rate`: `handled_on_time` / `assigned`.
//! - `reopened`: handovers whose round the resident rated `unsatisfied` (重新交办).
//! - `satisfaction_rate`: (`satisfied` + `basically_satisfied`) / rated, over the handovers the
//!   department reported back on and the resident rated: a round the deputy finished without
//!   the department is not the department's result.
//! - `deputies_score`: the deputies' anonymous ratings of the handovers, `satisfied` = 100,
//!   `basically_satisfied` = 60, `unsatisfied` = 0, averaged.
//! - `score`: 40 % on-time rate + 30 % deputies' score + 30 % satisfaction rate (all out of
//!   100). A part without ratings gives its weight to the parts that have some, in proportion:
//!   no ratings is no judgement, neither praise nor blame.
//!
//! Ranking: departments with a handover in the period, by score (to one decimal) descending,
//! then more handovers first, then by name; positions are 1, 2, 3… without shared places.
//! Ranks 1–5 are marked `top`; of the rest, the last three are marked `bottom`, so with fewer
//! than eight ranked the top five come first and the bottom takes what is left (six ranked:
//! one bottom; five or fewer: none). Departments without a handover are listed, unranked.

use crate::vocabulary::vocabulary;

/// What the store counts of one department's handovers in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub assigned: u32,
    pub handled_on_time: u32,
    pub reopened: u32,
    /// Handovers reported back on and rated by the resident, and how many of those were
    /// `satisfied` or `basically_satisfied`.
    pub resident_rated: u32,
    pub resident_satisfied: u32,
    pub deputy_ratings: DeputyRatings,
}

/// The deputies' ratings of a department's handovers, counted, never attributed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeputyRatings {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
}

impl DeputyRatings {
    pub fn total(&self) -> u32 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }

    /// 100 / 60 / 0 per rating, averaged; `None` without ratings.
    pub fn score(&self) -> Option<f64> {
        ratio(
            100 * self.satisfied + 60 * self.basically_satisfied,
            self.total(),
        )
    }
}

/// The parts of the composite score and their weights, in percent.
pub const ON_TIME_WEIGHT: u32 = 40;
pub const DEPUTIES_WEIGHT: u32 = 30;
pub const SATISFACTION_WEIGHT: u32 = 30;

/// How many are marked at each end.
pub const TOP: usize = 5;
pub const BOTTOM: usize = 3;

vocabulary!(
    /// Where a department stands at the ends of the ranking.
    Mark, "mark" {
        Top => "top",
        Bottom => "bottom",
    }
);

/// A department's figures, all rates and scores out of 100 to one decimal.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub tally: Tally,
    pub on_time_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub deputies_score: Option<f64>,
    /// `None` without a handover.
    pub score: Option<f64>,
}

impl Figures {
    pub fn of(tally: Tally) -> Figures {
        let on_time_rate = ratio(100 * tally.handled_on_time, tally.assigned);
        let satisfaction_rate = ratio(100 * tally.resident_satisfied, tally.resident_rated);
        let deputies_score = tally.deputy_ratings.score();
        let score = on_time_rate.map(|on_time| {
            let parts = [
                (Some(on_time), ON_TIME_WEIGHT),
                (deputies_score, DEPUTIES_WEIGHT),
                (satisfaction_rate, SATISFACTION_WEIGHT),
            ];
            let (sum, weights) = parts
                .iter()
                .filter_map(|(value, weight)| value.map(|v| (v * f64::from(*weight), *weight)))
                .fold((0.0, 0), |(sum, weights), (part, weight)| {
                    (sum + part, weights + weight)
                });
            tenth(sum / f64::from(weights))
        });
        Figures {
            tally,
            on_time_rate,
            satisfaction_rate,
            deputies_score,
            score,
        }
    }
}

/// One line of the appraisal.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<D> {
    pub department: D,
    pub name: String,
    pub figures: Figures,
    /// 1 for the best; `None` without a handover.
    pub rank: Option<u32>,
    pub mark: Option<Mark>,
}

/// Ranks the departments: ranked ones in order, then the unranked by name.
pub fn rank<D>(departments: Vec<(D, String, Tally)>) -> Vec<Line<D>> {
    let mut lines: Vec<Line<D>> = departments
        .into_iter()
        .map(|(department, name, tally)| Line {
            department,
            name,
            figures: Figures::of(tally),
            rank: None,
            mark: None,
        })
        .collect();
    lines.sort_by(|a, b| {
        let score = |l: &Line<D>| l.figures.score.unwrap_or(-1.0);
        score(b)
            .total_cmp(&score(a))
            .then(b.figures.tally.assigned.cmp(&a.figures.tally.assigned))
            .then_with(|| a.name.cmp(&b.name))
    });
    let ranked = lines.iter().filter(|l| l.figures.score.is_some()).count();
    for (position, line) in lines.iter_mut().take(ranked).enumerate() {
        line.rank = u32::try_from(position + 1).ok();
        line.mark = if position < TOP {
            Some(Mark::Top)
        } else if position + BOTTOM >= ranked {
            Some(Mark::Bottom)
        } else {
            None
        };
    }
    lines
}

/// `part / whole`, to one decimal; `None` of nothing.
fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| tenth(f64::from(part) / f64::from(whole)))
}

fn tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(assigned: u32, on_time: u32) -> Tally {
        Tally {
            assigned,
            handled_on_time: on_time,
            ..Tally::default()
        }
    }

    #[test]
    fn the_score_weighs_timeliness_deputies_and_residents() {
        let figures = Figures::of(Tally {
            assigned: 4,
            handled_on_time: 3,
            reopened: 1,
            resident_rated: 3,
            resident_satisfied: 2,
            deputy_ratings: DeputyRatings {
                satisfied: 1,
                basically_satisfied: 1,
                unsatisfied: 1,
            },
        });
        assert_eq!(figures.on_time_rate, Some(75.0));
        assert_eq!(figures.satisfaction_rate, Some(66.7));
        assert_eq!(figures.deputies_score, Some(53.3));
        // 0.4 × 75 + 0.3 × 53.3 + 0.3 × 66.7, from the parts as shown.
        assert_eq!(figures.score, Some(66.0));
    }

    #[test]
    fn a_part_without_ratings_gives_its_weight_to_the_others() {
        let only_on_time = Figures::of(tally(2, 1));
        assert_eq!(only_on_time.score, Some(50.0));
        let mut rated = tally(2, 1);
        rated.deputy_ratings.satisfied = 1;
        // (0.4 × 50 + 0.3 × 100) / 0.7
        assert_eq!(Figures::of(rated).score, Some(71.4));
        assert_eq!(Figures::of(Tally::default()).score, None);
    }

    fn names(lines: &[Line<u32>]) -> Vec<(&str, Option<u32>, Option<Mark>)> {
        lines
            .iter()
            .map(|l| (l.name.as_str(), l.rank, l.mark))
            .collect()
    }

    #[test]
    fn ties_go_to_more_handovers_then_the_name_and_idle_ones_are_unranked() {
        let lines = rank(vec![
            (1, "乙局".to_owned(), tally(2, 1)),
            (2, "甲局".to_owned(), tally(2, 1)),
            (3, "丙局".to_owned(), tally(4, 2)),
            (4, "丁局".to_owned(), Tally::default()),
            (5, "戊局".to_owned(), tally(1, 1)),
        ]);
        assert_eq!(
            names(&lines),
            [
                ("戊局", Some(1), Some(Mark::Top)),
                ("丙局", Some(2), Some(Mark::Top)),
                // Same score and handovers: by name, in code-point order.
                ("乙局", Some(3), Some(Mark::Top)),
                ("甲局", Some(4), Some(Mark::Top)),
                ("丁局", None, None),
            ]
        );
    }

    #[test]
    fn the_top_five_and_the_bottom_three_never_overlap() {
        let ranked = |n: u32| {
            let lines = rank(
                (0..n)
                    .map(|i| (i, format!("局{i:02}"), tally(100, 100 - i)))
                    .collect(),
            );
            lines.iter().map(|l| l.mark).collect::<Vec<_>>()
        };
        let (t, b) = (Some(Mark::Top), Some(Mark::Bottom));
        assert_eq!(ranked(10), [t, t, t, t, t, None, None, b, b, b]);
        assert_eq!(ranked(8), [t, t, t, t, t, b, b, b]);
        assert_eq!(ranked(6), [t, t, t, t, t, b]);
        assert_eq!(ranked(3), [t, t, t]);
    }
}
