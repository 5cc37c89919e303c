//! The `department_ratings` table: deputies' ratings of departments' handling, one per case
//! and round. No column names the deputy: the appraisal is anonymous by construction.

use liaison_domain::case::Rating;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "department_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub department_id: i64,
    pub round: i32,
    pub rating: Word<Rating>,
    pub rated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
