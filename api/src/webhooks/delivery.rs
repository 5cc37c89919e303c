//! Webhook messages through the outbox: written with the step for every active webhook of the
//! case's county that receives the event, sent by the dispatcher one attempt at a time.

use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use liaison_infra::entities::{cases, deliveries, webhooks};
use liaison_infra::store::organisation::webhooks as hooks;
use liaison_infra::store::outbox;
use liaison_infra::store::reference::Reference;
use liaison_infra::webhook::Message;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::dto::stored_events;
use crate::app_error::{AppError, AppResult};
use crate::outbox::{Attempt, Channel, Failure, NewMessage, Outcome};
use crate::state::AppState;

/// The body a receiver gets. It tells what happened to which case, never who raised it nor
/// what they wrote beyond the title: receivers are other offices, not the case's audience.
#[derive(Serialize)]
struct Body<'a> {
    event: &'a str,
    occurred_at: DateTime<Utc>,
    case: CaseFacts<'a>,
}

#[derive(Serialize)]
struct CaseFacts<'a> {
    id: i64,
    number: &'a str,
    status: &'a str,
    title: &'a str,
    station_id: i64,
    category_id: i64,
    department_id: Option<i64>,
    respond_by: DateTime<Utc>,
    resolve_by: DateTime<Utc>,
}

/// Writes one message per (active webhook of the case's county that receives the kind, event),
/// in the transaction of the step. The body is composed now, so that every retry sends, and
/// signs, the same bytes.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    reference: &Reference,
    case: &cases::Model,
    events: &[EventKind],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let hooks = reference.webhooks(db, case.county_id).await?;
    let mut messages = Vec::new();
    for kind in events {
        let receivers: Vec<&webhooks::Model> = hooks
            .iter()
            .filter(|hook| receives(hook, kind.as_str()))
            .collect();
        if receivers.is_empty() {
            continue;
        }
        let payload = body(case, *kind, now)?;
        messages.extend(receivers.into_iter().map(|hook| NewMessage {
            channel: Channel::Webhook,
            county_id: case.county_id,
            case_id: Some(case.id),
            recipient_id: None,
            webhook_id: Some(hook.id),
            event: *kind,
            payload: payload.clone(),
        }));
    }
    Ok(outbox::enqueue(db, messages, now).await?)
}

fn body(case: &cases::Model, kind: EventKind, now: DateTime<Utc>) -> AppResult<String> {
    let body = Body {
        event: kind.as_str(),
        occurred_at: now,
        case: CaseFacts {
            id: case.id,
            number: &case.number,
            status: case.status.as_str(),
            title: &case.title,
            station_id: case.station_id,
            category_id: case.category_id,
            department_id: case.department_id,
            respond_by: case.respond_by,
            resolve_by: case.resolve_by,
        },
    };
    serde_json::to_string(&body).map_err(AppError::internal)
}

fn receives(hook: &webhooks::Model, event: &str) -> bool {
    stored_events(&hook.events).iter().any(|kind| kind == event)
}

/// One attempt at a stored message. The webhook is read afresh: one deleted, switched off or
/// no longer receiving the event since the message was written is skipped, not sent.
pub async fn deliver(state: &AppState, delivery: &deliveries::Model) -> Attempt {
    let Some(webhook_id) = delivery.webhook_id else {
        return Err(Failure::Final("no webhook".to_owned()));
    };
    let Some(hook) = hooks::find(&state.db, delivery.county_id, webhook_id).await? else {
        return Ok(Outcome::Skipped("the webhook was deleted".to_owned()));
    };
    if !hook.active {
        return Ok(Outcome::Skipped("the webhook is switched off".to_owned()));
    }
    if !receives(&hook, delivery.event.as_str()) {
        return Ok(Outcome::Skipped(
            "the webhook no longer receives this event".to_owned(),
        ));
    }
    let Ok(secret) = state.sealer.open(&hook.secret) else {
        return Err(Failure::Final(
            "the webhook's secret does not open with the current key".to_owned(),
        ));
    };
    let delivery_id = delivery.id.to_string();
    let message = Message {
        url: &hook.url,
        event: delivery.event.as_str(),
        delivery_id: &delivery_id,
        timestamp: Utc::now().timestamp(),
        body: &delivery.payload,
        secret: &secret,
    };
    match state.webhooks.send(&message).await {
        Ok(()) => Ok(Outcome::Delivered),
        Err(error) if error.is_retryable() => Err(Failure::Retry(error.to_string())),
        Err(error) => {
            // A saved URL that is refused now resolves somewhere it must not: worth a look.
            tracing::warn!(webhook_id, delivery_id = delivery.id, %error, "webhook target refused");
            Err(Failure::Final(error.to_string()))
        }
    }
}
