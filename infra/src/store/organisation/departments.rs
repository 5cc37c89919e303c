//! Departments: the government bodies cases are assigned to, each of one county.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::departments;
use crate::store::Page;

/// A page of departments in id order, of one county or of all.
pub async fn list(
    db: &impl ConnectionTrait,
    county_id: Option<i64>,
    page: Page,
) -> Result<Vec<departments::Model>, DbErr> {
    let mut query = departments::Entity::find().order_by_asc(departments::Column::Id);
    if let Some(county_id) = county_id {
        query = query.filter(departments::Column::CountyId.eq(county_id));
    }
    if let Some(after) = page.after {
        query = query.filter(departments::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

/// Every department of a county, in no particular order.
pub async fn of_county(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Vec<departments::Model>, DbErr> {
    departments::Entity::find()
        .filter(departments::Column::CountyId.eq(county_id))
        .all(db)
        .await
}

/// Writes a department; a name already taken in the county fails on its unique index.
pub async fn insert(
    db: &impl ConnectionTrait,
    county_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<departments::Model, DbErr> {
    let inserted = departments::Entity::insert(departments::ActiveModel {
        county_id: Set(county_id),
        name: Set(name.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(departments::Model {
        id: inserted.last_insert_id,
        county_id,
        name: name.to_owned(),
        created_at: now,
    })
}

/// Whether department `id` belongs to county `county_id`.
pub async fn is_of_county(
    db: &impl ConnectionTrait,
    id: i64,
    county_id: i64,
) -> Result<bool, DbErr> {
    Ok(departments::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|d| d.county_id == county_id))
}
