//! The in-app inbox: what each person was told about the cases that concern them.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, index, optional_reference, optional_timestamp, reference, text, timestamp,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    CaseId,
    Kind,
    Title,
    Body,
    ReadAt,
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
                    .table(Notifications::Table)
                    .col(id(Notifications::Id))
                    .col(reference(Notifications::UserId))
                    .col(optional_reference(Notifications::CaseId))
                    .col(text(Notifications::Kind))
                    .col(text(Notifications::Title))
                    .col(text(Notifications::Body))
                    .col(optional_timestamp(Notifications::ReadAt))
                    .col(timestamp(Notifications::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        (Notifications::Table, Notifications::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Notifications::Table, Notifications::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "notifications_user_idx",
                Notifications::Table,
                [Notifications::UserId, Notifications::Id],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}
