//! Station, roster, code and scan bodies.

use chrono::{DateTime, NaiveDate, Utc};
use liaison_infra::entities::stations;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::categories::service::Category;
use crate::deputies::dto::Deputy;
use crate::extract::nullable;

/// The public card of a station.
#[derive(Debug, Serialize, ToSchema)]
pub struct Station {
    pub id: i64,
    #[schema(example = "柏城街道人大代表联络站")]
    pub name: String,
    /// `station`, `point`, `home` or `studio`.
    #[schema(example = "station")]
    #[schema(schema_with = crate::words::station_kind)]
    pub kind: String,
    pub region_id: i64,
    pub county_id: i64,
    pub address: String,
    #[schema(example = "周一至周五 9:00-17:00")]
    pub opening_hours: Option<String>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct Location {
    #[schema(example = 33.382)]
    pub latitude: f64,
    #[schema(example = 114.021)]
    pub longitude: f64,
}

impl From<stations::Model> for Station {
    fn from(m: stations::Model) -> Self {
        let location = match (m.latitude, m.longitude) {
            (Some(latitude), Some(longitude)) => Some(Location {
                latitude,
                longitude,
            }),
            _ => None,
        };
        Self {
            id: m.id,
            name: m.name,
            kind: m.kind.as_str().to_owned(),
            region_id: m.region_id,
            county_id: m.county_id,
            address: m.address,
            opening_hours: m.opening_hours,
            location,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStation {
    pub name: String,
    #[schema(schema_with = crate::words::station_kind)]
    pub kind: String,
    /// The region (of the caller's county) the station lies in.
    pub region_id: i64,
    pub address: String,
    pub opening_hours: Option<String>,
    pub location: Option<Location>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StationPatch {
    pub name: Option<String>,
    #[schema(schema_with = crate::words::station_kind)]
    pub kind: Option<String>,
    /// Another region of the same county.
    pub region_id: Option<i64>,
    pub address: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub opening_hours: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Location>)]
    pub location: Option<Option<Location>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StationFilter {
    pub county_id: Option<i64>,
    /// Stations in this region or below it.
    pub region_id: Option<i64>,
    #[param(schema_with = crate::words::station_kind)]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RosterQuery {
    /// Start of the window (RFC 3339); default now.
    pub from: Option<DateTime<Utc>>,
    /// End of the window; default seven days after `from`.
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RosterWrite {
    /// The period replaced: every shift starting in `[from, to)` is dropped for `shifts`.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub shifts: Vec<ShiftIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShiftIn {
    /// The deputy on duty; may be left out when `group_id` names a group (422
    /// `nobody_on_duty` on `shifts[i]` when both are).
    pub deputy_id: Option<i64>,
    /// A deputy group (代表小组) of the station whose members are all on duty (beside the
    /// deputy, if one is named).
    pub group_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Roster {
    pub station_id: i64,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub shifts: Vec<ShiftOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftOut {
    pub id: i64,
    /// `null` for a shift of its group alone.
    pub deputy_id: Option<i64>,
    pub deputy_name: Option<String>,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Each deputy the shift puts on duty (its deputy, then its group's members as they are
    /// now), then any other who checked in, each with their own check-in.
    pub on_duty: Vec<OnDuty>,
}

/// One deputy's attendance on a shift.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnDuty {
    pub deputy_id: i64,
    pub deputy_name: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    /// `held`, `late` or `missed` once known (checked in, or the shift over); `null` before.
    #[schema(schema_with = crate::words::attendance)]
    pub attendance: Option<String>,
}

/// What the mini-program shows after a scan. A deputy's code shows the same card, of the
/// deputy's first station (the lowest id), with `deputy` set: a case raised from it goes to
/// that deputy whoever is on duty.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanCard {
    pub station: Station,
    /// The deputy whose own code was scanned; `null` for a station's code.
    pub deputy: Option<Deputy>,
    /// The deputies who sit at the station.
    pub deputies: Vec<Deputy>,
    /// Those on duty right now; new cases raised from the station's code reach them.
    pub on_duty: Vec<Deputy>,
    /// The next scheduled reception day (下次接待日) not yet over, if any.
    pub next_reception_day: Option<Opening>,
    /// The categories a case may take.
    pub categories: Vec<Category>,
}

/// One reception day's hours, as instants.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Opening {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A deputy's check-in on a shift as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckIn {
    pub shift_id: i64,
    /// The deputy who checked in: the shift's own or a member of its group.
    pub deputy_id: i64,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    /// `held` or `late` once checked in.
    #[schema(schema_with = crate::words::attendance)]
    pub attendance: Option<String>,
}

/// One entry of a station's schedule: a date, or a weekday every week; hours on the county's
/// clock (Beijing time).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReceptionDayIn {
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-08")]
    pub date: Option<NaiveDate>,
    /// For a weekly rule instead of a date.
    #[schema(schema_with = crate::words::weekday_or_null)]
    pub weekday: Option<String>,
    #[schema(example = "08:00")]
    pub starts: String,
    #[schema(example = "12:00")]
    pub ends: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionDayOut {
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<NaiveDate>,
    #[schema(schema_with = crate::words::weekday_or_null)]
    pub weekday: Option<String>,
    #[schema(example = "08:00")]
    pub starts: String,
    #[schema(example = "12:00")]
    pub ends: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceptionDaysWrite {
    /// The whole schedule: what is not listed is removed.
    pub days: Vec<ReceptionDayIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionDays {
    pub station_id: i64,
    pub days: Vec<ReceptionDayOut>,
    /// The next reception day not yet over (下次接待日).
    pub next: Option<Opening>,
}
