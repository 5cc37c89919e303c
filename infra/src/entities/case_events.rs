//! The `case_events` table.

use liaison_domain::case::{EventKind, Outcome};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub kind: Word<EventKind>,
    /// `None` when the system acted by itself.
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub actor_name: String,
    pub text: Option<String>,
    /// Internal events are never shown to the resident.
    pub internal: bool,
    /// The round of work the event belongs to: 1, then one more after each unsatisfied rating.
    pub round: i32,
    /// On a `resolved` event: what the resolution amounts to.
    pub outcome: Option<Word<Outcome>>,
    pub planned_on: Option<Date>,
    pub outcome_reason: Option<String>,
    /// On `assigned` and `handled`: the department the step is about.
    pub department_id: Option<i64>,
    /// On `assigned`: the deadline the department was given.
    pub resolve_by: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
