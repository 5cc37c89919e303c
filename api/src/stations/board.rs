//! The public board (公示) of a station: per month of the period, cases received, resolved
//! and rated with the satisfaction rate; the results residents agreed to publish; and the
//! public work summary of the deputies who serve there. Anyone may read it, so nothing in it
//! points to a resident: no name, phone, location or account.

use chrono::NaiveDate;
use liaison_domain::clock::local_day;
use liaison_domain::period::Period;
use liaison_infra::store::{board, registers};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::app_error::AppResult;

/// A station's board for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct Board {
    pub station_id: i64,
    pub station_name: String,
    /// The period's first and last day, both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every month the period touches, first to last.
    pub months: Vec<BoardMonth>,
    /// Results resolved in the period whose residents agreed to publish them, newest first,
    /// at most 20.
    pub published: Vec<PublishedResult>,
    /// The deputies who sit at the station and serve, with their counts there in the period.
    pub deputies: Vec<DeputyWork>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardMonth {
    /// The month's first day (the first month's may fall before the period's `from`).
    pub month: NaiveDate,
    /// Cases raised at the station in the month (within the period).
    pub received: u64,
    /// Cases resolved in the month.
    pub resolved: u64,
    /// Ratings given in the month.
    pub rated: u64,
    /// (`satisfied` + `basically_satisfied`) over `rated`, from 0 to 1; `null` when nothing
    /// was rated.
    pub satisfaction_rate: Option<f64>,
}

/// A published result: what was asked and what came of it, never who asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedResult {
    pub number: String,
    pub title: String,
    /// `implemented`, `explained`, `planned` or `not_feasible`.
    #[schema(schema_with = crate::words::outcome_or_null)]
    pub outcome: Option<String>,
    /// The resolution's summary.
    pub summary: Option<String>,
    /// The day it was resolved, on the county's clock.
    pub resolved_on: NaiveDate,
}

/// A deputy's public work summary in the period, as their five registers (五簿) count it: what
/// they did at the station (receptions, cases, shifts), and their verified activities,
/// proposals and report-backs, which belong to the deputy rather than to one station.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeputyWork {
    pub deputy_id: i64,
    pub name: String,
    #[schema(schema_with = crate::words::deputy_level)]
    pub level: String,
    /// Receptions (接待活动) at the station they were present at.
    pub receptions: i64,
    /// Cases at the station they accepted.
    pub accepted: i64,
    /// Duty shifts at the station they checked in for, on time or late.
    pub shifts: i64,
    /// Activities (活动), trainings among them, verified by an admin and dated in the period.
    pub activities: u32,
    /// Proposals, suggestions, criticisms and opinions filed, verified and dated in the period.
    pub proposals: u32,
    /// Report-backs to the residents (述职), verified and dated in the period.
    pub report_backs: u32,
}

/// The board of station `station_id` (404 when there is none) for `period`.
pub async fn board(db: &impl ConnectionTrait, station_id: i64, period: Period) -> AppResult<Board> {
    let station = service::find(db, station_id).await?;
    let bounds = period.month_bounds();
    let (from, to) = period.instants();
    let months = board::months(db, station.id, &bounds).await?;
    let published = board::published(db, station.id, from, to).await?;
    let deputies = board::deputies_work(db, station.id, from, to).await?;
    let ids: Vec<i64> = deputies.iter().map(|d| d.id).collect();
    let registers = registers::manual_counts(db, &ids, &period).await?;
    Ok(Board {
        station_id: station.id,
        station_name: station.name,
        from: period.first,
        to: period.last,
        months: period
            .months()
            .into_iter()
            .zip(months)
            .map(|(month, figures)| BoardMonth {
                month,
                received: figures.received,
                resolved: figures.resolved,
                rated: figures.ratings.rated(),
                satisfaction_rate: figures.ratings.satisfaction_rate(),
            })
            .collect(),
        published: published
            .into_iter()
            .map(|p| PublishedResult {
                resolved_on: local_day(p.resolved_at),
                number: p.number,
                title: p.title,
                outcome: p.outcome.map(|o| o.as_str().to_owned()),
                summary: p.summary,
            })
            .collect(),
        deputies: deputies
            .into_iter()
            .map(|d| {
                let counts = registers.get(&d.id).copied().unwrap_or_default();
                DeputyWork {
                    deputy_id: d.id,
                    name: d.name,
                    level: d.level.as_str().to_owned(),
                    receptions: d.receptions,
                    accepted: d.accepted,
                    shifts: d.shifts,
                    activities: counts.activities + counts.trainings,
                    proposals: counts.proposals_filed,
                    report_backs: counts.report_backs,
                }
            })
            .collect(),
    })
}
