//! What the five registers (五簿) look like on the wire.

use chrono::{DateTime, NaiveDate, Utc};
use liaison_domain::attendance::Attendance;
use liaison_domain::case::Rating;
use liaison_domain::register::{ActivityKind, Entry, EntrySource, ProposalKind, RegisterKind};
use liaison_domain::Invalid;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::nullable;

/// The year asked for, read as text so that garbage is 422 naming `year`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 2000–9999; this year (Beijing time) when absent.
    pub year: Option<String>,
}

/// A deputy's five registers of one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registers {
    pub deputy_id: i64,
    #[schema(example = "王建国")]
    pub deputy_name: String,
    pub year: i32,
    /// Whether the reader may verify manual entries (an admin of the deputy's stations).
    pub may_verify: bool,
    /// The five, in the seed's order: report_back, reception, performance, activity,
    /// proposal.
    pub registers: Vec<Register>,
}

/// One register and its entries, automatic and manual, by date.
#[derive(Debug, Serialize, ToSchema)]
pub struct Register {
    #[schema(schema_with = crate::words::register_kind)]
    pub kind: RegisterKind,
    #[schema(example = "代表参加活动登记簿")]
    pub name: String,
    pub entries: Vec<RegisterEntry>,
}

/// One entry. An automatic one (`source` `auto`) is read from the facts and names them
/// (`reception_id`, `case_id` and `case_number`, or `shift_id` with its `attendance`); it has
/// no id and never changes here. A manual one (`source` `manual`) has an id and may be edited
/// until an admin verifies it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterEntry {
    #[schema(schema_with = crate::words::entry_source)]
    pub source: EntrySource,
    /// The manual entry's id.
    pub id: Option<i64>,
    #[schema(schema_with = crate::words::register_kind)]
    pub kind: RegisterKind,
    pub date: NaiveDate,
    #[schema(example = "参加县人大代表履职培训")]
    pub title: String,
    pub detail: Option<String>,
    pub reception_id: Option<i64>,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub shift_id: Option<i64>,
    #[schema(schema_with = crate::words::attendance_or_null)]
    pub attendance: Option<Attendance>,
    #[schema(schema_with = crate::words::activity_kind_or_null)]
    pub activity_kind: Option<ActivityKind>,
    #[schema(schema_with = crate::words::proposal_kind_or_null)]
    pub proposal_kind: Option<ProposalKind>,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    #[schema(schema_with = crate::words::rating_or_null)]
    pub satisfaction: Option<Rating>,
    pub attendees: Option<u32>,
    pub score: Option<u32>,
    /// Automatic entries are facts and count as verified.
    pub verified: bool,
    pub verified_by: Option<i64>,
    pub verified_at: Option<DateTime<Utc>>,
}

/// A manual entry to add; the fields of the register it goes in, the others left out.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegisterEntry {
    #[schema(schema_with = crate::words::register_kind)]
    pub kind: String,
    /// The day it happened; for a proposal the day it was filed. Its year is the register's.
    pub date: NaiveDate,
    pub title: String,
    pub detail: Option<String>,
    /// `activity`: meeting, training, inspection or research (required there).
    pub activity_kind: Option<String>,
    /// `proposal`: proposal (议案), suggestion (建议), criticism (批评) or opinion (意见).
    pub proposal_kind: Option<String>,
    /// `proposal`: the answer and the day it came, both or neither.
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    /// `proposal`, once answered: satisfied, basically_satisfied or unsatisfied.
    pub satisfaction: Option<String>,
    /// `report_back`: residents present (required there), and their score 0–100.
    pub attendees: Option<u32>,
    pub score: Option<u32>,
}

/// A change to a manual entry: each field given replaces the stored one, and an optional
/// field given as `null` is cleared; its register stays.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntryPatch {
    pub date: Option<NaiveDate>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub detail: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub activity_kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub proposal_kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub answer: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub answered_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub satisfaction: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>)]
    pub attendees: Option<Option<u32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>)]
    pub score: Option<Option<u32>>,
}

/// A word of a closed set, if given: kept (`None`), cleared or replaced.
fn word<T>(
    text: &Option<Option<String>>,
    parse: fn(&str) -> Result<T, Invalid>,
) -> Result<Option<Option<T>>, Invalid> {
    text.as_ref()
        .map(|given| given.as_deref().map(parse).transpose())
        .transpose()
}

impl RegisterEntryPatch {
    /// The stored entry with the given fields put in, checked.
    pub fn applied_to(self, stored: Entry) -> Result<Entry, Invalid> {
        let words = (
            word(&self.activity_kind, ActivityKind::parse),
            word(&self.proposal_kind, ProposalKind::parse),
            word(&self.satisfaction, Rating::parse),
        );
        let (activity_kind, proposal_kind, satisfaction) = match words {
            (Ok(a), Ok(p), Ok(s)) => (a, p, s),
            (a, p, s) => return Err(Invalid::merge([a.err(), p.err(), s.err()])),
        };
        Entry {
            kind: stored.kind,
            date: self.date.unwrap_or(stored.date),
            title: self.title.unwrap_or(stored.title),
            detail: self.detail.unwrap_or(stored.detail),
            activity_kind: activity_kind.unwrap_or(stored.activity_kind),
            proposal_kind: proposal_kind.unwrap_or(stored.proposal_kind),
            answer: self.answer.unwrap_or(stored.answer),
            answered_on: self.answered_on.unwrap_or(stored.answered_on),
            satisfaction: satisfaction.unwrap_or(stored.satisfaction),
            attendees: self.attendees.unwrap_or(stored.attendees),
            score: self.score.unwrap_or(stored.score),
        }
        .checked()
    }
}

impl NewRegisterEntry {
    /// The entry, checked; every wrong field named.
    pub fn entry(self) -> Result<Entry, Invalid> {
        let kind = RegisterKind::parse(&self.kind);
        let Ok(kind) = kind else {
            return Err(Invalid::merge([kind.err()]));
        };
        let blank = Entry::blank(kind, self.date, String::new());
        RegisterEntryPatch {
            date: Some(self.date),
            title: Some(self.title),
            detail: Some(self.detail),
            activity_kind: Some(self.activity_kind),
            proposal_kind: Some(self.proposal_kind),
            answer: Some(self.answer),
            answered_on: Some(self.answered_on),
            satisfaction: Some(self.satisfaction),
            attendees: Some(self.attendees),
            score: Some(self.score),
        }
        .applied_to(blank)
    }
}
