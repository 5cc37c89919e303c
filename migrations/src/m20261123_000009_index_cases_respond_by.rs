//! An index for the deadline watcher, which looks for cases in progress past `respond_by`
//! every minute; `resolve_by` has had its index since the cases table was made.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Status,
    RespondBy,
}

const NAME: &str = "cases_status_respond_by_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(NAME, Cases::Table, [Cases::Status, Cases::RespondBy]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Cases::Table).to_owned())
            .await
    }
}
