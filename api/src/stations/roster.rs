//! Duty rosters: reading a window of shifts and replacing a period of them.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::roster::{self, Period, Shift};
use liaison_infra::entities::{deputies, deputy_stations, duty_shifts};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::dto::{Roster, RosterQuery, RosterWrite, ShiftOut};
use super::service::{find, find_administered};
use crate::error::{ApiError, ApiResult};

fn shift_of(row: &duty_shifts::Model) -> Shift {
    Shift {
        deputy_id: row.deputy_id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
    }
}

/// The default window when a reader names none.
const DEFAULT_DAYS: i64 = 7;

pub async fn read(
    db: &impl ConnectionTrait,
    station_id: i64,
    query: &RosterQuery,
) -> ApiResult<Roster> {
    find(db, station_id).await?;
    let from = query.from.unwrap_or_else(Utc::now);
    let to = query.to.unwrap_or(from + Duration::days(DEFAULT_DAYS));
    let period = Period::parse(from, to)?;
    let shifts = duty_shifts::Entity::find()
        .filter(duty_shifts::Column::StationId.eq(station_id))
        .filter(duty_shifts::Column::StartsAt.lt(period.to()))
        .filter(duty_shifts::Column::EndsAt.gt(period.from()))
        .order_by_asc(duty_shifts::Column::StartsAt)
        .order_by_asc(duty_shifts::Column::Id)
        .all(db)
        .await?;
    shifts_view(db, station_id, period, shifts).await
}

async fn shifts_view(
    db: &impl ConnectionTrait,
    station_id: i64,
    period: Period,
    shifts: Vec<duty_shifts::Model>,
) -> ApiResult<Roster> {
    let names: HashMap<i64, String> = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(shifts.iter().map(|s| s.deputy_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    Ok(Roster {
        station_id,
        from: period.from(),
        to: period.to(),
        shifts: shifts
            .into_iter()
            .map(|s| ShiftOut {
                id: s.id,
                deputy_name: names.get(&s.deputy_id).cloned().unwrap_or_default(),
                deputy_id: s.deputy_id,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
            })
            .collect(),
    })
}

/// Replaces the shifts starting in the period with `write.shifts`, all or nothing.
pub async fn replace(
    db: &impl TransactionTrait,
    actor: &Actor,
    station_id: i64,
    write: RosterWrite,
) -> ApiResult<Roster> {
    let period = Period::parse(write.from, write.to)?;
    let shifts: Vec<Shift> = write
        .shifts
        .iter()
        .map(|s| Shift {
            deputy_id: s.deputy_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        })
        .collect();
    let txn = db.begin().await?;
    find_administered(&txn, actor, station_id).await?;
    let members: Vec<i64> = deputy_stations::Entity::find()
        .filter(deputy_stations::Column::StationId.eq(station_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|link| link.deputy_id)
        .collect();
    // The same deputies' shifts that outlive this write: those at other stations, and this
    // station's shifts that started before the period and so are kept.
    let kept: Vec<Shift> = duty_shifts::Entity::find()
        .filter(
            Condition::any()
                .add(duty_shifts::Column::StationId.ne(station_id))
                .add(duty_shifts::Column::StartsAt.lt(period.from())),
        )
        .filter(duty_shifts::Column::DeputyId.is_in(shifts.iter().map(|s| s.deputy_id)))
        .filter(duty_shifts::Column::StartsAt.lt(period.to()))
        .filter(duty_shifts::Column::EndsAt.gt(period.from()))
        .all(&txn)
        .await?
        .iter()
        .map(shift_of)
        .collect();
    roster::check(period, &shifts, |id| members.contains(&id), &kept)?;

    duty_shifts::Entity::delete_many()
        .filter(duty_shifts::Column::StationId.eq(station_id))
        .filter(duty_shifts::Column::StartsAt.gte(period.from()))
        .filter(duty_shifts::Column::StartsAt.lt(period.to()))
        .exec(&txn)
        .await?;
    let mut stored = Vec::with_capacity(shifts.len());
    for shift in &shifts {
        let row = duty_shifts::ActiveModel {
            station_id: Set(station_id),
            deputy_id: Set(shift.deputy_id),
            starts_at: Set(shift.starts_at),
            ends_at: Set(shift.ends_at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        stored.push(row);
    }
    stored.sort_by_key(|s| (s.starts_at, s.id));
    let roster = shifts_view(&txn, station_id, period, stored).await?;
    txn.commit().await.map_err(ApiError::from)?;
    Ok(roster)
}
