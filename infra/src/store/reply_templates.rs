//! Saved replies (常用回复): a county's own and its stations', for the reply form.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::reply_templates;
use crate::store::Page;

/// Which stations' saved replies a list holds, beside the county's own: what the use-case
/// derived from `policy::may_read_reply_template`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stations {
    /// Every station of the county.
    All,
    /// These stations only (none: the county's own alone).
    Only(Vec<i64>),
}

#[derive(Debug)]
pub struct NewReplyTemplate {
    pub county_id: i64,
    pub station_id: Option<i64>,
    pub title: String,
    pub body: String,
}

/// What a change writes; `None` keeps the field.
#[derive(Debug, Default)]
pub struct ReplyTemplateChange {
    pub title: Option<String>,
    pub body: Option<String>,
}

/// A page of a county's saved replies in id order: its own and those of `stations`.
pub async fn list(
    db: &impl ConnectionTrait,
    county_id: i64,
    stations: &Stations,
    page: Page,
) -> Result<Vec<reply_templates::Model>, DbErr> {
    let mut query = reply_templates::Entity::find()
        .filter(reply_templates::Column::CountyId.eq(county_id))
        .order_by_asc(reply_templates::Column::Id);
    if let Stations::Only(ids) = stations {
        query = query.filter(
            Condition::any()
                .add(reply_templates::Column::StationId.is_null())
                .add(reply_templates::Column::StationId.is_in(ids.iter().copied())),
        );
    }
    if let Some(after) = page.after {
        query = query.filter(reply_templates::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<reply_templates::Model>, DbErr> {
    reply_templates::Entity::find_by_id(id).one(db).await
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewReplyTemplate,
    now: DateTime<Utc>,
) -> Result<reply_templates::Model, DbErr> {
    reply_templates::ActiveModel {
        county_id: Set(new.county_id),
        station_id: Set(new.station_id),
        title: Set(new.title),
        body: Set(new.body),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn update(
    db: &impl ConnectionTrait,
    template: reply_templates::Model,
    change: ReplyTemplateChange,
    now: DateTime<Utc>,
) -> Result<reply_templates::Model, DbErr> {
    let mut active: reply_templates::ActiveModel = template.into();
    if let Some(title) = change.title {
        active.title = Set(title);
    }
    if let Some(body) = change.body {
        active.body = Set(body);
    }
    active.updated_at = Set(now);
    active.update(db).await
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let deleted = reply_templates::Entity::delete_by_id(id).exec(db).await?;
    Ok(deleted.rows_affected > 0)
}
