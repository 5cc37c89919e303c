//! Who hears of each step of a case: the domain decides the audiences; the API finds the people.

use super::EventKind;

/// A group of people a case concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    /// The resident who raised it.
    Resident,
    /// The deputy it is with.
    Assignee,
    /// The admins of its station.
    StationAdmins,
    /// The staff of the department it is handed to.
    Handlers,
    /// The admins of its county.
    CountyAdmins,
    /// The admins of the township its station lies in (none for a station under the county
    /// itself).
    TownshipAdmins,
}

/// Facts about the case at the moment of the event that change who must hear of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    /// The case waits in the station queue with no deputy.
    pub unassigned: bool,
    /// Moderation asked a station admin to look at it.
    pub flagged: bool,
    /// A resident follows it in the mini-program: they raised it, or claimed a visitor's
    /// case from its receipt. Until then a visitor's case has nobody to tell on that side.
    pub resident_follows: bool,
    /// The county lets townships keep their stations' re-assignment queue
    /// (`ReassignBy::Township`, see `policy::may_reassign`).
    pub township_reassigns: bool,
}

impl Situation {
    /// A case with its deputy, followed by its resident, in a county that re-assigns itself:
    /// nothing that widens or narrows an audience.
    pub const PLAIN: Situation = Situation {
        unassigned: false,
        flagged: false,
        resident_follows: true,
        township_reassigns: false,
    };
}

/// The audiences of an event. The person who acted is left out by the caller: nobody is told
/// what they just did themselves.
pub fn of(kind: EventKind, situation: Situation) -> Vec<Audience> {
    use Audience::*;
    let mut audiences = match kind {
        // A new case reaches its deputy; with nobody on duty, the station admins take it.
        EventKind::Submitted if situation.unassigned => vec![StationAdmins],
        EventKind::Submitted => vec![Assignee],
        EventKind::Accepted | EventKind::Declined | EventKind::Replied | EventKind::Resolved => {
            vec![Resident]
        }
        EventKind::Assigned => vec![Resident, Handlers],
        EventKind::Handled => vec![Resident, Assignee],
        EventKind::Reassigned => vec![Assignee],
        EventKind::Urged | EventKind::Overdue => vec![Assignee, StationAdmins],
        // Those who keep the re-assignment queue (`policy::may_reassign`): the county's admins,
        // and the township's where the county lets it re-assign.
        EventKind::Reopened if situation.township_reassigns => {
            vec![Assignee, StationAdmins, CountyAdmins, TownshipAdmins]
        }
        EventKind::Reopened => vec![Assignee, StationAdmins, CountyAdmins],
        // Reported to the county; the township that runs the station hears of it as well.
        EventKind::Escalated => vec![CountyAdmins, TownshipAdmins],
        EventKind::Rated => vec![Assignee],
        EventKind::Closed => vec![Resident],
        // The deputy learns that the visitor now follows the case themselves.
        EventKind::Claimed => vec![Assignee],
        EventKind::Noted => vec![],
        // The deputy left: the case waits for the station to pick it up again.
        EventKind::Released => vec![StationAdmins],
    };
    if kind == EventKind::Submitted && situation.flagged && !audiences.contains(&StationAdmins) {
        audiences.push(StationAdmins);
    }
    if !situation.resident_follows {
        audiences.retain(|a| *a != Resident);
    }
    audiences
}

#[cfg(test)]
mod tests {
    use super::*;
    use Audience::*;

    const PLAIN: Situation = Situation::PLAIN;

    #[test]
    fn a_visitor_s_unclaimed_case_tells_nobody_on_the_resident_s_side() {
        let unclaimed = Situation {
            resident_follows: false,
            ..PLAIN
        };
        for kind in EventKind::ALL {
            assert!(!of(*kind, unclaimed).contains(&Resident), "{kind}");
            let mut expected = of(*kind, PLAIN);
            expected.retain(|a| *a != Resident);
            assert_eq!(of(*kind, unclaimed), expected, "{kind}");
        }
        assert_eq!(of(EventKind::Resolved, PLAIN), [Resident]);
        assert_eq!(of(EventKind::Claimed, PLAIN), [Assignee]);
    }

    #[test]
    fn a_new_case_reaches_its_deputy_or_the_station_admins() {
        assert_eq!(of(EventKind::Submitted, PLAIN), [Assignee]);
        let queued = Situation {
            unassigned: true,
            ..PLAIN
        };
        assert_eq!(of(EventKind::Submitted, queued), [StationAdmins]);
        let flagged = Situation {
            flagged: true,
            ..PLAIN
        };
        assert_eq!(of(EventKind::Submitted, flagged), [Assignee, StationAdmins]);
    }

    #[test]
    fn the_resident_hears_of_the_work_not_the_office() {
        for kind in EventKind::ALL {
            let told = of(*kind, PLAIN).contains(&Resident);
            assert!(
                !(told && kind.is_internal()),
                "{kind} is internal but reaches the resident"
            );
        }
        for kind in [
            EventKind::Accepted,
            EventKind::Declined,
            EventKind::Replied,
            EventKind::Assigned,
            EventKind::Handled,
            EventKind::Resolved,
            EventKind::Closed,
        ] {
            assert!(of(kind, PLAIN).contains(&Resident), "{kind}");
        }
    }

    #[test]
    fn departments_learn_of_cases_handed_to_them() {
        assert_eq!(of(EventKind::Assigned, PLAIN), [Resident, Handlers]);
    }

    #[test]
    fn pressing_reaches_the_deputy_and_the_station() {
        for kind in [EventKind::Urged, EventKind::Overdue] {
            assert_eq!(of(kind, PLAIN), [Assignee, StationAdmins], "{kind}");
        }
    }

    #[test]
    fn reopening_reaches_the_re_assignment_queue_too() {
        assert_eq!(
            of(EventKind::Reopened, PLAIN),
            [Assignee, StationAdmins, CountyAdmins]
        );
        let by_township = Situation {
            township_reassigns: true,
            ..PLAIN
        };
        assert_eq!(
            of(EventKind::Reopened, by_township),
            [Assignee, StationAdmins, CountyAdmins, TownshipAdmins]
        );
    }

    #[test]
    fn only_a_reopen_asks_who_keeps_the_re_assignment_queue() {
        let by_township = Situation {
            township_reassigns: true,
            ..PLAIN
        };
        for kind in EventKind::ALL {
            if *kind != EventKind::Reopened {
                assert_eq!(of(*kind, by_township), of(*kind, PLAIN), "{kind}");
            }
        }
    }

    #[test]
    fn escalation_reaches_the_county_and_the_station_s_township() {
        assert_eq!(
            of(EventKind::Escalated, PLAIN),
            [CountyAdmins, TownshipAdmins]
        );
    }

    #[test]
    fn notes_reach_nobody() {
        assert!(of(EventKind::Noted, PLAIN).is_empty());
    }
}
