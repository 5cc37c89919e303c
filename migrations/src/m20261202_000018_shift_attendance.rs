//! Duty check-in on shifts (who checked in, when in and out) and deputy groups (代表小组),
//! which a shift may name to put every member on duty.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, index, optional_reference, optional_timestamp, reference, text, timestamp,
    unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DutyShifts {
    Table,
    GroupId,
    CheckedInAt,
    CheckedInBy,
    CheckedOutAt,
}

#[derive(DeriveIden)]
enum DeputyGroups {
    Table,
    Id,
    StationId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DeputyGroupMembers {
    Table,
    GroupId,
    DeputyId,
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

const SHIFTS_GROUP: &str = "duty_shifts_group_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            optional_reference(DutyShifts::GroupId),
            optional_timestamp(DutyShifts::CheckedInAt),
            optional_reference(DutyShifts::CheckedInBy),
            optional_timestamp(DutyShifts::CheckedOutAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DutyShifts::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(index(
                SHIFTS_GROUP,
                DutyShifts::Table,
                [DutyShifts::GroupId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeputyGroups::Table)
                    .col(id(DeputyGroups::Id))
                    .col(reference(DeputyGroups::StationId))
                    .col(text(DeputyGroups::Name))
                    .col(timestamp(DeputyGroups::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        (DeputyGroups::Table, DeputyGroups::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "deputy_groups_station_name_key",
                DeputyGroups::Table,
                [DeputyGroups::StationId, DeputyGroups::Name],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeputyGroupMembers::Table)
                    .col(reference(DeputyGroupMembers::GroupId))
                    .col(reference(DeputyGroupMembers::DeputyId))
                    .primary_key(
                        Index::create()
                            .col(DeputyGroupMembers::GroupId)
                            .col(DeputyGroupMembers::DeputyId),
                    )
                    .foreign_key(&mut foreign_key(
                        (DeputyGroupMembers::Table, DeputyGroupMembers::GroupId),
                        (DeputyGroups::Table, DeputyGroups::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (DeputyGroupMembers::Table, DeputyGroupMembers::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DeputyGroupMembers::Table.into_iden(),
            DeputyGroups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name(SHIFTS_GROUP)
                    .table(DutyShifts::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            DutyShifts::CheckedOutAt,
            DutyShifts::CheckedInBy,
            DutyShifts::CheckedInAt,
            DutyShifts::GroupId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DutyShifts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
