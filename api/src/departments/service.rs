//! Listing and creating departments; a county admin creates them in its own county.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::text::Name;
use liaison_infra::entities::departments;
use liaison_infra::store::organisation::departments as store;
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
}

impl From<departments::Model> for Department {
    fn from(m: departments::Model) -> Self {
        Self {
            id: m.id,
            county_id: m.county_id,
            name: m.name,
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
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DepartmentFilter,
    page: Page,
) -> AppResult<Paged<Department>> {
    let rows = store::list(db, filter.county_id, page).await?;
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
