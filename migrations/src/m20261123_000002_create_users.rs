//! Accounts (residents by openid, staff by phone), station admins' stations, refresh tokens.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, index, optional_reference, optional_text, optional_timestamp, reference, text,
    timestamp, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Role,
    Name,
    Openid,
    Phone,
    PasswordHash,
    CountyId,
    DepartmentId,
    DeputyId,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum UserStations {
    Table,
    UserId,
    StationId,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    Family,
    TokenHash,
    ExpiresAt,
    CreatedAt,
    RotatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Stations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(text(Users::Role))
                    .col(text(Users::Name))
                    .col(optional_text(Users::Openid))
                    .col(optional_text(Users::Phone))
                    .col(optional_text(Users::PasswordHash))
                    .col(optional_reference(Users::CountyId))
                    .col(optional_reference(Users::DepartmentId))
                    .col(optional_reference(Users::DeputyId))
                    .col(timestamp(Users::CreatedAt))
                    .col(optional_timestamp(Users::LastLoginAt))
                    .foreign_key(&mut foreign_key(
                        (Users::Table, Users::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Users::Table, Users::DepartmentId),
                        (Departments::Table, Departments::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Users::Table, Users::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "users_openid_key",
                Users::Table,
                [Users::Openid],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "users_phone_key",
                Users::Table,
                [Users::Phone],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "users_deputy_key",
                Users::Table,
                [Users::DeputyId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserStations::Table)
                    .col(reference(UserStations::UserId))
                    .col(reference(UserStations::StationId))
                    .primary_key(
                        Index::create()
                            .col(UserStations::UserId)
                            .col(UserStations::StationId),
                    )
                    .foreign_key(&mut foreign_key(
                        (UserStations::Table, UserStations::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (UserStations::Table, UserStations::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(id(RefreshTokens::Id))
                    .col(reference(RefreshTokens::UserId))
                    .col(text(RefreshTokens::Family))
                    .col(text(RefreshTokens::TokenHash))
                    .col(timestamp(RefreshTokens::ExpiresAt))
                    .col(timestamp(RefreshTokens::CreatedAt))
                    .col(optional_timestamp(RefreshTokens::RotatedAt))
                    .col(optional_timestamp(RefreshTokens::RevokedAt))
                    .foreign_key(&mut foreign_key(
                        (RefreshTokens::Table, RefreshTokens::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "refresh_tokens_hash_key",
                RefreshTokens::Table,
                [RefreshTokens::TokenHash],
            ))
            .await?;
        manager
            .create_index(index(
                "refresh_tokens_family_idx",
                RefreshTokens::Table,
                [RefreshTokens::Family],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RefreshTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(UserStations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
