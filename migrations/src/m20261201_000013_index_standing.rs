//! The console's home figures (issue 10, measured at a million cases): how many cases in
//! progress, overdue, due soon and flagged an actor sees. A station admin's station holds a
//! quarter of the county's cases, nearly all closed: counting its cases in progress read every
//! one of them through the station's index (four counts, 450 ms on SQLite). The partial
//! indexes over the cases in progress per station and per department make each count read
//! only the cases in progress (county admins have theirs since
//! `m20261201_000012_deadline_order_by_county`); flagged cases, few, from partial indexes of
//! their own. Every index here is partial: one led by the station or the county over all
//! cases would compete with the queue's own indexes (a first try with `(county_id, flagged)`
//! made SQLite read a county's queue through it, 3.8 s a page).
//!
//! The conditions are written exactly as `store::cases::rules::{in_progress, flagged}` write
//! them, or no planner will use the partial indexes.

use sea_orm_migration::prelude::*;

use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE INDEX cases_station_in_progress_idx ON cases (station_id, id) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled')",
    "CREATE INDEX cases_department_in_progress_idx ON cases (department_id, id) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled')",
    "CREATE INDEX cases_station_flagged_idx ON cases (station_id) WHERE flagged",
    "CREATE INDEX cases_county_flagged_idx ON cases (county_id) WHERE flagged",
];

const DOWN: &[&str] = &[
    "DROP INDEX cases_county_flagged_idx",
    "DROP INDEX cases_station_flagged_idx",
    "DROP INDEX cases_department_in_progress_idx",
    "DROP INDEX cases_station_in_progress_idx",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
