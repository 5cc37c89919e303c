//! Duty shifts: which deputy sits at which station, when.

use sea_orm_migration::prelude::*;

use crate::columns::{foreign_key, id, index, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DutyShifts {
    Table,
    Id,
    StationId,
    DeputyId,
    StartsAt,
    EndsAt,
}

#[derive(DeriveIden)]
enum Stations {
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
                    .table(DutyShifts::Table)
                    .col(id(DutyShifts::Id))
                    .col(reference(DutyShifts::StationId))
                    .col(reference(DutyShifts::DeputyId))
                    .col(timestamp(DutyShifts::StartsAt))
                    .col(timestamp(DutyShifts::EndsAt))
                    .foreign_key(&mut foreign_key(
                        (DutyShifts::Table, DutyShifts::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (DutyShifts::Table, DutyShifts::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "duty_shifts_station_starts_idx",
                DutyShifts::Table,
                [DutyShifts::StationId, DutyShifts::StartsAt],
            ))
            .await?;
        manager
            .create_index(index(
                "duty_shifts_deputy_starts_idx",
                DutyShifts::Table,
                [DutyShifts::DeputyId, DutyShifts::StartsAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DutyShifts::Table).to_owned())
            .await
    }
}
