//! Deputy bodies. Everything here is public (代表信息公开): contact details appear only as
//! the deputy chose to publish them in `public_contact`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::nullable;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deputy {
    pub id: i64,
    pub county_id: i64,
    #[schema(example = "李秀兰")]
    pub name: String,
    /// `national`, `provincial`, `city`, `county` or `township`.
    #[schema(example = "county")]
    #[schema(schema_with = crate::words::deputy_level)]
    pub level: String,
    /// Stations the deputy sits at.
    pub station_ids: Vec<i64>,
    pub photo_url: Option<String>,
    #[schema(example = "每周三上午")]
    pub office_hours: Option<String>,
    /// How residents may reach the deputy, as the deputy allows.
    pub public_contact: Option<String>,
    /// `active`, `suspended` or `terminated`: only an active deputy is routed cases and
    /// put on rosters.
    #[schema(example = "active")]
    #[schema(schema_with = crate::words::deputy_status)]
    pub status: String,
    pub status_reason: Option<String>,
    /// Since when the status holds (a date).
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-30")]
    pub status_since: Option<NaiveDate>,
    #[schema(example = "第十八届")]
    pub term: Option<String>,
    /// The constituency (选区) the deputy was elected in.
    pub constituency: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDeputy {
    pub name: String,
    #[schema(schema_with = crate::words::deputy_level)]
    pub level: String,
    /// Stations of one county; a station admin may name only its own stations.
    #[serde(default)]
    pub station_ids: Vec<i64>,
    pub photo_url: Option<String>,
    pub office_hours: Option<String>,
    pub public_contact: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeputyPatch {
    pub name: Option<String>,
    #[schema(schema_with = crate::words::deputy_level)]
    pub level: Option<String>,
    /// Replaces the deputy's stations.
    pub station_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub photo_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub office_hours: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub public_contact: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub term: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub constituency: Option<Option<String>>,
    /// `active`, `suspended` or `terminated`. Suspending or terminating needs a
    /// `status_reason`; the deputy's open cases go back to their stations' queues and their
    /// shifts to come are dropped.
    #[schema(schema_with = crate::words::deputy_status)]
    pub status: Option<String>,
    /// Why the status changed; kept with it.
    pub status_reason: Option<String>,
    /// Since when (a date, `YYYY-MM-DD`); today when not given.
    #[schema(value_type = Option<String>, format = Date)]
    pub status_since: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeputyFilter {
    pub county_id: Option<i64>,
    pub station_id: Option<i64>,
    #[param(schema_with = crate::words::deputy_level)]
    pub level: Option<String>,
}
