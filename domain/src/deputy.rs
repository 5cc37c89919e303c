//! Deputies: the five levels of elected deputies who sit at stations.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// 五级代表: the congress a deputy was elected to.
    DeputyLevel, "level" {
        National => "national",
        Provincial => "provincial",
        City => "city",
        County => "county",
        Township => "township",
    }
);

/// Deputies named for something at a station (present at a reception, members of a group):
/// each must sit at it (`is_station_deputy`); each counts once, in the order first named.
pub fn sitting_at(
    field: &str,
    deputy_ids: &[i64],
    is_station_deputy: impl Fn(i64) -> bool,
) -> Result<Vec<i64>, crate::Invalid> {
    let mut named: Vec<i64> = Vec::with_capacity(deputy_ids.len());
    for id in deputy_ids {
        if !is_station_deputy(*id) {
            return Err(crate::Invalid::one(
                field,
                "not_at_station",
                format!("deputy {id} does not sit at this station"),
            ));
        }
        if !named.contains(id) {
            named.push(*id);
        }
    }
    Ok(named)
}

vocabulary!(
    /// Whether a deputy serves now: a suspended (暂停履职) or terminated (终止代表资格)
    /// deputy takes no new cases and no shifts.
    DeputyStatus, "status" {
        Active => "active",
        Suspended => "suspended",
        Terminated => "terminated",
    }
);

impl DeputyStatus {
    /// Whether the deputy is routed cases and may be put on a roster.
    pub fn serves(self) -> bool {
        self == DeputyStatus::Active
    }

    /// The statuses that serve: for queries that filter on them.
    pub fn serving() -> impl Iterator<Item = DeputyStatus> {
        Self::ALL.iter().copied().filter(|s| s.serves())
    }

    /// Whether moving from `self` to `next` ends the deputy's service: their open cases then
    /// go back to their stations' queues.
    pub fn leaves_service(self, next: DeputyStatus) -> bool {
        self.serves() && !next.serves()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deputies_named_sit_at_the_station_and_count_once() {
        let here = |id: i64| [1, 2].contains(&id);
        assert_eq!(sitting_at("deputy_ids", &[2, 1, 2], here).unwrap(), [2, 1]);
        let err = sitting_at("deputy_ids", &[1, 9], here).unwrap_err();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].code),
            ("deputy_ids", "not_at_station")
        );
    }

    #[test]
    fn only_active_deputies_serve() {
        let serving: Vec<&str> = DeputyStatus::serving().map(DeputyStatus::as_str).collect();
        assert_eq!(serving, ["active"]);
        assert!(!DeputyStatus::Suspended.serves());
        assert!(!DeputyStatus::Terminated.serves());
    }

    #[test]
    fn leaving_service_is_the_step_from_serving_to_not() {
        use DeputyStatus::*;
        assert!(Active.leaves_service(Suspended));
        assert!(Active.leaves_service(Terminated));
        assert!(!Active.leaves_service(Active));
        assert!(
            !Suspended.leaves_service(Terminated),
            "already out of service"
        );
        assert!(!Suspended.leaves_service(Active));
    }

    #[test]
    fn five_levels_round_trip() {
        assert_eq!(DeputyLevel::ALL.len(), 5);
        for level in DeputyLevel::ALL {
            assert_eq!(DeputyLevel::parse(level.as_str()).unwrap(), *level);
        }
        assert!(DeputyLevel::parse("village").is_err());
    }
}
