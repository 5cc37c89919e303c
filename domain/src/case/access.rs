//! Who sees which case, and how much of it.
//!
//! | role | sees cases | internal events | anonymous resident's identity | full contact phone |
//! |---|---|---|---|---|
//! | resident | raised by them | no | their own | no (masked) |
//! | deputy | of stations they sit at | yes | no | when the case is assigned to them |
//! | handler | handed to their department | yes | no | no (masked) |
//! | station_admin | of stations they run | yes | yes | yes |
//! | township_admin | of every station in their township | yes | yes | yes |
//! | county_admin | of their county | yes | yes | yes |
//!
//! Station, township and county admins answer for the case and may need to call back or deal with abuse;
//! deputies and departments work on the matter, which an anonymous case's author asked to keep
//! apart from their name.

use crate::actor::{Actor, Role};

/// What access depends on, read off a case. Serializable, so that live news can carry it
/// between nodes and each node filters for its own listeners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Scope {
    pub station_id: i64,
    pub county_id: i64,
    pub resident_id: i64,
    pub assignee_id: Option<i64>,
    pub department_id: Option<i64>,
}

pub fn can_see(actor: &Actor, case: &Scope) -> bool {
    match actor.role {
        Role::Resident => case.resident_id == actor.user_id,
        Role::Deputy | Role::StationAdmin | Role::TownshipAdmin => {
            actor.covers_station(case.station_id)
        }
        Role::Handler => case.department_id.is_some() && case.department_id == actor.department_id,
        Role::CountyAdmin => actor.in_county(case.county_id),
    }
}

pub fn sees_internal(actor: &Actor) -> bool {
    actor.role.is_staff()
}

/// Moderation is the staff's business: a resident's case is not "suspect" to them.
pub fn sees_flags(actor: &Actor) -> bool {
    actor.role.is_staff()
}

pub fn sees_identity(actor: &Actor, case: &Scope, anonymous: bool) -> bool {
    !anonymous || actor.role.is_admin() || case.resident_id == actor.user_id
}

pub fn sees_contact(actor: &Actor, case: &Scope) -> bool {
    match actor.role {
        Role::StationAdmin | Role::TownshipAdmin | Role::CountyAdmin => can_see(actor, case),
        Role::Deputy => case.assignee_id.is_some() && case.assignee_id == actor.deputy_id,
        Role::Resident | Role::Handler => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPE: Scope = Scope {
        station_id: 10,
        county_id: 1,
        resident_id: 100,
        assignee_id: Some(7),
        department_id: Some(3),
    };

    fn actor(
        role: Role,
        user_id: i64,
        stations: &[i64],
        department: Option<i64>,
        deputy: Option<i64>,
    ) -> Actor {
        Actor {
            user_id,
            role,
            county_id: (role != Role::Resident).then_some(1),
            station_ids: stations.to_vec(),
            township_id: (role == Role::TownshipAdmin).then_some(5),
            department_id: department,
            deputy_id: deputy,
        }
    }

    #[test]
    fn each_role_sees_exactly_its_scope() {
        assert!(can_see(
            &actor(Role::Resident, 100, &[], None, None),
            &SCOPE
        ));
        assert!(!can_see(
            &actor(Role::Resident, 101, &[], None, None),
            &SCOPE
        ));
        assert!(can_see(
            &actor(Role::Deputy, 5, &[10], None, Some(8)),
            &SCOPE
        ));
        assert!(!can_see(
            &actor(Role::Deputy, 5, &[11], None, Some(7)),
            &SCOPE
        ));
        assert!(can_see(
            &actor(Role::StationAdmin, 5, &[10], None, None),
            &SCOPE
        ));
        assert!(!can_see(
            &actor(Role::StationAdmin, 5, &[11], None, None),
            &SCOPE
        ));
        assert!(can_see(
            &actor(Role::Handler, 5, &[], Some(3), None),
            &SCOPE
        ));
        assert!(!can_see(
            &actor(Role::Handler, 5, &[], Some(4), None),
            &SCOPE
        ));
        let unassigned = Scope {
            department_id: None,
            ..SCOPE
        };
        assert!(!can_see(
            &actor(Role::Handler, 5, &[], None, None),
            &unassigned
        ));
        assert!(can_see(
            &actor(Role::CountyAdmin, 5, &[], None, None),
            &SCOPE
        ));
        assert!(can_see(
            &actor(Role::TownshipAdmin, 5, &[9, 10], None, None),
            &SCOPE
        ));
        assert!(!can_see(
            &actor(Role::TownshipAdmin, 5, &[11], None, None),
            &SCOPE
        ));
        let mut other_county = actor(Role::CountyAdmin, 5, &[], None, None);
        other_county.county_id = Some(2);
        assert!(!can_see(&other_county, &SCOPE));
    }

    #[test]
    fn anonymity_hides_the_author_from_deputies_and_departments() {
        let deputy = actor(Role::Deputy, 5, &[10], None, Some(7));
        let handler = actor(Role::Handler, 6, &[], Some(3), None);
        let admin = actor(Role::StationAdmin, 7, &[10], None, None);
        let author = actor(Role::Resident, 100, &[], None, None);
        assert!(!sees_identity(&deputy, &SCOPE, true));
        assert!(!sees_identity(&handler, &SCOPE, true));
        assert!(sees_identity(&admin, &SCOPE, true));
        assert!(sees_identity(&author, &SCOPE, true));
        assert!(sees_identity(&deputy, &SCOPE, false));
    }

    #[test]
    fn only_the_assigned_deputy_and_admins_see_the_full_phone() {
        assert!(sees_contact(
            &actor(Role::Deputy, 5, &[10], None, Some(7)),
            &SCOPE
        ));
        assert!(!sees_contact(
            &actor(Role::Deputy, 5, &[10], None, Some(8)),
            &SCOPE
        ));
        assert!(sees_contact(
            &actor(Role::StationAdmin, 5, &[10], None, None),
            &SCOPE
        ));
        assert!(!sees_contact(
            &actor(Role::StationAdmin, 5, &[11], None, None),
            &SCOPE
        ));
        assert!(sees_contact(
            &actor(Role::CountyAdmin, 5, &[], None, None),
            &SCOPE
        ));
        assert!(sees_contact(
            &actor(Role::TownshipAdmin, 5, &[10], None, None),
            &SCOPE
        ));
        assert!(!sees_contact(
            &actor(Role::TownshipAdmin, 5, &[11], None, None),
            &SCOPE
        ));
        assert!(!sees_contact(
            &actor(Role::Handler, 5, &[], Some(3), None),
            &SCOPE
        ));
        assert!(!sees_contact(
            &actor(Role::Resident, 100, &[], None, None),
            &SCOPE
        ));
    }

    #[test]
    fn internal_events_are_for_staff() {
        assert!(!sees_internal(&actor(Role::Resident, 100, &[], None, None)));
        assert!(sees_internal(&actor(Role::Handler, 5, &[], Some(3), None)));
    }

    #[test]
    fn moderation_flags_are_for_staff() {
        assert!(!sees_flags(&actor(Role::Resident, 100, &[], None, None)));
        assert!(sees_flags(&actor(Role::Deputy, 5, &[1], None, Some(2))));
    }
}
