//! Listing and creating departments; a county admin creates them in its own county.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::text::Name;
use liaison_infra::entities::departments;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{on_unique, ApiError, ApiResult};
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
) -> ApiResult<Paged<Department>> {
    let mut query = departments::Entity::find().order_by_asc(departments::Column::Id);
    if let Some(county_id) = filter.county_id {
        query = query.filter(departments::Column::CountyId.eq(county_id));
    }
    if let Some(after) = page.after {
        query = query.filter(departments::Column::Id.gt(after));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    Ok(page.finish(rows, |r| r.id, Department::from))
}

/// The county a county admin administers, or 403 for anyone else.
pub fn administered_county(actor: &Actor) -> ApiResult<i64> {
    actor
        .county_id
        .filter(|county| policy::may_administer_county(actor, *county))
        .ok_or_else(|| ApiError::forbidden("only county admins do this"))
}

pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: NewDepartment,
) -> ApiResult<Department> {
    let county_id = administered_county(actor)?;
    let name = Name::parse(&new.name)?;
    let created = departments::ActiveModel {
        county_id: Set(county_id),
        name: Set(name.into_inner()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| on_unique(e, &[("name", "name", "department.name_taken")]))?;
    Ok(created.into())
}
