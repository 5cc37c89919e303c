//! Scoring schemes (计分办法): a county's weights and star thresholds for a year, versioned.
//! A new version is a new row; the newest of a county's year is in force and the older ones
//! stay to be read. Weights and thresholds are JSON texts the domain checks and types.

use sea_orm_migration::prelude::*;

use crate::columns::{foreign_key, id, reference, text, timestamp, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScoringSchemes {
    Table,
    Id,
    CountyId,
    Year,
    Version,
    Weights,
    Thresholds,
    PublishedAt,
    PublishedBy,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

const VERSION_INDEX: &str = "scoring_schemes_version_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScoringSchemes::Table)
                    .col(id(ScoringSchemes::Id))
                    .col(reference(ScoringSchemes::CountyId))
                    .col(ColumnDef::new(ScoringSchemes::Year).integer().not_null())
                    .col(ColumnDef::new(ScoringSchemes::Version).integer().not_null())
                    .col(text(ScoringSchemes::Weights))
                    .col(text(ScoringSchemes::Thresholds))
                    .col(timestamp(ScoringSchemes::PublishedAt))
                    .col(reference(ScoringSchemes::PublishedBy))
                    .foreign_key(&mut foreign_key(
                        (ScoringSchemes::Table, ScoringSchemes::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (ScoringSchemes::Table, ScoringSchemes::PublishedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Two publishers racing for the same version: one wins, the other retries.
        manager
            .create_index(unique_index(
                VERSION_INDEX,
                ScoringSchemes::Table,
                [
                    ScoringSchemes::CountyId,
                    ScoringSchemes::Year,
                    ScoringSchemes::Version,
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScoringSchemes::Table).to_owned())
            .await
    }
}
