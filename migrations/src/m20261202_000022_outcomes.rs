//! The outcome of a resolution (issue 11, part 9): stored on the case, and on its `resolved`
//! event so that every round's outcome stays on the resident's timeline.

use liaison_domain::case::Outcome;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::optional_text;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outcomes {
    Outcome,
    PlannedOn,
    OutcomeReason,
}

const TABLES: [&str; 2] = ["cases", "case_events"];

fn rules() -> Vec<Rule> {
    TABLES
        .iter()
        .copied()
        .map(|table| Rule::optional::<Outcome>(table, "outcome"))
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            // One column per statement: SQLite adds no more at a time.
            for column in [
                optional_text(Outcomes::Outcome),
                ColumnDef::new(Outcomes::PlannedOn).date().null().to_owned(),
                optional_text(Outcomes::OutcomeReason),
            ] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Alias::new(table))
                            .add_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        closed_sets::add(manager, &rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &rules()).await?;
        for table in TABLES {
            for column in [
                Outcomes::Outcome,
                Outcomes::PlannedOn,
                Outcomes::OutcomeReason,
            ] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Alias::new(table))
                            .drop_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
