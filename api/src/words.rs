//! The closed sets of words as the OpenAPI document shows them: a string that is one of the
//! set's words, listed from the domain's own `ALL`, so the spec cannot drift from the rules.
//! Fields that carry such a word name one of these with `schema_with`.

use liaison_domain::account::AccountStatus;
use liaison_domain::actor::Role;
use liaison_domain::attendance::Attendance;
use liaison_domain::audit::{AuditAction, AuditTarget};
use liaison_domain::case::{CaseStatus, EventKind, Outcome, Rating};
use liaison_domain::delivery::{Channel, DeliveryStatus};
use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use liaison_domain::reception::ReceptionKind;
use liaison_domain::reception_day::Weekday;
use liaison_domain::region::ReassignBy;
use liaison_domain::region::RegionLevel;
use liaison_domain::register::{ActivityKind, EntrySource, ProposalKind, RegisterKind};
use liaison_domain::station::StationKind;
use liaison_domain::vocabulary::Vocabulary;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

use crate::cases::queue::{SCOPES, SORTS};

fn words<V: Vocabulary>() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(V::ALL.iter().map(|word| word.as_str())))
        .build()
}

/// A word of the set, or `null` where an answer may hold none yet.
fn words_or_null<V: Vocabulary>() -> Object {
    let words = V::ALL
        .iter()
        .map(|word| serde_json::Value::from(word.as_str()));
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(words.chain([serde_json::Value::Null])))
        .build()
}

pub fn case_status() -> Object {
    words::<CaseStatus>()
}

pub fn case_channel() -> Object {
    words::<liaison_domain::case::Channel>()
}

/// What figures are grouped by.
pub fn group_by() -> Object {
    words::<liaison_domain::stats::GroupBy>()
}

pub fn group_by_or_null() -> Object {
    words_or_null::<liaison_domain::stats::GroupBy>()
}

/// An open case's traffic light (三色督办).
pub fn light() -> Object {
    words::<liaison_domain::case::light::Light>()
}

/// A case's light, `null` once it is out of progress.
pub fn light_or_null() -> Object {
    words_or_null::<liaison_domain::case::light::Light>()
}

pub fn rating() -> Object {
    words::<Rating>()
}

pub fn outcome() -> Object {
    words::<Outcome>()
}

pub fn outcome_or_null() -> Object {
    words_or_null::<Outcome>()
}

pub fn reassign_by() -> Object {
    words::<ReassignBy>()
}

/// A case's rating, `null` until the resident rates it.
pub fn rating_or_null() -> Object {
    words_or_null::<Rating>()
}

pub fn event_kind() -> Object {
    words::<EventKind>()
}

pub fn role() -> Object {
    words::<Role>()
}

pub fn deputy_level() -> Object {
    words::<DeputyLevel>()
}

pub fn region_level() -> Object {
    words::<RegionLevel>()
}

pub fn station_kind() -> Object {
    words::<StationKind>()
}

pub fn delivery_status() -> Object {
    words::<DeliveryStatus>()
}

pub fn channel() -> Object {
    words::<Channel>()
}

/// The queue's `scope` and `sort`: options of a query, not words of the domain.
pub fn queue_scope() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(SCOPES))
        .build()
}

pub fn queue_sort() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(SORTS))
        .build()
}

/// A shift's attendance, `null` while it is neither checked in nor over.
pub fn attendance() -> Object {
    words_or_null::<Attendance>()
}

pub fn reception_kind() -> Object {
    words::<ReceptionKind>()
}

/// A weekly rule's weekday, `null` on an entry for one date.
pub fn weekday_or_null() -> Object {
    words_or_null::<Weekday>()
}

pub fn deputy_status() -> Object {
    words::<DeputyStatus>()
}

pub fn account_status() -> Object {
    words::<AccountStatus>()
}

pub fn audit_action() -> Object {
    words::<AuditAction>()
}

pub fn audit_target() -> Object {
    words::<AuditTarget>()
}

pub fn register_kind() -> Object {
    words::<RegisterKind>()
}

pub fn entry_source() -> Object {
    words::<EntrySource>()
}

pub fn activity_kind_or_null() -> Object {
    words_or_null::<ActivityKind>()
}

pub fn proposal_kind_or_null() -> Object {
    words_or_null::<ProposalKind>()
}

pub fn attendance_or_null() -> Object {
    words_or_null::<Attendance>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_set_lists_exactly_its_words() {
        let schema = serde_json::to_value(case_status()).unwrap();
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        let words: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(listed, words);
    }
}
