//! The inbox: what each user is told of the cases they follow, written with the step it tells
//! of, and read (or marked read) by its owner only.

use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};

use crate::entities::{notifications, Word};
use crate::store::Page;

use notifications::Column as C;

/// One entry of one user's inbox, about a step of a case.
pub struct NewNotification {
    pub user_id: i64,
    pub case_id: i64,
    pub kind: EventKind,
    pub title: String,
    pub body: String,
}

/// Writes `entries`, unread; one statement for them all.
pub async fn insert(
    db: &impl ConnectionTrait,
    entries: Vec<NewNotification>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows = entries.into_iter().map(|entry| notifications::ActiveModel {
        user_id: Set(entry.user_id),
        case_id: Set(Some(entry.case_id)),
        kind: Set(Word(entry.kind)),
        title: Set(entry.title),
        body: Set(entry.body),
        read_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    });
    notifications::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

fn of(user_id: i64) -> Select<notifications::Entity> {
    notifications::Entity::find().filter(C::UserId.eq(user_id))
}

/// A page of `user_id`'s inbox, newest first (`page.after` is the last id seen, and older ones
/// follow): unread only when `unread` is `true`, read only when `false`, all when `None`.
pub async fn list(
    db: &impl ConnectionTrait,
    user_id: i64,
    unread: Option<bool>,
    page: Page,
) -> Result<Vec<notifications::Model>, DbErr> {
    let mut query = of(user_id).order_by_desc(C::Id);
    match unread {
        Some(true) => query = query.filter(C::ReadAt.is_null()),
        Some(false) => query = query.filter(C::ReadAt.is_not_null()),
        None => {}
    }
    if let Some(before) = page.after {
        query = query.filter(C::Id.lt(before));
    }
    query.limit(page.fetch()).all(db).await
}

/// How many of `user_id`'s notifications are unread, in the whole inbox.
pub async fn unread_count(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    of(user_id).filter(C::ReadAt.is_null()).count(db).await
}

/// Notification `id` if it is in `user_id`'s inbox.
pub async fn find_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
) -> Result<Option<notifications::Model>, DbErr> {
    of(user_id).filter(C::Id.eq(id)).one(db).await
}

/// Marks notification `id` read at `at`.
pub async fn mark_read(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    notifications::Entity::update_many()
        .col_expr(C::ReadAt, Expr::value(at))
        .filter(C::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks every unread notification of `user_id` read at `at`; answers how many.
pub async fn mark_all_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = notifications::Entity::update_many()
        .col_expr(C::ReadAt, Expr::value(at))
        .filter(C::UserId.eq(user_id))
        .filter(C::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
