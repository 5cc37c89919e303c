//! Listing, creating and keeping up departments; a county admin does it in its own county.
//! A department deactivated keeps the cases it has and is handed no new one.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::text::Name;
use liaison_infra::entities::departments;
use liaison_infra::store::organisation::departments::{self as store, DepartmentChange};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub county_id: i64,
    #[schema(example = "县住建局")]
    pub name: String,
    /// Inactive departments keep their cases but are offered for no new assignment.
    pub active: bool,
}

impl From<departments::Model> for Department {
    fn from(m: departments::Model) -> Self {
        Self {
            id: m.id,
            county_id: m.county_id,
            name: m.name,
            active: m.active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDepartment {
    /// 1–64 characters, unique in the county.
    pub name: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartmentFilter {
    pub county_id: Option<i64>,
    /// Include inactive departments (default: active only).
    #[serde(default)]
    pub include_inactive: bool,
}

/// A change to a department; an absent field is kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DepartmentPatch {
    /// 1–64 characters, unique in the county.
    pub name: Option<String>,
    /// `false` deactivates it: no new case is assigned to it, the old ones keep it.
    pub active: Option<bool>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DepartmentFilter,
    page: Page,
) -> AppResult<Paged<Department>> {
    let rows = store::list(db, filter.county_id, filter.include_inactive, page).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Department::from))
}

/// The county a county admin administers, or 403 for anyone else.
pub fn administered_county(actor: &Actor) -> AppResult<i64> {
    actor
        .county_id
        .filter(|county| policy::may_administer_county(actor, *county))
        .ok_or(AppError::Forbidden("only county admins do this"))
}

pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: NewDepartment,
) -> AppResult<Department> {
    let county_id = administered_county(actor)?;
    let name = Name::parse(&new.name)?;
    let created = store::insert(db, county_id, name.as_str(), Utc::now())
        .await
        .map_err(|e| AppError::on_unique(e, &[("name", "name", "department.name_taken")]))?;
    Ok(created.into())
}

/// A department of the county admin's county: 403 for anyone else, and for another county's
/// too, since departments are public (anyone lists them): hiding one would pretend not to know it.
async fn administered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<departments::Model> {
    let county_id = administered_county(actor)?;
    let found = store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("department"))?;
    if found.county_id != county_id {
        return Err(AppError::Forbidden("this department is another county's"));
    }
    Ok(found)
}

/// A department as its form shows it, for its county admins.
pub async fn find_administered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<Department> {
    Ok(administered(db, actor, id).await?.into())
}

/// Renames, deactivates or reactivates a department of the county admin's county; another
/// county's is refused.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: DepartmentPatch,
) -> AppResult<Department> {
    let found = administered(db, actor, id).await?;
    let name = patch.name.as_deref().map(Name::parse).transpose()?;
    let change = DepartmentChange {
        name: name.map(Name::into_inner),
        active: patch.active,
    };
    let updated = store::update(db, found, change)
        .await
        .map_err(|e| AppError::on_unique(e, &[("name", "name", "department.name_taken")]))?;
    Ok(updated.into())
}

/// Refuses `department_id` for new work (a case assigned, a category created) unless it is an
/// active department of `county_id`: 422 naming `field`.
pub async fn check_takes_work(
    db: &impl ConnectionTrait,
    field: &str,
    department_id: i64,
    county_id: i64,
) -> AppResult<()> {
    match store::find(db, department_id).await? {
        Some(found) if found.county_id == county_id && found.active => Ok(()),
        Some(found) if found.county_id == county_id => Err(AppError::invalid_field(
            field,
            "inactive",
            "this department is deactivated and takes no new cases",
        )),
        _ => Err(AppError::invalid_field(
            field,
            "unknown",
            "no department of this county has this id",
        )),
    }
}
