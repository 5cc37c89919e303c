//! Reading and changing deputies and where they sit.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::audit::AuditAction;
use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use liaison_domain::link::WebLink;
use liaison_domain::policy;
use liaison_domain::text::{bounded, Name, ShortText};
use liaison_domain::Invalid;
use liaison_infra::entities::deputies;
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::accounts;
use liaison_infra::store::organisation::deputies::{self as store, DeputyChange, StatusChange};
use liaison_infra::store::organisation::{rosters, stations};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{Deputy, DeputyFilter, DeputyPatch, NewDeputy};
use crate::app_error::{AppError, AppResult};
use crate::audit;
use crate::cases::{release, Cases};
use crate::pagination::{Page, Paged};

/// The public view of a deputy seated at `station_ids` (in id order).
fn view(row: deputies::Model, station_ids: Vec<i64>) -> Deputy {
    Deputy {
        station_ids,
        id: row.id,
        county_id: row.county_id,
        name: row.name,
        level: row.level.as_str().to_owned(),
        photo_url: row.photo_url,
        office_hours: row.office_hours,
        public_contact: row.public_contact,
        status: row.status.as_str().to_owned(),
        status_reason: row.status_reason,
        status_since: row.status_since,
        term: row.term,
        constituency: row.constituency,
    }
}

/// The public views of deputies, in the rows' order, with their stations in one query.
async fn views(db: &impl ConnectionTrait, rows: Vec<deputies::Model>) -> AppResult<Vec<Deputy>> {
    let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
    let mut stations_of: HashMap<i64, Vec<i64>> = store::stations_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let station_ids = stations_of.remove(&row.id).unwrap_or_default();
            view(row, station_ids)
        })
        .collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DeputyFilter,
    page: Page,
) -> AppResult<Paged<Deputy>> {
    let filter = store::Filter {
        county_id: filter.county_id,
        station_id: filter.station_id,
        level: filter
            .level
            .as_deref()
            .map(DeputyLevel::parse)
            .transpose()?,
    };
    let rows = store::list(db, filter, page).await?;
    // Views keep the rows' order and count, extra row included, for `finish` to cut.
    let views = views(db, rows).await?;
    Ok(Paged::finish(page, views, |d| d.id, |d| d))
}

/// The deputies sitting at a station: its public directory.
pub async fn at(db: &impl ConnectionTrait, station_id: i64) -> AppResult<Vec<Deputy>> {
    let rows = store::at_station(db, station_id).await?;
    views(db, rows).await
}

/// The deputy as stored, with the stations it sits at (in id order).
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<(deputies::Model, Vec<i64>)> {
    let row = store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("deputy"))?;
    let station_ids = store::stations_of(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok((row, station_ids))
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<Deputy> {
    let (row, station_ids) = find(db, id).await?;
    Ok(view(row, station_ids))
}

/// Checks that the stations exist and lie in one county; answers that county.
async fn county_of_stations(
    db: &impl ConnectionTrait,
    station_ids: &BTreeSet<i64>,
) -> AppResult<Option<i64>> {
    let found = stations::with_ids(db, station_ids.iter().copied()).await?;
    if found.len() != station_ids.len() {
        return Err(AppError::invalid_field(
            "station_ids",
            "unknown",
            "some station ids do not exist",
        ));
    }
    let counties: BTreeSet<i64> = found.iter().map(|s| s.county_id).collect();
    if counties.len() > 1 {
        return Err(AppError::invalid_field(
            "station_ids",
            "mixed_counties",
            "a deputy's stations must lie in one county",
        ));
    }
    Ok(counties.into_iter().next())
}

fn optional_text(field: &str, value: Option<&str>) -> Result<Option<String>, Invalid> {
    value
        .map(|v| bounded(field, v, 1, ShortText::MAX_CHARS))
        .transpose()
}

/// A photo is shown to anyone who opens the directory: only a web link may be one.
fn optional_link(field: &str, value: Option<&str>) -> Result<Option<String>, Invalid> {
    value
        .map(|v| WebLink::parse(field, v).map(WebLink::into_inner))
        .transpose()
}

pub async fn create(
    db: &impl TransactionTrait,
    actor: &Actor,
    new: NewDeputy,
) -> AppResult<Deputy> {
    if !policy::may_write(actor.role, policy::Writes::Deputy) {
        return Err(AppError::Forbidden("only admins enter deputies"));
    }
    let name = Name::parse(&new.name);
    let level = DeputyLevel::parse(&new.level);
    let photo = optional_link("photo_url", new.photo_url.as_deref());
    let hours = optional_text("office_hours", new.office_hours.as_deref());
    let contact = optional_text("public_contact", new.public_contact.as_deref());
    let (name, level, photo_url, office_hours, public_contact) =
        match (name, level, photo, hours, contact) {
            (Ok(n), Ok(l), Ok(p), Ok(h), Ok(c)) => (n, l, p, h, c),
            (n, l, p, h, c) => {
                return Err(Invalid::merge([n.err(), l.err(), p.err(), h.err(), c.err()]).into())
            }
        };
    let station_ids: BTreeSet<i64> = new.station_ids.iter().copied().collect();
    let txn = db.begin().await?;
    let county_id = match county_of_stations(&txn, &station_ids).await? {
        Some(county) => county,
        None => actor
            .county_id
            .ok_or(AppError::Forbidden("only admins enter deputies"))?,
    };
    if !policy::may_create_deputy(actor, county_id, &new.station_ids) {
        return Err(AppError::Forbidden(
            "you may enter deputies only at stations you run",
        ));
    }
    let new = store::NewDeputy {
        county_id,
        name: name.into_inner(),
        level,
        photo_url,
        office_hours,
        public_contact,
    };
    let created = store::insert(&txn, new, Utc::now()).await?;
    store::replace_stations(&txn, created.id, &station_ids).await?;
    txn.commit().await?;
    Ok(view(created, station_ids.into_iter().collect()))
}

/// The status a patch asks for, checked: leaving service needs a reason.
fn status_change(patch: &DeputyPatch) -> Result<Option<StatusChange>, Invalid> {
    let Some(word) = patch.status.as_deref() else {
        return Ok(None);
    };
    let status = DeputyStatus::parse(word);
    let reason = optional_text("status_reason", patch.status_reason.as_deref());
    let (status, reason) = match (status, reason) {
        (Ok(s), Ok(r)) => (s, r),
        (s, r) => return Err(Invalid::merge([s.err(), r.err()])),
    };
    if !status.serves() && reason.is_none() {
        return Err(Invalid::one(
            "status_reason",
            "required",
            "say why the deputy is suspended or terminated",
        ));
    }
    Ok(Some(StatusChange {
        status,
        reason,
        since: Some(
            patch
                .status_since
                .unwrap_or_else(|| Utc::now().date_naive()),
        ),
    }))
}

pub async fn update(
    cases: &Cases<'_>,
    revocations: &Revocations,
    actor: &Actor,
    id: i64,
    patch: DeputyPatch,
) -> AppResult<Deputy> {
    let db = cases.db;
    if !policy::may_write(actor.role, policy::Writes::Deputy) {
        return Err(AppError::Forbidden("only admins change deputies"));
    }
    let name = patch.name.as_deref().map(Name::parse).transpose();
    let level = patch.level.as_deref().map(DeputyLevel::parse).transpose();
    let photo = patch
        .photo_url
        .as_ref()
        .map(|v| optional_link("photo_url", v.as_deref()))
        .transpose();
    let hours = patch
        .office_hours
        .as_ref()
        .map(|v| optional_text("office_hours", v.as_deref()))
        .transpose();
    let contact = patch
        .public_contact
        .as_ref()
        .map(|v| optional_text("public_contact", v.as_deref()))
        .transpose();
    let term = patch
        .term
        .as_ref()
        .map(|v| optional_text("term", v.as_deref()))
        .transpose();
    let constituency = patch
        .constituency
        .as_ref()
        .map(|v| optional_text("constituency", v.as_deref()))
        .transpose();
    let status = status_change(&patch);
    let (name, level, photo_url, office_hours, public_contact, term, constituency, status) = match (
        name,
        level,
        photo,
        hours,
        contact,
        term,
        constituency,
        status,
    ) {
        (Ok(n), Ok(l), Ok(p), Ok(h), Ok(c), Ok(t), Ok(k), Ok(s)) => (n, l, p, h, c, t, k, s),
        (n, l, p, h, c, t, k, s) => {
            return Err(Invalid::merge([
                n.err(),
                l.err(),
                p.err(),
                h.err(),
                c.err(),
                t.err(),
                k.err(),
                s.err(),
            ])
            .into())
        }
    };
    let txn = db.begin().await?;
    let (row, current) = find(&txn, id).await?;
    let proposed = patch.station_ids.unwrap_or_else(|| current.clone());
    let seats: BTreeSet<i64> = proposed.iter().copied().collect();
    if let Some(county) = county_of_stations(&txn, &seats).await? {
        if county != row.county_id {
            return Err(AppError::invalid_field(
                "station_ids",
                "other_county",
                "stations must lie in the deputy's county",
            ));
        }
    }
    if !policy::may_edit_deputy(actor, row.county_id, &current, &proposed) {
        // Deputies are public, so hiding this one would be pointless: 403, not 404.
        return Err(AppError::Forbidden(
            "this deputy or these stations are outside your scope",
        ));
    }
    let was = *row.status;
    // A form sends the status it shows: the same status keeps its reason and date.
    let status = status.filter(|change| change.status != was);
    let leaves = status
        .as_ref()
        .is_some_and(|change| was.leaves_service(change.status));
    let audited = status.clone();
    let change = DeputyChange {
        name: name.map(Name::into_inner),
        level,
        photo_url,
        office_hours,
        public_contact,
        term,
        constituency,
        status,
    };
    let now = Utc::now();
    let updated = store::update(&txn, row, change, now).await?;
    let mut released = None;
    if let Some(change) = audited {
        let reason = change.reason.as_deref().unwrap_or_default();
        audit::record(
            &txn,
            actor,
            audit::Entry {
                county_id: updated.county_id,
                action: AuditAction::DeputyStatusChanged,
                target_id: id,
                summary: format!("{} {was} → {} {reason}", updated.name, change.status)
                    .trim_end()
                    .to_owned(),
                station_ids: &current,
            },
            now,
        )
        .await?;
        if leaves {
            rosters::leave_from(&txn, id, now).await?;
            released = Some(release::held_by(&txn, cases, id, reason, now).await?);
        }
    }
    // The deputy's account reaches other stations now: tokens signed before say otherwise.
    let moved = seats != current.iter().copied().collect();
    let changed_account = if moved {
        store::replace_stations(&txn, id, &seats).await?;
        accounts::deputy_changed(&txn, id, now).await?
    } else {
        None
    };
    txn.commit().await?;
    if let Some(released) = released {
        released.announce(cases);
    }
    if let Some(user_id) = changed_account {
        revocations
            .revoke(Revocation::Account { user_id, at: now })
            .await;
    }
    let station_ids = if moved {
        seats.into_iter().collect()
    } else {
        current
    };
    Ok(view(updated, station_ids))
}
