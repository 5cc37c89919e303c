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
    let rows = events.iter().map(|event| case_events::ActiveModel {
        case_id: Set(case_id),
        kind: Set(Word(event.kind)),
        actor_id: Set(author.actor_id),
        actor_role: Set(author.role.to_owned()),
        actor_name: Set(author.name.to_owned()),
        text: Set(event.text.clone()),
        internal: Set(event.kind.is_internal()),
        created_at: Set(now),
        ..Default::default()
    });
    case_events::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
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
