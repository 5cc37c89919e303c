//! Saved replies (常用回复): texts a county or one of its stations keeps for the reply form.
//! A county's have no station; a station's go with the station.

use sea_orm_migration::prelude::*;

use crate::columns::{foreign_key, id, index, optional_reference, reference, text, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReplyTemplates {
    Table,
    Id,
    CountyId,
    StationId,
    Title,
    Body,
    CreatedAt,
    UpdatedAt,
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

const COUNTY_INDEX: &str = "reply_templates_county_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReplyTemplates::Table)
                    .col(id(ReplyTemplates::Id))
                    .col(reference(ReplyTemplates::CountyId))
                    .col(optional_reference(ReplyTemplates::StationId))
                    .col(text(ReplyTemplates::Title))
                    .col(text(ReplyTemplates::Body))
                    .col(timestamp(ReplyTemplates::CreatedAt))
                    .col(timestamp(ReplyTemplates::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (ReplyTemplates::Table, ReplyTemplates::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (ReplyTemplates::Table, ReplyTemplates::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // A reader's list: the county's and its stations', by title.
        manager
            .create_index(index(
                COUNTY_INDEX,
                ReplyTemplates::Table,
                [ReplyTemplates::CountyId, ReplyTemplates::StationId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReplyTemplates::Table).to_owned())
            .await
    }
}
