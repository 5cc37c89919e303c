//! Writing and reading the inbox. Writes happen in the transaction that changes the case, so a
//! step and the news of it are stored together or not at all.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::case::audience::{self, Audience, Situation};
use liaison_domain::case::EventKind;
use liaison_domain::region::ReassignBy;
use liaison_infra::entities::cases;
use liaison_infra::store::notifications::{self, NewNotification};
use liaison_infra::store::reference::Reference;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    /// The case event it tells of: `submitted`, `accepted`, `replied`, ...
    #[schema(schema_with = crate::words::event_kind)]
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
        EventKind::Claimed => "来访群众已认领",
        EventKind::Released => "已退回联络站",
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
    // Only a reopen asks who keeps the re-assignment queue; the county is in the cache.
    let township_reassigns = match events.contains(&EventKind::Reopened) {
        true => reference.reassign_by(db, case.county_id).await? == ReassignBy::Township,
        false => false,
    };
    let situation = Situation {
        unassigned: case.assignee_id.is_none(),
        flagged: case.flagged,
        resident_follows: !case.for_visitor(),
        township_reassigns,
    };
    let mut entries = Vec::new();
    for kind in events {
        let mut people = BTreeSet::new();
        for who in audience::of(*kind, situation) {
            people.extend(members(db, reference, case, who).await?);
        }
        if let Some(actor) = actor_user_id {
            people.remove(&actor);
        }
        entries.extend(people.into_iter().map(|user_id| NewNotification {
            user_id,
            case_id: case.id,
            kind: *kind,
            title: format!("{} {}", case.number, headline(*kind)),
            body: case.title.clone(),
        }));
    }
    Ok(notifications::insert(db, entries, now).await?)
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
        Audience::StationAdmins | Audience::TownshipAdmins => Some(case.station_id),
        Audience::Handlers => case.department_id,
        Audience::CountyAdmins => Some(case.county_id),
    };
    match key {
        Some(key) => Ok(reference.staff(db, audience, key).await?.to_vec()),
        None => Ok(Vec::new()),
    }
}

/// The actor's inbox, newest first, with the unread count of the whole inbox.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &InboxFilter,
    page: Page,
) -> AppResult<Inbox> {
    let unread_count = unread_count(db, actor).await?;
    let rows = notifications::list(db, actor.user_id, filter.unread, page).await?;
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

/// How many notifications in the actor's inbox are unread.
pub async fn unread_count(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<u64> {
    Ok(notifications::unread_count(db, actor.user_id).await?)
}

/// Marks one notification read; someone else's is not found.
pub async fn mark_read(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<()> {
    let found = notifications::find_of(db, actor.user_id, id)
        .await?
        .ok_or(AppError::NotFound("notification"))?;
    if found.read_at.is_none() {
        notifications::mark_read(db, found.id, Utc::now()).await?;
    }
    Ok(())
}

/// Marks the actor's whole inbox read; answers how many were unread.
pub async fn mark_all_read(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<u64> {
    Ok(notifications::mark_all_read(db, actor.user_id, Utc::now()).await?)
}
