//! Raising a case (码上说事): checks, moderation, routing to the deputy on duty, a case number,
//! and the case with its first event and photos in one transaction.

use std::collections::HashMap;

use chrono::Utc;
use liaison_domain::actor::Role;
use liaison_domain::case::{number, routing, text, CaseStatus, EventKind};
use liaison_domain::category::Limits;
use liaison_domain::moderation::Verdict;
use liaison_domain::phone::Phone;
use liaison_domain::{scene, search, Invalid};
use liaison_infra::counters;
use liaison_infra::entities::{
    case_events, cases, categories, deputy_stations, idempotency_keys, regions, stations, users,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::dto::{NewCase, Submitted};
use super::moderation;
use crate::attachments::service::claim;
use crate::auth::Caller;
use crate::error::{is_unique_violation, ApiError, ApiResult};
use crate::notifications;
use crate::state::AppState;
use crate::stations::roster::on_duty_now;

/// A retry's answer is the first answer; `replayed` tells the route to say so.
pub struct Outcome {
    pub submitted: Submitted,
    pub replayed: bool,
}

pub async fn submit(
    state: &AppState,
    caller: &Caller,
    new: NewCase,
    idempotency_key: Option<&str>,
) -> ApiResult<Outcome> {
    if caller.actor.role != Role::Resident {
        return Err(ApiError::forbidden(
            "cases are raised by residents from the mini-program",
        ));
    }
    let resident_id = caller.actor.user_id;
    let key = idempotency_key.map(check_key).transpose()?;
    let request_hash = hash(&new)?;
    if let Some(key) = key {
        if let Some(outcome) = replay(&state.db, resident_id, key, &request_hash).await? {
            return Ok(outcome);
        }
    }

    let fields = (
        text::title(&new.title),
        text::content("content", &new.content),
        new.location.as_deref().map(text::location).transpose(),
        new.contact_phone
            .as_deref()
            .map(|p| Phone::parse(p).map_err(|e| e.renamed("contact_phone")))
            .transpose(),
    );
    let (title, content, location, contact_phone) = match fields {
        (Ok(t), Ok(c), Ok(l), Ok(p)) => (t, c, l, p),
        (t, c, l, p) => return Err(Invalid::merge([t.err(), c.err(), l.err(), p.err()]).into()),
    };
    let station = station_of(state, &new).await?;
    let category = categories::Entity::find_by_id(new.category_id)
        .one(&state.db)
        .await?
        .filter(|c| c.county_id == station.county_id)
        .ok_or_else(|| {
            ApiError::invalid_field(
                "category_id",
                "unknown",
                "no category of this station's county has this id",
            )
        })?;
    if !category.active {
        return Err(ApiError::invalid_field(
            "category_id",
            "inactive",
            "this category takes no new cases",
        ));
    }
    let limits = Limits::parse(
        i64::from(category.respond_within_hours),
        i64::from(category.resolve_within_days),
    )
    .map_err(|_| {
        ApiError::internal(anyhow::anyhow!(
            "category {} has invalid limits",
            category.id
        ))
    })?;

    let openid = users::Entity::find_by_id(resident_id)
        .one(&state.db)
        .await?
        .and_then(|u| u.openid);
    let texts: Vec<&str> = [
        Some(title.as_str()),
        Some(content.as_str()),
        location.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let verdict = moderation::screen(state, openid.as_deref(), &texts).await;
    if verdict == Verdict::Risky {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "case.content_rejected",
            "the text cannot be accepted; please rephrase it",
        ));
    }

    let assignee_id = route(&state.db, station.id).await?;
    let county_code = regions::Entity::find_by_id(station.county_id)
        .one(&state.db)
        .await?
        .and_then(|r| r.code)
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("county {} has no code", station.county_id))
        })?;
    let sealed_phone = contact_phone
        .map(|p| state.sealer.seal(p.as_str()))
        .transpose()
        .map_err(ApiError::internal)?;

    let now = Utc::now();
    let (respond_by, resolve_by) = liaison_domain::case::deadline::due(limits, now);
    let txn = state.db.begin().await?;
    let day = number::day(now);
    let seq = counters::next(&txn, &county_code, &day).await?;
    let number = number::format(&county_code, &day, u32::try_from(seq).unwrap_or(u32::MAX));
    let search_terms = search::index_terms(&number, &title, &content, location.as_deref());
    let case = cases::ActiveModel {
        number: Set(number),
        station_id: Set(station.id),
        county_id: Set(station.county_id),
        category_id: Set(category.id),
        resident_id: Set(resident_id),
        assignee_id: Set(assignee_id),
        department_id: Set(None),
        title: Set(title),
        content: Set(content),
        location: Set(location),
        search_terms: Set(search_terms),
        anonymous: Set(new.anonymous),
        contact_phone: Set(sealed_phone),
        status: Set(CaseStatus::Submitted.as_str().to_owned()),
        flagged: Set(verdict == Verdict::Review),
        reopen_count: Set(0),
        escalated: Set(false),
        respond_by: Set(respond_by),
        resolve_by: Set(resolve_by),
        first_response_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        rating: Set(None),
        rating_comment: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    claim(&txn, resident_id, case.id, &new.attachment_ids).await?;
    case_events::ActiveModel {
        case_id: Set(case.id),
        kind: Set(EventKind::Submitted.as_str().to_owned()),
        actor_id: Set(Some(resident_id)),
        actor_role: Set(Role::Resident.as_str().to_owned()),
        actor_name: Set(caller.name.clone()),
        text: Set(None),
        internal: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let news = notifications::tell(
        &txn,
        state,
        &case,
        &[EventKind::Submitted],
        Some(resident_id),
        now,
    )
    .await?;
    let submitted = Submitted {
        id: case.id,
        number: case.number,
        status: case.status,
        station_id: case.station_id,
        assignee_id: case.assignee_id,
        respond_by: case.respond_by,
        resolve_by: case.resolve_by,
    };
    if let Some(key) = key {
        let response = serde_json::to_string(&submitted).map_err(ApiError::internal)?;
        let stored = idempotency_keys::ActiveModel {
            user_id: Set(resident_id),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.clone()),
            case_id: Set(case.id),
            response: Set(response),
            created_at: Set(now),
        }
        .insert(&txn)
        .await;
        if let Err(error) = stored {
            // Another request with this key won the race: its case stands, this one is dropped.
            txn.rollback().await?;
            if is_unique_violation(&error) {
                return replay(&state.db, resident_id, key, &request_hash)
                    .await?
                    .ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("idempotency key vanished"))
                    });
            }
            return Err(error.into());
        }
    }
    txn.commit().await?;
    news.announce(state);
    tracing::info!(case_id = submitted.id, number = %submitted.number, station_id = station.id, assignee_id = ?assignee_id, flagged = verdict == Verdict::Review, "case raised");
    Ok(Outcome {
        submitted,
        replayed: false,
    })
}

fn check_key(key: &str) -> ApiResult<&str> {
    let valid = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(key)
    } else {
        Err(ApiError::invalid_field(
            "Idempotency-Key",
            "invalid",
            "Idempotency-Key must be 1 to 128 visible ASCII characters",
        ))
    }
}

fn hash(new: &NewCase) -> ApiResult<String> {
    let bytes = serde_json::to_vec(new).map_err(ApiError::internal)?;
    Ok(Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The first answer to this key: the same body replays it; another body is refused.
async fn replay(
    db: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
    request_hash: &str,
) -> ApiResult<Option<Outcome>> {
    let Some(found) = idempotency_keys::Entity::find_by_id((user_id, key.to_owned()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.request_hash != request_hash {
        return Err(ApiError::invalid_field(
            "Idempotency-Key",
            "reused",
            "this Idempotency-Key was used with another body",
        ));
    }
    let submitted = serde_json::from_str(&found.response).map_err(ApiError::internal)?;
    Ok(Some(Outcome {
        submitted,
        replayed: true,
    }))
}

/// The station the body names, by signed scene or id (which must agree when both are given).
async fn station_of(state: &AppState, new: &NewCase) -> ApiResult<stations::Model> {
    let key = state
        .settings
        .stations
        .scene_secret
        .expose_secret()
        .as_bytes();
    let from_scene = match &new.scene {
        Some(text) => Some(scene::verify(text, key).ok_or_else(|| {
            ApiError::invalid_field("scene", "invalid", "this is not a station code of ours")
        })?),
        None => None,
    };
    let id = match (from_scene, new.station_id) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::invalid_field(
                "station_id",
                "mismatch",
                "station_id does not match the scanned code",
            ));
        }
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => {
            return Err(ApiError::invalid_field(
                "station_id",
                "required",
                "give the scanned scene or a station_id",
            ));
        }
    };
    stations::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::invalid_field("station_id", "unknown", "no station has this id"))
}

/// The deputy on duty with the fewest cases in progress, or `None` for the station queue.
async fn route(db: &impl ConnectionTrait, station_id: i64) -> ApiResult<Option<i64>> {
    let on_duty = on_duty_now(db, station_id).await?;
    if on_duty.is_empty() {
        return Ok(None);
    }
    let members: Vec<i64> = deputy_stations::Entity::find()
        .filter(deputy_stations::Column::StationId.eq(station_id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.deputy_id)
        .collect();
    let in_progress = CaseStatus::in_progress_words();
    let loads: HashMap<i64, i64> = cases::Entity::find()
        .select_only()
        .column(cases::Column::AssigneeId)
        .column_as(Expr::col(cases::Column::Id).count(), "open")
        .filter(cases::Column::AssigneeId.is_in(on_duty.clone()))
        .filter(cases::Column::Status.is_in(in_progress))
        .group_by(cases::Column::AssigneeId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(routing::pick(&on_duty, &members, |deputy| {
        u32::try_from(loads.get(&deputy).copied().unwrap_or(0)).unwrap_or(u32::MAX)
    }))
}
