//! Raising a case (码上说事): checks, moderation, routing to the deputy on duty, a case number,
//! and the case with its first event and photos in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use liaison_domain::actor::Role;
use liaison_domain::case::{number, routing, text, CaseStatus, EventKind};
use liaison_domain::category::Limits;
use liaison_domain::moderation::Verdict;
use liaison_domain::phone::Phone;
use liaison_domain::policy;
use liaison_domain::{scene, search, Invalid};
use liaison_infra::counters;
use liaison_infra::entities::Word;
use liaison_infra::entities::{case_events, cases, idempotency_keys, stations, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
    TryIntoModel,
};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::dto::{NewCase, Submitted};
use super::moderation;
use crate::attachments::service::claim;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::notifications;
use crate::state::AppState;

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
    if !policy::may_raise_case(&caller.actor) {
        return Err(ApiError::forbidden(
            "cases are raised by residents from the mini-program",
        ));
    }
    let key = idempotency_key.map(check_key).transpose()?;
    let request_hash = hash(&new)?;
    let remembered = key.map(|key| (key, request_hash.as_str()));
    match raise(state, caller, new, remembered).await {
        Ok(submitted) => Ok(Outcome {
            submitted,
            replayed: false,
        }),
        // A retry of a request already answered fails on its way (its key is taken, and its
        // photos): the first answer is the answer. Looking for it only then spares every
        // first request a statement.
        Err(error) => match key {
            Some(key) => replay(&state.db, caller.actor.user_id, key, &request_hash)
                .await?
                .ok_or(error),
            None => Err(error),
        },
    }
}

/// Raises the case, remembering its answer under the idempotency key and request hash given.
async fn raise(
    state: &AppState,
    caller: &Caller,
    new: NewCase,
    remembered: Option<(&str, &str)>,
) -> ApiResult<Submitted> {
    let resident_id = caller.actor.user_id;
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
    let category = state
        .reference
        .category(&state.db, new.category_id)
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

    // Only WeChat's content check needs the resident's openid.
    let openid = match &state.wechat {
        Some(_) => users::Entity::find_by_id(resident_id)
            .one(&state.db)
            .await?
            .and_then(|u| u.openid),
        None => None,
    };
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

    // Microseconds: what PostgreSQL keeps, so the case built here is the case stored.
    let now = Utc::now().trunc_subsecs(6);
    let assignee_id = route(state, station.id, now).await?;
    let county_code = state
        .reference
        .county_code(&state.db, station.county_id)
        .await?
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("county {} has no code", station.county_id))
        })?;
    let sealed_phone = contact_phone
        .map(|p| state.sealer.seal(p.as_str()))
        .transpose()
        .map_err(ApiError::internal)?;

    let (respond_by, resolve_by) = liaison_domain::case::deadline::due(limits, now);
    let txn = state.db.begin().await?;
    let day = number::day(now);
    let seq = counters::next(&txn, &county_code, &day).await?;
    let number = number::format(&county_code, &day, u32::try_from(seq).unwrap_or(u32::MAX));
    let search_terms = search::index_terms(&number, &title, &content, location.as_deref());
    let mut row = cases::ActiveModel {
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
        status: Set(Word(CaseStatus::Submitted)),
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
    };
    // Inserted without reading the row back: everything but the id is known here.
    let inserted = cases::Entity::insert(row.clone()).exec(&txn).await?;
    row.id = Set(inserted.last_insert_id);
    let case = row.try_into_model()?;
    claim(&txn, resident_id, case.id, &new.attachment_ids).await?;
    let event = case_events::ActiveModel {
        case_id: Set(case.id),
        kind: Set(Word(EventKind::Submitted)),
        actor_id: Set(Some(resident_id)),
        actor_role: Set(Role::Resident.as_str().to_owned()),
        actor_name: Set(caller.name.clone()),
        text: Set(None),
        internal: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    case_events::Entity::insert(event)
        .exec_without_returning(&txn)
        .await?;
    let news = notifications::tell(
        &txn,
        &state.notifier(),
        &case,
        &[EventKind::Submitted],
        Some(resident_id),
        now,
    )
    .await?;
    let submitted = Submitted {
        id: case.id,
        number: case.number,
        status: case.status.as_str().to_owned(),
        station_id: case.station_id,
        assignee_id: case.assignee_id,
        respond_by: case.respond_by,
        resolve_by: case.resolve_by,
    };
    if let Some((key, request_hash)) = remembered {
        // A key already taken (a retry, or a twin racing this one) fails here and rolls the
        // whole case back; `submit` then answers what the key first answered.
        let response = serde_json::to_string(&submitted).map_err(ApiError::internal)?;
        idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
            user_id: Set(resident_id),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            case_id: Set(case.id),
            response: Set(response),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    news.announce(&state.notifier());
    tracing::info!(case_id = submitted.id, number = %submitted.number, station_id = station.id, assignee_id = ?assignee_id, flagged = verdict == Verdict::Review, "case raised");
    Ok(submitted)
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
    state
        .reference
        .station(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::invalid_field("station_id", "unknown", "no station has this id"))
}

/// The deputy on duty with the fewest cases in progress, or `None` for the station queue.
async fn route(state: &AppState, station_id: i64, now: DateTime<Utc>) -> ApiResult<Option<i64>> {
    let db = &state.db;
    let on_duty = state.reference.on_duty(db, station_id, now).await?;
    let members = state.reference.members(db, station_id).await?;
    let eligible = on_duty.iter().filter(|d| members.contains(d)).count();
    if eligible <= 1 {
        // Nobody to weigh against: the loads would not change the pick.
        return Ok(routing::pick(&on_duty, &members, |_| 0));
    }
    let loads: HashMap<i64, i64> = cases::Entity::find()
        .select_only()
        .column(cases::Column::AssigneeId)
        .column_as(Expr::col(cases::Column::Id).count(), "open")
        .filter(cases::Column::AssigneeId.is_in(on_duty.clone()))
        .filter(cases::Column::Status.is_in(CaseStatus::in_progress().map(Word)))
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
