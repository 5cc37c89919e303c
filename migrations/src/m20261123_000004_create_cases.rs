//! Cases (诉求), their timeline, the daily counters behind case numbers, and idempotency keys.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, index, optional_reference, optional_text, optional_timestamp, reference, text,
    timestamp, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Number,
    StationId,
    CountyId,
    CategoryId,
    ResidentId,
    AssigneeId,
    DepartmentId,
    Title,
    Content,
    Location,
    Anonymous,
    ContactPhone,
    Status,
    Flagged,
    ReopenCount,
    Escalated,
    RespondBy,
    ResolveBy,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
    Rating,
    RatingComment,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    Kind,
    ActorId,
    ActorRole,
    ActorName,
    Text,
    Internal,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseCounters {
    Table,
    Prefix,
    Day,
    Seq,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    UserId,
    Key,
    RequestHash,
    CaseId,
    Response,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Stations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(id(Cases::Id))
                    .col(text(Cases::Number))
                    .col(reference(Cases::StationId))
                    .col(reference(Cases::CountyId))
                    .col(reference(Cases::CategoryId))
                    .col(reference(Cases::ResidentId))
                    .col(optional_reference(Cases::AssigneeId))
                    .col(optional_reference(Cases::DepartmentId))
                    .col(text(Cases::Title))
                    .col(ColumnDef::new(Cases::Content).text().not_null())
                    .col(optional_text(Cases::Location))
                    .col(
                        ColumnDef::new(Cases::Anonymous)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    // AES-GCM ciphertext (nonce and tag included), base64: never the number.
                    .col(optional_text(Cases::ContactPhone))
                    .col(text(Cases::Status))
                    .col(
                        ColumnDef::new(Cases::Flagged)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Cases::ReopenCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Cases::Escalated)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(timestamp(Cases::RespondBy))
                    .col(timestamp(Cases::ResolveBy))
                    .col(optional_timestamp(Cases::FirstResponseAt))
                    .col(optional_timestamp(Cases::ResolvedAt))
                    .col(optional_timestamp(Cases::ClosedAt))
                    .col(optional_text(Cases::Rating))
                    .col(optional_text(Cases::RatingComment))
                    // Bumped by every change: a write that read an older version loses (409).
                    .col(
                        ColumnDef::new(Cases::Version)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(timestamp(Cases::CreatedAt))
                    .col(timestamp(Cases::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (Cases::Table, Cases::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Cases::Table, Cases::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Cases::Table, Cases::CategoryId),
                        (Categories::Table, Categories::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Cases::Table, Cases::ResidentId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Cases::Table, Cases::AssigneeId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Cases::Table, Cases::DepartmentId),
                        (Departments::Table, Departments::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "cases_number_key",
                Cases::Table,
                [Cases::Number],
            ))
            .await?;
        manager
            .create_index(index(
                "cases_station_idx",
                Cases::Table,
                [Cases::StationId, Cases::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "cases_county_idx",
                Cases::Table,
                [Cases::CountyId, Cases::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "cases_resident_idx",
                Cases::Table,
                [Cases::ResidentId, Cases::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "cases_department_idx",
                Cases::Table,
                [Cases::DepartmentId, Cases::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "cases_assignee_idx",
                Cases::Table,
                [Cases::AssigneeId, Cases::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "cases_status_resolve_by_idx",
                Cases::Table,
                [Cases::Status, Cases::ResolveBy],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseEvents::Table)
                    .col(id(CaseEvents::Id))
                    .col(reference(CaseEvents::CaseId))
                    .col(text(CaseEvents::Kind))
                    // NULL for what the system did by itself (closing an unrated case).
                    .col(optional_reference(CaseEvents::ActorId))
                    .col(text(CaseEvents::ActorRole))
                    .col(text(CaseEvents::ActorName))
                    .col(ColumnDef::new(CaseEvents::Text).text().null())
                    .col(
                        ColumnDef::new(CaseEvents::Internal)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(timestamp(CaseEvents::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        (CaseEvents::Table, CaseEvents::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "case_events_case_idx",
                CaseEvents::Table,
                [CaseEvents::CaseId, CaseEvents::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseCounters::Table)
                    .col(text(CaseCounters::Prefix))
                    .col(text(CaseCounters::Day))
                    .col(ColumnDef::new(CaseCounters::Seq).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(CaseCounters::Prefix)
                            .col(CaseCounters::Day),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(reference(IdempotencyKeys::UserId))
                    .col(text(IdempotencyKeys::Key))
                    .col(text(IdempotencyKeys::RequestHash))
                    .col(reference(IdempotencyKeys::CaseId))
                    // The first answer, replayed as it was to a retry with the same key.
                    .col(ColumnDef::new(IdempotencyKeys::Response).text().not_null())
                    .col(timestamp(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::UserId)
                            .col(IdempotencyKeys::Key),
                    )
                    .foreign_key(&mut foreign_key(
                        (IdempotencyKeys::Table, IdempotencyKeys::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseCounters::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Cases::Table).to_owned())
            .await
    }
}
