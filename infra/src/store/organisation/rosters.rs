//! Duty rosters: the shifts deputies hold at stations.

use chrono::{DateTime, Utc};
use liaison_domain::attendance::Record;
use liaison_domain::roster::{Period, Shift};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::entities::duty_shifts;

/// What the roster rules read of a stored shift.
pub fn shift_of(row: &duty_shifts::Model) -> Shift {
    Shift {
        deputy_id: row.deputy_id,
        group_id: row.group_id,
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
/// or left to their group if they name one; one under way ends now, and those over stay as the
/// record of what happened.
pub async fn leave_from(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    duty_shifts::Entity::update_many()
        .col_expr(
            duty_shifts::Column::DeputyId,
            Expr::value(Option::<i64>::None),
        )
        .filter(duty_shifts::Column::DeputyId.eq(deputy_id))
        .filter(duty_shifts::Column::GroupId.is_not_null())
        .filter(duty_shifts::Column::StartsAt.gte(now))
        .exec(db)
        .await?;
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

/// Makes the station's shifts starting in `period` exactly `shifts`; answers them as stored,
/// in time order. A stored shift with the same deputy and times stays the same row (its group
/// set anew; a group-only shift, the same group and times), so that rewriting a week keeps the
/// check-ins of the shifts it leaves alone.
pub async fn replace(
    db: &impl ConnectionTrait,
    station_id: i64,
    period: Period,
    shifts: &[Shift],
) -> Result<Vec<duty_shifts::Model>, DbErr> {
    let mut existing = duty_shifts::Entity::find()
        .filter(duty_shifts::Column::StationId.eq(station_id))
        .filter(duty_shifts::Column::StartsAt.gte(period.from()))
        .filter(duty_shifts::Column::StartsAt.lt(period.to()))
        .order_by_asc(duty_shifts::Column::Id)
        .all(db)
        .await?;
    let mut stored = Vec::with_capacity(shifts.len());
    for shift in shifts {
        let same = existing.iter().position(|row| {
            (row.deputy_id, row.starts_at, row.ends_at)
                == (shift.deputy_id, shift.starts_at, shift.ends_at)
                && (shift.deputy_id.is_some() || row.group_id == shift.group_id)
        });
        let row = match same {
            Some(index) => {
                let row = existing.swap_remove(index);
                if row.group_id == shift.group_id {
                    row
                } else {
                    let mut active: duty_shifts::ActiveModel = row.into();
                    active.group_id = Set(shift.group_id);
                    active.update(db).await?
                }
            }
            None => {
                duty_shifts::ActiveModel {
                    station_id: Set(station_id),
                    deputy_id: Set(shift.deputy_id),
                    group_id: Set(shift.group_id),
                    starts_at: Set(shift.starts_at),
                    ends_at: Set(shift.ends_at),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        stored.push(row);
    }
    if !existing.is_empty() {
        duty_shifts::Entity::delete_many()
            .filter(duty_shifts::Column::Id.is_in(existing.iter().map(|row| row.id)))
            .exec(db)
            .await?;
    }
    stored.sort_by_key(|s| (s.starts_at, s.id));
    Ok(stored)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<duty_shifts::Model>, DbErr> {
    duty_shifts::Entity::find_by_id(id).one(db).await
}

/// The attendance of one shift as read by the check-in rules.
pub fn record_of(row: &duty_shifts::Model) -> Record {
    Record {
        checked_in_at: row.checked_in_at,
        checked_out_at: row.checked_out_at,
    }
}

/// Records `deputy_id` checking in at `at`, unless someone checked in meanwhile: answers the
/// shift as stored, `None` when the shift was already checked in.
pub async fn check_in(
    db: &impl ConnectionTrait,
    id: i64,
    deputy_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<duty_shifts::Model>, DbErr> {
    let done = duty_shifts::Entity::update_many()
        .col_expr(duty_shifts::Column::CheckedInAt, Expr::value(at))
        .col_expr(duty_shifts::Column::CheckedInBy, Expr::value(deputy_id))
        .filter(duty_shifts::Column::Id.eq(id))
        .filter(duty_shifts::Column::CheckedInAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(None);
    }
    find(db, id).await
}

/// Records the check-out at `at`, unless one was recorded meanwhile (then `None`).
pub async fn check_out(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<duty_shifts::Model>, DbErr> {
    let done = duty_shifts::Entity::update_many()
        .col_expr(duty_shifts::Column::CheckedOutAt, Expr::value(at))
        .filter(duty_shifts::Column::Id.eq(id))
        .filter(duty_shifts::Column::CheckedInAt.is_not_null())
        .filter(duty_shifts::Column::CheckedOutAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(None);
    }
    find(db, id).await
}

/// Whether a shift names the group that cannot forget it: one that has not ended by `now`,
/// or one of the group alone (without the group, nobody would have been on duty for it).
pub async fn group_in_use(
    db: &impl ConnectionTrait,
    group_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let using = duty_shifts::Entity::find()
        .filter(duty_shifts::Column::GroupId.eq(group_id))
        .filter(
            Condition::any()
                .add(duty_shifts::Column::EndsAt.gt(now))
                .add(duty_shifts::Column::DeputyId.is_null()),
        )
        .count(db)
        .await?;
    Ok(using > 0)
}

/// Unties past shifts from a group about to go (each names a deputy, see [`group_in_use`]):
/// their deputies' attendance stays.
pub async fn forget_group(db: &impl ConnectionTrait, group_id: i64) -> Result<(), DbErr> {
    duty_shifts::Entity::update_many()
        .col_expr(
            duty_shifts::Column::GroupId,
            Expr::value(Option::<i64>::None),
        )
        .filter(duty_shifts::Column::GroupId.eq(group_id))
        .exec(db)
        .await?;
    Ok(())
}
