//! Who may change what in the organisation. The server asks these on every write, after loading
//! the target, so a token cannot carry more than its holder covers today.

use std::collections::BTreeSet;

use crate::actor::{Actor, Role};
use crate::region::ReassignBy;

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
    Group,
    ReceptionDays,
    Reception,
    CheckIn,
    ReplyTemplate,
    /// A case raised (a resident's) or recorded for a visitor (staff's).
    Case,
    /// A visitor taking over the case staff recorded for them.
    CaseClaim,
    Subscriptions,
    /// One's own password.
    OwnPassword,
}

impl Writes {
    pub const ALL: [Writes; 17] = [
        Writes::Region,
        Writes::Station,
        Writes::Department,
        Writes::Category,
        Writes::Webhook,
        Writes::Deputy,
        Writes::Account,
        Writes::Roster,
        Writes::Group,
        Writes::ReceptionDays,
        Writes::Reception,
        Writes::CheckIn,
        Writes::ReplyTemplate,
        Writes::Case,
        Writes::CaseClaim,
        Writes::Subscriptions,
        Writes::OwnPassword,
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
        | Writes::Group
        | Writes::ReceptionDays
        | Writes::ReplyTemplate => role.is_admin(),
        Writes::Reception => role.is_admin() || role == Role::Deputy,
        Writes::CheckIn => role == Role::Deputy,
        Writes::Case => role == Role::Resident || may_record_cases(role),
        // Residents work from the mini-program: they claim, subscribe, and log in by WeChat,
        // so only staff have a password to change.
        Writes::CaseClaim | Writes::Subscriptions => role == Role::Resident,
        Writes::OwnPassword => role.is_staff(),
    }
}

/// Cases are raised by residents, from the mini-program.
pub fn may_raise_case(actor: &Actor) -> bool {
    actor.role == Role::Resident
}

/// Whether the role records cases for visitors at all (来访, 赶集日, 走访...), asked before the
/// body is read: deputies and admins, never residents or departments.
pub fn may_record_cases(role: Role) -> bool {
    role == Role::Deputy || role.is_admin()
}

/// Recording a visitor's case at station `station_id`: a deputy on duty there now
/// (`on_duty`: the roster says so), or an admin of the station.
pub fn may_record_case(actor: &Actor, county_id: i64, station_id: i64, on_duty: bool) -> bool {
    may_administer_station(actor, county_id, station_id)
        || (actor.role == Role::Deputy
            && actor.in_county(county_id)
            && actor.covers_station(station_id)
            && on_duty)
}

/// Subscribe-message grants are a resident's, given in the mini-program.
pub fn may_grant_subscriptions(actor: &Actor) -> bool {
    may_write(actor.role, Writes::Subscriptions)
}

/// The ledger (台账) is the admins' record of the cases they oversee, each reading what its
/// role sees; deputies and departments work cases, they do not report on them.
pub fn may_export_ledger(actor: &Actor) -> bool {
    actor.role.is_admin() && actor.county_id.is_some()
}

/// The figures are the admins', each over what it oversees, and a deputy's of their own cases;
/// residents and departments have none to report.
pub fn may_read_figures(actor: &Actor) -> bool {
    (actor.role.is_admin() || actor.role == Role::Deputy) && actor.county_id.is_some()
}

/// The department appraisal (承办单位测评) is read by the county's admins over its cases and by
/// a township admin over its stations' cases: they oversee the work the departments do for
/// them. Deputies rate departments but do not read the ranking; departments do not grade
/// themselves.
pub fn may_read_department_appraisal(actor: &Actor) -> bool {
    matches!(actor.role, Role::CountyAdmin | Role::TownshipAdmin) && actor.county_id.is_some()
}

/// The cockpit (驾驶舱) is the county's and the townships' overview; it ranks the departments,
/// so it is for whoever reads their appraisal.
pub fn may_view_cockpit(actor: &Actor) -> bool {
    may_read_department_appraisal(actor)
}

/// Live updates of cases are for staff, each seeing what its role sees.
pub fn may_follow_live(actor: &Actor) -> bool {
    actor.role.is_staff()
}

/// Regions, departments, categories and new stations are the county's business.
pub fn may_administer_county(actor: &Actor, county_id: i64) -> bool {
    actor.role == Role::CountyAdmin && actor.in_county(county_id)
}

/// Who re-assigns a case of station `station_id` in `county_id` from the re-assignment queue
/// (`reassign_by`, the county's setting): the county's admins; with `township`, the admin of
/// the station's township too (the county keeps its oversight).
pub fn may_reassign(actor: &Actor, county_id: i64, station_id: i64, by: ReassignBy) -> bool {
    may_administer_county(actor, county_id)
        || (by == ReassignBy::Township
            && actor.role == Role::TownshipAdmin
            && actor.in_county(county_id)
            && actor.covers_station(station_id))
}

/// A station's card, roster and printed code: its county's admins, the admin of its township
/// and its own station admins.
pub fn may_administer_station(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    may_administer_county(actor, county_id)
        || (actor.role.runs_stations()
            && actor.in_county(county_id)
            && actor.covers_station(station_id))
}

/// Places (new stations, moved stations) in a region: the county's admins anywhere in the
/// county, a township admin within their own township. `township_id` is the township the
/// region lies in (itself, or a village's parent), none for the county itself.
pub fn may_administer_region(actor: &Actor, county_id: i64, township_id: Option<i64>) -> bool {
    may_administer_county(actor, county_id)
        || (actor.in_county(county_id) && township_id.is_some_and(|t| actor.runs_township(t)))
}

/// Moving a station the actor administers from a region of township `from` to one of township
/// `to`: within a township it stays where it was, in everyone's reach as before; into another
/// township only someone who places stations there moves it.
pub fn may_move_station(actor: &Actor, county_id: i64, from: Option<i64>, to: Option<i64>) -> bool {
    from == to || may_administer_region(actor, county_id, to)
}

/// Whether the actor places stations anywhere at all (asked before a form is offered): county
/// admins in their county, township admins in their township; which region is asked of
/// `may_administer_region`.
pub fn may_place_stations(actor: &Actor) -> bool {
    actor.role == Role::CountyAdmin
        || (actor.role == Role::TownshipAdmin && actor.township_id.is_some())
}

/// A station's roster as a week to read: those who administer the station, and the deputies
/// who sit at it and take its shifts. Another station's admin is not among them: what a
/// station does is its own and its county's.
pub fn may_read_roster(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    works_at_station(actor, county_id, station_id)
}

/// Those who administer the station, and the deputies who sit at it.
fn works_at_station(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    may_administer_station(actor, county_id, station_id)
        || (actor.role == Role::Deputy
            && actor.in_county(county_id)
            && actor.covers_station(station_id))
}

/// Receptions at a station, to record and to read: those who administer the station, and the
/// deputies who sit at it (they hold the sittings). Another station's admin is not among them.
pub fn may_record_reception(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    works_at_station(actor, county_id, station_id)
}

/// A station's deputy groups (代表小组) and its reception days: those who administer it.
pub fn may_organise_station(actor: &Actor, county_id: i64, station_id: i64) -> bool {
    may_administer_station(actor, county_id, station_id)
}

/// Checking in and out of a shift: the deputy it names, or a member of the group it names
/// (`serves`, from `roster::serves`), from their own deputy account.
pub fn may_check_in(actor: &Actor, serves: impl Fn(i64) -> bool) -> bool {
    actor.role == Role::Deputy && actor.deputy_id.is_some_and(serves)
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
        || administers_deputy(actor, county_id, deputy_station_ids)
}

/// Whoever administers one of the stations a deputy sits at, or the deputy's county.
fn administers_deputy(actor: &Actor, county_id: i64, deputy_station_ids: &[i64]) -> bool {
    may_administer_county(actor, county_id)
        || deputy_station_ids
            .iter()
            .any(|station| may_administer_station(actor, county_id, *station))
}

/// A deputy's performance record (履职档案) is read by whoever may read their code: the deputy
/// themself and the admins of the county or of one of their stations.
pub fn may_read_performance(
    actor: &Actor,
    county_id: i64,
    deputy_id: i64,
    deputy_station_ids: &[i64],
) -> bool {
    may_read_deputy_code(actor, county_id, deputy_id, deputy_station_ids)
}

/// A deputy's five registers (五簿): read, added to and edited by the deputy themself and by
/// whoever administers one of the stations they sit at (their township's admins, their
/// county's): the same people who hold the deputy's code.
pub fn may_keep_registers(
    actor: &Actor,
    county_id: i64,
    deputy_id: i64,
    deputy_station_ids: &[i64],
) -> bool {
    may_read_deputy_code(actor, county_id, deputy_id, deputy_station_ids)
}

/// Deputies ranked by their performance are the county's and the townships' overview, like
/// the departments' appraisal.
pub fn may_rank_performance(actor: &Actor) -> bool {
    may_read_department_appraisal(actor)
}

/// The township a ranking of deputies is narrowed to, given the one asked for: a township admin
/// ranks within its own township (another is hidden from it: `None`), a county admin within
/// the one it asks for, or the county (`Some(None)`).
pub fn ranking_township(actor: &Actor, asked: Option<i64>) -> Option<Option<i64>> {
    match (actor.role, asked) {
        (Role::TownshipAdmin, Some(asked)) if Some(asked) != actor.township_id => None,
        (Role::TownshipAdmin, _) => Some(actor.township_id),
        (_, asked) => Some(asked),
    }
}

/// A county's scoring schemes (计分办法) are read by all its staff.
pub fn may_read_scoring_schemes(actor: &Actor) -> bool {
    actor.role.is_staff() && actor.county_id.is_some()
}

/// Only the county's admins publish a scoring scheme for it.
pub fn may_publish_scoring_scheme(actor: &Actor) -> bool {
    actor.role == Role::CountyAdmin && actor.county_id.is_some()
}

/// Verifying a register entry is an admin's word for it, never the deputy's own: whoever
/// administers one of the deputy's stations, or their county.
pub fn may_verify_registers(actor: &Actor, county_id: i64, deputy_station_ids: &[i64]) -> bool {
    administers_deputy(actor, county_id, deputy_station_ids)
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
    actor.role.runs_stations()
        && actor.in_county(county_id)
        && !station_ids.is_empty()
        && station_ids.iter().all(|id| actor.covers_station(*id))
}

/// Entering a deputy who sits at `station_ids`.
pub fn may_create_deputy(actor: &Actor, county_id: i64, station_ids: &[i64]) -> bool {
    administers_all(actor, county_id, station_ids)
}

/// Changing a deputy who sits at `current` stations and will sit at `proposed`: a station or
/// township admin may edit deputies of its stations and move them in or out of its own
/// stations only.
pub fn may_edit_deputy(actor: &Actor, county_id: i64, current: &[i64], proposed: &[i64]) -> bool {
    if may_administer_county(actor, county_id) {
        return true;
    }
    let sits_at_ours = current.iter().any(|id| actor.covers_station(*id));
    let before: BTreeSet<i64> = current.iter().copied().collect();
    let after: BTreeSet<i64> = proposed.iter().copied().collect();
    let changed: Vec<i64> = before.symmetric_difference(&after).copied().collect();
    actor.role.runs_stations()
        && actor.in_county(county_id)
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
    /// A township admin account, for this township of the county.
    TownshipAdmin,
    Handler,
    CountyAdmin,
}

impl<'a> AccountScope<'a> {
    /// What an account of `role` covering `station_ids` (a station admin's, or those its
    /// deputy sits at) is tied to. A resident has no staff scope; it reads as the widest, which
    /// no station or township admin reaches.
    pub fn of(role: Role, station_ids: &'a [i64]) -> Self {
        match role {
            Role::Deputy => AccountScope::Deputy {
                deputy_station_ids: station_ids,
            },
            Role::StationAdmin => AccountScope::StationAdmin { station_ids },
            Role::TownshipAdmin => AccountScope::TownshipAdmin,
            Role::Handler => AccountScope::Handler,
            Role::CountyAdmin | Role::Resident => AccountScope::CountyAdmin,
        }
    }
}

/// Whether the actor's role creates staff accounts at all: asked before the body is read, so
/// that a resident learns it may not, whatever it sent.
pub fn may_create_accounts(actor: &Actor) -> bool {
    actor.role.is_admin()
}

/// Creating a staff account in `county_id`. County admins create any staff account of their
/// county, township admins among them. A station or township admin creates deputy accounts
/// and station admin accounts (how a station brings in a second clerk) only when everything
/// the account will reach lies within its own stations: a deputy who also sits at another
/// station would carry that station's cases to an account its admin never vouched for.
pub fn may_create_account(actor: &Actor, county_id: i64, scope: &AccountScope<'_>) -> bool {
    if may_administer_county(actor, county_id) {
        return true;
    }
    match scope {
        AccountScope::Deputy {
            deputy_station_ids: station_ids,
        }
        | AccountScope::StationAdmin { station_ids } => {
            administers_all(actor, county_id, station_ids)
        }
        AccountScope::TownshipAdmin | AccountScope::Handler | AccountScope::CountyAdmin => false,
    }
}

/// Changing an account tied to `current` so that it is tied to `proposed`: allowed only when
/// the admin could create an account with either, so no change carries an account into or out
/// of what the admin runs.
pub fn may_change_account(
    actor: &Actor,
    county_id: i64,
    current: &AccountScope<'_>,
    proposed: &AccountScope<'_>,
) -> bool {
    may_create_account(actor, county_id, current) && may_create_account(actor, county_id, proposed)
}

/// The part of the organisation an admin oversees: the accounts it sees, the audit entries it
/// reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Everything of the county.
    County(i64),
    /// What touches one of these stations of the county.
    Stations {
        county_id: i64,
        station_ids: Vec<i64>,
    },
}

/// What the actor oversees, `None` for those who oversee nothing (deputies, handlers,
/// residents). Built on `may_administer_*`, so that a role administering stations inherits it.
pub fn reach(actor: &Actor) -> Option<Reach> {
    let county_id = actor.county_id?;
    if may_administer_county(actor, county_id) {
        return Some(Reach::County(county_id));
    }
    let station_ids: Vec<i64> = actor
        .station_ids
        .iter()
        .copied()
        .filter(|id| may_administer_station(actor, county_id, *id))
        .collect();
    (actor.role.is_admin() && !station_ids.is_empty()).then_some(Reach::Stations {
        county_id,
        station_ids,
    })
}

impl Reach {
    /// Whether the staff account of `county_id` tied to `scope` is within reach: station admins
    /// see the accounts that reach one of their stations. The store's query of accounts is this
    /// rule's SQL form (tested against it there).
    pub fn sees_account(&self, county_id: i64, scope: &AccountScope<'_>) -> bool {
        match self {
            Reach::County(county) => *county == county_id,
            Reach::Stations {
                county_id: county,
                station_ids,
            } => {
                *county == county_id
                    && match scope {
                        AccountScope::Deputy {
                            deputy_station_ids: ids,
                        }
                        | AccountScope::StationAdmin { station_ids: ids } => {
                            ids.iter().any(|id| station_ids.contains(id))
                        }
                        AccountScope::TownshipAdmin
                        | AccountScope::Handler
                        | AccountScope::CountyAdmin => false,
                    }
            }
        }
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
            township_id: None,
            department_id: None,
            deputy_id: None,
        }
    }

    const TOWNSHIP: i64 = 5;
    const OTHER_TOWNSHIP: i64 = 6;

    /// The admin of township 5, whose stations are 10 and 11.
    fn township_admin() -> Actor {
        Actor {
            township_id: Some(TOWNSHIP),
            ..actor(Role::TownshipAdmin, Some(COUNTY), &[10, 11])
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
    fn registers_are_kept_by_the_deputy_and_verified_by_the_admins_of_their_stations() {
        let stations = [10, 12];
        let keeps = |actor: &Actor| may_keep_registers(actor, COUNTY, 5, &stations);
        let verifies = |actor: &Actor| may_verify_registers(actor, COUNTY, &stations);
        assert!(keeps(&deputy(5, &[10])));
        assert!(!verifies(&deputy(5, &[10])));
        assert!(!keeps(&deputy(6, &[10])));
        for admin in [station_admin_of(&[12]), township_admin(), county_admin()] {
            assert!(keeps(&admin) && verifies(&admin), "{admin:?}");
        }
        let elsewhere = station_admin_of(&[11]);
        assert!(!keeps(&elsewhere) && !verifies(&elsewhere));
        let other_county = actor(Role::CountyAdmin, Some(OTHER_COUNTY), &[]);
        assert!(!keeps(&other_county) && !verifies(&other_county));
        for role in [Role::Resident, Role::Handler] {
            let outsider = actor(role, Some(COUNTY), &[10]);
            assert!(!keeps(&outsider) && !verifies(&outsider), "{role:?}");
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
    fn the_county_admins_of_the_case_re_assign_from_the_queue() {
        for by in ReassignBy::ALL {
            assert!(may_reassign(&county_admin(), COUNTY, 10, *by));
            assert!(!may_reassign(&county_admin(), OTHER_COUNTY, 10, *by));
            let others = [Role::TownshipAdmin, Role::CountyAdmin];
            for role in Role::ALL.iter().filter(|r| !others.contains(r)) {
                assert!(
                    !may_reassign(&actor(*role, Some(COUNTY), &[10]), COUNTY, 10, *by),
                    "{role} by {by}"
                );
            }
        }
    }

    #[test]
    fn a_township_admin_re_assigns_its_stations_cases_where_the_county_says_so() {
        let admin = township_admin();
        assert!(may_reassign(&admin, COUNTY, 10, ReassignBy::Township));
        assert!(!may_reassign(&admin, COUNTY, 12, ReassignBy::Township));
        assert!(!may_reassign(
            &admin,
            OTHER_COUNTY,
            10,
            ReassignBy::Township
        ));
        assert!(!may_reassign(&admin, COUNTY, 10, ReassignBy::County));
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
    fn figures_are_the_admins_and_the_deputies() {
        for role in Role::ALL {
            let someone = actor(*role, Some(COUNTY), &[10]);
            let expected = role.is_admin() || *role == Role::Deputy;
            assert_eq!(may_read_figures(&someone), expected, "{role}");
            assert!(!may_read_figures(&actor(*role, None, &[10])), "{role}");
        }
    }

    #[test]
    fn the_department_appraisal_and_the_cockpit_are_the_county_and_township_admins() {
        for role in Role::ALL {
            let may = matches!(role, Role::CountyAdmin | Role::TownshipAdmin);
            let someone = actor(*role, Some(COUNTY), &[10]);
            assert_eq!(may_read_department_appraisal(&someone), may, "{role}");
            assert_eq!(may_view_cockpit(&someone), may, "{role}");
        }
        assert!(!may_read_department_appraisal(&actor(
            Role::CountyAdmin,
            None,
            &[]
        )));
    }

    #[test]
    fn the_ledger_is_the_admins_of_a_county() {
        for role in Role::ALL {
            let someone = actor(*role, Some(COUNTY), &[10]);
            assert_eq!(may_export_ledger(&someone), role.is_admin(), "{role}");
            assert!(!may_export_ledger(&actor(*role, None, &[10])), "{role}");
        }
    }

    #[test]
    fn visitors_cases_are_recorded_by_the_deputy_on_duty_and_the_station_s_admins() {
        for role in Role::ALL {
            let expected = matches!(
                role,
                Role::Deputy | Role::StationAdmin | Role::TownshipAdmin | Role::CountyAdmin
            );
            assert_eq!(may_record_cases(*role), expected, "{role}");
        }
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(may_record_case(&deputy, COUNTY, 10, true));
        assert!(!may_record_case(&deputy, COUNTY, 10, false), "off duty");
        assert!(
            !may_record_case(&deputy, COUNTY, 11, true),
            "not their station"
        );
        assert!(!may_record_case(&deputy, OTHER_COUNTY, 10, true));
        assert!(may_record_case(&station_admin_of(&[10]), COUNTY, 10, false));
        assert!(!may_record_case(
            &station_admin_of(&[10]),
            COUNTY,
            11,
            false
        ));
        assert!(may_record_case(&township_admin(), COUNTY, 11, false));
        assert!(!may_record_case(&township_admin(), COUNTY, 12, false));
        assert!(may_record_case(&county_admin(), COUNTY, 12, false));
        assert!(!may_record_case(&county_admin(), OTHER_COUNTY, 12, false));
        for role in [Role::Handler, Role::Resident] {
            assert!(!may_record_case(
                &actor(role, Some(COUNTY), &[10]),
                COUNTY,
                10,
                true
            ));
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
    fn receptions_are_recorded_by_the_station_admins_and_its_deputies() {
        assert!(may_record_reception(&county_admin(), COUNTY, 11));
        assert!(!may_record_reception(&county_admin(), OTHER_COUNTY, 11));
        assert!(may_record_reception(&station_admin_of(&[10]), COUNTY, 10));
        assert!(!may_record_reception(&station_admin_of(&[10]), COUNTY, 11));
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(may_record_reception(&deputy, COUNTY, 10));
        assert!(!may_record_reception(&deputy, COUNTY, 11));
        for role in [Role::Handler, Role::Resident] {
            assert!(!may_record_reception(
                &actor(role, Some(COUNTY), &[10]),
                COUNTY,
                10
            ));
        }
    }

    #[test]
    fn groups_and_reception_days_are_organised_by_the_station_admins() {
        assert!(may_organise_station(&county_admin(), COUNTY, 11));
        assert!(may_organise_station(&station_admin_of(&[10]), COUNTY, 10));
        assert!(!may_organise_station(&station_admin_of(&[10]), COUNTY, 11));
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(!may_organise_station(&deputy, COUNTY, 10));
    }

    #[test]
    fn only_a_deputy_the_shift_puts_on_duty_checks_in() {
        let mut deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        deputy.deputy_id = Some(4);
        assert!(may_check_in(&deputy, |d| d == 4));
        assert!(!may_check_in(&deputy, |d| d == 5));
        let mut admin = station_admin_of(&[10]);
        admin.deputy_id = Some(4);
        assert!(!may_check_in(&admin, |d| d == 4));
        assert!(!may_check_in(
            &actor(Role::Deputy, Some(COUNTY), &[10]),
            |_| true
        ));
    }

    #[test]
    fn a_township_admin_ranks_its_own_township_and_a_county_admin_any() {
        let mut township = actor(Role::TownshipAdmin, Some(COUNTY), &[10]);
        township.township_id = Some(3);
        assert_eq!(ranking_township(&township, None), Some(Some(3)));
        assert_eq!(ranking_township(&township, Some(3)), Some(Some(3)));
        assert_eq!(ranking_township(&township, Some(4)), None);
        let county = actor(Role::CountyAdmin, Some(COUNTY), &[]);
        assert_eq!(ranking_township(&county, None), Some(None));
        assert_eq!(ranking_township(&county, Some(4)), Some(Some(4)));
    }

    #[test]
    fn which_roles_write_what_at_all() {
        for writes in Writes::ALL {
            for role in Role::ALL {
                let expected = match writes {
                    Writes::Region | Writes::Department | Writes::Category | Writes::Webhook => {
                        *role == Role::CountyAdmin
                    }
                    Writes::Reception => role.is_admin() || *role == Role::Deputy,
                    Writes::CheckIn => *role == Role::Deputy,
                    Writes::Case => *role != Role::Handler,
                    Writes::CaseClaim | Writes::Subscriptions => *role == Role::Resident,
                    Writes::OwnPassword => *role != Role::Resident,
                    _ => role.is_admin(),
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
            Role::TownshipAdmin,
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
    fn an_account_changes_only_within_the_admins_stations() {
        let admin = station_admin_of(&[10]);
        let here = AccountScope::StationAdmin { station_ids: &[10] };
        let wider = AccountScope::StationAdmin {
            station_ids: &[10, 12],
        };
        let there = AccountScope::StationAdmin { station_ids: &[12] };
        assert!(may_change_account(&admin, COUNTY, &here, &here));
        assert!(
            !may_change_account(&admin, COUNTY, &here, &wider),
            "into station 12"
        );
        assert!(
            !may_change_account(&admin, COUNTY, &wider, &here),
            "out of station 12"
        );
        assert!(!may_change_account(&admin, COUNTY, &there, &here));
        assert!(may_change_account(&county_admin(), COUNTY, &there, &wider));
        assert!(!may_change_account(
            &county_admin(),
            OTHER_COUNTY,
            &there,
            &wider
        ));
        let deputy = actor(Role::Deputy, Some(COUNTY), &[10]);
        assert!(!may_change_account(&deputy, COUNTY, &here, &here));
    }

    #[test]
    fn admins_reach_their_county_or_their_stations_and_others_nothing() {
        assert_eq!(reach(&county_admin()), Some(Reach::County(COUNTY)));
        let stations = reach(&station_admin_of(&[10, 11])).unwrap();
        assert_eq!(
            stations,
            Reach::Stations {
                county_id: COUNTY,
                station_ids: vec![10, 11]
            }
        );
        for role in [Role::Deputy, Role::Handler, Role::Resident] {
            assert_eq!(reach(&actor(role, Some(COUNTY), &[10])), None, "{role}");
        }
        assert_eq!(reach(&station_admin_of(&[])), None);

        let deputy_here = AccountScope::Deputy {
            deputy_station_ids: &[11, 14],
        };
        let elsewhere = AccountScope::StationAdmin { station_ids: &[12] };
        assert!(stations.sees_account(COUNTY, &deputy_here));
        assert!(!stations.sees_account(COUNTY, &elsewhere));
        assert!(!stations.sees_account(COUNTY, &AccountScope::Handler));
        assert!(!stations.sees_account(COUNTY, &AccountScope::CountyAdmin));
        assert!(!stations.sees_account(OTHER_COUNTY, &deputy_here));
        let county = Reach::County(COUNTY);
        assert!(county.sees_account(COUNTY, &AccountScope::Handler));
        assert!(!county.sees_account(OTHER_COUNTY, &AccountScope::Handler));
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

    #[test]
    fn a_township_admin_runs_every_station_of_its_township_and_no_other() {
        let admin = township_admin();
        for station in [10, 11] {
            assert!(may_administer_station(&admin, COUNTY, station));
            assert!(may_read_roster(&admin, COUNTY, station));
        }
        assert!(!may_administer_station(&admin, COUNTY, 12));
        assert!(!may_administer_station(&admin, OTHER_COUNTY, 10));
        assert!(!may_administer_county(&admin, COUNTY));
        assert!(may_create_deputy(&admin, COUNTY, &[10, 11]));
        assert!(!may_create_deputy(&admin, COUNTY, &[10, 12]));
        assert!(may_edit_deputy(&admin, COUNTY, &[10], &[10, 11]));
        assert!(!may_edit_deputy(&admin, COUNTY, &[10], &[10, 12]));
    }

    #[test]
    fn regions_are_placed_in_by_the_county_or_their_own_township() {
        let admin = township_admin();
        for role in Role::ALL {
            let someone = actor(*role, Some(COUNTY), &[10]);
            assert_eq!(
                may_place_stations(&someone),
                *role == Role::CountyAdmin,
                "{role}"
            );
        }
        assert!(may_place_stations(&admin));
        assert!(may_administer_region(&admin, COUNTY, Some(TOWNSHIP)));
        assert!(!may_administer_region(&admin, COUNTY, Some(OTHER_TOWNSHIP)));
        assert!(!may_administer_region(&admin, COUNTY, None));
        assert!(!may_administer_region(&admin, OTHER_COUNTY, Some(TOWNSHIP)));
        assert!(may_administer_region(
            &county_admin(),
            COUNTY,
            Some(TOWNSHIP)
        ));
        assert!(may_administer_region(&county_admin(), COUNTY, None));
        // A station admin whose stations lie in the township still places nothing there.
        assert!(!may_administer_region(
            &station_admin_of(&[10, 11]),
            COUNTY,
            Some(TOWNSHIP)
        ));
    }

    #[test]
    fn a_station_moves_within_its_township_or_where_the_mover_places_stations() {
        let station_admin = station_admin_of(&[10]);
        assert!(may_move_station(
            &station_admin,
            COUNTY,
            Some(TOWNSHIP),
            Some(TOWNSHIP)
        ));
        assert!(!may_move_station(
            &station_admin,
            COUNTY,
            Some(TOWNSHIP),
            Some(OTHER_TOWNSHIP)
        ));
        assert!(!may_move_station(
            &station_admin,
            COUNTY,
            Some(TOWNSHIP),
            None
        ));
        let township = township_admin();
        assert!(!may_move_station(
            &township,
            COUNTY,
            Some(TOWNSHIP),
            Some(OTHER_TOWNSHIP)
        ));
        assert!(may_move_station(
            &township,
            COUNTY,
            Some(OTHER_TOWNSHIP),
            Some(TOWNSHIP)
        ));
        assert!(may_move_station(
            &county_admin(),
            COUNTY,
            Some(TOWNSHIP),
            Some(OTHER_TOWNSHIP)
        ));
    }

    #[test]
    fn township_admins_are_made_by_county_admins_and_make_station_accounts() {
        let admin = township_admin();
        assert!(may_create_account(
            &county_admin(),
            COUNTY,
            &AccountScope::TownshipAdmin
        ));
        for scope in [
            AccountScope::TownshipAdmin,
            AccountScope::Handler,
            AccountScope::CountyAdmin,
        ] {
            assert!(!may_create_account(&admin, COUNTY, &scope));
            assert!(!may_create_account(
                &station_admin_of(&[10]),
                COUNTY,
                &scope
            ));
        }
        assert!(may_create_account(
            &admin,
            COUNTY,
            &AccountScope::StationAdmin {
                station_ids: &[10, 11]
            }
        ));
        assert!(may_create_account(
            &admin,
            COUNTY,
            &AccountScope::Deputy {
                deputy_station_ids: &[11]
            }
        ));
        assert!(!may_create_account(
            &admin,
            COUNTY,
            &AccountScope::Deputy {
                deputy_station_ids: &[11, 12]
            }
        ));
        assert!(!may_create_account(
            &admin,
            OTHER_COUNTY,
            &AccountScope::StationAdmin { station_ids: &[10] }
        ));
    }

    #[test]
    fn scoring_schemes_are_read_by_staff_and_published_by_county_admins() {
        let resident = actor(Role::Resident, None, &[]);
        assert!(!may_read_scoring_schemes(&resident));
        assert!(may_read_scoring_schemes(&deputy(3, &[10])));
        assert!(may_read_scoring_schemes(&station_admin_of(&[10])));
        assert!(may_publish_scoring_scheme(&county_admin()));
        for other in [township_admin(), station_admin_of(&[10]), deputy(3, &[10])] {
            assert!(!may_publish_scoring_scheme(&other), "{:?}", other.role);
        }
    }

    #[test]
    fn a_performance_record_is_for_the_deputy_and_their_admins() {
        assert!(may_read_performance(&deputy(3, &[10]), COUNTY, 3, &[10]));
        assert!(!may_read_performance(&deputy(4, &[10]), COUNTY, 3, &[10]));
        assert!(may_read_performance(&county_admin(), COUNTY, 3, &[]));
        assert!(!may_read_performance(&county_admin(), OTHER_COUNTY, 3, &[]));
        assert!(may_read_performance(
            &station_admin_of(&[10]),
            COUNTY,
            3,
            &[10]
        ));
        assert!(!may_read_performance(
            &station_admin_of(&[12]),
            COUNTY,
            3,
            &[10]
        ));
        assert!(may_rank_performance(&township_admin()));
        assert!(!may_rank_performance(&station_admin_of(&[10])));
    }
}
