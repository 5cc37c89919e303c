//! Case bodies: what residents send, what each role gets back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A new case. Name the station by `scene` (from a scanned code) or `station_id`; when both
/// are given they must agree. A deputy's own code names the deputy's first station (the
/// lowest id), and the case goes to that deputy whoever is on duty.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewCase {
    pub scene: Option<String>,
    pub station_id: Option<i64>,
    /// An active category of the station's county.
    pub category_id: i64,
    /// 1–100 characters.
    pub title: String,
    /// 1–2000 characters.
    pub content: String,
    /// Where, in words: up to 200 characters.
    pub location: Option<String>,
    /// Photos uploaded by the caller and not yet used; at most 9.
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
    /// Hide the resident's identity from deputies and departments.
    #[serde(default)]
    pub anonymous: bool,
    /// A mobile number to call back on; stored encrypted, shown masked to most readers.
    pub contact_phone: Option<String>,
}

/// The answer to a new case: what the resident needs at once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Submitted {
    pub id: i64,
    #[schema(example = "XP-20261122-0007")]
    pub number: String,
    #[schema(example = "submitted")]
    #[schema(schema_with = crate::words::case_status)]
    pub status: String,
    pub station_id: i64,
    /// The deputy on duty it reached; `null` when it waits in the station queue.
    pub assignee_id: Option<i64>,
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
}

/// A case in a queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: i64,
    pub number: String,
    /// `submitted`, `accepted`, `assigned`, `handled`, `resolved`, `closed` or `declined`.
    #[schema(schema_with = crate::words::case_status)]
    pub status: String,
    pub station_id: i64,
    pub category_id: i64,
    pub title: String,
    pub location: Option<String>,
    pub anonymous: bool,
    pub assignee_id: Option<i64>,
    pub department_id: Option<i64>,
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    /// Past `respond_by` unanswered, or past `resolve_by` unresolved.
    pub overdue: bool,
    /// Moderation asked a station admin to look at it (staff only; always false for residents).
    pub flagged: bool,
    pub reopen_count: i32,
    /// Sent to the county admins after too many unsatisfied rounds.
    pub escalated: bool,
    /// `satisfied`, `basically_satisfied` or `unsatisfied`, once rated.
    #[schema(schema_with = crate::words::rating_or_null)]
    pub rating: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A case with everything the caller may see of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub content: String,
    /// Who raised it; `null` when anonymous and the caller may not know.
    pub resident: Option<Person>,
    /// Full for the assigned deputy and admins in scope, else masked (`138****5678`).
    pub contact_phone: Option<String>,
    pub rating_comment: Option<String>,
    pub attachments: Vec<crate::attachments::dto::Attachment>,
    /// The timeline, oldest first. Residents see public events only.
    pub events: Vec<Event>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: i64,
    #[schema(example = "accepted")]
    #[schema(schema_with = crate::words::event_kind)]
    pub kind: String,
    #[schema(example = "deputy")]
    pub actor_role: String,
    pub actor_name: String,
    pub text: Option<String>,
    /// Internal events (notes, urging, reassigning, escalation) never reach residents.
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// `mine` (raised by me, or with me), `assigned` (a deputy's own, a handler's department's)
    /// or `station` (all a station's cases, with `station_id`); default: everything visible.
    #[param(schema_with = crate::words::queue_scope)]
    pub scope: Option<String>,
    pub station_id: Option<i64>,
    #[param(schema_with = crate::words::case_status)]
    pub status: Option<String>,
    pub overdue: Option<bool>,
    /// Words in the title, content, location or number; every word must occur. Chinese is
    /// matched by character pairs, so one- and two-character words work; letters and digits
    /// match the start of a word (`XP-2026` finds `XP-20261122-0007`).
    pub q: Option<String>,
    /// `newest` (default) or `deadline` (nearest `resolve_by` first).
    #[param(schema_with = crate::words::queue_sort)]
    pub sort: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeclineBody {
    /// Why, and which channel is the right one (e.g. 信访, the courts).
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContentBody {
    pub content: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignBody {
    /// A department of the case's county.
    pub department_id: i64,
    /// A deadline for the department; default: the case's `resolve_by`.
    pub resolve_by: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UrgeBody {
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReassignBody {
    /// Another deputy who sits at the case's station.
    pub deputy_id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveBody {
    pub summary: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RateBody {
    /// `satisfied`, `basically_satisfied` or `unsatisfied` (which sends the case back to work).
    #[schema(schema_with = crate::words::rating)]
    pub rating: String,
    /// Up to 500 characters.
    pub comment: Option<String>,
}
