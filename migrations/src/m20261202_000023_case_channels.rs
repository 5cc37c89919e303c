//! How a case reached us (`channel`, `mini_program` for every case so far), the visitor's name
//! a staff member recorded (sealed like the contact phone), and when a visitor claimed their
//! case from its receipt; `claimed` among the event kinds.

use liaison_domain::case::{Channel, EventKind};
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::optional_timestamp;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Channel,
    VisitorName,
    ClaimedAt,
}

fn channels() -> [Rule; 1] {
    [Rule::of::<Channel>("cases", "channel")]
}

fn event_kinds() -> [Rule; 3] {
    [
        Rule::of::<EventKind>("case_events", "kind"),
        Rule::of::<EventKind>("notifications", "kind"),
        Rule::of::<EventKind>("deliveries", "event"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            ColumnDef::new(Cases::Channel)
                .string()
                .not_null()
                .default(Channel::MiniProgram.as_str())
                .to_owned(),
            ColumnDef::new(Cases::VisitorName)
                .string()
                .null()
                .to_owned(),
            optional_timestamp(Cases::ClaimedAt),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        closed_sets::add(manager, &channels()).await?;
        closed_sets::renew(manager, &event_kinds()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &channels()).await?;
        for column in [Cases::ClaimedAt, Cases::VisitorName, Cases::Channel] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
