//! The `cases` table.

use liaison_domain::case::{CaseStatus, Rating};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `XP-20261122-0007`: county code, day, sequence of that day.
    pub number: String,
    pub station_id: i64,
    pub county_id: i64,
    pub category_id: i64,
    /// The resident who raised it.
    pub resident_id: i64,
    /// The deputy it is with; `None` while it waits in the station queue.
    pub assignee_id: Option<i64>,
    /// The department it is handed to.
    pub department_id: Option<i64>,
    pub title: String,
    pub content: String,
    pub location: Option<String>,
    /// `liaison_domain::search::index_terms` of the number and texts: what `q=` searches.
    pub search_terms: String,
    pub anonymous: bool,
    /// Encrypted contact phone (base64 of nonce and AES-GCM ciphertext).
    pub contact_phone: Option<String>,
    pub status: Word<CaseStatus>,
    /// Moderation asked for a human look.
    pub flagged: bool,
    pub reopen_count: i32,
    /// Sent to the county admins after too many unsatisfied rounds.
    pub escalated: bool,
    pub respond_by: DateTimeUtc,
    pub resolve_by: DateTimeUtc,
    /// The days to resolution its category gave it when raised: a reopened case restarts its
    /// clock with these, whatever the category says since.
    pub resolve_within_days: i32,
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub rating: Option<Word<Rating>>,
    pub rating_comment: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The resident who raised the case: read with it in one statement.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::ResidentId",
        to = "super::users::Column::Id"
    )]
    Resident,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Resident.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
