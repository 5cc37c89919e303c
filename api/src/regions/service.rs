//! Reading and changing regions. Only a county admin writes, and only inside its county.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::region::{self as rules, ReassignBy, RegionCode, RegionLevel};
use liaison_domain::text::Name;
use liaison_domain::Invalid;
use liaison_infra::entities::regions;
use liaison_infra::store::organisation::regions::{self as store, RegionChange};
use sea_orm::ConnectionTrait;

use super::dto::{NewRegion, Region, RegionFilter, RegionPatch};
use crate::app_error::{AppError, AppResult};
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
) -> AppResult<Paged<Region>> {
    let filter = store::Filter {
        county_id: filter.county_id,
        parent_id: filter.parent_id,
        level: filter
            .level
            .as_deref()
            .map(RegionLevel::parse)
            .transpose()?,
    };
    let rows = store::list(db, filter, page).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Region::from))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<regions::Model> {
    store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("region"))
}

fn require_county_admin(actor: &Actor) -> AppResult<()> {
    if policy::may_write(actor.role, policy::Writes::Region) {
        Ok(())
    } else {
        Err(AppError::Forbidden("only county admins change regions"))
    }
}

pub async fn create(db: &impl ConnectionTrait, actor: &Actor, new: NewRegion) -> AppResult<Region> {
    require_county_admin(actor)?;
    let name = Name::parse(&new.name);
    let level = RegionLevel::parse(&new.level);
    let code = new.code.as_deref().map(RegionCode::parse).transpose();
    let (name, level, code) = match (name, level, code) {
        (Ok(n), Ok(l), Ok(c)) => (n, l, c),
        (n, l, c) => return Err(Invalid::merge([n.err(), l.err(), c.err()]).into()),
    };
    let parent = match new.parent_id {
        Some(id) => Some(store::find(db, id).await?.ok_or_else(|| {
            AppError::invalid_field("parent_id", "unknown", "no region has this id")
        })?),
        None => None,
    };
    let parent_level = parent.as_ref().map(|p| *p.level);
    rules::check_parent(level, parent_level)?;
    let Some(parent) = parent else {
        return Err(AppError::Forbidden(
            "counties are created with `liaison admin create`",
        ));
    };
    let county_id = county_of(&parent);
    if !policy::may_administer_county(actor, county_id) {
        return Err(AppError::Forbidden("this region lies outside your county"));
    }
    let new = store::NewRegion {
        name: name.into_inner(),
        level,
        parent_id: parent.id,
        county_id,
        code: code.map(RegionCode::into_inner),
    };
    let created = store::insert(db, new, Utc::now())
        .await
        .map_err(|e| AppError::on_unique(e, UNIQUE))?;
    Ok(created.into())
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: RegionPatch,
) -> AppResult<Region> {
    require_county_admin(actor)?;
    let region = find(db, id).await?;
    if !policy::may_administer_county(actor, county_of(&region)) {
        return Err(AppError::Forbidden("this region lies outside your county"));
    }
    let name = patch.name.as_deref().map(Name::parse).transpose();
    let code = patch
        .code
        .map(|code| code.as_deref().map(RegionCode::parse).transpose())
        .transpose();
    let reassign_by = patch
        .reassign_by
        .as_deref()
        .map(ReassignBy::parse)
        .transpose();
    let (name, code, reassign_by) = match (name, code, reassign_by) {
        (Ok(n), Ok(c), Ok(r)) => (n, c, r),
        (n, c, r) => return Err(Invalid::merge([n.err(), c.err(), r.err()]).into()),
    };
    if reassign_by.is_some() && *region.level != RegionLevel::County {
        return Err(AppError::invalid_field(
            "reassign_by",
            "county_only",
            "only a county says whose queue re-assigns its cases",
        ));
    }
    // A county needs its code: every case number of the county starts with it.
    if *region.level == RegionLevel::County && matches!(code, Some(None)) {
        return Err(AppError::invalid_field(
            "code",
            "required",
            "a county must keep its code",
        ));
    }
    let change = RegionChange {
        name: name.map(Name::into_inner),
        code: code.map(|code| code.map(RegionCode::into_inner)),
        reassign_by,
    };
    let updated = store::update(db, region, change, Utc::now())
        .await
        .map_err(|e| AppError::on_unique(e, UNIQUE))?;
    Ok(updated.into())
}
