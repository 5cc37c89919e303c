//! 满意率: how residents rated the results, and the share of them satisfied or basically
//! satisfied (`satisfaction_rate` in the glossary).

use super::Rating;

/// The ratings given to a set of cases, by word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratings {
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub unsatisfied: u64,
}

impl Ratings {
    /// Counts `n` more ratings of `rating`.
    pub fn add(&mut self, rating: Rating, n: u64) {
        let count = match rating {
            Rating::Satisfied => &mut self.satisfied,
            Rating::BasicallySatisfied => &mut self.basically_satisfied,
            Rating::Unsatisfied => &mut self.unsatisfied,
        };
        *count += n;
    }

    /// Counts another tally's ratings too.
    pub fn add_all(&mut self, other: Ratings) {
        self.satisfied += other.satisfied;
        self.basically_satisfied += other.basically_satisfied;
        self.unsatisfied += other.unsatisfied;
    }

    pub fn rated(&self) -> u64 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }

    /// (`satisfied` + `basically_satisfied`) over the rated, from 0 to 1 (`stats::rate`, to
    /// four places); `None` when nothing was rated, which is no rate at all rather than 0.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        crate::stats::rate(self.satisfied + self.basically_satisfied, self.rated())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_counts_basically_satisfied_as_satisfied_and_nothing_rated_as_no_rate() {
        let mut ratings = Ratings::default();
        assert_eq!(ratings.satisfaction_rate(), None);
        ratings.add(Rating::Satisfied, 1);
        ratings.add(Rating::BasicallySatisfied, 2);
        ratings.add(Rating::Unsatisfied, 1);
        assert_eq!(ratings.rated(), 4);
        assert_eq!(ratings.satisfaction_rate(), Some(0.75));
        let unhappy = Ratings {
            unsatisfied: 3,
            ..Ratings::default()
        };
        assert_eq!(unhappy.satisfaction_rate(), Some(0.0));
    }
}
