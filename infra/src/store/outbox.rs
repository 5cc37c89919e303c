//! The outbox: messages for channels outside the database (WeChat subscribe messages,
//! webhooks), written in the transaction of the step they tell of, claimed by dispatchers
//! under a lease, and kept once they end (delivered, skipped, or dead until an admin retries).
//!
//! Claims are one UPDATE … RETURNING over the due messages. On PostgreSQL the inner SELECT
//! takes `FOR UPDATE SKIP LOCKED`, so nodes claiming at the same moment take disjoint batches;
//! SQLite has a single writer, so one claim runs at a time. A claim whose lease ran out is
//! free to take again: delivery is at least once.

use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use liaison_domain::delivery::{Channel, DeliveryStatus};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::{deliveries, Word};
use crate::store::Page;

/// A message as a case step writes it: to a resident or to a webhook, about one event.
pub struct NewMessage {
    pub channel: Channel,
    pub county_id: i64,
    pub case_id: Option<i64>,
    pub recipient_id: Option<i64>,
    pub webhook_id: Option<i64>,
    pub event: EventKind,
    /// Composed now, so that every attempt sends the same bytes.
    pub payload: String,
}

impl NewMessage {
    /// The outbox row: pending, due at once, never tried.
    pub fn pending(self, now: DateTime<Utc>) -> deliveries::ActiveModel {
        deliveries::ActiveModel {
            channel: Set(Word(self.channel)),
            county_id: Set(self.county_id),
            case_id: Set(self.case_id),
            recipient_id: Set(self.recipient_id),
            webhook_id: Set(self.webhook_id),
            event: Set(Word(self.event)),
            payload: Set(self.payload),
            status: Set(Word(DeliveryStatus::Pending)),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_owner: Set(None),
            lease_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
    }
}

/// Writes `messages`, pending; one statement for them all.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    messages: Vec<NewMessage>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows = messages.into_iter().map(|message| message.pending(now));
    deliveries::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes up to `limit` due messages for `owner` until `lease_until`, counting an attempt each.
pub async fn claim(
    db: &impl ConnectionTrait,
    owner: &str,
    limit: u64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Vec<deliveries::Model>, DbErr> {
    use deliveries::Column as C;
    let backend = db.get_database_backend();
    let mut due = Query::select();
    due.column(C::Id)
        .from(deliveries::Entity)
        .and_where(Expr::col(C::Status).eq(DeliveryStatus::Pending.as_str()))
        .and_where(Expr::col(C::NextAttemptAt).lte(now))
        .and_where(
            Expr::col(C::LeaseUntil)
                .is_null()
                .or(Expr::col(C::LeaseUntil).lt(now)),
        )
        .order_by(C::NextAttemptAt, Order::Asc)
        .order_by(C::Id, Order::Asc)
        .limit(limit);
    if backend == DatabaseBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let claim = Query::update()
        .table(deliveries::Entity)
        .value(C::LeaseOwner, owner)
        .value(C::LeaseUntil, lease_until)
        .value(C::Attempts, Expr::col(C::Attempts).add(1))
        .and_where(Expr::col(C::Id).in_subquery(due))
        .returning_all()
        .to_owned();
    let rows = db.query_all(backend.build(&claim)).await?;
    rows.iter()
        .map(|row| deliveries::Model::from_query_result(row, ""))
        .collect()
}

/// How an attempt ended, as the message keeps it.
pub struct Attempted<'a> {
    /// `Pending` when it is to be tried again, at `retry_at`.
    pub status: DeliveryStatus,
    pub error: Option<&'a str>,
    pub retry_at: Option<DateTime<Utc>>,
}

/// Records how the attempt of `owner` at message `id` ended, and frees the claim. A message
/// tried again gets its next time; any other is finished at `now`. A failure counts only
/// while the claim is still `owner`'s: after its lease ran out, the node that took the
/// message over decides what comes next.
pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    owner: &str,
    attempted: Attempted<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use deliveries::Column as C;
    let mut update = deliveries::Entity::update_many()
        .col_expr(C::Status, Expr::value(attempted.status.as_str()))
        .col_expr(C::LastError, Expr::value(attempted.error))
        .col_expr(C::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(C::Id.eq(id))
        .filter(C::Status.eq(DeliveryStatus::Pending.as_str()));
    update = match attempted.retry_at {
        Some(at) => update.col_expr(C::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(C::FinishedAt, Expr::value(Some(now))),
    };
    if matches!(
        attempted.status,
        DeliveryStatus::Pending | DeliveryStatus::Dead
    ) {
        update = update.filter(C::LeaseOwner.eq(owner));
    }
    update.exec(db).await?;
    Ok(())
}

/// Frees `owner`'s claims on messages not yet finished, so that another node (or this one
/// after a restart) takes them at once instead of after the lease; answers how many.
pub async fn release(db: &impl ConnectionTrait, owner: &str) -> Result<u64, DbErr> {
    use deliveries::Column as C;
    let result = deliveries::Entity::update_many()
        .col_expr(C::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(C::LeaseOwner.eq(owner))
        .filter(C::Status.eq(DeliveryStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A page of the county's messages in `status`, newest first: `page.after` is the last id
/// seen, and older ones follow.
pub async fn list(
    db: &impl ConnectionTrait,
    county_id: i64,
    status: DeliveryStatus,
    page: Page,
) -> Result<Vec<deliveries::Model>, DbErr> {
    let mut query = deliveries::Entity::find()
        .filter(deliveries::Column::CountyId.eq(county_id))
        .filter(deliveries::Column::Status.eq(Word(status)))
        .order_by_desc(deliveries::Column::Id);
    if let Some(before) = page.after {
        query = query.filter(deliveries::Column::Id.lt(before));
    }
    query.limit(page.fetch()).all(db).await
}

/// Messages in `status` across every county: the outbox backlog.
pub async fn backlog(db: &impl ConnectionTrait, status: DeliveryStatus) -> Result<u64, DbErr> {
    deliveries::Entity::find()
        .filter(deliveries::Column::Status.eq(Word(status)))
        .count(db)
        .await
}

/// What one county's outbox holds and has not delivered: for its admins' console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyBacklog {
    pub pending: u64,
    pub dead: u64,
    /// When the oldest message still pending was written; `None` when none is.
    pub oldest_pending_at: Option<DateTime<Utc>>,
}

/// The backlog of `county_id`: three reads of the county's (county, status, id) index.
pub async fn county_backlog(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<CountyBacklog, DbErr> {
    use deliveries::Column as C;
    let in_status = |status: DeliveryStatus| {
        deliveries::Entity::find()
            .filter(C::CountyId.eq(county_id))
            .filter(C::Status.eq(Word(status)))
    };
    let pending = in_status(DeliveryStatus::Pending).count(db).await?;
    let dead = in_status(DeliveryStatus::Dead).count(db).await?;
    // Ids grow with time, so the lowest pending id is the oldest pending message.
    let oldest = in_status(DeliveryStatus::Pending)
        .order_by_asc(C::Id)
        .one(db)
        .await?;
    Ok(CountyBacklog {
        pending,
        dead,
        oldest_pending_at: oldest.map(|d| d.created_at),
    })
}

/// Message `id` if it is of `county_id`.
pub async fn find_in_county(
    db: &impl ConnectionTrait,
    county_id: i64,
    id: i64,
) -> Result<Option<deliveries::Model>, DbErr> {
    deliveries::Entity::find_by_id(id)
        .filter(deliveries::Column::CountyId.eq(county_id))
        .one(db)
        .await
}

/// Puts dead message `id` back in line for a fresh round of attempts, due at `now`; `false`
/// when it is not dead (any more: another retry may have come first).
pub async fn requeue_dead(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use deliveries::Column as C;
    let result = deliveries::Entity::update_many()
        .col_expr(C::Status, Expr::value(DeliveryStatus::Pending.as_str()))
        .col_expr(C::Attempts, Expr::value(0))
        .col_expr(C::NextAttemptAt, Expr::value(now))
        .col_expr(C::FinishedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(C::Id.eq(id))
        .filter(C::Status.eq(DeliveryStatus::Dead.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
