//! Webhooks: a county's other systems that receive its case events.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::webhooks;
use crate::store::Page;

/// A webhook to write: its URL already checked, its events as their JSON array, its secret
/// sealed.
#[derive(Debug)]
pub struct NewWebhook {
    pub county_id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
}

/// What a change sets; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct WebhookChange {
    pub url: Option<String>,
    pub events: Option<String>,
    pub active: Option<bool>,
}

/// A page of a county's webhooks in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    county_id: i64,
    page: Page,
) -> Result<Vec<webhooks::Model>, DbErr> {
    let mut query = webhooks::Entity::find()
        .filter(webhooks::Column::CountyId.eq(county_id))
        .order_by_asc(webhooks::Column::Id);
    if let Some(after) = page.after {
        query = query.filter(webhooks::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

/// The county's active webhooks, oldest first.
pub async fn active_of(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Vec<webhooks::Model>, DbErr> {
    webhooks::Entity::find()
        .filter(webhooks::Column::CountyId.eq(county_id))
        .filter(webhooks::Column::Active.eq(true))
        .order_by_asc(webhooks::Column::Id)
        .all(db)
        .await
}

/// Webhook `id` if it is of `county_id`.
pub async fn find(
    db: &impl ConnectionTrait,
    county_id: i64,
    id: i64,
) -> Result<Option<webhooks::Model>, DbErr> {
    webhooks::Entity::find_by_id(id)
        .filter(webhooks::Column::CountyId.eq(county_id))
        .one(db)
        .await
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewWebhook,
    now: DateTime<Utc>,
) -> Result<webhooks::Model, DbErr> {
    webhooks::ActiveModel {
        county_id: Set(new.county_id),
        url: Set(new.url),
        events: Set(new.events),
        secret: Set(new.secret),
        active: Set(new.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Applies `change` to `webhook` as read.
pub async fn update(
    db: &impl ConnectionTrait,
    webhook: webhooks::Model,
    change: WebhookChange,
    now: DateTime<Utc>,
) -> Result<webhooks::Model, DbErr> {
    let mut active: webhooks::ActiveModel = webhook.into();
    if let Some(url) = change.url {
        active.url = Set(url);
    }
    if let Some(events) = change.events {
        active.events = Set(events);
    }
    if let Some(on) = change.active {
        active.active = Set(on);
    }
    active.updated_at = Set(now);
    active.update(db).await
}

/// Deletes webhook `id` of `county_id` with its deliveries (the schema cascades); answers
/// whether there was one.
pub async fn delete(db: &impl ConnectionTrait, county_id: i64, id: i64) -> Result<bool, DbErr> {
    let deleted = webhooks::Entity::delete_many()
        .filter(webhooks::Column::Id.eq(id))
        .filter(webhooks::Column::CountyId.eq(county_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected > 0)
}
