//! The `duty_shifts` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "duty_shifts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub station_id: i64,
    pub deputy_id: i64,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
