//! When an account last changed what it covers, so that every node can tell an access token
//! signed before the change and read the account afresh; and an index for the sweep that
//! finds sessions ended lately.

use sea_orm_migration::prelude::*;

use crate::columns::{index, optional_timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    ChangedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    RevokedAt,
}

const USERS_CHANGED: &str = "users_changed_at_idx";
const TOKENS_REVOKED: &str = "refresh_tokens_revoked_at_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(optional_timestamp(Users::ChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(USERS_CHANGED, Users::Table, [Users::ChangedAt]))
            .await?;
        manager
            .create_index(index(
                TOKENS_REVOKED,
                RefreshTokens::Table,
                [RefreshTokens::RevokedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(TOKENS_REVOKED)
                    .table(RefreshTokens::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(USERS_CHANGED)
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ChangedAt)
                    .to_owned(),
            )
            .await
    }
}
