//! Departments: the government bodies cases are assigned to, each of one county.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::departments;
use crate::store::Page;

/// What a change writes; `None` keeps the field.
#[derive(Debug, Default)]
pub struct DepartmentChange {
    pub name: Option<String>,
    pub active: Option<bool>,
}

/// A page of departments in id order, of one county or of all, the inactive ones only when
/// asked for.
pub async fn list(
    db: &impl ConnectionTrait,
    county_id: Option<i64>,
    include_inactive: bool,
    page: Page,
) -> Result<Vec<departments::Model>, DbErr> {
    let mut query = departments::Entity::find().order_by_asc(departments::Column::Id);
    if let Some(county_id) = county_id {
        query = query.filter(departments::Column::CountyId.eq(county_id));
    }
    if !include_inactive {
        query = query.filter(departments::Column::Active.eq(true));
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
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(departments::Model {
        id: inserted.last_insert_id,
        county_id,
        name: name.to_owned(),
        active: true,
        created_at: now,
    })
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<departments::Model>, DbErr> {
    departments::Entity::find_by_id(id).one(db).await
}

/// Writes a change; a name already taken in the county fails on its unique index.
pub async fn update(
    db: &impl ConnectionTrait,
    department: departments::Model,
    change: DepartmentChange,
) -> Result<departments::Model, DbErr> {
    let mut active: departments::ActiveModel = department.into();
    if let Some(name) = change.name {
        active.name = Set(name);
    }
    if let Some(on) = change.active {
        active.active = Set(on);
    }
    active.update(db).await
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
