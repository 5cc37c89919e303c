//! The case timeline: every step's events, who took it and when.

use chrono::{DateTime, Utc};
use liaison_domain::case::machine::Event;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::{case_events, Word};

/// Who took a step, as the timeline names them.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    /// `None` when the system acted by itself.
    pub actor_id: Option<i64>,
    pub role: &'a str,
    pub name: &'a str,
}

/// Appends `events` of case `case_id`, in their order, in one statement.
pub async fn append(
    db: &impl ConnectionTrait,
    case_id: i64,
    author: Author<'_>,
    events: &[Event],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    let rows = events.iter().map(|event| row(case_id, author, event, now));
    case_events::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The row of one event of case `case_id`: the one spelling of an event as stored, for
/// the steps users take and for bulk seeding alike.
pub fn row(
    case_id: i64,
    author: Author<'_>,
    event: &Event,
    at: DateTime<Utc>,
) -> case_events::ActiveModel {
    let resolution = event.resolution.as_ref();
    case_events::ActiveModel {
        case_id: Set(case_id),
        kind: Set(Word(event.kind)),
        actor_id: Set(author.actor_id),
        actor_role: Set(author.role.to_owned()),
        actor_name: Set(author.name.to_owned()),
        text: Set(event.text.clone()),
        internal: Set(event.kind.is_internal()),
        round: Set(i32::try_from(event.round).unwrap_or(i32::MAX)),
        outcome: Set(resolution.map(|r| Word(r.outcome()))),
        planned_on: Set(resolution.and_then(|r| r.planned_on())),
        outcome_reason: Set(resolution.and_then(|r| r.reason()).map(str::to_owned)),
        department_id: Set(event.department.map(|d| d.department_id)),
        resolve_by: Set(event.department.and_then(|d| d.resolve_by)),
        created_at: Set(at),
        ..Default::default()
    }
}

/// The timeline of case `case_id`, oldest first; internal events only `with_internal`.
pub async fn timeline(
    db: &impl ConnectionTrait,
    case_id: i64,
    with_internal: bool,
) -> Result<Vec<case_events::Model>, DbErr> {
    let mut query = case_events::Entity::find()
        .filter(case_events::Column::CaseId.eq(case_id))
        .order_by_asc(case_events::Column::Id);
    if !with_internal {
        query = query.filter(case_events::Column::Internal.eq(false));
    }
    query.all(db).await
}
