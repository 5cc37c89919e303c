//! Catalogue upkeep: a department can be deactivated like a category (kept for the cases it
//! has, offered for no new one), and a case keeps the days to resolution it was given, so that
//! a category's limits changed later apply to new cases only (a reopened case restarts its
//! clock with what it was given, not with what its category says today).

use sea_orm_migration::prelude::*;

use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Departments {
    Table,
    Active,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    ResolveWithinDays,
}

/// Every case so far was given what its category says now: nothing changed limits before.
/// (Every case has its category; the EXISTS only keeps a row without one, which the foreign
/// key forbids, from failing the NOT NULL.)
const BACKFILL: &[&str] = &["UPDATE cases SET resolve_within_days = \
     (SELECT categories.resolve_within_days FROM categories WHERE categories.id = cases.category_id) \
     WHERE EXISTS (SELECT 1 FROM categories WHERE categories.id = cases.category_id)"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Departments::Table)
                    .add_column(
                        ColumnDef::new(Departments::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(
                        ColumnDef::new(Cases::ResolveWithinDays)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        run(manager, BACKFILL).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::ResolveWithinDays)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Departments::Table)
                    .drop_column(Departments::Active)
                    .to_owned(),
            )
            .await
    }
}
