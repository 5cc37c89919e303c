//! Subscribe messages through the outbox: written with the step for a resident who holds a
//! grant, sent by the dispatcher, which spends the grant.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Role;
use liaison_domain::case::EventKind;
use liaison_domain::subscribe::template_for;
use liaison_infra::entities::{cases, deliveries};
use liaison_infra::store::outbox;
use liaison_infra::store::reference::Reference;
use liaison_infra::store::{accounts, subscriptions};
use liaison_infra::wechat::SubscribeMessage;
use sea_orm::ConnectionTrait;

use super::templates::{Facts, Templates};
use crate::app_error::{AppError, AppResult};
use crate::outbox::{Attempt, Channel, Failure, NewMessage, Outcome};
use crate::state::AppState;

/// What composing subscribe messages needs: the templates configured, which build of the
/// mini-program a message opens, and the cached stations whose names messages show.
#[derive(Clone, Copy)]
pub struct Composer<'a> {
    pub templates: &'a Templates,
    pub miniprogram_state: &'a str,
    pub reference: &'a Reference,
}

impl AppState {
    /// How to compose subscribe messages; `None` when WeChat is not configured, and none is
    /// written.
    pub fn subscribe_messages(&self) -> Option<Composer<'_>> {
        self.wechat.as_ref()?;
        Some(Composer {
            templates: &self.templates,
            miniprogram_state: &self.settings.wechat.miniprogram_state,
            reference: &self.reference,
        })
    }
}

/// Writes a message for each step the resident hears of by subscribe message, when the
/// template is configured, the resident came through WeChat, holds a grant for it and did not
/// take the step themselves.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    composer: &Composer<'_>,
    case: &cases::Model,
    events: &[EventKind],
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if actor_user_id == Some(case.resident_id) {
        return Ok(());
    }
    let wanted: Vec<_> = events
        .iter()
        .filter_map(|kind| {
            let template = composer.templates.get(template_for(*kind)?)?;
            Some((*kind, template))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(resident) = accounts::find(db, case.resident_id).await? else {
        return Ok(());
    };
    let Some(openid) = resident.openid.filter(|_| *resident.role == Role::Resident) else {
        return Ok(());
    };
    let station = composer
        .reference
        .station(db, case.station_id)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let mut messages = Vec::new();
    for (event, template) in wanted {
        if !subscriptions::has_any(db, resident.id, &template.id).await? {
            continue;
        }
        let facts = Facts {
            case,
            event,
            station: &station,
            at: now,
        };
        let message = template.message(&openid, &facts, composer.miniprogram_state);
        messages.push(NewMessage {
            channel: Channel::Wechat,
            county_id: case.county_id,
            case_id: Some(case.id),
            recipient_id: Some(resident.id),
            webhook_id: None,
            event,
            payload: serde_json::to_string(&message).map_err(AppError::internal)?,
        });
    }
    Ok(outbox::enqueue(db, messages, now).await?)
}

/// One attempt at sending a stored message. The grant is taken before the send and given back
/// when WeChat failed in a way that leaves it unused.
pub async fn deliver(state: &AppState, delivery: &deliveries::Model) -> Attempt {
    let Some(wechat) = &state.wechat else {
        return Err(Failure::Final("WeChat is not configured".to_owned()));
    };
    let message: SubscribeMessage = serde_json::from_str(&delivery.payload)
        .map_err(|e| Failure::Final(format!("unreadable payload: {e}")))?;
    let Some(resident) = delivery.recipient_id else {
        return Err(Failure::Final("no recipient".to_owned()));
    };
    let template = message.template_id.as_str();
    let db = &state.db;
    if !subscriptions::spend(db, resident, template).await? {
        return Ok(Outcome::Skipped("no grant left".to_owned()));
    }
    match wechat.send_subscribe_message(&message).await {
        Ok(()) => Ok(Outcome::Delivered),
        Err(error) if error.is_no_grant() => {
            subscriptions::exhaust(db, resident, template).await?;
            Ok(Outcome::Skipped(error.to_string()))
        }
        Err(error) => {
            subscriptions::give_back(db, resident, template).await?;
            if error.is_final() {
                Err(Failure::Final(error.to_string()))
            } else {
                Err(Failure::Retry(error.to_string()))
            }
        }
    }
}
