//! Duty rosters: the shifts deputies hold at stations.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::attendance::Record;
use liaison_domain::roster::{Period, Shift};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::entities::{duty_shifts, shift_check_ins};

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

/// The check-ins of `shift_ids`, by shift: each deputy who checked in with their record.
pub async fn check_ins(
    db: &impl ConnectionTrait,
    shift_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<(i64, Record)>>, DbErr> {
    let rows = shift_check_ins::Entity::find()
        .filter(shift_check_ins::Column::ShiftId.is_in(shift_ids))
        .order_by_asc(shift_check_ins::Column::CheckedInAt)
        .order_by_asc(shift_check_ins::Column::DeputyId)
        .all(db)
        .await?;
    let mut by_shift: HashMap<i64, Vec<(i64, Record)>> = HashMap::new();
    for row in rows {
        by_shift
            .entry(row.shift_id)
            .or_default()
            .push((row.deputy_id, record_of(&row)));
    }
    Ok(by_shift)
}

fn record_of(row: &shift_check_ins::Model) -> Record {
    Record {
        checked_in_at: Some(row.checked_in_at),
        checked_out_at: row.checked_out_at,
    }
}

/// Deputy `deputy_id`'s record on shift `shift_id`, as the check-in rules read it.
pub async fn record(
    db: &impl ConnectionTrait,
    shift_id: i64,
    deputy_id: i64,
) -> Result<Record, DbErr> {
    let row = shift_check_ins::Entity::find_by_id((shift_id, deputy_id))
        .one(db)
        .await?;
    Ok(row.as_ref().map(record_of).unwrap_or_default())
}

/// Records `deputy_id` checking in on the shift at `at`, unless they did meanwhile: answers
/// whether this call recorded it.
pub async fn check_in(
    db: &impl ConnectionTrait,
    shift_id: i64,
    deputy_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = shift_check_ins::ActiveModel {
        shift_id: Set(shift_id),
        deputy_id: Set(deputy_id),
        checked_in_at: Set(at),
        checked_out_at: Set(None),
    };
    let done = shift_check_ins::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                shift_check_ins::Column::ShiftId,
                shift_check_ins::Column::DeputyId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(done > 0)
}

/// Records `deputy_id`'s check-out at `at`, unless one was recorded meanwhile (then `false`).
pub async fn check_out(
    db: &impl ConnectionTrait,
    shift_id: i64,
    deputy_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = shift_check_ins::Entity::update_many()
        .col_expr(shift_check_ins::Column::CheckedOutAt, Expr::value(at))
        .filter(shift_check_ins::Column::ShiftId.eq(shift_id))
        .filter(shift_check_ins::Column::DeputyId.eq(deputy_id))
        .filter(shift_check_ins::Column::CheckedOutAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
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
/// their check-ins stay, those of the group's members too.
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
