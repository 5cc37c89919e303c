//! Routing: which deputy a new case reaches.

/// Picks the deputy for a new case at a station: among those on duty now (in roster order) who
/// still sit at the station, the one with the fewest cases in progress; ties go to the earlier
/// in the roster. `None` sends the case to the station queue.
pub fn pick(on_duty: &[i64], members: &[i64], open_cases: impl Fn(i64) -> u32) -> Option<i64> {
    on_duty
        .iter()
        .copied()
        .filter(|deputy| members.contains(deputy))
        // `min_by_key` keeps the first of equal keys: the roster order breaks ties.
        .min_by_key(|deputy| open_cases(*deputy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &'static [(i64, u32)]) -> impl Fn(i64) -> u32 {
        move |deputy| {
            pairs
                .iter()
                .find(|(d, _)| *d == deputy)
                .map_or(0, |(_, n)| *n)
        }
    }

    #[test]
    fn the_only_deputy_on_duty_gets_it() {
        assert_eq!(pick(&[4], &[4, 5], load(&[(4, 9)])), Some(4));
    }

    #[test]
    fn the_least_loaded_deputy_on_duty_gets_it() {
        assert_eq!(
            pick(&[4, 5, 6], &[4, 5, 6], load(&[(4, 3), (5, 1), (6, 2)])),
            Some(5)
        );
    }

    #[test]
    fn ties_go_to_the_roster_order() {
        assert_eq!(pick(&[6, 4], &[4, 6], load(&[(4, 1), (6, 1)])), Some(6));
    }

    #[test]
    fn deputies_who_left_the_station_are_skipped() {
        assert_eq!(pick(&[4, 5], &[5], load(&[(5, 7)])), Some(5));
        assert_eq!(pick(&[4], &[5], load(&[])), None);
    }

    #[test]
    fn nobody_on_duty_means_the_station_queue() {
        assert_eq!(pick(&[], &[4, 5], load(&[])), None);
    }
}
