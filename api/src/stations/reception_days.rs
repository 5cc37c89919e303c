//! A station's reception days (接待日): read by anyone, written whole by its admins, and the
//! next one shown on the scan card and the station page.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::reception_day::{Days, ReceptionDay, Schedule, Weekday};
use liaison_domain::Invalid;
use liaison_infra::store::organisation::reception_days as store;
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{Opening, ReceptionDayIn, ReceptionDayOut, ReceptionDays, ReceptionDaysWrite};
use super::service::find;
use crate::app_error::{AppError, AppResult};

pub async fn read(db: &impl ConnectionTrait, station_id: i64) -> AppResult<ReceptionDays> {
    let station = find(db, station_id).await?;
    let schedule = stored(db, station.id).await?;
    Ok(view(station.id, &schedule, Utc::now()))
}

/// The stored schedule. It was checked when written, so it parses; were it ever not to (a
/// row written by hand), the station shows no reception days rather than failing its page.
async fn stored(db: &impl ConnectionTrait, station_id: i64) -> AppResult<Schedule> {
    Ok(Schedule::parse(store::of_station(db, station_id).await?).unwrap_or_default())
}

/// The next reception day of the station from `now`, for the scan card and the station page.
pub async fn next(
    db: &impl ConnectionTrait,
    station_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<Opening>> {
    Ok(stored(db, station_id).await?.next(now).map(opening))
}

/// Replaces the station's schedule: its admins only; bad entries change nothing.
pub async fn replace(
    db: &impl TransactionTrait,
    actor: &Actor,
    station_id: i64,
    write: ReceptionDaysWrite,
) -> AppResult<ReceptionDays> {
    let txn = db.begin().await?;
    let station = find(&txn, station_id).await?;
    if !policy::may_organise_station(actor, station.county_id, station.id) {
        return Err(AppError::Forbidden("you do not run this station"));
    }
    let schedule = parse(&write.days)?;
    store::replace(&txn, station.id, &schedule).await?;
    txn.commit().await?;
    Ok(view(station.id, &schedule, Utc::now()))
}

/// The entries as typed, checked one by one and then as a schedule.
pub fn parse(days: &[ReceptionDayIn]) -> Result<Schedule, Invalid> {
    let mut entries = Vec::with_capacity(days.len());
    let mut errors = Vec::new();
    for (index, day) in days.iter().enumerate() {
        match entry(index, day) {
            Ok(entry) => entries.push(entry),
            Err(invalid) => errors.push(Err(invalid)),
        }
    }
    Invalid::collect(errors)?;
    Schedule::parse(entries)
}

fn entry(index: usize, day: &ReceptionDayIn) -> Result<ReceptionDay, Invalid> {
    let field = |name: &str| format!("days[{index}].{name}");
    let days = match (day.date, day.weekday.as_deref()) {
        (Some(date), None) => Ok(Days::On(date)),
        (None, Some(weekday)) => Weekday::parse(weekday)
            .map(Days::Every)
            .map_err(|e| e.renamed(&field("weekday"))),
        _ => Err(Invalid::one(
            field("date"),
            "date_or_weekday",
            "give either a date or a weekday",
        )),
    };
    let starts = time(&field("starts"), &day.starts);
    let ends = time(&field("ends"), &day.ends);
    match (days, starts, ends) {
        (Ok(days), Ok(starts), Ok(ends)) => Ok(ReceptionDay { days, starts, ends }),
        (d, s, e) => Err(Invalid::merge([d.err(), s.err(), e.err()])),
    }
}

/// `HH:MM` on the county's clock.
pub fn time(field: &str, value: &str) -> Result<NaiveTime, Invalid> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M")
        .map_err(|_| Invalid::one(field, "invalid_time", format!("{field} must be HH:MM")))
}

fn opening(o: liaison_domain::reception_day::Opening) -> Opening {
    Opening {
        starts_at: o.starts_at,
        ends_at: o.ends_at,
    }
}

fn view(station_id: i64, schedule: &Schedule, now: DateTime<Utc>) -> ReceptionDays {
    ReceptionDays {
        station_id,
        days: schedule
            .entries()
            .iter()
            .map(|entry| {
                let (date, weekday): (Option<NaiveDate>, Option<String>) = match entry.days {
                    Days::On(date) => (Some(date), None),
                    Days::Every(weekday) => (None, Some(weekday.as_str().to_owned())),
                };
                ReceptionDayOut {
                    date,
                    weekday,
                    starts: entry.starts.format("%H:%M").to_string(),
                    ends: entry.ends.format("%H:%M").to_string(),
                }
            })
            .collect(),
        next: schedule.next(now).map(opening),
    }
}
