//! The figures as the API answers them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// `station`, `township`, `category`, `department`, `deputy` or `channel`; absent: the
    /// whole only.
    #[param(schema_with = crate::words::group_by)]
    pub group_by: Option<String>,
    /// Each group (and the whole) by month as well.
    pub by_month: Option<bool>,
    /// One station's figures, of those the caller oversees.
    pub station_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    /// The period's first and last day, both included (Beijing time).
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(schema_with = crate::words::group_by_or_null)]
    pub group_by: Option<String>,
    pub total: Figures,
    /// The whole by month, with `by_month`.
    pub months: Vec<MonthFigures>,
    /// Each group with anything to count, keyed by the id (or the word, for a channel); the
    /// group whose key is `null` holds cases without one (no department, no deputy).
    pub groups: Vec<GroupFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupFigures {
    pub key: Option<String>,
    pub name: String,
    pub figures: Figures,
    /// With `by_month`.
    pub months: Vec<MonthFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthFigures {
    /// `2026-03`.
    pub month: String,
    pub figures: Figures,
}

/// What was counted; see `docs/statistics.md` for each figure's definition.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    /// Cases raised in the period.
    pub received: u64,
    /// Steps taken in the period.
    pub accepted: u64,
    pub declined: u64,
    pub assigned: u64,
    pub resolved: u64,
    pub resolved_by_outcome: Outcomes,
    /// Rounds reopened by an `unsatisfied` rating.
    pub reopened: u64,
    /// Overdue now, whatever the period.
    pub overdue_now: u64,
    /// Ratings given in the period.
    pub rated: u64,
    /// 响应率, 解决率, 满意率, 0–1 to four places; `null` with nothing to divide by.
    pub response_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub median_first_response_hours: Option<f64>,
    pub median_resolution_hours: Option<f64>,
    /// Receptions held and visitors counted; `null` when grouped by category, department or
    /// channel, which receptions have none of.
    pub receptions: Option<u64>,
    pub visitors: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Outcomes {
    pub implemented: u64,
    pub explained: u64,
    pub planned: u64,
    pub not_feasible: u64,
}
