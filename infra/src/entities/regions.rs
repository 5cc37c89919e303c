//! The `regions` table.

use liaison_domain::region::{ReassignBy, RegionLevel};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub level: Word<RegionLevel>,
    pub parent_id: Option<i64>,
    /// `None` for a county itself.
    pub county_id: Option<i64>,
    pub code: Option<String>,
    /// On a county: whose re-assignment queue its unsatisfied cases wait in.
    pub reassign_by: Word<ReassignBy>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
