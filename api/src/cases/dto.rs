//! Case bodies: what residents send, what each role gets back.

use chrono::{DateTime, NaiveDate, Utc};
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
    /// How the case reached us: `mini_program` (absent: a resident's own) or, recorded by
    /// staff for a visitor, `walk_in`, `market_day`, `visit`, `phone`, `meeting`, `letter`.
    #[schema(schema_with = crate::words::case_channel)]
    pub channel: Option<String>,
    /// For a visitor's case: their name, if they give it (1–50 characters); sealed at rest.
    pub visitor_name: Option<String>,
    /// For a visitor's case: a mobile number to call them back on; sealed at rest and masked
    /// like `contact_phone`.
    pub visitor_phone: Option<String>,
    /// For a visitor's case: the reception (接待活动) at the same station it was raised in.
    pub reception_id: Option<i64>,
    /// The resident (or the visitor, whose agreement staff record) agrees that the result be
    /// published on the station's board (公示): title, outcome and summary, never who raised it.
    #[serde(default)]
    pub publishable: bool,
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
    #[schema(example = "mini_program")]
    #[schema(schema_with = crate::words::case_channel)]
    #[serde(default = "mini_program")]
    pub channel: String,
    /// For a case recorded for a visitor: the slip they take home.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

fn mini_program() -> String {
    liaison_domain::case::Channel::MiniProgram
        .as_str()
        .to_owned()
}

/// The receipt (回执) of a visitor's case: scanning its claim code in the mini-program
/// (`POST /api/v1/cases/claim`) lets the visitor follow and rate the case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    pub claim_code: String,
    /// A printable slip with the case number and the claim code as a QR code.
    pub slip_url: String,
}

/// A visitor taking over their case from its receipt.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Claim {
    pub claim_code: String,
}

/// A case in a queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: i64,
    pub number: String,
    /// `submitted`, `accepted`, `assigned`, `handled`, `resolved`, `reopened` (rated
    /// unsatisfied: in the re-assignment queue), `closed` or `declined`.
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
    /// Its traffic light (三色督办) while in progress: `red` overdue, `yellow` past the
    /// server's share (default 80 %) of a running deadline's time, else `green`.
    #[schema(schema_with = crate::words::light_or_null)]
    pub light: Option<String>,
    /// Moderation asked a station admin to look at it (staff only; always false for residents).
    pub flagged: bool,
    pub reopen_count: i32,
    /// Sent to the county admins after too many unsatisfied rounds.
    pub escalated: bool,
    /// `satisfied`, `basically_satisfied` or `unsatisfied`, once rated.
    #[schema(schema_with = crate::words::rating_or_null)]
    pub rating: Option<String>,
    /// How it reached us; all but `mini_program` were recorded by staff for a visitor.
    #[schema(schema_with = crate::words::case_channel)]
    pub channel: String,
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
    /// The visitor staff recorded a case for, if they gave their name: full for those who
    /// see the full phone, else masked (`王**`).
    pub visitor_name: Option<String>,
    /// When the visitor claimed the case from its receipt.
    pub claimed_at: Option<DateTime<Utc>>,
    /// A visitor's unclaimed case's receipt, again, for the staff who may print it.
    pub receipt: Option<Receipt>,
    /// The reception a visitor's case was raised in, for the staff who record cases.
    pub reception_id: Option<i64>,
    /// The rating was recorded by staff for a visitor (回访), not given in the mini-program.
    pub rating_recorded_by_staff: bool,
    pub rating_comment: Option<String>,
    /// What the last resolution amounts to: `implemented`, `explained`, `planned` (with
    /// `planned_on`) or `not_feasible` (with `outcome_reason`).
    #[schema(schema_with = crate::words::outcome_or_null)]
    pub outcome: Option<String>,
    pub planned_on: Option<NaiveDate>,
    pub outcome_reason: Option<String>,
    /// Whether the department's handling of this round is rated by the case's deputy. The
    /// rating is anonymous: no answer says who gave it.
    pub department_rated: bool,
    /// The resident agreed that the result be published on the station's board.
    pub publishable: bool,
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
    /// The round of work: 1, then one more after each unsatisfied rating.
    pub round: i32,
    /// On a `resolved` event: what the resolution amounts to, with its date or reason.
    #[schema(schema_with = crate::words::outcome_or_null)]
    pub outcome: Option<String>,
    pub planned_on: Option<NaiveDate>,
    pub outcome_reason: Option<String>,
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
    /// Only the open cases of this traffic light: `green`, `yellow` or `red`.
    #[param(schema_with = crate::words::light)]
    pub light: Option<String>,
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

/// Name either `deputy_id` or `department_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReassignBody {
    /// A deputy who sits at the case's station: another one for a case in progress; any one,
    /// with `instructions`, for a case in the re-assignment queue.
    pub deputy_id: Option<i64>,
    /// What the deputy is to do in the new round (required from the re-assignment queue).
    pub instructions: Option<String>,
    /// A department of the case's county, for a case in the re-assignment queue only.
    pub department_id: Option<i64>,
    /// The department's new deadline (required with `department_id`).
    pub resolve_by: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveBody {
    pub summary: String,
    /// `implemented` (已落实), `explained` (已解释说明), `planned` (列入计划) or `not_feasible`.
    #[schema(schema_with = crate::words::outcome)]
    pub outcome: String,
    /// The date it is planned for: required for `planned`, refused otherwise.
    pub planned_on: Option<NaiveDate>,
    /// Why it cannot be done: required for `not_feasible`, refused otherwise.
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DepartmentRatingBody {
    /// `satisfied`, `basically_satisfied` or `unsatisfied`: how the department handled it.
    #[schema(schema_with = crate::words::rating)]
    pub rating: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RateBody {
    /// `satisfied`, `basically_satisfied` or `unsatisfied` (which sends the case back to work).
    #[schema(schema_with = crate::words::rating)]
    pub rating: String,
    /// Up to 500 characters.
    pub comment: Option<String>,
}
