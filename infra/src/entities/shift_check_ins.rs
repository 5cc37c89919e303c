//! The `shift_check_ins` table: one deputy's check-in on one duty shift.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shift_check_ins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shift_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deputy_id: i64,
    pub checked_in_at: DateTimeUtc,
    pub checked_out_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
