//! The `register_entries` table: the five registers' manual entries.

use liaison_domain::case::Rating;
use liaison_domain::register::{ActivityKind, ProposalKind, RegisterKind};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "register_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub deputy_id: i64,
    /// The year of `date`.
    pub year: i32,
    pub kind: Word<RegisterKind>,
    pub date: Date,
    pub title: String,
    pub detail: Option<String>,
    pub activity_kind: Option<Word<ActivityKind>>,
    pub proposal_kind: Option<Word<ProposalKind>>,
    pub answer: Option<String>,
    pub answered_on: Option<Date>,
    pub satisfaction: Option<Word<Rating>>,
    pub attendees: Option<i32>,
    pub score: Option<i32>,
    /// The account that wrote it.
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The admin who verified it, and when; a verified entry no longer changes.
    pub verified_by: Option<i64>,
    pub verified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
