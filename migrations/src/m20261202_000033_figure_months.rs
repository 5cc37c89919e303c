//! The figures' months: a county's year of median times read from a few thousand counts per
//! station and month rather than one per duration (issue 12: a county's year at a million
//! cases in ≤ 100 ms), and the indexes for the parts of every ask counted from the cases.
//!
//! - `figure_month_durations`: the times measured in a month, per station, counted by the
//!   time they are reported as (`stats::reported`, two significant figures);
//! - `figure_months`: the months whose durations are built, every day of them rolled up;
//! - a partial index of the cases in progress by county, station and deadlines, which the
//!   count of those overdue now reads alone (its condition written as
//!   `store::cases::rules::in_progress` writes it);
//! - an index on `respond_by`, for the response rate of the days not rolled up.
//!
//! The daily rows rolled up so far hold exact hundredths of an hour: the rollup is forgotten,
//! and the worker builds it again from the first case, days and months, in passes of a month
//! a minute; the figures count what it has not reached from the cases meanwhile.

use liaison_domain::stats::Measure;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE figure_month_durations (
        month DATE NOT NULL,
        station_id BIGINT NOT NULL,
        measure TEXT NOT NULL,
        hundredths BIGINT NOT NULL,
        n BIGINT NOT NULL,
        PRIMARY KEY (month, station_id, measure, hundredths)
    )",
    "CREATE TABLE figure_months (month DATE PRIMARY KEY)",
    "CREATE INDEX cases_county_overdue_idx ON cases \
     (county_id, station_id, resolve_by, respond_by, first_response_at) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled', 'reopened')",
    "CREATE INDEX cases_respond_by_idx ON cases (respond_by)",
    "DELETE FROM figure_restated_days",
    "DELETE FROM figure_rollup",
    "DELETE FROM figure_durations",
    "DELETE FROM figure_days",
];

const DOWN: &[&str] = &[
    "DROP INDEX cases_respond_by_idx",
    "DROP INDEX cases_county_overdue_idx",
    "DROP TABLE figure_months",
    "DROP TABLE figure_month_durations",
];

fn rules() -> [Rule; 1] {
    [Rule::of::<Measure>("figure_month_durations", "measure")]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await?;
        closed_sets::add(manager, &rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &rules()).await?;
        run(manager, DOWN).await
    }
}
