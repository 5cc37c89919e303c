//! The `figure_days` table: what a closed day counted, per station, category and channel.

use liaison_domain::case::Channel;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "figure_days")]
pub struct Model {
    /// The day on the county's clock.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub station_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub channel: Word<Channel>,
    pub received: i64,
    pub accepted: i64,
    pub declined: i64,
    pub assigned: i64,
    pub resolved: i64,
    pub implemented: i64,
    pub explained: i64,
    pub planned: i64,
    pub not_feasible: i64,
    pub reopened: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
    pub due_to_respond: i64,
    pub answered_in_time: i64,
    pub due_to_resolve: i64,
    pub resolved_of_due: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
