//! A deputy's status (issue 11, part 6a): `active`, `suspended` or `terminated`, since when and
//! why, with the term and the constituency the deputy was elected for. Deputies stored before
//! are active.

use liaison_domain::deputy::DeputyStatus;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::optional_text;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Status,
    StatusReason,
    StatusSince,
    Term,
    Constituency,
}

fn rules() -> Vec<Rule> {
    vec![Rule::of::<DeputyStatus>("deputies", "status")]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(Deputies::Status)
                .string()
                .not_null()
                .default(DeputyStatus::Active.as_str())
                .to_owned(),
            optional_text(Deputies::StatusReason),
            ColumnDef::new(Deputies::StatusSince)
                .date()
                .null()
                .to_owned(),
            optional_text(Deputies::Term),
            optional_text(Deputies::Constituency),
        ];
        // One column per statement: SQLite alters a table one column at a time.
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Deputies::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        closed_sets::add(manager, &rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &rules()).await?;
        for column in [
            Deputies::Constituency,
            Deputies::Term,
            Deputies::StatusSince,
            Deputies::StatusReason,
            Deputies::Status,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Deputies::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
