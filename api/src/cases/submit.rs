//! Raising a case (码上说事): checks, moderation, routing to the deputy on duty (or, from a
//! deputy's own code, to that deputy), a case number, and the case with its first event and
//! photos in one transaction. A resident raises their own from the mini-program; staff record
//! a visitor's (来访, 赶集日, 走访...), which answers a receipt the visitor claims the case with.

use chrono::{DateTime, SubsecRound, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::case::machine::Event;
use liaison_domain::case::{channel, machine, number, routing, text, Channel, EventKind};
use liaison_domain::category::Limits;
use liaison_domain::moderation::Verdict;
use liaison_domain::phone::Phone;
use liaison_domain::policy::{self, Writes};
use liaison_domain::scene::{self, SceneKind};
use liaison_domain::text::Name;
use liaison_domain::{search, Invalid};
use liaison_infra::entities::{idempotency_keys, stations};
use liaison_infra::rate_limit::Decision;
use liaison_infra::store::cases::events::{self, Author};
use liaison_infra::store::cases::{self as store, counters, keys};
use liaison_infra::store::organisation::receptions;
use sea_orm::{ConnectionTrait, TransactionTrait};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::dto::{NewCase, Receipt, Submitted};
use super::{moderation, Cases};
use crate::app_error::{AppError, AppResult};
use crate::attachments::service::claim;
use crate::notifications;

/// A retry's answer is the first answer; `replayed` tells the edge to say so.
pub struct Outcome {
    pub submitted: Submitted,
    pub replayed: bool,
}

/// Raises `new` as `actor` (named `actor_name` on the timeline). With an idempotency key, a
/// retry of the same body answers the first answer.
pub async fn submit(
    cases: &Cases<'_>,
    actor: &Actor,
    actor_name: &str,
    new: NewCase,
    idempotency_key: Option<&str>,
) -> AppResult<Outcome> {
    if !policy::may_write(actor.role, Writes::Case) {
        return Err(AppError::Forbidden(
            "cases are raised by residents and recorded by deputies and admins",
        ));
    }
    let channel = match new.channel.as_deref() {
        Some(word) => Channel::parse(word)?,
        None => Channel::MiniProgram,
    };
    if channel.recorded_by_staff() == policy::may_raise_case(actor) {
        return Err(AppError::Forbidden(
            "residents raise cases from the mini-program; staff record a visitor's by its channel",
        ));
    }
    let key = idempotency_key.map(check_key).transpose()?;
    let request_hash = hash(&new)?;
    // The limits keep one phone from flooding a queue; staff at a market day record many.
    let limited = match channel.recorded_by_staff() {
        false => over_limit(cases, actor.user_id).await,
        true => None,
    };
    if let Some(retry_after) = limited {
        // A retry of a case raised before the limit was reached still gets its first answer.
        let first = match key {
            Some(key) => replay(cases.db, actor.user_id, key, &request_hash).await?,
            None => None,
        };
        return first.ok_or(AppError::RateLimited { retry_after });
    }
    let remembered = key.map(|key| (key, request_hash.as_str()));
    match raise(cases, actor, actor_name, channel, new, remembered).await {
        Ok(submitted) => Ok(Outcome {
            submitted,
            replayed: false,
        }),
        // A retry of a request already answered fails on its way (its key is taken, and its
        // photos): the first answer is the answer. Looking for it only then spares every
        // first request a statement.
        Err(error) => match key {
            Some(key) => replay(cases.db, actor.user_id, key, &request_hash)
                .await?
                .ok_or(error),
            None => Err(error),
        },
    }
}

/// How long `resident` must wait when raising one more case would pass the hourly or the
/// daily limit; `None` while it would not.
async fn over_limit(cases: &Cases<'_>, resident: i64) -> Option<std::time::Duration> {
    let hour = std::time::Duration::from_secs(3600);
    let windows = [
        ("hour", cases.raising.per_hour, hour),
        ("day", cases.raising.per_day, hour * 24),
    ];
    for (name, limit, window) in windows {
        let key = format!("cases:{name}:user:{resident}");
        if let Decision::Limited { retry_after } = cases.limiter.check(&key, limit, window).await {
            return Some(retry_after);
        }
    }
    None
}

/// Raises the case, remembering its answer under the idempotency key and request hash given.
async fn raise(
    cases: &Cases<'_>,
    actor: &Actor,
    actor_name: &str,
    channel: Channel,
    new: NewCase,
    remembered: Option<(&str, &str)>,
) -> AppResult<Submitted> {
    // Who raised it: the resident, or the staff member recording a visitor's until they claim it.
    let resident_id = actor.user_id;
    let for_visitor = channel.recorded_by_staff();
    let fields = (
        text::title(&new.title),
        text::content("content", &new.content),
        new.location.as_deref().map(text::location).transpose(),
        contact_phone(&new, for_visitor),
        visitor_name(&new, for_visitor),
        match (new.reception_id, for_visitor) {
            (Some(_), false) => Err(not_for_channel("reception_id")),
            _ => Ok(()),
        },
    );
    let (title, content, location, contact_phone, visitor_name) = match fields {
        (Ok(t), Ok(c), Ok(l), Ok(p), Ok(v), Ok(())) => (t, c, l, p, v),
        (t, c, l, p, v, r) => {
            let errors = [t.err(), c.err(), l.err(), p.err(), v.err(), r.err()];
            return Err(Invalid::merge(errors).into());
        }
    };
    let (station, to_deputy) = destination(cases, &new).await?;
    // Microseconds: what PostgreSQL keeps, so the case built here is the case stored.
    let now = Utc::now().trunc_subsecs(6);
    if for_visitor {
        let on_duty = match actor.deputy_id {
            Some(deputy) => cases
                .reference
                .on_duty(cases.db, station.id, now)
                .await?
                .contains(&deputy),
            None => false,
        };
        if !policy::may_record_case(actor, station.county_id, station.id, on_duty) {
            return Err(AppError::NotFound("station"));
        }
    }
    if let Some(reception_id) = new.reception_id {
        held_at(cases, reception_id, station.id).await?;
    }
    let category = cases
        .reference
        .category(cases.db, new.category_id)
        .await?
        .filter(|c| c.county_id == station.county_id)
        .ok_or_else(|| {
            AppError::invalid_field(
                "category_id",
                "unknown",
                "no category of this station's county has this id",
            )
        })?;
    if !category.active {
        return Err(AppError::invalid_field(
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
        AppError::internal(anyhow::anyhow!(
            "category {} has invalid limits",
            category.id
        ))
    })?;

    // Only WeChat's content check needs the resident's openid.
    let openid = match cases.screening.wechat {
        Some(_) => store::resident(cases.db, resident_id)
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
    let verdict = moderation::screen(&cases.screening, openid.as_deref(), &texts).await;
    if verdict == Verdict::Risky {
        return Err(AppError::ContentRejected);
    }

    // A case from a deputy's own code goes to that deputy; a deputy recording a visitor's case
    // across the desk is the deputy it is with.
    let assignee_id = match (to_deputy, for_visitor, actor.deputy_id) {
        (Some(deputy_id), _, _) => Some(deputy_id),
        (None, true, Some(deputy)) => Some(deputy),
        _ => route(cases, station.id, now).await?,
    };
    let county_code = cases
        .reference
        .county_code(cases.db, station.county_id)
        .await?
        .ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("county {} has no code", station.county_id))
        })?;
    let seal = |text: &str| cases.sealer.seal(text).map_err(AppError::internal);
    let sealed_phone = contact_phone.map(|p| seal(p.as_str())).transpose()?;
    let sealed_name = visitor_name.map(|n| seal(n.as_str())).transpose()?;

    let (respond_by, resolve_by) = liaison_domain::case::deadline::due(limits, now);
    let txn = cases.db.begin().await?;
    let day = number::day(now);
    let seq = counters::next(&txn, &county_code, &day).await?;
    let number = number::format(&county_code, &day, u32::try_from(seq).unwrap_or(u32::MAX));
    let search_terms = search::index_terms(&number, &title, &content, location.as_deref());
    let case = store::insert(
        &txn,
        store::NewCase {
            number,
            station_id: station.id,
            county_id: station.county_id,
            category_id: category.id,
            resident_id,
            assignee_id,
            title,
            content,
            location,
            search_terms,
            anonymous: new.anonymous,
            contact_phone: sealed_phone,
            channel,
            visitor_name: sealed_name,
            reception_id: new.reception_id,
            publishable: new.publishable,
            flagged: verdict == Verdict::Review,
            respond_by,
            resolve_by,
            resolve_within_days: category.resolve_within_days,
            created_at: now,
        },
    )
    .await?;
    claim(&txn, resident_id, case.id, &new.attachment_ids).await?;
    let author = Author {
        actor_id: Some(resident_id),
        role: actor.role.as_str(),
        name: actor_name,
    };
    let submitted_event = Event::new(EventKind::Submitted, None, machine::round(0));
    events::append(&txn, case.id, author, &[submitted_event], now).await?;
    let news = notifications::tell(
        &txn,
        &cases.notifier,
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
        channel: channel.as_str().to_owned(),
        receipt: for_visitor.then(|| receipt(cases, case.id)),
    };
    if let Some((key, request_hash)) = remembered {
        // A key already taken (a retry, or a twin racing this one) fails here and rolls the
        // whole case back; `submit` then answers what the key first answered.
        let response = serde_json::to_string(&submitted).map_err(AppError::internal)?;
        let answer = idempotency_keys::Model {
            user_id: resident_id,
            key: key.to_owned(),
            request_hash: request_hash.to_owned(),
            case_id: submitted.id,
            response,
            created_at: now,
        };
        keys::remember(&txn, answer).await?;
    }
    txn.commit().await?;
    news.announce(&cases.notifier);
    tracing::info!(case_id = submitted.id, number = %submitted.number, station_id = station.id, assignee_id = ?assignee_id, channel = %channel, flagged = verdict == Verdict::Review, "case raised");
    Ok(submitted)
}

/// The phone to call back on: a resident's `contact_phone`, a visitor's `visitor_phone`; the
/// other one is not theirs to give.
fn contact_phone(new: &NewCase, for_visitor: bool) -> Result<Option<Phone>, Invalid> {
    let (given, other) = match for_visitor {
        true => (
            ("visitor_phone", &new.visitor_phone),
            ("contact_phone", &new.contact_phone),
        ),
        false => (
            ("contact_phone", &new.contact_phone),
            ("visitor_phone", &new.visitor_phone),
        ),
    };
    if other.1.is_some() {
        return Err(not_for_channel(other.0));
    }
    given
        .1
        .as_deref()
        .map(|p| Phone::parse(p).map_err(|e| e.renamed(given.0)))
        .transpose()
}

/// A visitor's name, which only staff record.
fn visitor_name(new: &NewCase, for_visitor: bool) -> Result<Option<Name>, Invalid> {
    match (&new.visitor_name, for_visitor) {
        (Some(_), false) => Err(not_for_channel("visitor_name")),
        (Some(name), true) => Name::parse(name)
            .map(Some)
            .map_err(|e| e.renamed("visitor_name")),
        (None, _) => Ok(None),
    }
}

/// Checks that the reception a visitor's case names was held at the case's station.
async fn held_at(cases: &Cases<'_>, reception_id: i64, station_id: i64) -> AppResult<()> {
    match receptions::station_of(cases.db, reception_id).await? {
        Some(at) if at == station_id => Ok(()),
        _ => Err(AppError::invalid_field(
            "reception_id",
            "unknown",
            "no reception at this station has this id",
        )),
    }
}

fn not_for_channel(field: &'static str) -> Invalid {
    Invalid::one(
        field,
        "not_for_channel",
        format!("{field} is not given for a case of this channel"),
    )
}

/// The receipt of visitor's case `case_id`.
pub(crate) fn receipt(cases: &Cases<'_>, case_id: i64) -> Receipt {
    Receipt {
        claim_code: channel::claim_code(case_id, cases.scene_secret.expose_secret().as_bytes()),
        slip_url: format!("{}/console/cases/{case_id}/receipt", cases.base_url),
    }
}

fn check_key(key: &str) -> AppResult<&str> {
    let valid = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(key)
    } else {
        Err(AppError::invalid_field(
            "Idempotency-Key",
            "invalid",
            "Idempotency-Key must be 1 to 128 visible ASCII characters",
        ))
    }
}

fn hash(new: &NewCase) -> AppResult<String> {
    let bytes = serde_json::to_vec(new).map_err(AppError::internal)?;
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
) -> AppResult<Option<Outcome>> {
    let Some(found) = keys::find(db, user_id, key).await? else {
        return Ok(None);
    };
    if found.request_hash != request_hash {
        return Err(AppError::invalid_field(
            "Idempotency-Key",
            "reused",
            "this Idempotency-Key was used with another body",
        ));
    }
    let submitted = serde_json::from_str(&found.response).map_err(AppError::internal)?;
    Ok(Some(Outcome {
        submitted,
        replayed: true,
    }))
}

/// The station the body names, by signed scene or id (which must agree when both are given),
/// and the deputy the case goes to when the scene is a deputy's own code: their first station
/// (`routing::to_deputy`), whoever is on duty there.
async fn destination(
    cases: &Cases<'_>,
    new: &NewCase,
) -> AppResult<(stations::Model, Option<i64>)> {
    let key = cases.scene_secret.expose_secret().as_bytes();
    let unknown_code = || AppError::invalid_field("scene", "invalid", "this is not a code of ours");
    let (from_scene, to_deputy) = match &new.scene {
        Some(text) => match scene::verify(text, key).ok_or_else(unknown_code)? {
            (SceneKind::Station, id) => (Some(id), None),
            (SceneKind::Deputy, id) => {
                let to = crate::deputies::code::destination(cases.db, id)
                    .await?
                    .ok_or_else(unknown_code)?;
                (Some(to.station_id), Some(to.assignee_id))
            }
        },
        None => (None, None),
    };
    let id = match (from_scene, new.station_id) {
        (Some(a), Some(b)) if a != b => {
            return Err(AppError::invalid_field(
                "station_id",
                "mismatch",
                "station_id does not match the scanned code",
            ));
        }
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => {
            return Err(AppError::invalid_field(
                "station_id",
                "required",
                "give the scanned scene or a station_id",
            ));
        }
    };
    let station = cases
        .reference
        .station(cases.db, id)
        .await?
        .ok_or_else(|| {
            AppError::invalid_field("station_id", "unknown", "no station has this id")
        })?;
    Ok((station, to_deputy))
}

/// The deputy on duty with the fewest cases in progress, or `None` for the station queue.
async fn route(cases: &Cases<'_>, station_id: i64, now: DateTime<Utc>) -> AppResult<Option<i64>> {
    let db = cases.db;
    let on_duty = cases.reference.on_duty(db, station_id, now).await?;
    let members = cases.reference.members(db, station_id).await?;
    let eligible = on_duty.iter().filter(|d| members.contains(d)).count();
    if eligible <= 1 {
        // Nobody to weigh against: the loads would not change the pick.
        return Ok(routing::pick(&on_duty, &members, |_| 0));
    }
    let loads = store::loads(db, &on_duty).await?;
    Ok(routing::pick(&on_duty, &members, |deputy| {
        u32::try_from(loads.get(&deputy).copied().unwrap_or(0)).unwrap_or(u32::MAX)
    }))
}
