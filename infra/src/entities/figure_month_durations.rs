//! The `figure_month_durations` table: the times measured in a month whose every day is rolled
//! up, per station, counted by the time they are reported as (`stats::reported`).

use liaison_domain::stats::Measure;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "figure_month_durations")]
pub struct Model {
    /// The month's first day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub station_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure: Word<Measure>,
    #[sea_orm(primary_key, auto_increment = false)]
    pub hundredths: i64,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
