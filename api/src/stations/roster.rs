//! Duty rosters: reading a window of shifts and replacing a period of them.

use chrono::{Duration, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::attendance;
use liaison_domain::roster::{self, Period, Shift};
use liaison_domain::Invalid;
use liaison_infra::entities::duty_shifts;
use liaison_infra::store::organisation::{deputies, groups, rosters};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use super::dto::{OnDuty, Roster, RosterQuery, RosterWrite, ShiftOut};
use super::service::{find, find_administered};
use crate::app_error::{AppError, AppResult};

/// The default window when a reader names none.
const DEFAULT_DAYS: i64 = 7;

pub async fn read(
    db: &impl ConnectionTrait,
    station_id: i64,
    query: &RosterQuery,
) -> AppResult<Roster> {
    find(db, station_id).await?;
    let from = query.from.unwrap_or_else(Utc::now);
    let to = query.to.unwrap_or(from + Duration::days(DEFAULT_DAYS));
    let period = Period::parse(from, to)?;
    let shifts = rosters::overlapping(db, station_id, period.from(), period.to()).await?;
    shifts_view(db, station_id, period, shifts).await
}

async fn shifts_view(
    db: &impl ConnectionTrait,
    station_id: i64,
    period: Period,
    shifts: Vec<duty_shifts::Model>,
) -> AppResult<Roster> {
    let station_groups = groups::of_station(db, station_id).await?;
    let members: Vec<roster::Group> = station_groups
        .iter()
        .map(|g| roster::Group {
            id: g.group.id,
            deputy_ids: g.deputy_ids.clone(),
        })
        .collect();
    let check_ins = rosters::check_ins(db, shifts.iter().map(|s| s.id)).await?;
    let on_duty: Vec<Vec<(i64, attendance::Record)>> = shifts
        .iter()
        .map(|s| {
            let records = check_ins.get(&s.id).map_or(&[][..], Vec::as_slice);
            attendance::of_shift(&rosters::shift_of(s), &members, records)
        })
        .collect();
    let named = shifts.iter().filter_map(|s| s.deputy_id);
    let everyone = on_duty.iter().flatten().map(|(d, _)| *d);
    let names = deputies::names(db, named.chain(everyone)).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let now = Utc::now();
    Ok(Roster {
        station_id,
        from: period.from(),
        to: period.to(),
        shifts: shifts
            .into_iter()
            .zip(on_duty)
            .map(|(s, on_duty)| {
                let shift = rosters::shift_of(&s);
                ShiftOut {
                    id: s.id,
                    deputy_name: s.deputy_id.map(name),
                    deputy_id: s.deputy_id,
                    group_name: s.group_id.and_then(|id| {
                        station_groups
                            .iter()
                            .find(|g| g.group.id == id)
                            .map(|g| g.group.name.clone())
                    }),
                    group_id: s.group_id,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    on_duty: on_duty
                        .into_iter()
                        .map(|(deputy_id, record)| OnDuty {
                            deputy_id,
                            deputy_name: name(deputy_id),
                            checked_in_at: record.checked_in_at,
                            checked_out_at: record.checked_out_at,
                            attendance: attendance::attendance(&shift, record, now)
                                .map(|a| a.as_str().to_owned()),
                        })
                        .collect(),
                }
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
) -> AppResult<Roster> {
    let period = Period::parse(write.from, write.to)?;
    let shifts: Vec<Shift> = write
        .shifts
        .iter()
        .map(|s| Shift {
            deputy_id: s.deputy_id,
            group_id: s.group_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        })
        .collect();
    let txn = db.begin().await?;
    find_administered(&txn, actor, station_id).await?;
    let roster = write_checked(&txn, station_id, period, &shifts).await?;
    txn.commit().await?;
    Ok(roster)
}

/// Checks `shifts` as the station's roster over `period` and writes them, in the caller's
/// transaction.
async fn write_checked(
    txn: &DatabaseTransaction,
    station_id: i64,
    period: Period,
    shifts: &[Shift],
) -> AppResult<Roster> {
    // Read in the transaction, not from the cache: the check must see what it writes over.
    let seats = deputies::seats(txn, station_id).await?;
    let station_groups = groups::of_station(txn, station_id).await?;
    let now = Utc::now();
    // The same deputies' shifts that outlive this write: those at other stations, and this
    // station's shifts that started before the period and so are kept.
    let named = shifts.iter().filter_map(|s| s.deputy_id);
    let kept = rosters::kept(txn, station_id, period, named).await?;
    roster::check(
        period,
        shifts,
        |id| seats.contains_key(&id),
        |group| station_groups.iter().any(|g| g.group.id == group),
        |deputy_id, shift| {
            seats
                .get(&deputy_id)
                .is_some_and(|status| roster::may_hold(*status, shift, now))
        },
        &kept,
    )?;
    let stored = rosters::replace(txn, station_id, period, shifts).await?;
    shifts_view(txn, station_id, period, stored).await
}

/// One change to a station's roster, as a grid edited one shift at a time makes it.
#[derive(Debug, Clone, Copy)]
pub enum Edit {
    Add(Shift),
    /// The stored shift of this id becomes this one.
    Change(i64, Shift),
    Remove(i64),
}

/// Applies `edit` to the station's shifts starting in `period` and writes them back, checked
/// again as a whole, in one transaction: two people editing the same week cannot undo each
/// other's shifts. An error names the shift it is on by id, as `shifts[{id}].{field}`, or
/// `shifts[new].{field}` for the shift being added; a shift id not in the period is not found.
pub async fn edit(
    db: &impl TransactionTrait,
    actor: &Actor,
    station_id: i64,
    period: Period,
    edit: Edit,
) -> AppResult<Roster> {
    let txn = db.begin().await?;
    find_administered(&txn, actor, station_id).await?;
    let stored = rosters::overlapping(&txn, station_id, period.from(), period.to()).await?;
    // Shifts that began before the period are kept by the write, not rewritten by it.
    let mut ids: Vec<Option<i64>> = Vec::new();
    let mut shifts: Vec<Shift> = Vec::new();
    for row in stored.iter().filter(|s| s.starts_at >= period.from()) {
        ids.push(Some(row.id));
        shifts.push(rosters::shift_of(row));
    }
    let at = |id: i64| {
        ids.iter()
            .position(|known| *known == Some(id))
            .ok_or(AppError::NotFound("shift"))
    };
    match edit {
        Edit::Add(shift) => {
            ids.push(None);
            shifts.push(shift);
        }
        Edit::Change(id, shift) => shifts[at(id)?] = shift,
        Edit::Remove(id) => {
            let index = at(id)?;
            ids.remove(index);
            shifts.remove(index);
        }
    }
    let roster = match write_checked(&txn, station_id, period, &shifts).await {
        Err(AppError::Invalid(invalid)) => return Err(AppError::Invalid(by_id(invalid, &ids))),
        other => other?,
    };
    txn.commit().await?;
    Ok(roster)
}

/// The domain's errors, which name a shift by its place in the list checked, renamed by the
/// shift's id (`new` for the one added).
fn by_id(invalid: Invalid, ids: &[Option<i64>]) -> Invalid {
    let renamed = invalid
        .0
        .into_iter()
        .map(|mut error| {
            let place = error
                .field
                .strip_prefix("shifts[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(index, field)| Some((index.parse::<usize>().ok()?, field)));
            if let Some((index, field)) = place {
                let id = ids
                    .get(index)
                    .copied()
                    .flatten()
                    .map_or_else(|| "new".to_owned(), |id| id.to_string());
                error.field = format!("shifts[{id}]{field}");
            }
            error
        })
        .collect();
    Invalid(renamed)
}

#[cfg(test)]
mod tests {
    use liaison_domain::FieldError;

    use super::*;

    #[test]
    fn errors_name_the_shift_they_are_on_by_id_and_the_added_one_as_new() {
        let invalid = Invalid(vec![
            FieldError::new("shifts[0].starts_at", "overlapping_shift", ""),
            FieldError::new("shifts[1].ends_at", "before_start", ""),
            FieldError::new("shifts", "too_many", ""),
        ]);
        let fields: Vec<String> = by_id(invalid, &[Some(41), None])
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["shifts[41].starts_at", "shifts[new].ends_at", "shifts"]
        );
    }
}
