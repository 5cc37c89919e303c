//! The public board (公示): a resident may agree, when raising a case, that its result be
//! published on the station's board (`cases.publishable`, no by default). The board reads a
//! station's cases by when they were resolved, the newest published first.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    StationId,
    ResolvedAt,
    Publishable,
}

const RESOLVED_INDEX: &str = "cases_station_resolved_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(
                        ColumnDef::new(Cases::Publishable)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                RESOLVED_INDEX,
                Cases::Table,
                [Cases::StationId, Cases::ResolvedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(RESOLVED_INDEX)
                    .table(Cases::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::Publishable)
                    .to_owned(),
            )
            .await
    }
}
