//! Keeping accounts (issue 11, part 5): an account can be disabled, and must change a password
//! an admin reset; every change of an account or of a deputy's status is on the audit list,
//! with the stations it touched so that station admins read the entries of their stations.
//! The case timeline learns `released` (a deputy's open case back to the station queue).

use liaison_domain::audit::{AuditAction, AuditTarget};
use liaison_domain::case::EventKind;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::{
    foreign_key, id, index, optional_reference, optional_timestamp, reference, text, timestamp,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    DisabledAt,
    PasswordChangeRequired,
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Id,
    CountyId,
    ActorId,
    Action,
    TargetKind,
    TargetId,
    Summary,
    At,
}

#[derive(DeriveIden)]
enum AuditEntryStations {
    Table,
    EntryId,
    StationId,
}

/// Counties are the regions at the top of the tree.
#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

const BY_COUNTY: &str = "audit_entries_county_idx";
const BY_STATION: &str = "audit_entry_stations_station_idx";

fn event_rules() -> Vec<Rule> {
    vec![
        Rule::of::<EventKind>("case_events", "kind"),
        Rule::of::<EventKind>("notifications", "kind"),
        Rule::of::<EventKind>("deliveries", "event"),
    ]
}

fn audit_rules() -> Vec<Rule> {
    vec![
        Rule::of::<AuditAction>("audit_entries", "action"),
        Rule::of::<AuditTarget>("audit_entries", "target_kind"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(optional_timestamp(Users::DisabledAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::PasswordChangeRequired)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEntries::Table)
                    .col(id(AuditEntries::Id))
                    .col(reference(AuditEntries::CountyId))
                    .col(optional_reference(AuditEntries::ActorId))
                    .col(text(AuditEntries::Action))
                    .col(text(AuditEntries::TargetKind))
                    .col(reference(AuditEntries::TargetId))
                    .col(text(AuditEntries::Summary))
                    .col(timestamp(AuditEntries::At))
                    .foreign_key(&mut foreign_key(
                        (AuditEntries::Table, AuditEntries::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (AuditEntries::Table, AuditEntries::ActorId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEntryStations::Table)
                    .col(reference(AuditEntryStations::EntryId))
                    .col(reference(AuditEntryStations::StationId))
                    .primary_key(
                        Index::create()
                            .col(AuditEntryStations::EntryId)
                            .col(AuditEntryStations::StationId),
                    )
                    .foreign_key(&mut foreign_key(
                        (AuditEntryStations::Table, AuditEntryStations::EntryId),
                        (AuditEntries::Table, AuditEntries::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Newest first, per county; and the entries of a station.
        manager
            .create_index(index(
                BY_COUNTY,
                AuditEntries::Table,
                [AuditEntries::CountyId, AuditEntries::Id],
            ))
            .await?;
        manager
            .create_index(index(
                BY_STATION,
                AuditEntryStations::Table,
                [AuditEntryStations::StationId, AuditEntryStations::EntryId],
            ))
            .await?;
        closed_sets::add(manager, &audit_rules()).await?;
        closed_sets::renew(manager, &event_rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::renew(manager, &event_rules()).await?;
        manager
            .drop_table(Table::drop().table(AuditEntryStations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditEntries::Table).to_owned())
            .await?;
        for column in [Users::PasswordChangeRequired, Users::DisabledAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
