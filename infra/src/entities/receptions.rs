//! The `receptions` table.

use liaison_domain::reception::ReceptionKind;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "receptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub station_id: i64,
    pub county_id: i64,
    pub kind: Word<ReceptionKind>,
    pub held_at: DateTimeUtc,
    pub visitors: i64,
    /// A JSON list of `{name, body}`.
    pub officials: String,
    /// The account that recorded it.
    pub recorded_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
