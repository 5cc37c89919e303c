//! Receptions (接待活动) at stations with the deputies present, the cases raised in them, and
//! each station's scheduled reception days.

use liaison_domain::reception::ReceptionKind;
use liaison_domain::reception_day::Weekday;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::{foreign_key, id, index, optional_reference, reference, text, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Receptions {
    Table,
    Id,
    StationId,
    CountyId,
    Kind,
    HeldAt,
    Visitors,
    Officials,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReceptionDeputies {
    Table,
    ReceptionId,
    DeputyId,
}

#[derive(DeriveIden)]
enum ReceptionDays {
    Table,
    Id,
    StationId,
    Date,
    Weekday,
    Starts,
    Ends,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    ReceptionId,
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

const CASES_RECEPTION: &str = "cases_reception_idx";

fn rules() -> [Rule; 2] {
    [
        Rule::of::<ReceptionKind>("receptions", "kind"),
        Rule::optional::<Weekday>("reception_days", "weekday"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Receptions::Table)
                    .col(id(Receptions::Id))
                    .col(reference(Receptions::StationId))
                    .col(reference(Receptions::CountyId))
                    .col(text(Receptions::Kind))
                    .col(timestamp(Receptions::HeldAt))
                    .col(
                        ColumnDef::new(Receptions::Visitors)
                            .big_integer()
                            .not_null(),
                    )
                    // A JSON list of {name, body}: read and written whole with the reception.
                    .col(text(Receptions::Officials))
                    .col(reference(Receptions::RecordedBy))
                    .col(timestamp(Receptions::CreatedAt))
                    .col(timestamp(Receptions::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (Receptions::Table, Receptions::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "receptions_station_held_idx",
                Receptions::Table,
                [Receptions::StationId, Receptions::HeldAt],
            ))
            .await?;
        manager
            .create_index(index(
                "receptions_county_held_idx",
                Receptions::Table,
                [Receptions::CountyId, Receptions::HeldAt],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReceptionDeputies::Table)
                    .col(reference(ReceptionDeputies::ReceptionId))
                    .col(reference(ReceptionDeputies::DeputyId))
                    .primary_key(
                        Index::create()
                            .col(ReceptionDeputies::ReceptionId)
                            .col(ReceptionDeputies::DeputyId),
                    )
                    .foreign_key(&mut foreign_key(
                        (ReceptionDeputies::Table, ReceptionDeputies::ReceptionId),
                        (Receptions::Table, Receptions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (ReceptionDeputies::Table, ReceptionDeputies::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "reception_deputies_deputy_idx",
                ReceptionDeputies::Table,
                [ReceptionDeputies::DeputyId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReceptionDays::Table)
                    .col(id(ReceptionDays::Id))
                    .col(reference(ReceptionDays::StationId))
                    // One date, or a weekday for a weekly rule: exactly one is set.
                    .col(ColumnDef::new(ReceptionDays::Date).date().null())
                    .col(ColumnDef::new(ReceptionDays::Weekday).string().null())
                    .col(ColumnDef::new(ReceptionDays::Starts).time().not_null())
                    .col(ColumnDef::new(ReceptionDays::Ends).time().not_null())
                    .foreign_key(&mut foreign_key(
                        (ReceptionDays::Table, ReceptionDays::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "reception_days_station_idx",
                ReceptionDays::Table,
                [ReceptionDays::StationId],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(optional_reference(Cases::ReceptionId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(CASES_RECEPTION, Cases::Table, [Cases::ReceptionId]))
            .await?;
        closed_sets::add(manager, &rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &rules()).await?;
        manager
            .drop_index(
                Index::drop()
                    .name(CASES_RECEPTION)
                    .table(Cases::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::ReceptionId)
                    .to_owned(),
            )
            .await?;
        for table in [
            ReceptionDays::Table.into_iden(),
            ReceptionDeputies::Table.into_iden(),
            Receptions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
