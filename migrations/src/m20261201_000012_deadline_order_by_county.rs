//! The deadline order per county (issue 8, second round of measurements at a million cases).
//!
//! `m20261201_000001_case_search` ordered the broad queues by `(resolve_by, id)` alone. The
//! SQLite the server bundles (3.46) does not read that index for a county's queue: it sorts
//! the county's every case instead (0.7 s at a million). With the county leading the index
//! both backends read a page in order, for county admins and, since the queue also names
//! their county, for a deputy's several stations on PostgreSQL. The partial indexes over the
//! cases in progress are per county for the same reason, and `overdue=true` newest first gets
//! its own: in deadline order it had to sort every case in progress.
//!
//! The partial indexes' statuses are written exactly as the queue's overdue condition writes
//! them (`api/src/cases/queue.rs`), or no planner will use them.

use sea_orm_migration::prelude::*;

use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "DROP INDEX cases_in_progress_deadline_idx",
    "DROP INDEX cases_deadline_idx",
    "CREATE INDEX cases_county_deadline_idx ON cases (county_id, resolve_by, id)",
    "CREATE INDEX cases_county_in_progress_deadline_idx ON cases (county_id, resolve_by, id) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled')",
    "CREATE INDEX cases_county_in_progress_idx ON cases (county_id, id) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled')",
];

const DOWN: &[&str] = &[
    "DROP INDEX cases_county_in_progress_idx",
    "DROP INDEX cases_county_in_progress_deadline_idx",
    "DROP INDEX cases_county_deadline_idx",
    "CREATE INDEX cases_deadline_idx ON cases (resolve_by, id)",
    "CREATE INDEX cases_in_progress_deadline_idx ON cases (resolve_by, id) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled')",
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
