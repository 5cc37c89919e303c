//! What admins see of the outbox: messages by status (the dead letters first of all), and a
//! retry for a dead one once its cause is fixed.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::delivery::DeliveryStatus;
use liaison_infra::entities::deliveries;
use liaison_infra::entities::Word;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::departments::service::administered_county;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    /// `wechat` or `webhook`.
    pub channel: String,
    /// The case event it tells of.
    pub event: String,
    pub case_id: Option<i64>,
    pub webhook_id: Option<i64>,
    /// `pending`, `delivered`, `skipped` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<deliveries::Model> for Delivery {
    /// The payload stays out: a subscribe message holds the resident's openid.
    fn from(d: deliveries::Model) -> Self {
        Self {
            id: d.id,
            channel: d.channel.as_str().to_owned(),
            event: d.event.as_str().to_owned(),
            case_id: d.case_id,
            webhook_id: d.webhook_id,
            status: d.status.as_str().to_owned(),
            attempts: d.attempts,
            last_error: d.last_error,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            finished_at: d.finished_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    /// `dead` (the default), `pending`, `delivered` or `skipped`.
    pub status: Option<String>,
}

/// Deliveries are the county's business: its admins answer for what reaches the residents and
/// the systems it connects.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &DeliveryFilter,
    page: &PageQuery,
) -> ApiResult<Paged<Delivery>> {
    let county = administered_county(actor)?;
    let status = match &filter.status {
        Some(status) => DeliveryStatus::parse(status)?,
        None => DeliveryStatus::Dead,
    };
    let page = page.page()?;
    let mut query = deliveries::Entity::find()
        .filter(deliveries::Column::CountyId.eq(county))
        .filter(deliveries::Column::Status.eq(Word(status)))
        .order_by_desc(deliveries::Column::Id);
    if let Some(before) = page.after {
        query = query.filter(deliveries::Column::Id.lt(before));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    Ok(Paged::finish(page, rows, |d| d.id, Delivery::from))
}

/// Messages in `status` across every county: the outbox backlog, for metrics.
pub async fn count(db: &impl ConnectionTrait, status: DeliveryStatus) -> ApiResult<u64> {
    Ok(deliveries::Entity::find()
        .filter(deliveries::Column::Status.eq(Word(status)))
        .count(db)
        .await?)
}

/// Puts a dead message back in line for a fresh round of attempts.
pub async fn retry(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<Delivery> {
    let county = administered_county(actor)?;
    let found = deliveries::Entity::find_by_id(id)
        .filter(deliveries::Column::CountyId.eq(county))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("delivery"))?;
    if *found.status != DeliveryStatus::Dead {
        return Err(ApiError::conflict(
            "delivery.not_dead",
            format!(
                "only dead deliveries are retried; this one is {}",
                found.status
            ),
        ));
    }
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
    if result.rows_affected != 1 {
        return Err(ApiError::conflict(
            "delivery.not_dead",
            "the delivery was retried meanwhile",
        ));
    }
    let retried = deliveries::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("delivery"))?;
    Ok(retried.into())
}
