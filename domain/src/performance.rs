//! The performance record (履职档案) and stars (五星级代表): a deputy's counts for a year, a
//! county's published scoring scheme (计分办法), and the score, stars and ranking it gives.
//!
//! - Score: Σ weight × count, item by item (the breakdown shows each item's count, weight and
//!   points), in whole points.
//! - Stars: how many of the scheme's five thresholds the score reaches (`score >= threshold`),
//!   0 to 5.
//! - Ranking: competition ranking by score, highest first ("1, 2, 2, 4"): deputies with the
//!   same score share a place and the next place skips; those tied are listed by name, then id.

use std::collections::BTreeMap;

use crate::vocabulary::vocabulary;
use crate::{FieldError, Invalid};

vocabulary!(
    /// What a scheme weighs: one item per count of the performance record.
    Item, "item" {
        ReceptionsAttended => "receptions_attended",
        CasesAccepted => "cases_accepted",
        CasesResolved => "cases_resolved",
        ShiftsHeld => "shifts_held",
        ShiftsLate => "shifts_late",
        ShiftsMissed => "shifts_missed",
        CasesSatisfied => "cases_satisfied",
        CasesBasicallySatisfied => "cases_basically_satisfied",
        CasesUnsatisfied => "cases_unsatisfied",
        Activities => "activities",
        Trainings => "trainings",
        ProposalsFiled => "proposals_filed",
        ReportBackScore => "report_back_score",
    }
);

/// A deputy's counts for one year. The first group is counted from the cases, receptions and
/// shifts; the register group (activities to report-back score) comes from the five registers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub receptions_attended: i64,
    pub cases_accepted: i64,
    pub cases_resolved: i64,
    pub shifts_held: i64,
    pub shifts_late: i64,
    pub shifts_missed: i64,
    /// The residents' ratings of the cases the deputy resolved, by rating.
    pub cases_satisfied: i64,
    pub cases_basically_satisfied: i64,
    pub cases_unsatisfied: i64,
    pub registers: RegisterCounts,
}

/// The counts kept in the five registers (五簿) rather than found in the cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegisterCounts {
    pub activities: i64,
    pub trainings: i64,
    pub proposals_filed: i64,
    /// The residents' score of the deputy's yearly report-back (述职评议), 0–100.
    pub report_back_score: i64,
}

impl From<&crate::register::Counts> for RegisterCounts {
    /// What the performance record reads of the registers' counts; the report-back's average
    /// score to the nearest whole point, as the scheme's weights multiply whole counts.
    fn from(counts: &crate::register::Counts) -> Self {
        RegisterCounts {
            activities: i64::from(counts.activities),
            trainings: i64::from(counts.trainings),
            proposals_filed: i64::from(counts.proposals_filed),
            report_back_score: counts.report_back_score.map_or(0, |s| s.round() as i64),
        }
    }
}

impl Facts {
    pub fn count(&self, item: Item) -> i64 {
        match item {
            Item::ReceptionsAttended => self.receptions_attended,
            Item::CasesAccepted => self.cases_accepted,
            Item::CasesResolved => self.cases_resolved,
            Item::ShiftsHeld => self.shifts_held,
            Item::ShiftsLate => self.shifts_late,
            Item::ShiftsMissed => self.shifts_missed,
            Item::CasesSatisfied => self.cases_satisfied,
            Item::CasesBasicallySatisfied => self.cases_basically_satisfied,
            Item::CasesUnsatisfied => self.cases_unsatisfied,
            Item::Activities => self.registers.activities,
            Item::Trainings => self.registers.trainings,
            Item::ProposalsFiled => self.registers.proposals_filed,
            Item::ReportBackScore => self.registers.report_back_score,
        }
    }
}

/// A weight lies within ±`MAX_WEIGHT` points per count (negative for what counts against,
/// such as missed shifts).
pub const MAX_WEIGHT: i64 = 100;
/// A threshold lies within 1..=`MAX_THRESHOLD` points.
pub const MAX_THRESHOLD: i64 = 1_000_000;
/// Five thresholds, one per star.
pub const STARS: usize = 5;

/// A valid scheme: a weight per item (absent items weigh nothing) and five strictly rising
/// thresholds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    weights: BTreeMap<Item, i64>,
    thresholds: [i64; STARS],
}

impl Scheme {
    /// Checks weights given by item word and the thresholds; every fault is reported at once:
    /// an unknown item (`weights.<word>`), a weight out of bounds, a scheme that weighs
    /// nothing (`weights`), thresholds not five, out of bounds or not strictly rising
    /// (`thresholds`).
    pub fn parse(weights: &[(String, i64)], thresholds: &[i64]) -> Result<Scheme, Invalid> {
        let mut errors = Vec::new();
        let mut parsed = BTreeMap::new();
        for (word, weight) in weights {
            let field = format!("weights.{word}");
            match Item::parse(word) {
                Err(_) => errors.push(FieldError::new(
                    field,
                    "unknown_item",
                    format!("{word} is not an item of the performance record"),
                )),
                Ok(_) if weight.abs() > MAX_WEIGHT => errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("a weight lies from -{MAX_WEIGHT} to {MAX_WEIGHT}"),
                )),
                Ok(item) => {
                    parsed.insert(item, *weight);
                }
            }
        }
        if errors.is_empty() && parsed.values().all(|w| *w == 0) {
            errors.push(FieldError::new(
                "weights",
                "empty",
                "a scheme weighs at least one item",
            ));
        }
        let rising = thresholds.windows(2).all(|pair| pair[0] < pair[1]);
        let bounded = thresholds.iter().all(|t| (1..=MAX_THRESHOLD).contains(t));
        let five: Result<[i64; STARS], _> = thresholds.try_into();
        match five {
            Ok(five) if rising && bounded && errors.is_empty() => {
                return Ok(Scheme {
                    weights: parsed,
                    thresholds: five,
                })
            }
            Ok(_) if rising && bounded => {}
            _ => errors.push(FieldError::new(
                "thresholds",
                "not_rising",
                format!(
                    "five thresholds, from 1 to {MAX_THRESHOLD}, each higher than the one before"
                ),
            )),
        }
        Err(Invalid(errors))
    }

    pub fn weight(&self, item: Item) -> i64 {
        self.weights.get(&item).copied().unwrap_or(0)
    }

    pub fn thresholds(&self) -> [i64; STARS] {
        self.thresholds
    }

    /// The weight of every item, in the items' order.
    pub fn weights(&self) -> impl Iterator<Item = (Item, i64)> + '_ {
        Item::ALL.iter().map(|item| (*item, self.weight(*item)))
    }

    /// How `facts` score under this scheme, item by item.
    pub fn score(&self, facts: &Facts) -> Scored {
        let breakdown: Vec<Line> = self
            .weights()
            .map(|(item, weight)| {
                let count = facts.count(item);
                Line {
                    item,
                    count,
                    weight,
                    points: count.saturating_mul(weight),
                }
            })
            .collect();
        let score = breakdown
            .iter()
            .fold(0_i64, |sum, line| sum.saturating_add(line.points));
        Scored {
            stars: self.stars(score),
            breakdown,
            score,
        }
    }

    /// How many thresholds `score` reaches.
    pub fn stars(&self, score: i64) -> u8 {
        let reached = self.thresholds.iter().filter(|t| score >= **t).count();
        u8::try_from(reached).unwrap_or(u8::MAX)
    }
}

/// One item of a score: the count, its weight and the points they make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub item: Item,
    pub count: i64,
    pub weight: i64,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub breakdown: Vec<Line>,
    pub score: i64,
    pub stars: u8,
}

/// `★★★☆☆`: filled stars for those earned, hollow for the rest of five.
pub fn star_text(stars: u8) -> String {
    let earned = usize::from(stars).min(STARS);
    "★".repeat(earned) + &"☆".repeat(STARS - earned)
}

/// One deputy to rank: who, their name (for ties) and score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<K> {
    pub key: K,
    pub name: String,
    pub score: i64,
}

/// Competition ranking ("1, 2, 2, 4") by score, highest first; entries with the same score
/// share the place and are listed by name, then by key.
pub fn rank<K: Ord>(mut entries: Vec<Entry<K>>) -> Vec<(u32, Entry<K>)> {
    entries.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
    let mut ranked: Vec<(u32, Entry<K>)> = Vec::with_capacity(entries.len());
    for (position, entry) in (1_u32..).zip(entries) {
        let place = match ranked.last() {
            Some((place, last)) if last.score == entry.score => *place,
            _ => position,
        };
        ranked.push((place, entry));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
        pairs.iter().map(|(w, n)| ((*w).to_owned(), *n)).collect()
    }

    fn scheme() -> Scheme {
        Scheme::parse(
            &weights(&[
                ("receptions_attended", 10),
                ("cases_resolved", 5),
                ("shifts_missed", -8),
                ("cases_satisfied", 2),
            ]),
            &[5, 10, 20, 40, 80],
        )
        .unwrap()
    }

    fn fields(invalid: Invalid) -> Vec<String> {
        invalid.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_score_is_the_sum_of_weight_times_count_item_by_item() {
        let facts = Facts {
            receptions_attended: 1,
            cases_accepted: 3,
            cases_resolved: 2,
            shifts_missed: 1,
            cases_satisfied: 1,
            ..Facts::default()
        };
        let scored = scheme().score(&facts);
        // 1×10 + 2×5 − 1×8 + 1×2; accepted cases weigh nothing here.
        assert_eq!(scored.score, 14);
        assert_eq!(scored.breakdown.len(), Item::ALL.len());
        let missed = scored
            .breakdown
            .iter()
            .find(|l| l.item == Item::ShiftsMissed)
            .unwrap();
        assert_eq!((missed.count, missed.weight, missed.points), (1, -8, -8));
        let accepted = scored
            .breakdown
            .iter()
            .find(|l| l.item == Item::CasesAccepted)
            .unwrap();
        assert_eq!((accepted.count, accepted.points), (3, 0));
        assert_eq!(scored.stars, 2);
    }

    #[test]
    fn stars_count_the_thresholds_reached() {
        let s = scheme();
        assert_eq!(s.stars(-3), 0);
        assert_eq!(s.stars(4), 0);
        assert_eq!(s.stars(5), 1);
        assert_eq!(s.stars(79), 4);
        assert_eq!(s.stars(80), 5);
        assert_eq!(s.stars(10_000), 5);
    }

    #[test]
    fn register_counts_are_items_like_the_others() {
        let s = Scheme::parse(&weights(&[("report_back_score", 1)]), &[1, 2, 3, 4, 5]).unwrap();
        let facts = Facts {
            registers: RegisterCounts {
                report_back_score: 90,
                ..RegisterCounts::default()
            },
            ..Facts::default()
        };
        assert_eq!(s.score(&facts).score, 90);
    }

    #[test]
    fn thresholds_must_be_five_and_strictly_rise() {
        let w = weights(&[("cases_resolved", 1)]);
        for bad in [
            vec![1, 2, 2, 3, 4],
            vec![5, 4, 3, 2, 1],
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 4, 5, 6],
            vec![0, 1, 2, 3, 4],
            vec![1, 2, 3, 4, MAX_THRESHOLD + 1],
            vec![],
        ] {
            let invalid = Scheme::parse(&w, &bad).unwrap_err();
            assert_eq!(fields(invalid), ["thresholds"], "{bad:?}");
        }
    }

    #[test]
    fn weights_must_be_known_items_within_bounds() {
        let t = [1, 2, 3, 4, 5];
        let invalid = Scheme::parse(
            &weights(&[
                ("cases_resolved", 101),
                ("smiles", 1),
                ("shifts_missed", -100),
            ]),
            &t,
        )
        .unwrap_err();
        assert_eq!(
            fields(invalid),
            ["weights.cases_resolved", "weights.smiles"]
        );
        assert!(Scheme::parse(&weights(&[("shifts_missed", -100)]), &t).is_ok());
    }

    #[test]
    fn an_empty_scheme_is_refused() {
        let t = [1, 2, 3, 4, 5];
        for empty in [weights(&[]), weights(&[("cases_resolved", 0)])] {
            assert_eq!(fields(Scheme::parse(&empty, &t).unwrap_err()), ["weights"]);
        }
    }

    #[test]
    fn every_fault_is_reported_at_once() {
        let invalid = Scheme::parse(&weights(&[]), &[3, 2, 1, 0, -1]).unwrap_err();
        assert_eq!(fields(invalid), ["weights", "thresholds"]);
    }

    #[test]
    fn stars_are_written_filled_then_hollow() {
        assert_eq!(star_text(0), "☆☆☆☆☆");
        assert_eq!(star_text(3), "★★★☆☆");
        assert_eq!(star_text(5), "★★★★★");
    }

    #[test]
    fn ranking_shares_places_and_skips_after_a_tie() {
        let entry = |key: i64, name: &str, score: i64| Entry {
            key,
            name: name.to_owned(),
            score,
        };
        let ranked = rank(vec![
            entry(1, "丁", 5),
            entry(2, "乙", 9),
            entry(3, "甲", 9),
            entry(4, "丙", 12),
            entry(5, "乙", 9),
        ]);
        let places: Vec<(u32, i64)> = ranked.iter().map(|(p, e)| (*p, e.key)).collect();
        // Ties by name (乙 before 甲 in code-point order), then key.
        assert_eq!(places, [(1, 4), (2, 2), (2, 5), (2, 3), (5, 1)]);
        assert!(rank::<i64>(Vec::new()).is_empty());
    }
}
