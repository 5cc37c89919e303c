//! The `figure_durations` table: the times measured on a closed day, per station, category and
//! channel, counted by the time they are reported as (`stats::reported`).

use liaison_domain::case::Channel;
use liaison_domain::stats::Measure;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "figure_durations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub station_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub channel: Word<Channel>,
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure: Word<Measure>,
    #[sea_orm(primary_key, auto_increment = false)]
    pub hundredths: i64,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
