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
