//! What the deadline watcher has done, so that it acts once per deadline, and the leases that
//! let exactly one node run a singleton job at a time.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, optional_timestamp, reference, text, timestamp, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeadlineMarks {
    Table,
    Id,
    CaseId,
    /// `respond_by` or `resolve_by`.
    Deadline,
    /// The deadline's value when it passed: a new deadline is a new mark.
    DueAt,
    OverdueAt,
    EscalatedAt,
}

#[derive(DeriveIden)]
enum Leases {
    Table,
    Name,
    Holder,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeadlineMarks::Table)
                    .col(id(DeadlineMarks::Id))
                    .col(reference(DeadlineMarks::CaseId))
                    .col(text(DeadlineMarks::Deadline))
                    .col(timestamp(DeadlineMarks::DueAt))
                    .col(timestamp(DeadlineMarks::OverdueAt))
                    .col(optional_timestamp(DeadlineMarks::EscalatedAt))
                    .foreign_key(&mut foreign_key(
                        (DeadlineMarks::Table, DeadlineMarks::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Two watchers racing on one deadline: the second insert fails instead of a second event.
        manager
            .create_index(unique_index(
                "deadline_marks_once_key",
                DeadlineMarks::Table,
                [
                    DeadlineMarks::CaseId,
                    DeadlineMarks::Deadline,
                    DeadlineMarks::DueAt,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Leases::Table)
                    .col(text(Leases::Name).primary_key())
                    .col(text(Leases::Holder))
                    .col(timestamp(Leases::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Leases::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DeadlineMarks::Table).to_owned())
            .await
    }
}
