//! Duty rosters: the shifts deputies hold at stations.

use chrono::{DateTime, Utc};
use liaison_domain::roster::{Period, Shift};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entities::duty_shifts;

/// What the roster rules read of a stored shift.
pub fn shift_of(row: &duty_shifts::Model) -> Shift {
    Shift {
        deputy_id: row.deputy_id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
    }
}

/// The station's shifts that overlap `[from, to)`, in time order.
pub async fn overlapping(
    db: &impl ConnectionTrait,
    station_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<duty_shifts::Model>, DbErr> {
    duty_shifts::Entity::find()
        .filter(duty_shifts::Column::StationId.eq(station_id))
        .filter(duty_shifts::Column::StartsAt.lt(to))
        .filter(duty_shifts::Column::EndsAt.gt(from))
        .order_by_asc(duty_shifts::Column::StartsAt)
        .order_by_asc(duty_shifts::Column::Id)
        .all(db)
        .await
}

/// The shifts of `deputy_ids` overlapping `period` that a `replace` of the station's period
/// leaves in place: those at other stations, and the station's own that start before it.
pub async fn kept(
    db: &impl ConnectionTrait,
    station_id: i64,
    period: Period,
    deputy_ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<Shift>, DbErr> {
    let rows = duty_shifts::Entity::find()
        .filter(
            Condition::any()
                .add(duty_shifts::Column::StationId.ne(station_id))
                .add(duty_shifts::Column::StartsAt.lt(period.from())),
        )
        .filter(duty_shifts::Column::DeputyId.is_in(deputy_ids))
        .filter(duty_shifts::Column::StartsAt.lt(period.to()))
        .filter(duty_shifts::Column::EndsAt.gt(period.from()))
        .all(db)
        .await?;
    Ok(rows.iter().map(shift_of).collect())
}

/// Takes deputy `deputy_id` off every roster from `now` on: shifts still to come are dropped,
/// one under way ends now, and those over stay as the record of what happened.
pub async fn leave_from(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    duty_shifts::Entity::delete_many()
        .filter(duty_shifts::Column::DeputyId.eq(deputy_id))
        .filter(duty_shifts::Column::StartsAt.gte(now))
        .exec(db)
        .await?;
    duty_shifts::Entity::update_many()
        .col_expr(duty_shifts::Column::EndsAt, Expr::value(now))
        .filter(duty_shifts::Column::DeputyId.eq(deputy_id))
        .filter(duty_shifts::Column::EndsAt.gt(now))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops the station's shifts starting in `period` and writes `shifts` in their place;
/// answers the shifts written, in time order.
pub async fn replace(
    db: &impl ConnectionTrait,
    station_id: i64,
    period: Period,
    shifts: &[Shift],
) -> Result<Vec<duty_shifts::Model>, DbErr> {
    duty_shifts::Entity::delete_many()
        .filter(duty_shifts::Column::StationId.eq(station_id))
        .filter(duty_shifts::Column::StartsAt.gte(period.from()))
        .filter(duty_shifts::Column::StartsAt.lt(period.to()))
        .exec(db)
        .await?;
    let mut stored = Vec::with_capacity(shifts.len());
    for shift in shifts {
        let row = duty_shifts::ActiveModel {
            station_id: Set(station_id),
            deputy_id: Set(shift.deputy_id),
            starts_at: Set(shift.starts_at),
            ends_at: Set(shift.ends_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        stored.push(row);
    }
    stored.sort_by_key(|s| (s.starts_at, s.id));
    Ok(stored)
}
