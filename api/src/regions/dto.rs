//! Region bodies.

use liaison_infra::entities::regions;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::nullable;

#[derive(Debug, Serialize, ToSchema)]
pub struct Region {
    pub id: i64,
    #[schema(example = "出山镇")]
    pub name: String,
    /// `county`, `township` or `village`.
    #[schema(example = "township")]
    #[schema(schema_with = crate::words::region_level)]
    pub level: String,
    pub parent_id: Option<i64>,
    /// The county this region lies in (its own id for a county).
    pub county_id: i64,
    /// Short letters used in case numbers.
    #[schema(example = "CS")]
    pub code: Option<String>,
    /// On a county: whose re-assignment queue its unsatisfied cases wait in, `county` (the
    /// county's admins) or `township` (for stations under a township, the township's).
    #[schema(schema_with = crate::words::reassign_by)]
    pub reassign_by: String,
}

impl From<regions::Model> for Region {
    fn from(m: regions::Model) -> Self {
        Self {
            county_id: m.county_id.unwrap_or(m.id),
            id: m.id,
            name: m.name,
            level: m.level.as_str().to_owned(),
            parent_id: m.parent_id,
            code: m.code,
            reassign_by: m.reassign_by.as_str().to_owned(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRegion {
    /// 1–64 characters.
    pub name: String,
    /// `township` (under a county) or `village` (under a township). Counties are created with
    /// `liaison admin create`.
    #[schema(schema_with = crate::words::region_level)]
    pub level: String,
    pub parent_id: Option<i64>,
    /// 2–8 letters or digits, starting with a letter; unique.
    pub code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegionPatch {
    pub name: Option<String>,
    /// `null` removes the code.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub code: Option<Option<String>>,
    /// A county's setting only: `county` or `township`.
    #[schema(schema_with = crate::words::reassign_by)]
    pub reassign_by: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionFilter {
    /// Regions of this county (the county included).
    pub county_id: Option<i64>,
    pub parent_id: Option<i64>,
    /// `county`, `township` or `village`.
    #[param(schema_with = crate::words::region_level)]
    pub level: Option<String>,
}
