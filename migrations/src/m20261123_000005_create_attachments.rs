//! Attachments: photos residents and staff upload, later tied to one case.

use sea_orm_migration::prelude::*;

use crate::columns::{foreign_key, id, index, optional_reference, reference, text, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    UploaderId,
    CaseId,
    ContentType,
    Size,
    StorageKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
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
                    .table(Attachments::Table)
                    .col(id(Attachments::Id))
                    .col(reference(Attachments::UploaderId))
                    // NULL until a case claims it; a case claims an attachment once.
                    .col(optional_reference(Attachments::CaseId))
                    .col(text(Attachments::ContentType))
                    .col(ColumnDef::new(Attachments::Size).big_integer().not_null())
                    // Where the bytes are under the data directory; never a user-given name.
                    .col(text(Attachments::StorageKey))
                    .col(timestamp(Attachments::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        (Attachments::Table, Attachments::UploaderId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Attachments::Table, Attachments::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "attachments_case_idx",
                Attachments::Table,
                [Attachments::CaseId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await
    }
}
