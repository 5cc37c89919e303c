//! Listing and creating categories in a county.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::category::Limits;
use liaison_domain::text::Name;
use liaison_domain::Invalid;
use liaison_infra::entities::categories;
use liaison_infra::store::organisation::categories::{self as store, CategoryChange};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app_error::{AppError, AppResult};
use crate::departments::service::{administered_county, check_takes_work};
use crate::pagination::{Page, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    pub id: i64,
    pub county_id: i64,
    #[schema(example = "道路交通")]
    pub name: String,
    /// The department cases of this category go to by default.
    pub department_id: i64,
    /// Hours a first answer may take.
    pub respond_within_hours: i32,
    /// Days a resolution may take.
    pub resolve_within_days: i32,
    /// Inactive categories are kept for old cases but offered for no new one.
    pub active: bool,
}

impl From<categories::Model> for Category {
    fn from(m: categories::Model) -> Self {
        Self {
            id: m.id,
            county_id: m.county_id,
            name: m.name,
            department_id: m.department_id,
            respond_within_hours: m.respond_within_hours,
            resolve_within_days: m.resolve_within_days,
            active: m.active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCategory {
    /// 1–64 characters, unique in the county.
    pub name: String,
    /// A department of the same county.
    pub department_id: i64,
    /// 1–720, and no more than `resolve_within_days` × 24.
    pub respond_within_hours: i64,
    /// 1–365.
    pub resolve_within_days: i64,
}

/// A change to a category; an absent field is kept. Changed limits apply to cases raised from
/// then on: a case keeps the deadlines it was given.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CategoryPatch {
    /// 1–64 characters, unique in the county.
    pub name: Option<String>,
    /// `false` deactivates it: refused for new cases, still shown on the old ones.
    pub active: Option<bool>,
    /// 1–720, and no more than `resolve_within_days` × 24 (the one given or the current).
    pub respond_within_hours: Option<i64>,
    /// 1–365.
    pub resolve_within_days: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryFilter {
    pub county_id: Option<i64>,
    /// Include inactive categories (default: active only).
    #[serde(default)]
    pub include_inactive: bool,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &CategoryFilter,
    page: Page,
) -> AppResult<Paged<Category>> {
    let rows = store::list(db, filter.county_id, filter.include_inactive, page).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Category::from))
}

/// The active categories of a county, for the scan card.
pub async fn active_in(db: &impl ConnectionTrait, county_id: i64) -> AppResult<Vec<Category>> {
    let rows = store::active_in(db, county_id).await?;
    Ok(rows.into_iter().map(Category::from).collect())
}

pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: NewCategory,
) -> AppResult<Category> {
    let county_id = administered_county(actor)?;
    let (name, limits) = match (
        Name::parse(&new.name),
        Limits::parse(new.respond_within_hours, new.resolve_within_days),
    ) {
        (Ok(name), Ok(limits)) => (name, limits),
        (name, limits) => return Err(Invalid::merge([name.err(), limits.err()]).into()),
    };
    check_takes_work(db, "department_id", new.department_id, county_id).await?;
    let new = store::NewCategory {
        county_id,
        name: name.into_inner(),
        department_id: new.department_id,
        respond_within_hours: limits.respond_within_hours() as i32,
        resolve_within_days: limits.resolve_within_days() as i32,
    };
    let created = store::insert(db, new, Utc::now())
        .await
        .map_err(|e| AppError::on_unique(e, &[("name", "name", "category.name_taken")]))?;
    Ok(created.into())
}

/// A category of the county admin's county: 403 for anyone else, and for another county's
/// too, since categorys are public (anyone lists them): hiding one would pretend not to know it.
async fn administered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<categories::Model> {
    let county_id = administered_county(actor)?;
    let found = store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("category"))?;
    if found.county_id != county_id {
        return Err(AppError::Forbidden("this category is another county's"));
    }
    Ok(found)
}

/// A category as its form shows it, for its county admins.
pub async fn find_administered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<Category> {
    Ok(administered(db, actor, id).await?.into())
}

/// Renames, deactivates or reactivates a category of the county admin's county, or changes its
/// limits (a limit not given keeps its value, and the pair is checked together); another
/// county's is refused.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: CategoryPatch,
) -> AppResult<Category> {
    let found = administered(db, actor, id).await?;
    let name = patch.name.as_deref().map(Name::parse).transpose();
    let limits = match (patch.respond_within_hours, patch.resolve_within_days) {
        (None, None) => Ok(None),
        (respond, resolve) => Limits::parse(
            respond.unwrap_or(i64::from(found.respond_within_hours)),
            resolve.unwrap_or(i64::from(found.resolve_within_days)),
        )
        .map(Some),
    };
    let (name, limits) = match (name, limits) {
        (Ok(name), Ok(limits)) => (name, limits),
        (name, limits) => return Err(Invalid::merge([name.err(), limits.err()]).into()),
    };
    let change = CategoryChange {
        name: name.map(Name::into_inner),
        active: patch.active,
        limits: limits.map(|l| {
            (
                l.respond_within_hours() as i32,
                l.resolve_within_days() as i32,
            )
        }),
    };
    let updated = store::update(db, found, change)
        .await
        .map_err(|e| AppError::on_unique(e, &[("name", "name", "category.name_taken")]))?;
    Ok(updated.into())
}
