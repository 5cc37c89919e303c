//! The organisation: regions, stations, deputies and where they sit, departments, categories.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, index, optional_reference, optional_text, reference, text, timestamp,
    unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Name,
    Level,
    ParentId,
    CountyId,
    Code,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Stations {
    Table,
    Id,
    CountyId,
    RegionId,
    Name,
    Kind,
    Address,
    OpeningHours,
    Latitude,
    Longitude,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
    CountyId,
    Name,
    Level,
    PhotoUrl,
    OfficeHours,
    PublicContact,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DeputyStations {
    Table,
    DeputyId,
    StationId,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
    CountyId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    CountyId,
    Name,
    DepartmentId,
    RespondWithinHours,
    ResolveWithinDays,
    Active,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(id(Regions::Id))
                    .col(text(Regions::Name))
                    .col(text(Regions::Level))
                    .col(optional_reference(Regions::ParentId))
                    // NULL for a county itself: its own id is its county.
                    .col(optional_reference(Regions::CountyId))
                    .col(optional_text(Regions::Code))
                    .col(timestamp(Regions::CreatedAt))
                    .col(timestamp(Regions::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (Regions::Table, Regions::ParentId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Regions::Table, Regions::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "regions_code_key",
                Regions::Table,
                [Regions::Code],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "regions_parent_name_key",
                Regions::Table,
                [Regions::ParentId, Regions::Name],
            ))
            .await?;
        manager
            .create_index(index(
                "regions_county_idx",
                Regions::Table,
                [Regions::CountyId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Stations::Table)
                    .col(id(Stations::Id))
                    .col(reference(Stations::CountyId))
                    .col(reference(Stations::RegionId))
                    .col(text(Stations::Name))
                    .col(text(Stations::Kind))
                    .col(text(Stations::Address))
                    .col(optional_text(Stations::OpeningHours))
                    .col(ColumnDef::new(Stations::Latitude).double().null())
                    .col(ColumnDef::new(Stations::Longitude).double().null())
                    .col(timestamp(Stations::CreatedAt))
                    .col(timestamp(Stations::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (Stations::Table, Stations::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Stations::Table, Stations::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "stations_county_idx",
                Stations::Table,
                [Stations::CountyId, Stations::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deputies::Table)
                    .col(id(Deputies::Id))
                    .col(reference(Deputies::CountyId))
                    .col(text(Deputies::Name))
                    .col(text(Deputies::Level))
                    .col(optional_text(Deputies::PhotoUrl))
                    .col(optional_text(Deputies::OfficeHours))
                    .col(optional_text(Deputies::PublicContact))
                    .col(timestamp(Deputies::CreatedAt))
                    .col(timestamp(Deputies::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (Deputies::Table, Deputies::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeputyStations::Table)
                    .col(reference(DeputyStations::DeputyId))
                    .col(reference(DeputyStations::StationId))
                    .primary_key(
                        Index::create()
                            .col(DeputyStations::DeputyId)
                            .col(DeputyStations::StationId),
                    )
                    .foreign_key(&mut foreign_key(
                        (DeputyStations::Table, DeputyStations::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (DeputyStations::Table, DeputyStations::StationId),
                        (Stations::Table, Stations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "deputy_stations_station_idx",
                DeputyStations::Table,
                [DeputyStations::StationId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Departments::Table)
                    .col(id(Departments::Id))
                    .col(reference(Departments::CountyId))
                    .col(text(Departments::Name))
                    .col(timestamp(Departments::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        (Departments::Table, Departments::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "departments_county_name_key",
                Departments::Table,
                [Departments::CountyId, Departments::Name],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(id(Categories::Id))
                    .col(reference(Categories::CountyId))
                    .col(text(Categories::Name))
                    .col(reference(Categories::DepartmentId))
                    .col(
                        ColumnDef::new(Categories::RespondWithinHours)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Categories::ResolveWithinDays)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Categories::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(timestamp(Categories::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        (Categories::Table, Categories::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Categories::Table, Categories::DepartmentId),
                        (Departments::Table, Departments::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "categories_county_name_key",
                Categories::Table,
                [Categories::CountyId, Categories::Name],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Categories::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Departments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DeputyStations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Deputies::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Stations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Regions::Table).to_owned())
            .await
    }
}
