//! What admins see of the outbox: messages by status (the dead letters first of all), and a
//! retry for a dead one once its cause is fixed.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::delivery::DeliveryStatus;
use liaison_infra::entities::deliveries;
use liaison_infra::store::outbox::{self, CountyBacklog};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app_error::{AppError, AppResult, Conflict};
use crate::departments::service::administered_county;
use crate::pagination::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    /// `wechat` or `webhook`.
    #[schema(schema_with = crate::words::channel)]
    pub channel: String,
    /// The case event it tells of.
    pub event: String,
    pub case_id: Option<i64>,
    pub webhook_id: Option<i64>,
    /// `pending`, `delivered`, `skipped` or `dead`.
    #[schema(schema_with = crate::words::delivery_status)]
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
    #[param(schema_with = crate::words::delivery_status)]
    pub status: Option<String>,
}

/// Deliveries are the county's business: its admins answer for what reaches the residents and
/// the systems it connects.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &DeliveryFilter,
    page: &PageQuery,
) -> AppResult<Paged<Delivery>> {
    // Who may not look learns that first, whatever the page asked for.
    let county = administered_county(actor)?;
    let page = page.page()?;
    let status = match &filter.status {
        Some(status) => DeliveryStatus::parse(status)?,
        None => DeliveryStatus::Dead,
    };
    let rows = outbox::list(db, county, status, page).await?;
    Ok(Paged::finish(page, rows, |d| d.id, Delivery::from))
}

/// Messages in `status` across every county: the outbox backlog, for metrics.
pub async fn count(db: &impl ConnectionTrait, status: DeliveryStatus) -> AppResult<u64> {
    Ok(outbox::backlog(db, status).await?)
}

/// The outbox backlog of the actor's county: what waits, what died, since when the oldest
/// has waited. Only its own: the figures of every county (`count`) are for operators.
pub async fn backlog(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<CountyBacklog> {
    let county = administered_county(actor)?;
    Ok(outbox::county_backlog(db, county).await?)
}

/// Puts a dead message back in line for a fresh round of attempts.
pub async fn retry(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Delivery> {
    let county = administered_county(actor)?;
    let found = outbox::find_in_county(db, county, id)
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    if *found.status != DeliveryStatus::Dead || !outbox::requeue_dead(db, id, now).await? {
        return Err(Conflict::DeliveryNotDead.into());
    }
    let retried = outbox::find_in_county(db, county, id)
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    Ok(retried.into())
}
