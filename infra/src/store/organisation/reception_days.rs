//! A station's reception days: its schedule of dates and weekly rules.

use liaison_domain::reception_day::{Days, ReceptionDay, Schedule};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::{reception_days, Word};

/// The schedule's entries in the order written. A row with neither a date nor a weekday,
/// which the server never writes, is left out.
pub async fn of_station(
    db: &impl ConnectionTrait,
    station_id: i64,
) -> Result<Vec<ReceptionDay>, DbErr> {
    let rows = reception_days::Entity::find()
        .filter(reception_days::Column::StationId.eq(station_id))
        .order_by_asc(reception_days::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let days = match (row.date, row.weekday) {
                (Some(date), _) => Days::On(date),
                (None, Some(weekday)) => Days::Every(weekday.0),
                (None, None) => return None,
            };
            Some(ReceptionDay {
                days,
                starts: row.starts,
                ends: row.ends,
            })
        })
        .collect())
}

/// Makes the station's schedule exactly `schedule`.
pub async fn replace(
    db: &impl ConnectionTrait,
    station_id: i64,
    schedule: &Schedule,
) -> Result<(), DbErr> {
    reception_days::Entity::delete_many()
        .filter(reception_days::Column::StationId.eq(station_id))
        .exec(db)
        .await?;
    if schedule.entries().is_empty() {
        return Ok(());
    }
    reception_days::Entity::insert_many(schedule.entries().iter().map(|entry| {
        let (date, weekday) = match entry.days {
            Days::On(date) => (Some(date), None),
            Days::Every(weekday) => (None, Some(Word(weekday))),
        };
        reception_days::ActiveModel {
            station_id: Set(station_id),
            date: Set(date),
            weekday: Set(weekday),
            starts: Set(entry.starts),
            ends: Set(entry.ends),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}
