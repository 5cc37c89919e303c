//! Who may change what in the organisation. The server asks these on every write, after loading
//! the target, so a token cannot carry more than its holder covers today.

use std::collections::BTreeSet;

use crate::actor::{Actor, Role};

/// What a write creates or changes, for the question asked before its body is even read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    Region,
    Station,
    Department,
    Category,
    Webhook,
    Deputy,
    Account,
    Roster,
    ReplyTemplate,
}

impl Writes {
    pub const ALL: [Writes; 9] = [
        Writes::Region,
        Writes::Station,
        Writes::Department,
        Writes::Category,
        Writes::Webhook,
        Writes::Deputy,
        Writes::Account,
        Writes::Roster,
        Writes::ReplyTemplate,
    ];
}

/// Whether a role makes this kind of write anywhere at all. Asked first, so that a role that
/// may not gets 403 whatever its body holds; which county or station the write touches is
/// asked once the body names it.
pub fn may_write(role: Role, writes: Writes) -> bool {
    match writes {
        Writes::Region | Writes::Department | Writes::Category | Writes::Webhook => {
            role == Role::CountyAdmin
        }
        // Station admins edit their own stations' cards; only county admins create stations,
        // which `may_administer_county` decides once the body names the region.
        Writes::Station
        | Writes::Deputy
        | Writes::Account
        | Writes::Roster
        | Writes::ReplyTemplate => role.is_admin(),
    }
}

/// Cases are raised by residents, from the mini-program.
pub fn may_raise_case(actor: &Actor) -> bool {
    actor.role == Role::Resident
}

/// Subscribe-message grants are a resident's, given in the mini-program.
pub fn may_grant_subscriptions(actor: &Actor) -> bool {
    actor.role == Role::Resident
}

/// Live updates of cases are for staff, each seeing what its role sees.
pub fn may_follow_live(actor: &Actor) -> bool {
    actor.role.is_staff()
}

/// Regions, departments, categories and new stations are the county's business.
pub fn may_administer_county(actor: &Actor, county_id: i64) -> bool {
    actor.role == Role::CountyAdmin && actor.in_county(county_id)
}

/// A station's card, roster and printed code: its county's admins and its own station admins.
pub fn may_administer_station(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    may_administer_county(actor, county_id)
        || (actor.role == Role::StationAdmin && actor.covers_station(station_id))
}

/// A station's roster as a week to read: those who administer the station, and the deputies
/// who sit at it and take its shifts. Another station's admin is not among them: what a
/// station does is its own and its county's.
pub fn may_read_roster(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    may_administer_station(actor, county_id, station_id)
        || (actor.role == Role::Deputy
            && actor.in_county(county_id)
            && actor.covers_station(station_id))
}

/// A deputy's own code (代表码): the deputy themself, and whoever administers one of the
/// stations they sit at (a county admin of their county sees every deputy of it).
pub fn may_read_deputy_code(
    actor: &Actor,
    county_id: i64,
    deputy_id: i64,
    deputy_station_ids: &[i64],
) -> bool {
    actor.role == Role::Deputy && actor.deputy_id == Some(deputy_id)
        || may_administer_county(actor, county_id)
        || deputy_station_ids
            .iter()
            .any(|station| may_administer_station(actor, county_id, *station))
}

/// The saved replies (常用回复) of a county (`station_id` `None`) or of one of its stations:
/// the county's are read by all its staff, a station's by those who work there (its admins and
/// the deputies who sit at it) and by whoever administers it.
pub fn may_read_reply_template(actor: &Actor, county_id: i64, station_id: Option<i64>) -> bool {
    if !actor.role.is_staff() || !actor.in_county(county_id) {
        return false;
    }
    match station_id {
        None => true,
        Some(station) => {
            actor.covers_station(station) || may_administer_station(actor, county_id, station)
        }
    }
}

/// Writing a saved reply: the county's by its county admins, a station's by whoever
/// administers the station.
pub fn may_write_reply_template(actor: &Actor, county_id: i64, station_id: Option<i64>) -> bool {
    match station_id {
        None => may_administer_county(actor, county_id),
        Some(station) => may_administer_station(actor, county_id, station),
    }
}

/// Whether every station in `station_ids` is within the actor's administration (and there is
/// at least one: an empty set would let a station admin act on nothing in particular).
fn administers_all(actor: &Actor, county_id: i64, station_ids: &[i64]) -> bool {
    if may_administer_county(actor, county_id) {
        return true;
    }
    actor.role == Role::StationAdmin
        && !station_ids.is_empty()
        && station_ids.iter().all(|id| actor.covers_station(*id))
}

/// Entering a deputy who sits at `station_ids`.
pub fn may_create_deputy(actor: &Actor, county_id: i64, station_ids: &[i64]) -> bool {
    administers_all(actor, county_id, station_ids)
}

/// Changing a deputy who sits at `current` stations and will sit at `proposed`: a station admin
/// may edit deputies of its stations and move them in or out of its own stations only.
pub fn may_edit_deputy(actor: &Actor, county_id: i64, current: &[i64], proposed: &[i64]) -> bool {
    if may_administer_county(actor, county_id) {
        return true;
    }
    let sits_at_ours = current.iter().any(|id| actor.covers_station(*id));
    let before: BTreeSet<i64> = current.iter().copied().collect();
    let after: BTreeSet<i64> = proposed.iter().copied().collect();
    let changed: Vec<i64> = before.symmetric_difference(&after).copied().collect();
    actor.role == Role::StationAdmin
        && sits_at_ours
        && changed.iter().all(|id| actor.covers_station(*id))
}

/// What a staff account to be created is tied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountScope<'a> {
    /// A deputy account, tied to a deputy who sits at these stations.
    Deputy {
        deputy_station_ids: &'a [i64],
    },
    StationAdmin {
        station_ids: &'a [i64],
    },
    Handler,
    CountyAdmin,
}

/// Whether the actor's role creates staff accounts at all: asked before the body is read, so
/// that a resident learns it may not, whatever it sent.
pub fn may_create_accounts(actor: &Actor) -> bool {
    actor.role.is_admin()
}

/// Creating a staff account in `county_id`. County admins create any staff account of their
/// county. A station admin creates deputy accounts and station admin accounts (how a station
/// brings in a second clerk) only when everything the account will reach lies within its own
/// stations: a deputy who also sits at another station would carry that station's cases to
/// an account its admin never vouched for.
pub fn may_create_account(actor: &Actor, county_id: i64, scope: &AccountScope<'_>) -> bool {
    if may_administer_county(actor, county_id) {
        return true;
    }
    if actor.role != Role::StationAdmin || !actor.in_county(county_id) {
        return false;
    }
    match scope {
        AccountScope::Deputy {
            deputy_station_ids: station_ids,
        }
        | AccountScope::StationAdmin { station_ids } => {
            administers_all(actor, county_id, station_ids)
        }
        AccountScope::Handler | AccountScope::CountyAdmin => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTY: i64 = 1;
    const OTHER_COUNTY: i64 = 2;

    fn actor(role: Role, county_id: Option<i64>, station_ids: &[i64]) -> Actor {
        Actor {
            user_id: 7,
            role,
            county_id,
            station_ids: station_ids.to_vec(),
            department_id: None,
            deputy_id: None,
        }
    }

    fn county_admin() -> Actor {
        actor(Role::CountyAdmin, Some(COUNTY), &[])
    }

    fn station_admin_of(stations: &[i64]) -> Actor {
        actor(Role::StationAdmin, Some(COUNTY), stations)
    }

    fn deputy(deputy_id: i64, stations: &[i64]) -> Actor {
        Actor {
            deputy_id: Some(deputy_id),
            ..actor(Role::Deputy, Some(COUNTY), stations)
        }
    }

    #[test]
    fn a_deputys_code_is_read_by_the_deputy_and_the_admins_of_their_stations() {
        let stations = [10, 11];
        assert!(may_read_deputy_code(
            &deputy(5, &[10]),
            COUNTY,
            5,
            &stations
        ));
        assert!(!may_read_deputy_code(
            &deputy(6, &[10]),
            COUNTY,
            5,
            &stations
        ));
        assert!(may_read_deputy_code(&county_admin(), COUNTY, 5, &stations));
        assert!(may_read_deputy_code(&county_admin(), COUNTY, 5, &[]));
        assert!(!may_read_deputy_code(
            &county_admin(),
            OTHER_COUNTY,
            5,
            &stations
        ));
        assert!(may_read_deputy_code(
            &station_admin_of(&[11]),
            COUNTY,
            5,
            &stations
        ));
        assert!(!may_read_deputy_code(
            &station_admin_of(&[12]),
            COUNTY,
            5,
            &stations
        ));
        let handler = actor(Role::Handler, Some(COUNTY), &[]);
        assert!(!may_read_deputy_code(&handler, COUNTY, 5, &stations));
        let resident = actor(Role::Resident, None, &[]);
        assert!(!may_read_deputy_code(&resident, COUNTY, 5, &stations));
    }

    #[test]
    fn a_countys_saved_replies_are_read_by_its_staff_and_written_by_its_county_admins() {
        let handler = actor(Role::Handler, Some(COUNTY), &[]);
        for reader in [
            county_admin(),
            station_admin_of(&[10]),
            deputy(5, &[10]),
            handler.clone(),
        ] {
            assert!(may_read_reply_template(&reader, COUNTY, None), "{reader:?}");
            assert!(
                !may_read_reply_template(&reader, OTHER_COUNTY, None),
                "{reader:?}"
            );
        }
        assert!(!may_read_reply_template(
            &actor(Role::Resident, Some(COUNTY), &[]),
            COUNTY,
            None
        ));
        assert!(may_write_reply_template(&county_admin(), COUNTY, None));
        assert!(!may_write_reply_template(
            &county_admin(),
            OTHER_COUNTY,
            None
        ));
        assert!(!may_write_reply_template(
            &station_admin_of(&[10]),
            COUNTY,
            None
        ));
        assert!(!may_write_reply_template(&deputy(5, &[10]), COUNTY, None));
        assert!(!may_write_reply_template(&handler, COUNTY, None));
    }

    #[test]
    fn a_stations_saved_replies_are_its_own_and_its_countys() {
        let station = Some(10);
        assert!(may_read_reply_template(
            &station_admin_of(&[10]),
            COUNTY,
            station
        ));
        assert!(may_read_reply_template(&deputy(5, &[10]), COUNTY, station));
        assert!(may_read_reply_template(&county_admin(), COUNTY, station));
        assert!(!may_read_reply_template(
            &station_admin_of(&[11]),
            COUNTY,
            station
        ));
        assert!(!may_read_reply_template(&deputy(5, &[11]), COUNTY, station));
        let handler = actor(Role::Handler, Some(COUNTY), &[]);
        assert!(!may_read_reply_template(&handler, COUNTY, station));
        assert!(may_write_reply_template(
            &station_admin_of(&[10]),
            COUNTY,
            station
        ));
        assert!(may_write_reply_template(&county_admin(), COUNTY, station));
        assert!(!may_write_reply_template(
            &station_admin_of(&[11]),
            COUNTY,
            station
        ));
        assert!(!may_write_reply_template(
            &deputy(5, &[10]),
            COUNTY,
            station
        ));
    }

    #[test]
    fn residents_raise_and_subscribe_staff_follow_live() {
        for role in Role::ALL {
            let someone = actor(*role, Some(COUNTY), &[10]);
            let resident = *role == Role::Resident;
            assert_eq!(may_raise_case(&someone), resident, "{role}");
            assert_eq!(may_grant_subscriptions(&someone), resident, "{role}");
            assert_eq!(may_follow_live(&someone), !resident, "{role}");
        }
    }

    #[test]
    fn a_roster_is_read_by_its_admins_and_the_deputies_who_sit_there() {
        assert!(may_read_roster(&county_admin(), COUNTY, 11));
        assert!(!may_read_roster(&county_admin(), OTHER_COUNTY, 11));
        assert!(may_read_roster(&station_admin_of(&[10]), COUNTY, 10));
        assert!(!may_read_roster(&station_admin_of(&[10]), COUNTY, 11));
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(may_read_roster(&deputy, COUNTY, 10));
        assert!(!may_read_roster(&deputy, COUNTY, 11));
        assert!(!may_read_roster(&deputy, OTHER_COUNTY, 10));
        for role in [Role::Handler, Role::Resident] {
            assert!(!may_read_roster(
                &actor(role, Some(COUNTY), &[10]),
                COUNTY,
                10
            ));
        }
    }

    #[test]
    fn which_roles_write_what_at_all() {
        for writes in Writes::ALL {
            for role in Role::ALL {
                let expected = match writes {
                    Writes::Region | Writes::Department | Writes::Category | Writes::Webhook => {
                        *role == Role::CountyAdmin
                    }
                    _ => matches!(role, Role::CountyAdmin | Role::StationAdmin),
                };
                assert_eq!(may_write(*role, writes), expected, "{role} {writes:?}");
            }
        }
        // The gate never lets through what the scoped rule would refuse for every target.
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(!may_write(deputy.role, Writes::Station));
        assert!(!may_administer_station(&deputy, COUNTY, 10));
    }

    #[test]
    fn only_the_county_admin_of_that_county_administers_it() {
        assert!(may_administer_county(&county_admin(), COUNTY));
        assert!(!may_administer_county(&county_admin(), OTHER_COUNTY));
        for role in [
            Role::Resident,
            Role::Deputy,
            Role::StationAdmin,
            Role::Handler,
        ] {
            assert!(
                !may_administer_county(&actor(role, Some(COUNTY), &[10]), COUNTY),
                "{role}"
            );
        }
    }

    #[test]
    fn a_station_admin_administers_its_stations_and_no_other() {
        let admin = station_admin_of(&[10]);
        assert!(may_administer_station(&admin, COUNTY, 10));
        assert!(!may_administer_station(&admin, COUNTY, 11));
        assert!(may_administer_station(&county_admin(), COUNTY, 11));
        assert!(!may_administer_station(&county_admin(), OTHER_COUNTY, 11));
    }

    #[test]
    fn a_deputy_sitting_at_a_station_does_not_administer_it() {
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(!may_administer_station(&deputy, COUNTY, 10));
        assert!(!may_create_deputy(&deputy, COUNTY, &[10]));
    }

    #[test]
    fn station_admins_enter_deputies_only_at_their_stations() {
        let admin = station_admin_of(&[10, 11]);
        assert!(may_create_deputy(&admin, COUNTY, &[10]));
        assert!(may_create_deputy(&admin, COUNTY, &[10, 11]));
        assert!(!may_create_deputy(&admin, COUNTY, &[10, 12]));
        assert!(!may_create_deputy(&admin, COUNTY, &[]));
        assert!(may_create_deputy(&county_admin(), COUNTY, &[]));
    }

    #[test]
    fn station_admins_move_deputies_only_within_their_stations() {
        let admin = station_admin_of(&[10]);
        // Adds one of its stations to a deputy who already sits there elsewhere.
        assert!(may_edit_deputy(&admin, COUNTY, &[10, 12], &[10, 12]));
        assert!(may_edit_deputy(&admin, COUNTY, &[10, 12], &[12]));
        // Cannot touch station 12's membership, nor a deputy who is none of its business.
        assert!(!may_edit_deputy(&admin, COUNTY, &[10, 12], &[10]));
        assert!(!may_edit_deputy(&admin, COUNTY, &[12], &[12, 10]));
        assert!(may_edit_deputy(&county_admin(), COUNTY, &[12], &[13]));
    }

    #[test]
    fn who_may_create_which_account() {
        let admin = station_admin_of(&[10]);
        let deputy_here = AccountScope::Deputy {
            deputy_station_ids: &[10],
        };
        let deputy_also_elsewhere = AccountScope::Deputy {
            deputy_station_ids: &[10, 12],
        };
        let deputy_elsewhere = AccountScope::Deputy {
            deputy_station_ids: &[12],
        };
        let deputy_nowhere = AccountScope::Deputy {
            deputy_station_ids: &[],
        };
        assert!(may_create_account(&admin, COUNTY, &deputy_here));
        // The account would reach station 12, which is not this admin's.
        assert!(!may_create_account(&admin, COUNTY, &deputy_also_elsewhere));
        assert!(!may_create_account(&admin, COUNTY, &deputy_elsewhere));
        assert!(!may_create_account(&admin, COUNTY, &deputy_nowhere));
        assert!(may_create_account(
            &station_admin_of(&[10, 12]),
            COUNTY,
            &deputy_also_elsewhere
        ));
        assert!(may_create_account(
            &admin,
            COUNTY,
            &AccountScope::StationAdmin { station_ids: &[10] }
        ));
        assert!(!may_create_account(
            &admin,
            COUNTY,
            &AccountScope::StationAdmin {
                station_ids: &[10, 12]
            }
        ));
        assert!(!may_create_account(&admin, COUNTY, &AccountScope::Handler));
        assert!(!may_create_account(
            &admin,
            COUNTY,
            &AccountScope::CountyAdmin
        ));
        assert!(!may_create_account(&admin, OTHER_COUNTY, &deputy_here));
        for scope in [
            AccountScope::Handler,
            AccountScope::CountyAdmin,
            deputy_elsewhere,
        ] {
            assert!(may_create_account(&county_admin(), COUNTY, &scope));
            assert!(!may_create_account(&county_admin(), OTHER_COUNTY, &scope));
        }
        let resident = actor(Role::Resident, None, &[]);
        for role in Role::ALL {
            let someone = actor(*role, Some(COUNTY), &[10]);
            assert_eq!(may_create_accounts(&someone), role.is_admin(), "{role}");
        }
        assert!(!may_create_account(
            &resident,
            COUNTY,
            &AccountScope::Handler
        ));
    }
}
