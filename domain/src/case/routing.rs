//! Routing: which deputy a new case reaches.

/// Where a case raised from a deputy's own code goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToDeputy {
    pub station_id: i64,
    pub assignee_id: i64,
}

/// A case raised from a deputy's own code goes to that deputy, whoever is on duty, at their
/// first station: the lowest id among the stations they sit at, the one they joined earliest
/// as the ids grow, and the same whatever order the stations are listed in. `None` when the
/// deputy sits at no station: the case has nowhere to be kept.
pub fn to_deputy(deputy_id: i64, stations: &[i64]) -> Option<ToDeputy> {
    stations.iter().min().map(|station_id| ToDeputy {
        station_id: *station_id,
        assignee_id: deputy_id,
    })
}

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
    fn a_deputys_code_reaches_that_deputy_at_their_lowest_station() {
        assert_eq!(
            to_deputy(9, &[12, 3, 7]),
            Some(ToDeputy {
                station_id: 3,
                assignee_id: 9
            })
        );
    }

    #[test]
    fn a_deputy_at_no_station_takes_no_case_from_their_code() {
        assert_eq!(to_deputy(9, &[]), None);
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
