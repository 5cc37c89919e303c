//! The `deputies` table.

use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deputies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    pub name: String,
    pub level: Word<DeputyLevel>,
    pub photo_url: Option<String>,
    pub office_hours: Option<String>,
    pub public_contact: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub status: Word<DeputyStatus>,
    pub status_reason: Option<String>,
    pub status_since: Option<Date>,
    /// The term of office, e.g. `第十八届`.
    pub term: Option<String>,
    /// The constituency (选区) the deputy was elected in.
    pub constituency: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
