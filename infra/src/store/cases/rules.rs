//! The SQL forms of the domain's rules about cases, beside the queries that filter by them:
//! who sees a case (`domain::case::access::can_see`), when a deadline has lapsed
//! (`domain::case::deadline::lapsed`, `is_overdue`) and a case's traffic light
//! (`domain::case::light::light`). Each is tied to its predicate by the test below, over a
//! table of cases on every backend.

use chrono::{DateTime, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::access::Scope;
use liaison_domain::case::deadline::Deadline;
use liaison_domain::case::light::{Clocks, Light, YellowAt};
use liaison_domain::case::CaseStatus;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::ColumnTrait;

use crate::db::Backend;
use crate::entities::{cases, Word};

/// What the domain's access rules read of a stored case.
pub fn scope_of(case: &cases::Model) -> Scope {
    Scope {
        station_id: case.station_id,
        county_id: case.county_id,
        resident_id: case.resident_id,
        assignee_id: case.assignee_id,
        department_id: case.department_id,
    }
}

/// What the domain's traffic light reads of a stored case.
pub fn clocks_of(case: &cases::Model) -> Clocks {
    Clocks {
        status: *case.status,
        created_at: case.created_at,
        respond_by: case.respond_by,
        resolve_by: case.resolve_by,
        resolve_within_days: case.resolve_within_days,
        first_response_at: case.first_response_at,
    }
}

/// How a query filtering by [`visible_reading`] finds the cases of a deputy's or a station
/// admin's stations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stations {
    /// From the stations' own indexes.
    ByIndex,
    /// Row by row, while the query reads the county's index.
    ByCounty,
}

/// `can_see` as SQL: every case the actor may see, and nothing else.
pub fn visible(actor: &Actor) -> Condition {
    visible_reading(actor, Stations::ByIndex)
}

/// `visible`, with the stations of a deputy, station admin or township admin tested as
/// `reading` says. SQLite
/// 3.46 reads a deadline page of several stations from the station index and sorts every case
/// of them (245 ms for two stations at a million cases), where the county's deadline index
/// gives the page in order; a unary `+` is SQLite's way to keep a column's index out of a plan
/// without changing which rows match.
pub fn visible_reading(actor: &Actor, reading: Stations) -> Condition {
    match actor.role {
        Role::Resident => Condition::all().add(cases::Column::ResidentId.eq(actor.user_id)),
        // The county adds nothing to what the stations select (every station of an actor lies
        // in the actor's county); it lets the deadline order of several stations be read from
        // the county's deadline index, as no per-station index can merge them in order.
        Role::Deputy | Role::StationAdmin | Role::TownshipAdmin => {
            let stations = actor.station_ids.clone();
            let at_stations = match reading {
                Stations::ByIndex => cases::Column::StationId.is_in(stations),
                Stations::ByCounty => {
                    Expr::expr(Expr::cust(r#"+"cases"."station_id""#)).is_in(stations)
                }
            };
            Condition::all().add(at_stations).add_option(
                actor
                    .county_id
                    .map(|county| cases::Column::CountyId.eq(county)),
            )
        }
        Role::Handler => match actor.department_id {
            Some(department) => Condition::all().add(cases::Column::DepartmentId.eq(department)),
            None => Condition::all().add(Expr::value(false)),
        },
        Role::CountyAdmin => match actor.county_id {
            Some(county) => Condition::all().add(cases::Column::CountyId.eq(county)),
            None => Condition::all().add(Expr::value(false)),
        },
    }
}

/// `CaseStatus::is_in_progress` as SQL, its statuses in literals as the partial indexes over
/// the cases in progress name them (see `overdue`).
pub fn in_progress() -> Condition {
    let statuses = CaseStatus::in_progress()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    Condition::all().add(Expr::cust(format!(r#""cases"."status" IN ({statuses})"#)))
}

/// The cases flagged for review, written as the partial indexes over them name the flag.
pub fn flagged() -> Condition {
    Condition::all().add(Expr::cust(r#""cases"."flagged""#))
}

/// `is_overdue` as SQL, so the database filters and pages.
///
/// Its first term names the statuses in progress in literals, exactly as the partial index
/// `cases_in_progress_deadline_idx` does: a planner may only use a partial index for a query
/// whose condition implies the index's, which neither SQLite nor a reused PostgreSQL plan can
/// see through bound parameters. With it, `overdue=true&sort=deadline` reads the few cases in
/// progress in deadline order instead of every case since the first.
pub fn overdue(now: DateTime<Utc>) -> Condition {
    in_progress().add(
        Deadline::ALL
            .iter()
            .fold(Condition::any(), |any, deadline| {
                any.add(lapsed(*deadline, now))
            }),
    )
}

/// `lapsed` for one deadline as SQL: the case is in progress, past the deadline, and for
/// `respond_by` not answered yet.
pub fn lapsed(deadline: Deadline, now: DateTime<Utc>) -> Condition {
    let unanswered = match deadline {
        Deadline::Respond => Some(cases::Column::FirstResponseAt.is_null()),
        Deadline::Resolve => None,
    };
    Condition::all()
        .add(cases::Column::Status.is_in(CaseStatus::in_progress().map(Word)))
        .add(column(deadline).lt(now))
        .add_option(unanswered)
}

/// `light::light` as SQL: the open cases whose light at `now` is `light`, turning yellow at
/// `at` of their time.
pub fn lit(light: Light, at: YellowAt, now: DateTime<Utc>, backend: Backend) -> Condition {
    match light {
        Light::Red => overdue(now),
        Light::Yellow => in_progress()
            .add(overdue(now).not())
            .add(warned(at, now, backend)),
        Light::Green => in_progress()
            .add(overdue(now).not())
            .add(warned(at, now, backend).not()),
    }
}

/// Past `light::yellow_from` of a running deadline at `now`. Time arithmetic is each
/// backend's own: PostgreSQL subtracts intervals, SQLite compares Julian days (exact to the
/// millisecond, which no deadline is set to).
fn warned(at: YellowAt, now: DateTime<Utc>, backend: Backend) -> Condition {
    let left = at.left_percent();
    let (respond, resolve) = match backend {
        Backend::Postgres => (
            format!(
                r#""cases"."respond_by" - ("cases"."respond_by" - "cases"."created_at") * {left} / 100 <= $1"#
            ),
            format!(
                r#""cases"."resolve_by" - "cases"."resolve_within_days" * INTERVAL '1 day' * {left} / 100 <= $1"#
            ),
        ),
        Backend::Sqlite => (
            format!(
                r#"julianday("cases"."respond_by") - (julianday("cases"."respond_by") - julianday("cases"."created_at")) * {left} / 100.0 <= julianday(?)"#
            ),
            format!(
                r#"julianday("cases"."resolve_by") - "cases"."resolve_within_days" * {left} / 100.0 <= julianday(?)"#
            ),
        ),
    };
    Condition::any()
        .add(
            Condition::all()
                .add(cases::Column::FirstResponseAt.is_null())
                .add(Expr::cust_with_values(respond, [now])),
        )
        .add(Expr::cust_with_values(resolve, [now]))
}

/// The column that holds `deadline`.
pub(super) fn column(deadline: Deadline) -> cases::Column {
    match deadline {
        Deadline::Respond => cases::Column::RespondBy,
        Deadline::Resolve => cases::Column::ResolveBy,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use chrono::Duration;
    use liaison_domain::case::access::can_see;
    use liaison_domain::case::deadline::{is_overdue, lapsed as domain_lapsed};
    use liaison_domain::case::light::light;
    use liaison_domain::case::Channel;
    use sea_orm::{
        ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Schema, Set,
    };

    use super::*;
    use crate::db::testing::scratch_databases;

    pub(in crate::store::cases) fn at() -> DateTime<Utc> {
        "2026-12-01T08:00:00Z".parse().unwrap()
    }

    /// A table of cases over every status, two counties, three stations, two residents, two
    /// departments or none, assigned or not, and deadlines before, at and after `at()`.
    pub(in crate::store::cases) fn table() -> Vec<cases::Model> {
        let offsets = [-48, -1, 0, 1, 48].map(Duration::hours);
        let mut rows = Vec::new();
        let mut id = 0;
        for status in CaseStatus::ALL {
            for (respond, resolve) in offsets.iter().zip(offsets.iter().rev()) {
                for answered in [false, true] {
                    id += 1;
                    let station_id = 1 + id % 3;
                    rows.push(cases::Model {
                        id,
                        number: format!("XP-20261201-{id:04}"),
                        station_id,
                        county_id: if station_id == 3 { 2 } else { 1 },
                        category_id: 1,
                        resident_id: 100 + id % 2,
                        assignee_id: (id % 4 != 0).then_some(40 + id % 2),
                        department_id: [None, Some(5), Some(6)][(id % 3) as usize],
                        title: "路灯不亮".to_owned(),
                        content: "一周了".to_owned(),
                        search_terms: String::new(),
                        location: None,
                        anonymous: false,
                        contact_phone: None,
                        status: Word(*status),
                        // Some flagged, so that what counts flags has something to count.
                        flagged: id % 5 == 0,
                        reopen_count: 0,
                        escalated: false,
                        respond_by: at() + *respond,
                        resolve_by: at() + *resolve,
                        resolve_within_days: 15,
                        first_response_at: answered.then(|| at() - Duration::hours(2)),
                        resolved_at: None,
                        closed_at: None,
                        rating: None,
                        rating_comment: None,
                        reception_id: None,
                        outcome: None,
                        planned_on: None,
                        outcome_reason: None,
                        version: 0,
                        created_at: at() - Duration::days(3),
                        updated_at: at() - Duration::days(3),
                        // Some recorded for visitors, some of those claimed.
                        channel: Word(if id % 3 == 0 {
                            Channel::WalkIn
                        } else {
                            Channel::MiniProgram
                        }),
                        visitor_name: None,
                        claimed_at: (id % 6 == 0).then(|| at() - Duration::days(1)),
                        publishable: false,
                    });
                }
            }
        }
        rows
    }

    pub(in crate::store::cases) fn actors() -> Vec<Actor> {
        let actor =
            |user_id, role, county_id, station_ids: &[i64], department_id, deputy_id| Actor {
                user_id,
                role,
                county_id,
                station_ids: station_ids.to_vec(),
                township_id: (role == Role::TownshipAdmin).then_some(20),
                department_id,
                deputy_id,
            };
        vec![
            actor(100, Role::Resident, None, &[], None, None),
            actor(102, Role::Resident, None, &[], None, None),
            actor(7, Role::Deputy, Some(1), &[1], None, Some(40)),
            actor(8, Role::Deputy, Some(1), &[], None, Some(41)),
            actor(9, Role::StationAdmin, Some(1), &[1, 2], None, None),
            actor(10, Role::StationAdmin, Some(2), &[3], None, None),
            actor(16, Role::TownshipAdmin, Some(1), &[2], None, None),
            actor(17, Role::TownshipAdmin, Some(1), &[], None, None),
            actor(11, Role::Handler, Some(1), &[], Some(5), None),
            actor(12, Role::Handler, Some(1), &[], None, None),
            actor(13, Role::CountyAdmin, Some(1), &[], None, None),
            actor(14, Role::CountyAdmin, Some(2), &[], None, None),
            actor(15, Role::CountyAdmin, None, &[], None, None),
        ]
    }

    /// The ids of the cases `condition` selects, in order.
    pub(in crate::store::cases) async fn ids(
        db: &impl ConnectionTrait,
        condition: Condition,
    ) -> Vec<i64> {
        cases::Entity::find()
            .select_only()
            .column(cases::Column::Id)
            .filter(condition)
            .order_by_asc(cases::Column::Id)
            .into_tuple()
            .all(db)
            .await
            .unwrap()
    }

    /// Scratch databases of every backend, each holding `table()`.
    pub(in crate::store::cases) async fn loaded() -> (tempfile::TempDir, Vec<crate::db::Db>) {
        let (dir, databases) = scratch_databases().await;
        for db in &databases {
            let backend = db.get_database_backend();
            let schema = Schema::new(backend);
            // The cases' table refers to the residents'.
            let users = schema.create_table_from_entity(crate::entities::users::Entity);
            db.execute(backend.build(&users)).await.unwrap();
            for id in [100, 101] {
                crate::entities::users::Entity::insert(crate::entities::users::ActiveModel {
                    id: Set(id),
                    role: Set(Word(Role::Resident)),
                    name: Set("居民".to_owned()),
                    created_at: Set(at()),
                    password_change_required: Set(false),
                    ..Default::default()
                })
                .exec_without_returning(db)
                .await
                .unwrap();
            }
            let create = schema.create_table_from_entity(cases::Entity);
            db.execute(backend.build(&create)).await.unwrap();
            let rows = table().into_iter().map(|case| {
                let mut row: cases::ActiveModel = case.into();
                row.id = Set(row.id.unwrap());
                row
            });
            cases::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await
                .unwrap();
        }
        (dir, databases)
    }

    #[tokio::test]
    async fn a_claim_takes_exactly_the_cases_the_domain_calls_a_visitor_s() {
        let (_dir, databases) = loaded().await;
        for db in &databases {
            for case in table() {
                let claimed = super::super::claim(db, case.id, 101, at()).await.unwrap();
                assert_eq!(claimed, case.for_visitor(), "case {}", case.id);
                // Once claimed, never again.
                assert!(!super::super::claim(db, case.id, 100, at()).await.unwrap());
            }
        }
    }

    #[tokio::test]
    async fn the_sql_rules_say_what_the_domain_says() {
        let (_dir, databases) = loaded().await;
        let table = table();
        for db in &databases {
            for actor in actors() {
                let expected: Vec<i64> = table
                    .iter()
                    .filter(|case| can_see(&actor, &scope_of(case)))
                    .map(|case| case.id)
                    .collect();
                assert_eq!(ids(db, visible(&actor)).await, expected, "{actor:?}");
                let by_county = visible_reading(&actor, Stations::ByCounty);
                assert_eq!(ids(db, by_county).await, expected, "{actor:?} by county");
            }
            for now in [
                at() - Duration::minutes(30),
                at(),
                at() + Duration::minutes(30),
            ] {
                let facts = |case: &cases::Model| {
                    (
                        *case.status,
                        case.respond_by,
                        case.resolve_by,
                        case.first_response_at,
                    )
                };
                let expected: Vec<i64> = table
                    .iter()
                    .filter(|case| {
                        let (status, respond_by, resolve_by, answered) = facts(case);
                        is_overdue(status, respond_by, resolve_by, answered, now)
                    })
                    .map(|case| case.id)
                    .collect();
                assert!(!expected.is_empty() && expected.len() < table.len());
                assert_eq!(ids(db, overdue(now)).await, expected, "overdue at {now}");
                let not_overdue: Vec<i64> = table
                    .iter()
                    .map(|case| case.id)
                    .filter(|id| !expected.contains(id))
                    .collect();
                assert_eq!(ids(db, overdue(now).not()).await, not_overdue);
                for deadline in Deadline::ALL {
                    let expected: Vec<i64> = table
                        .iter()
                        .filter(|case| {
                            let (status, respond_by, resolve_by, answered) = facts(case);
                            domain_lapsed(status, respond_by, resolve_by, answered, now)
                                .iter()
                                .any(|lapse| lapse.deadline == *deadline)
                        })
                        .map(|case| case.id)
                        .collect();
                    assert_eq!(
                        ids(db, lapsed(*deadline, now)).await,
                        expected,
                        "{deadline}"
                    );
                }
            }
        }
    }

    #[tokio::test]
    async fn the_sql_lights_are_the_domain_s() {
        let (_dir, databases) = loaded().await;
        let table = table();
        for db in &databases {
            let backend = crate::db::Backend::of_connection(db);
            let mut seen = std::collections::BTreeSet::new();
            for share in [YellowAt::DEFAULT, YellowAt::parse(50).unwrap()] {
                // None on a case's turning point: SQLite's arithmetic is exact to milliseconds.
                for now in [
                    at() - Duration::days(4),
                    at() - Duration::days(1) - Duration::minutes(7),
                    at() - Duration::minutes(30),
                    at(),
                    at() + Duration::minutes(30),
                ] {
                    for shown in Light::ALL {
                        let expected: Vec<i64> = table
                            .iter()
                            .filter(|case| light(&clocks_of(case), share, now) == Some(*shown))
                            .map(|case| case.id)
                            .collect();
                        let found = ids(db, lit(*shown, share, now, backend)).await;
                        assert_eq!(found, expected, "{shown} at {now}, {share:?}");
                        if !found.is_empty() {
                            seen.insert(*shown);
                        }
                    }
                }
            }
            // Every light occurs, so the comparisons mean something.
            assert_eq!(seen.len(), Light::ALL.len(), "{seen:?}");
        }
    }
}
