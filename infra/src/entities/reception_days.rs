//! The `reception_days` table: a station's schedule, one date or one weekly rule a row.

use liaison_domain::reception_day::Weekday;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reception_days")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub station_id: i64,
    pub date: Option<Date>,
    pub weekday: Option<Word<Weekday>>,
    pub starts: Time,
    pub ends: Time,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
