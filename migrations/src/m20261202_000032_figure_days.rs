//! The figures' daily rollup (issue 12: a county's year at a million cases in a blink): what
//! each closed day counted, per station, category and channel, kept by a leased worker
//! (`store::figure_days`), and the indexes that let the figures count the days not rolled up
//! (today, and days a step restated) from the cases themselves without reading every case.
//!
//! - `figure_days`: the counts of a day, one row per station, category and channel;
//! - `figure_durations`: the times measured on a day, counted by the hundredth of an hour;
//! - `figure_rollup`: how far the rollup reaches (every day before `rolled_until`);
//! - `figure_restated_days`: days before that whose figures a step changed since they were
//!   rolled up, each with a stamp that the step raises, so that the worker clears only a
//!   restatement it has seen.

use liaison_domain::case::Channel;
use liaison_domain::stats::Measure;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE figure_days (
        day DATE NOT NULL,
        station_id BIGINT NOT NULL,
        category_id BIGINT NOT NULL,
        channel TEXT NOT NULL,
        received BIGINT NOT NULL,
        accepted BIGINT NOT NULL,
        declined BIGINT NOT NULL,
        assigned BIGINT NOT NULL,
        resolved BIGINT NOT NULL,
        implemented BIGINT NOT NULL,
        explained BIGINT NOT NULL,
        planned BIGINT NOT NULL,
        not_feasible BIGINT NOT NULL,
        reopened BIGINT NOT NULL,
        satisfied BIGINT NOT NULL,
        basically_satisfied BIGINT NOT NULL,
        unsatisfied BIGINT NOT NULL,
        due_to_respond BIGINT NOT NULL,
        answered_in_time BIGINT NOT NULL,
        due_to_resolve BIGINT NOT NULL,
        resolved_of_due BIGINT NOT NULL,
        PRIMARY KEY (day, station_id, category_id, channel)
    )",
    "CREATE TABLE figure_durations (
        day DATE NOT NULL,
        station_id BIGINT NOT NULL,
        category_id BIGINT NOT NULL,
        channel TEXT NOT NULL,
        measure TEXT NOT NULL,
        hundredths BIGINT NOT NULL,
        n BIGINT NOT NULL,
        PRIMARY KEY (day, station_id, category_id, channel, measure, hundredths)
    )",
    "CREATE TABLE figure_rollup (id BIGINT PRIMARY KEY, rolled_until DATE NOT NULL)",
    "CREATE TABLE figure_restated_days (day DATE PRIMARY KEY, stamp BIGINT NOT NULL)",
    // What a day not rolled up is counted from: its cases raised, its steps, its answers,
    // its closings and its deadlines to resolve.
    "CREATE INDEX cases_created_idx ON cases (created_at)",
    "CREATE INDEX case_events_created_idx ON case_events (created_at)",
    "CREATE INDEX cases_first_response_idx ON cases (first_response_at) \
     WHERE first_response_at IS NOT NULL",
    "CREATE INDEX cases_closed_idx ON cases (closed_at) WHERE closed_at IS NOT NULL",
    "CREATE INDEX cases_resolve_by_idx ON cases (resolve_by)",
];

const DOWN: &[&str] = &[
    "DROP INDEX cases_resolve_by_idx",
    "DROP INDEX cases_closed_idx",
    "DROP INDEX cases_first_response_idx",
    "DROP INDEX case_events_created_idx",
    "DROP INDEX cases_created_idx",
    "DROP TABLE figure_restated_days",
    "DROP TABLE figure_rollup",
    "DROP TABLE figure_durations",
    "DROP TABLE figure_days",
];

fn rules() -> [Rule; 3] {
    [
        Rule::of::<Channel>("figure_days", "channel"),
        Rule::of::<Channel>("figure_durations", "channel"),
        Rule::of::<Measure>("figure_durations", "measure"),
    ]
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
