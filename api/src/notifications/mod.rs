//! Telling people about their cases: the in-app inbox (always), the outbox for WeChat
//! subscribe messages and webhooks, and live updates for consoles.

pub mod inbox;
pub mod news;
pub mod routes;
pub mod stream;

use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use liaison_infra::entities::cases;
use sea_orm::ConnectionTrait;

pub use news::News;

use crate::error::ApiResult;
use crate::state::AppState;
use crate::{subscriptions, webhooks};

/// Writes, in the transaction that changes `case` (as it stands after the step), everything
/// its events imply: inbox entries and outbox deliveries. The person who acted is not told.
/// Announce the returned news after the commit.
pub async fn tell(
    db: &impl ConnectionTrait,
    state: &AppState,
    case: &cases::Model,
    events: &[EventKind],
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> ApiResult<News> {
    inbox::tell(db, &state.reference, case, events, actor_user_id, now).await?;
    if let Some(composer) = state.subscribe_messages() {
        subscriptions::delivery::enqueue(db, &composer, case, events, actor_user_id, now).await?;
    }
    webhooks::delivery::enqueue(db, &state.reference, case, events, now).await?;
    Ok(News::of(case, events, now))
}
