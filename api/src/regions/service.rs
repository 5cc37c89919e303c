//! Reading and changing regions. Only a county admin writes, and only inside its county.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::region::{self as rules, RegionCode, RegionLevel};
use liaison_domain::text::Name;
use liaison_domain::Invalid;
use liaison_infra::entities::regions;
use liaison_infra::entities::Word;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::dto::{NewRegion, Region, RegionFilter, RegionPatch};
use crate::error::{on_unique, ApiError, ApiResult};
use crate::pagination::{Page, Paged};

const UNIQUE: &[(&str, &str, &str)] = &[
    ("code", "code", "region.code_taken"),
    ("name", "name", "region.name_taken"),
];

/// The county a region lies in.
pub fn county_of(region: &regions::Model) -> i64 {
    region.county_id.unwrap_or(region.id)
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &RegionFilter,
    page: Page,
) -> ApiResult<Paged<Region>> {
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
    if let Some(level) = &filter.level {
        query = query.filter(regions::Column::Level.eq(Word(RegionLevel::parse(level)?)));
    }
    if let Some(after) = page.after {
        query = query.filter(regions::Column::Id.gt(after));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Region::from))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> ApiResult<regions::Model> {
    regions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("region"))
}

fn require_county_admin(actor: &Actor) -> ApiResult<()> {
    if policy::may_write(actor.role, policy::Writes::Region) {
        Ok(())
    } else {
        Err(ApiError::forbidden("only county admins change regions"))
    }
}

pub async fn create(db: &impl ConnectionTrait, actor: &Actor, new: NewRegion) -> ApiResult<Region> {
    require_county_admin(actor)?;
    let name = Name::parse(&new.name);
    let level = RegionLevel::parse(&new.level);
    let code = new.code.as_deref().map(RegionCode::parse).transpose();
    let (name, level, code) = match (name, level, code) {
        (Ok(n), Ok(l), Ok(c)) => (n, l, c),
        (n, l, c) => return Err(Invalid::merge([n.err(), l.err(), c.err()]).into()),
    };
    let parent = match new.parent_id {
        Some(id) => Some(
            regions::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid_field("parent_id", "unknown", "no region has this id")
                })?,
        ),
        None => None,
    };
    let parent_level = parent.as_ref().map(|p| *p.level);
    rules::check_parent(level, parent_level)?;
    let Some(parent) = parent else {
        return Err(ApiError::forbidden(
            "counties are created with `liaison admin create`",
        ));
    };
    let county_id = county_of(&parent);
    if !policy::may_administer_county(actor, county_id) {
        return Err(ApiError::forbidden("this region lies outside your county"));
    }
    let now = Utc::now();
    let created = regions::ActiveModel {
        name: Set(name.into_inner()),
        level: Set(Word(level)),
        parent_id: Set(Some(parent.id)),
        county_id: Set(Some(county_id)),
        code: Set(code.map(RegionCode::into_inner)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| on_unique(e, UNIQUE))?;
    Ok(created.into())
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: RegionPatch,
) -> ApiResult<Region> {
    require_county_admin(actor)?;
    let region = find(db, id).await?;
    if !policy::may_administer_county(actor, county_of(&region)) {
        return Err(ApiError::forbidden("this region lies outside your county"));
    }
    let name = patch.name.as_deref().map(Name::parse).transpose();
    let code = patch
        .code
        .map(|code| code.as_deref().map(RegionCode::parse).transpose())
        .transpose();
    let (name, code) = match (name, code) {
        (Ok(n), Ok(c)) => (n, c),
        (n, c) => return Err(Invalid::merge([n.err(), c.err()]).into()),
    };
    // A county needs its code: every case number of the county starts with it.
    if *region.level == RegionLevel::County && matches!(code, Some(None)) {
        return Err(ApiError::invalid_field(
            "code",
            "required",
            "a county must keep its code",
        ));
    }
    let mut active: regions::ActiveModel = region.into();
    if let Some(name) = name {
        active.name = Set(name.into_inner());
    }
    if let Some(code) = code {
        active.code = Set(code.map(RegionCode::into_inner));
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(db).await.map_err(|e| on_unique(e, UNIQUE))?;
    Ok(updated.into())
}
