//! Categories: what a case is about, with its default department and its deadlines.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::categories;
use crate::store::Page;

/// A category to write, active from the start.
#[derive(Debug)]
pub struct NewCategory {
    pub county_id: i64,
    pub name: String,
    pub department_id: i64,
    pub respond_within_hours: i32,
    pub resolve_within_days: i32,
}

/// What a change writes; `None` keeps the field.
#[derive(Debug, Default)]
pub struct CategoryChange {
    pub name: Option<String>,
    pub active: Option<bool>,
    /// Both limits, checked together.
    pub limits: Option<(i32, i32)>,
}

/// A page of categories in id order, of one county or of all, the inactive ones only when
/// asked for.
pub async fn list(
    db: &impl ConnectionTrait,
    county_id: Option<i64>,
    include_inactive: bool,
    page: Page,
) -> Result<Vec<categories::Model>, DbErr> {
    let mut query = categories::Entity::find().order_by_asc(categories::Column::Id);
    if let Some(county_id) = county_id {
        query = query.filter(categories::Column::CountyId.eq(county_id));
    }
    if !include_inactive {
        query = query.filter(categories::Column::Active.eq(true));
    }
    if let Some(after) = page.after {
        query = query.filter(categories::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

/// Every category of a county, the inactive ones too, in id order.
pub async fn of_county(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Vec<categories::Model>, DbErr> {
    categories::Entity::find()
        .filter(categories::Column::CountyId.eq(county_id))
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await
}

/// The active categories of a county, in id order.
pub async fn active_in(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Vec<categories::Model>, DbErr> {
    categories::Entity::find()
        .filter(categories::Column::CountyId.eq(county_id))
        .filter(categories::Column::Active.eq(true))
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<categories::Model>, DbErr> {
    categories::Entity::find_by_id(id).one(db).await
}

/// Writes a category; a name already taken in the county fails on its unique index.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewCategory,
    now: DateTime<Utc>,
) -> Result<categories::Model, DbErr> {
    categories::ActiveModel {
        county_id: Set(new.county_id),
        name: Set(new.name),
        department_id: Set(new.department_id),
        respond_within_hours: Set(new.respond_within_hours),
        resolve_within_days: Set(new.resolve_within_days),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Writes a change; a name already taken in the county fails on its unique index. Cases keep
/// the deadlines they were given: nothing here touches them.
pub async fn update(
    db: &impl ConnectionTrait,
    category: categories::Model,
    change: CategoryChange,
) -> Result<categories::Model, DbErr> {
    let mut active: categories::ActiveModel = category.into();
    if let Some(name) = change.name {
        active.name = Set(name);
    }
    if let Some(on) = change.active {
        active.active = Set(on);
    }
    if let Some((respond_within_hours, resolve_within_days)) = change.limits {
        active.respond_within_hours = Set(respond_within_hours);
        active.resolve_within_days = Set(resolve_within_days);
    }
    active.update(db).await
}
