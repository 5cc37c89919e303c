//! The `reception_deputies` table: the deputies present at a reception.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reception_deputies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub reception_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deputy_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
