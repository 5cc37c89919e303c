//! Telling people about their cases: the in-app inbox (always), the outbox for WeChat
//! subscribe messages and webhooks, and live updates for consoles.

pub mod inbox;
pub mod news;
pub mod routes;
pub mod stream;

use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use liaison_infra::entities::cases;
use liaison_infra::live::LiveBus;
use liaison_infra::store::reference::Reference;
use sea_orm::ConnectionTrait;
use tokio::sync::Notify;

pub use news::News;

use crate::app_error::AppResult;
use crate::state::AppState;
use crate::subscriptions::delivery::Composer;
use crate::{subscriptions, webhooks};

/// What telling of a step needs of this node: who hears of it, the subscribe-message
/// templates, and, once the step has committed, the dispatcher to wake and the live bus.
#[derive(Clone, Copy)]
pub struct Notifier<'a> {
    pub reference: &'a Reference,
    /// `None` while WeChat is not configured: no subscribe messages then.
    pub composer: Option<Composer<'a>>,
    pub outbox_wake: &'a Notify,
    pub live: &'a LiveBus,
}

impl AppState {
    pub fn notifier(&self) -> Notifier<'_> {
        Notifier {
            reference: &self.reference,
            composer: self.subscribe_messages(),
            outbox_wake: &self.outbox_wake,
            live: &self.live,
        }
    }
}

/// Writes, in the transaction that changes `case` (as it stands after the step), everything
/// its events imply: inbox entries and outbox deliveries. The person who acted is not told.
/// Announce the returned news after the commit.
pub async fn tell(
    db: &impl ConnectionTrait,
    notifier: &Notifier<'_>,
    case: &cases::Model,
    events: &[EventKind],
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<News> {
    inbox::tell(db, notifier.reference, case, events, actor_user_id, now).await?;
    if let Some(composer) = &notifier.composer {
        subscriptions::delivery::enqueue(db, composer, case, events, actor_user_id, now).await?;
    }
    webhooks::delivery::enqueue(db, notifier.reference, case, events, now).await?;
    Ok(News::of(case, events, now))
}
