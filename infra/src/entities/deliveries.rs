//! The `deliveries` table: the outbox of messages for WeChat and webhooks.

use liaison_domain::case::EventKind;
use liaison_domain::delivery::{Channel, DeliveryStatus};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `wechat` or `webhook`.
    pub channel: Word<Channel>,
    /// The county whose admins may see and retry it.
    pub county_id: i64,
    pub case_id: Option<i64>,
    /// The resident a subscribe message goes to.
    pub recipient_id: Option<i64>,
    pub webhook_id: Option<i64>,
    /// The case event it tells of.
    pub event: Word<EventKind>,
    /// What is sent, composed when the message was written (JSON).
    pub payload: String,
    /// `pending`, `delivered`, `skipped` (refused for good, e.g. no grant left) or `dead`.
    pub status: Word<DeliveryStatus>,
    /// Attempts started so far; a claim counts as one.
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// The dispatcher holding it, until `lease_until`; an expired lease is free to claim.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
