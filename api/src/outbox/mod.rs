//! The transactional outbox: messages for channels outside the database, written in the
//! transaction that changes a case and delivered at least once by the dispatcher.

pub mod dead_letters;
pub mod dispatcher;
pub mod routes;

use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use liaison_domain::delivery::DeliveryStatus;
use liaison_infra::entities::deliveries;
use liaison_infra::entities::Word;
use sea_orm::Set;

pub use liaison_domain::delivery::Channel;

/// A message as a case step writes it: to a resident or to a webhook, about one event.
pub struct NewMessage {
    pub channel: Channel,
    pub county_id: i64,
    pub case_id: Option<i64>,
    pub recipient_id: Option<i64>,
    pub webhook_id: Option<i64>,
    pub event: EventKind,
    /// Composed now, so that every attempt sends the same bytes.
    pub payload: String,
}

impl NewMessage {
    /// The outbox row: pending, due at once, never tried.
    pub fn pending(self, now: DateTime<Utc>) -> deliveries::ActiveModel {
        deliveries::ActiveModel {
            channel: Set(Word(self.channel)),
            county_id: Set(self.county_id),
            case_id: Set(self.case_id),
            recipient_id: Set(self.recipient_id),
            webhook_id: Set(self.webhook_id),
            event: Set(Word(self.event)),
            payload: Set(self.payload),
            status: Set(Word(DeliveryStatus::Pending)),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_owner: Set(None),
            lease_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
    }
}

/// How an attempt that did not fail ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Not sent and never will be, for a reason that is nobody's fault (the resident has no
    /// grant left, the webhook was switched off).
    Skipped(String),
}

/// How an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again later (timeouts, 5xx, WeChat busy).
    Retry(String),
    /// Trying again cannot help until someone fixes something (a bad template id): straight to
    /// the dead letters, where an admin can retry it after the fix.
    Final(String),
}

pub type Attempt = Result<Outcome, Failure>;
