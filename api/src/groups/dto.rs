//! Deputy group bodies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Group {
    pub id: i64,
    pub station_id: i64,
    #[schema(example = "第一代表小组")]
    pub name: String,
    /// The member deputies; each sits at the station.
    pub deputy_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewGroup {
    pub name: String,
    #[serde(default)]
    pub deputy_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupPatch {
    pub name: Option<String>,
    /// Replaces the members.
    pub deputy_ids: Option<Vec<i64>>,
}
