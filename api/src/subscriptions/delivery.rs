//! Subscribe messages through the outbox: written with the step for a resident who holds a
//! grant, sent by the dispatcher, which spends the grant.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Role;
use liaison_domain::case::EventKind;
use liaison_domain::subscribe::template_for;
use liaison_infra::entities::{cases, deliveries, stations, users};
use liaison_infra::wechat::SubscribeMessage;
use sea_orm::{ConnectionTrait, EntityTrait};

use super::grants;
use super::templates::Facts;
use super::Templates;
use crate::app_error::{AppError, AppResult};
use crate::error::ApiError;
use crate::outbox::{Attempt, Channel, Failure, NewMessage, Outcome};
use crate::state::AppState;

/// Writes a message for each step the resident hears of by subscribe message, when WeChat is
/// configured (`templates` is `None` otherwise), the template is, the resident came through
/// WeChat, holds a grant for it and did not take the step themselves. `miniprogram_state` is
/// the version of the mini-program the message opens.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    templates: Option<&Templates>,
    miniprogram_state: &str,
    case: &cases::Model,
    events: &[EventKind],
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(templates) = templates else {
        return Ok(());
    };
    if actor_user_id == Some(case.resident_id) {
        return Ok(());
    }
    let wanted: Vec<_> = events
        .iter()
        .filter_map(|kind| {
            let template = templates.get(template_for(*kind)?)?;
            Some((*kind, template))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(resident) = users::Entity::find_by_id(case.resident_id).one(db).await? else {
        return Ok(());
    };
    let Some(openid) = resident.openid.filter(|_| *resident.role == Role::Resident) else {
        return Ok(());
    };
    let station = stations::Entity::find_by_id(case.station_id)
        .one(db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    for (event, template) in wanted {
        if !grants::has_any(db, resident.id, &template.id).await? {
            continue;
        }
        let facts = Facts {
            case,
            event,
            station: &station,
            at: now,
        };
        let message = template.message(&openid, &facts, miniprogram_state);
        let payload = serde_json::to_string(&message).map_err(AppError::internal)?;
        let message = NewMessage {
            channel: Channel::Wechat,
            county_id: case.county_id,
            case_id: Some(case.id),
            recipient_id: Some(resident.id),
            webhook_id: None,
            event,
            payload,
        };
        deliveries::Entity::insert(message.pending(now))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
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
    if !grants::spend(db, resident, template).await.map_err(retry)? {
        return Ok(Outcome::Skipped("no grant left".to_owned()));
    }
    match wechat.send_subscribe_message(&message).await {
        Ok(()) => Ok(Outcome::Delivered),
        Err(error) if error.is_no_grant() => {
            grants::exhaust(db, resident, template)
                .await
                .map_err(retry)?;
            Ok(Outcome::Skipped(error.to_string()))
        }
        Err(error) => {
            grants::give_back(db, resident, template)
                .await
                .map_err(retry)?;
            if error.is_final() {
                Err(Failure::Final(error.to_string()))
            } else {
                Err(Failure::Retry(error.to_string()))
            }
        }
    }
}

fn retry(error: ApiError) -> Failure {
    Failure::Retry(format!("database: {}", error.code()))
}
