//! The `cases` table.

use liaison_domain::case::{CaseStatus, Channel, Outcome, Rating};
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
    /// The resident who raised it. A case staff recorded for a visitor holds the staff
    /// member who recorded it until the visitor claims it (`claimed_at`).
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
    /// The reception (接待活动) it was raised in, for a case raised at a sitting.
    pub reception_id: Option<i64>,
    /// What the last resolution amounts to, with its date (`planned`) or reason (`not_feasible`).
    pub outcome: Option<Word<Outcome>>,
    pub planned_on: Option<Date>,
    pub outcome_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub channel: Word<Channel>,
    /// Encrypted name of the visitor a staff member recorded the case for, if they gave it.
    pub visitor_name: Option<String>,
    /// When the visitor claimed the case from its receipt and became its resident.
    pub claimed_at: Option<DateTimeUtc>,
    /// The resident agreed that its result be published on the station's board (公示).
    pub publishable: bool,
}

impl Model {
    /// Staff recorded it for a visitor who has not claimed it: nobody follows it in the
    /// mini-program.
    pub fn for_visitor(&self) -> bool {
        liaison_domain::case::channel::for_visitor(*self.channel, self.claimed_at.is_some())
    }
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
