//! Regions: the administrative tree, county → township → village.

use chrono::{DateTime, Utc};
use liaison_domain::region::{ReassignBy, RegionLevel};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::entities::{regions, Word};
use crate::store::Page;

/// Which regions a list holds; every filter given must hold.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter {
    /// The county's regions, the county itself included.
    pub county_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub level: Option<RegionLevel>,
}

/// A region to write. Counties come from the command line; this writes the regions below one.
#[derive(Debug)]
pub struct NewRegion {
    pub name: String,
    pub level: RegionLevel,
    pub parent_id: i64,
    pub county_id: i64,
    pub code: Option<String>,
}

/// What a change sets; `None` leaves a field as it is, `Some(None)` removes the code.
#[derive(Debug, Default)]
pub struct RegionChange {
    pub name: Option<String>,
    pub code: Option<Option<String>>,
    /// On a county: whose re-assignment queue its unsatisfied cases wait in.
    pub reassign_by: Option<ReassignBy>,
}

/// A page of regions in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: Filter,
    page: Page,
) -> Result<Vec<regions::Model>, DbErr> {
    let mut query = regions::Entity::find().order_by_asc(regions::Column::Id);
    if let Some(county_id) = filter.county_id {
        query = query.filter(
            Condition::any()
                .add(regions::Column::Id.eq(county_id))
                .add(regions::Column::CountyId.eq(county_id)),
        );
    }
    if let Some(parent_id) = filter.parent_id {
        query = query.filter(regions::Column::ParentId.eq(parent_id));
    }
    if let Some(level) = filter.level {
        query = query.filter(regions::Column::Level.eq(Word(level)));
    }
    if let Some(after) = page.after {
        query = query.filter(regions::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<regions::Model>, DbErr> {
    regions::Entity::find_by_id(id).one(db).await
}

/// The regions below a county (townships and villages, the county itself not among them), in
/// id order.
pub async fn below(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Vec<regions::Model>, DbErr> {
    regions::Entity::find()
        .filter(regions::Column::CountyId.eq(county_id))
        .order_by_asc(regions::Column::Id)
        .all(db)
        .await
}

/// Writes a region; a code or a name already taken fails on its unique index.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewRegion,
    now: DateTime<Utc>,
) -> Result<regions::Model, DbErr> {
    regions::ActiveModel {
        name: Set(new.name),
        level: Set(Word(new.level)),
        parent_id: Set(Some(new.parent_id)),
        county_id: Set(Some(new.county_id)),
        code: Set(new.code),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Applies `change` to `region` as read; a code or a name already taken fails on its unique
/// index.
pub async fn update(
    db: &impl ConnectionTrait,
    region: regions::Model,
    change: RegionChange,
    now: DateTime<Utc>,
) -> Result<regions::Model, DbErr> {
    let mut active: regions::ActiveModel = region.into();
    if let Some(name) = change.name {
        active.name = Set(name);
    }
    if let Some(code) = change.code {
        active.code = Set(code);
    }
    if let Some(by) = change.reassign_by {
        active.reassign_by = Set(Word(by));
    }
    active.updated_at = Set(now);
    active.update(db).await
}
