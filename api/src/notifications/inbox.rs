//! Writing and reading the inbox. Writes happen in the transaction that changes the case, so a
//! step and the news of it are stored together or not at all.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::case::audience::{self, Audience, Situation};
use liaison_domain::case::EventKind;
use liaison_infra::entities::Word;
use liaison_infra::entities::{cases, notifications};
use liaison_infra::store::reference::Reference;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app_error::AppResult;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    /// The case event it tells of: `submitted`, `accepted`, `replied`, ...
    pub kind: String,
    #[schema(example = "XP-20261122-0007 已受理")]
    pub title: String,
    pub body: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    #[serde(flatten)]
    pub page: Paged<Notification>,
    /// Unread notifications in the whole inbox, not only this page.
    pub unread_count: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilter {
    /// `true`: unread only; `false`: read only; absent: all.
    pub unread: Option<bool>,
}

/// How each event reads in an inbox, after the case number.
pub fn headline(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Submitted => "新诉求",
        EventKind::Accepted => "已受理",
        EventKind::Declined => "不予受理",
        EventKind::Replied => "有新答复",
        EventKind::Assigned => "已交办",
        EventKind::Handled => "承办单位已反馈",
        EventKind::Urged => "被督办",
        EventKind::Reassigned => "已转交",
        EventKind::Noted => "有新备注",
        EventKind::Resolved => "已办结，请评价",
        EventKind::Rated => "群众已评价",
        EventKind::Reopened => "群众不满意，重新交办",
        // Too many unsatisfied rounds, or a deadline missed too long: the event's text says which.
        EventKind::Escalated => "已报县人大督办",
        EventKind::Closed => "已结案",
        EventKind::Overdue => "已超期",
    }
}

/// Tells the audiences of each event on `case` (as it stands after the step), leaving out the
/// person who acted.
pub async fn tell(
    db: &impl ConnectionTrait,
    reference: &Reference,
    case: &cases::Model,
    events: &[EventKind],
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let situation = Situation {
        unassigned: case.assignee_id.is_none(),
        flagged: case.flagged,
    };
    let mut rows = Vec::new();
    for kind in events {
        let mut people = BTreeSet::new();
        for who in audience::of(*kind, situation) {
            people.extend(members(db, reference, case, who).await?);
        }
        if let Some(actor) = actor_user_id {
            people.remove(&actor);
        }
        rows.extend(
            people
                .into_iter()
                .map(|user_id| notifications::ActiveModel {
                    user_id: Set(user_id),
                    case_id: Set(Some(case.id)),
                    kind: Set(Word(*kind)),
                    title: Set(format!("{} {}", case.number, headline(*kind))),
                    body: Set(case.title.clone()),
                    read_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                }),
        );
    }
    if !rows.is_empty() {
        notifications::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The users an audience of this case is made of.
async fn members(
    db: &impl ConnectionTrait,
    reference: &Reference,
    case: &cases::Model,
    audience: Audience,
) -> AppResult<Vec<i64>> {
    let key = match audience {
        Audience::Resident => return Ok(vec![case.resident_id]),
        Audience::Assignee => case.assignee_id,
        Audience::StationAdmins => Some(case.station_id),
        Audience::Handlers => case.department_id,
        Audience::CountyAdmins => Some(case.county_id),
    };
    match key {
        Some(key) => Ok(reference.staff(db, audience, key).await?.to_vec()),
        None => Ok(Vec::new()),
    }
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &InboxFilter,
    page: &PageQuery,
) -> ApiResult<Inbox> {
    let page = page.page()?;
    let mine =
        notifications::Entity::find().filter(notifications::Column::UserId.eq(actor.user_id));
    let unread_count = mine
        .clone()
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?;
    let mut query = mine.order_by_desc(notifications::Column::Id);
    match filter.unread {
        Some(true) => query = query.filter(notifications::Column::ReadAt.is_null()),
        Some(false) => query = query.filter(notifications::Column::ReadAt.is_not_null()),
        None => {}
    }
    // Newest first: the cursor is the last id seen, and older ones follow.
    if let Some(before) = page.after {
        query = query.filter(notifications::Column::Id.lt(before));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    let page = Paged::finish(
        page,
        rows,
        |n| n.id,
        |n| Notification {
            id: n.id,
            case_id: n.case_id,
            kind: n.kind.as_str().to_owned(),
            title: n.title,
            body: n.body,
            read: n.read_at.is_some(),
            created_at: n.created_at,
        },
    );
    Ok(Inbox { page, unread_count })
}

/// Marks one notification read; someone else's is not found.
pub async fn mark_read(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> ApiResult<()> {
    let found = notifications::Entity::find_by_id(id)
        .filter(notifications::Column::UserId.eq(actor.user_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("notification"))?;
    if found.read_at.is_none() {
        notifications::Entity::update_many()
            .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
            .filter(notifications::Column::Id.eq(found.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub async fn mark_all_read(db: &impl ConnectionTrait, actor: &Actor) -> ApiResult<u64> {
    let result = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(actor.user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
