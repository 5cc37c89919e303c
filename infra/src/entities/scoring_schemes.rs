//! The `scoring_schemes` table: a county's scoring scheme (计分办法) for a year, one row per
//! version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scoring_schemes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    pub year: i32,
    /// 1, 2, … per county and year; the highest is in force.
    pub version: i32,
    /// A JSON object, item word → weight (`liaison_domain::performance::Item`).
    pub weights: String,
    /// A JSON array of the five thresholds.
    pub thresholds: String,
    pub published_at: DateTimeUtc,
    pub published_by: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
