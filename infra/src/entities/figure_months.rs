//! The `figure_months` table: the months whose durations `figure_month_durations` holds.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "figure_months")]
pub struct Model {
    /// The month's first day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
