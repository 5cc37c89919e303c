//! Bulk loading for the benchmark (`liaison seed --cases N`): not a path any user takes.
//!
//! The seeder decides everything a row holds (case ids included, so that a case's events can
//! name it before it is written) and where each transaction begins and ends. This module
//! writes the rows in multi-row inserts as large as SQLite's 32,766 bound parameters allow, so
//! that a million cases take minutes, and answers what a later run continues from: the
//! residents and staff already made, the last case id, the day counters.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::actor::Role;
use liaison_domain::case::deadline::Deadline;
use liaison_domain::case::machine::Event;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Iterable,
    QueryFilter, QuerySelect, Set,
};

use crate::db::Backend;
use crate::entities::{case_counters, cases, deadline_marks, user_stations, users, Word};
use crate::store::cases::events::{self, Author};

/// The most values one statement binds on SQLite (`SQLITE_MAX_VARIABLE_NUMBER`).
const SQLITE_VALUES: usize = 32_766;

/// Rows per INSERT into `E`'s table: as many as SQLite binds, whatever columns the table
/// has grown (a fixed number broke the seeder when cases and events gained columns).
pub(crate) fn rows_per_insert<E: EntityTrait>() -> usize {
    SQLITE_VALUES / E::Column::iter().count().max(1)
}

/// Inserts `rows` into their table, [`rows_per_insert`] a statement, in their order.
pub(crate) async fn insert_all<A>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch = rows.by_ref().take(rows_per_insert::<A::Entity>());
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// One step of a generated case's timeline.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub case_id: i64,
    pub event: Event,
    pub author: Author<'a>,
    pub at: DateTime<Utc>,
}

/// A deadline a generated case missed, as the deadline watcher would have marked it.
#[derive(Debug, Clone)]
pub struct NewMark {
    pub case_id: i64,
    pub deadline: Deadline,
    pub due_at: DateTime<Utc>,
    pub overdue_at: DateTime<Utc>,
    pub escalated_at: Option<DateTime<Utc>>,
}

/// A resident the benchmark logs in as, by dev login with `openid`.
#[derive(Debug, Clone)]
pub struct NewResident {
    pub name: String,
    pub openid: String,
}

/// The id the next generated case takes: one past the highest there is.
pub async fn next_case_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let max: Option<i64> = cases::Entity::find()
        .select_only()
        .column_as(Expr::col(cases::Column::Id).max(), "max")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// Writes whole case rows, their ids as given.
pub async fn insert_cases(db: &impl ConnectionTrait, rows: Vec<cases::Model>) -> Result<(), DbErr> {
    insert_all(db, rows.into_iter().map(cases::ActiveModel::from)).await
}

/// Writes generated timeline steps, in their order.
pub async fn insert_events(
    db: &impl ConnectionTrait,
    rows: Vec<NewEvent<'_>>,
) -> Result<(), DbErr> {
    insert_all(
        db,
        rows.into_iter()
            .map(|new| events::row(new.case_id, new.author, &new.event, new.at)),
    )
    .await
}

/// Writes generated deadline marks.
pub async fn insert_marks(db: &impl ConnectionTrait, rows: Vec<NewMark>) -> Result<(), DbErr> {
    insert_all(
        db,
        rows.into_iter().map(|mark| deadline_marks::ActiveModel {
            case_id: Set(mark.case_id),
            deadline: Set(mark.deadline.as_str().to_owned()),
            due_at: Set(mark.due_at),
            overdue_at: Set(mark.overdue_at),
            escalated_at: Set(mark.escalated_at),
            ..Default::default()
        }),
    )
    .await
}

/// The residents whose openid starts with `openid_prefix`, in no particular order.
pub async fn residents(
    db: &impl ConnectionTrait,
    openid_prefix: &str,
) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Role.eq(Role::Resident.as_str()))
        .filter(users::Column::Openid.starts_with(openid_prefix))
        .all(db)
        .await
}

/// Writes residents who have never logged in yet.
pub async fn insert_residents(
    db: &impl ConnectionTrait,
    rows: Vec<NewResident>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    insert_all(
        db,
        rows.into_iter().map(|resident| users::ActiveModel {
            role: Set(Word(Role::Resident)),
            name: Set(resident.name),
            openid: Set(Some(resident.openid)),
            created_at: Set(now),
            ..Default::default()
        }),
    )
    .await
}

/// The staff account `name` of `role` in the county, created if absent. It has neither phone
/// nor password: nobody logs in as it, it only signs the generated steps, which is why it does
/// not go through `accounts::insert_staff`.
pub async fn staff(
    db: &impl ConnectionTrait,
    role: Role,
    name: &str,
    county_id: i64,
    department_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<users::Model, DbErr> {
    let existing = users::Entity::find()
        .filter(users::Column::Role.eq(role.as_str()))
        .filter(users::Column::Name.eq(name))
        .filter(users::Column::CountyId.eq(county_id))
        .one(db)
        .await?;
    if let Some(user) = existing {
        return Ok(user);
    }
    users::ActiveModel {
        role: Set(Word(role)),
        name: Set(name.to_owned()),
        county_id: Set(Some(county_id)),
        department_id: Set(department_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Makes the account `user_id` run each of `station_ids`, keeping the links it already has.
pub async fn run_stations(
    db: &impl ConnectionTrait,
    user_id: i64,
    station_ids: &[i64],
) -> Result<(), DbErr> {
    for station_id in station_ids {
        user_stations::Entity::insert(user_stations::ActiveModel {
            user_id: Set(user_id),
            station_id: Set(*station_id),
        })
        .on_conflict(
            OnConflict::columns([
                user_stations::Column::UserId,
                user_stations::Column::StationId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The day counters of the case numbers under `prefix`: the last number given each day.
pub async fn day_counters(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<HashMap<String, i32>, DbErr> {
    Ok(case_counters::Entity::find()
        .filter(case_counters::Column::Prefix.eq(prefix))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.day, c.seq))
        .collect())
}

/// Leaves each day's counter under `prefix` at the number given, so that new cases continue
/// after the generated ones.
pub async fn set_day_counters(
    db: &impl ConnectionTrait,
    prefix: &str,
    counters: &HashMap<String, i32>,
) -> Result<(), DbErr> {
    let mut rows = counters.iter().peekable();
    while rows.peek().is_some() {
        let batch = rows
            .by_ref()
            .take(rows_per_insert::<case_counters::Entity>())
            .map(|(day, seq)| case_counters::ActiveModel {
                prefix: Set(prefix.to_owned()),
                day: Set(day.clone()),
                seq: Set(*seq),
            });
        case_counters::Entity::insert_many(batch)
            .on_conflict(
                OnConflict::columns([case_counters::Column::Prefix, case_counters::Column::Day])
                    .update_column(case_counters::Column::Seq)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Makes the database ready to be measured after a load that gave case ids itself. Outside
/// any transaction: `VACUUM` refuses to run in one.
pub async fn settle(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if Backend::of_connection(db) == Backend::Postgres {
        // Ids were given by the seeder; the sequence must hand out the ones after them.
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))",
        )
        .await?;
        // Folds the GIN index's pending entries in, which every search would scan.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    } else {
        // The planner's statistics: without them SQLite guesses ten rows for any equality.
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}
