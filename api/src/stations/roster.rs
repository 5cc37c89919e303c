//! Duty rosters: reading a window of shifts and replacing a period of them.

use chrono::{Duration, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::roster::{self, Period, Shift};
use liaison_infra::entities::duty_shifts;
use liaison_infra::store::organisation::{deputies, rosters};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{Roster, RosterQuery, RosterWrite, ShiftOut};
use super::service::{find, find_administered};
use crate::app_error::AppResult;

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
    let names = deputies::names(db, shifts.iter().map(|s| s.deputy_id)).await?;
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
) -> AppResult<Roster> {
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
    // Read in the transaction, not from the cache: the check must see what it writes over.
    let members = deputies::members(&txn, station_id).await?;
    // The same deputies' shifts that outlive this write: those at other stations, and this
    // station's shifts that started before the period and so are kept.
    let kept = rosters::kept(&txn, station_id, period, shifts.iter().map(|s| s.deputy_id)).await?;
    roster::check(period, &shifts, |id| members.contains(&id), &kept)?;
    let stored = rosters::replace(&txn, station_id, period, &shifts).await?;
    let roster = shifts_view(&txn, station_id, period, stored).await?;
    txn.commit().await?;
    Ok(roster)
}
