//! Reception bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An official present: a person and the body they came from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Official {
    #[schema(example = "王建国")]
    pub name: String,
    #[schema(example = "县交通运输局")]
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reception {
    pub id: i64,
    pub station_id: i64,
    /// `duty`, `reception_day`, `market_day`, `official_visit`, `meeting` or `visit`.
    #[schema(schema_with = crate::words::reception_kind)]
    pub kind: String,
    pub held_at: DateTime<Utc>,
    pub visitors: i64,
    pub officials: Vec<Official>,
    /// The deputies present.
    pub deputy_ids: Vec<i64>,
    pub recorded_by: i64,
}

/// A case raised in a reception.
#[derive(Debug, Serialize, ToSchema)]
pub struct RaisedCase {
    pub id: i64,
    #[schema(example = "XP-20261122-0007")]
    pub number: String,
    pub title: String,
    #[schema(schema_with = crate::words::case_status)]
    pub status: String,
}

/// A reception with the cases raised in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionDetail {
    #[serde(flatten)]
    pub reception: Reception,
    pub cases: Vec<RaisedCase>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReception {
    pub station_id: i64,
    #[schema(schema_with = crate::words::reception_kind)]
    pub kind: String,
    pub held_at: DateTime<Utc>,
    /// Visitors counted, none or more.
    #[serde(default)]
    pub visitors: i64,
    #[serde(default)]
    pub officials: Vec<Official>,
    /// Deputies present; each sits at the station.
    #[serde(default)]
    pub deputy_ids: Vec<i64>,
}

/// What a change sets; a field left out stays as it is, a list given replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceptionPatch {
    #[schema(schema_with = crate::words::reception_kind)]
    pub kind: Option<String>,
    pub held_at: Option<DateTime<Utc>>,
    pub visitors: Option<i64>,
    pub officials: Option<Vec<Official>>,
    pub deputy_ids: Option<Vec<i64>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceptionFilter {
    pub station_id: Option<i64>,
    #[param(schema_with = crate::words::reception_kind)]
    pub kind: Option<String>,
    /// Held at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Held before.
    pub to: Option<DateTime<Utc>>,
}
