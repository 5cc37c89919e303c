//! Re-assignment and the department appraisal (issue 11, part 8): an unsatisfied rating puts
//! the case in the re-assignment queue (status `reopened`), whose admins the county's
//! `reassign_by` names; every event carries the round of work it belongs to; deputies rate the
//! departments' handling in `department_ratings`, which holds no rater.
//!
//! `reopened` is in progress (`CaseStatus::is_in_progress`), so the status rule is renewed and
//! the partial indexes over the cases in progress are built again with it: the queue's
//! conditions name every status in progress (`store::cases::rules::in_progress`), and a planner
//! uses a partial index only for a condition that implies the index's.

use liaison_domain::case::{CaseStatus, Rating};
use liaison_domain::region::ReassignBy;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::{foreign_key, id, reference, text, timestamp, unique_index};
use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    ReassignBy,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    Round,
}

#[derive(DeriveIden)]
enum DepartmentRatings {
    Table,
    Id,
    CaseId,
    DepartmentId,
    Round,
    Rating,
    RatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

/// The statuses in progress as the queue's conditions write them, `reopened` now among them.
const IN_PROGRESS: &str = "('submitted', 'accepted', 'assigned', 'handled', 'reopened')";
const BEFORE: &str = "('submitted', 'accepted', 'assigned', 'handled')";

/// The partial indexes over the cases in progress (`m20261201_000012`, `m20261201_000013`).
const PARTIAL: [(&str, &str); 4] = [
    (
        "cases_county_in_progress_deadline_idx",
        "county_id, resolve_by, id",
    ),
    ("cases_county_in_progress_idx", "county_id, id"),
    ("cases_station_in_progress_idx", "station_id, id"),
    ("cases_department_in_progress_idx", "department_id, id"),
];

fn rebuild_partial(statuses: &str) -> Vec<String> {
    PARTIAL
        .iter()
        .flat_map(|(name, columns)| {
            [
                format!("DROP INDEX {name}"),
                format!("CREATE INDEX {name} ON cases ({columns}) WHERE status IN {statuses}"),
            ]
        })
        .collect()
}

fn status_rule() -> Vec<Rule> {
    vec![Rule::of::<CaseStatus>("cases", "status")]
}

fn new_rules() -> Vec<Rule> {
    vec![
        Rule::of::<ReassignBy>("regions", "reassign_by"),
        Rule::of::<Rating>("department_ratings", "rating"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::renew(manager, &status_rule()).await?;
        let statements = rebuild_partial(IN_PROGRESS);
        run(
            manager,
            &statements.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Regions::Table)
                    .add_column(
                        ColumnDef::new(Regions::ReassignBy)
                            .string()
                            .not_null()
                            .default(ReassignBy::County.as_str()),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CaseEvents::Table)
                    .add_column(
                        ColumnDef::new(CaseEvents::Round)
                            .integer()
                            .not_null()
                            .default(1),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DepartmentRatings::Table)
                    .col(id(DepartmentRatings::Id))
                    .col(reference(DepartmentRatings::CaseId))
                    .col(reference(DepartmentRatings::DepartmentId))
                    .col(
                        ColumnDef::new(DepartmentRatings::Round)
                            .integer()
                            .not_null(),
                    )
                    .col(text(DepartmentRatings::Rating))
                    .col(timestamp(DepartmentRatings::RatedAt))
                    .foreign_key(&mut foreign_key(
                        (DepartmentRatings::Table, DepartmentRatings::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (DepartmentRatings::Table, DepartmentRatings::DepartmentId),
                        (Departments::Table, Departments::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Once per case and round; the appraisal reads a department's ratings by time.
        manager
            .create_index(unique_index(
                "department_ratings_case_round_idx",
                DepartmentRatings::Table,
                [DepartmentRatings::CaseId, DepartmentRatings::Round],
            ))
            .await?;
        manager
            .create_index(crate::columns::index(
                "department_ratings_department_idx",
                DepartmentRatings::Table,
                [DepartmentRatings::DepartmentId, DepartmentRatings::RatedAt],
            ))
            .await?;
        closed_sets::add(manager, &new_rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &new_rules()).await?;
        manager
            .drop_table(Table::drop().table(DepartmentRatings::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CaseEvents::Table)
                    .drop_column(CaseEvents::Round)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Regions::Table)
                    .drop_column(Regions::ReassignBy)
                    .to_owned(),
            )
            .await?;
        let statements = rebuild_partial(BEFORE);
        run(
            manager,
            &statements.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .await?;
        // Going back, the cases waiting for re-assignment return to `accepted`, where an
        // unsatisfied rating led before; the status rule keeps today's words, which hold those.
        run(
            manager,
            &["UPDATE cases SET status = 'accepted' WHERE status = 'reopened'"],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_indexes_name_the_statuses_in_progress_as_the_queue_does() {
        let words: Vec<String> = CaseStatus::in_progress()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        assert_eq!(IN_PROGRESS, format!("({})", words.join(", ")));
    }
}
