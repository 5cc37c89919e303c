//! Steps of a department's work name the department: `assigned` and `handled` events get the
//! department they are about, and `assigned` the deadline it was given, so the department
//! appraisal counts each round with the department that had it, not the case's latest.

use sea_orm_migration::prelude::*;

use crate::columns::{index, optional_reference, optional_timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    DepartmentId,
    ResolveBy,
}

const BY_DEPARTMENT: &str = "case_events_department_idx";

/// Events written before this knew only the case's department and deadline as they stand: the
/// best the old rows tell. An older round's deadline is not known, so only the current round's
/// assignments get one.
const FILL_IN: &str = "UPDATE case_events SET \
     department_id = (SELECT c.department_id FROM cases c WHERE c.id = case_events.case_id), \
     resolve_by = CASE WHEN kind = 'assigned' THEN (SELECT c.resolve_by FROM cases c \
       WHERE c.id = case_events.case_id AND c.reopen_count + 1 = case_events.round) END \
     WHERE kind IN ('assigned', 'handled')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            optional_reference(CaseEvents::DepartmentId),
            optional_timestamp(CaseEvents::ResolveBy),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseEvents::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager.get_connection().execute_unprepared(FILL_IN).await?;
        manager
            .create_index(index(
                BY_DEPARTMENT,
                CaseEvents::Table,
                [CaseEvents::DepartmentId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(BY_DEPARTMENT)
                    .table(CaseEvents::Table)
                    .to_owned(),
            )
            .await?;
        for column in [CaseEvents::ResolveBy, CaseEvents::DepartmentId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseEvents::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
