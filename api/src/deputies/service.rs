//! Reading and changing deputies and where they sit.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::deputy::DeputyLevel;
use liaison_domain::policy;
use liaison_domain::text::{bounded, Name, ShortText};
use liaison_domain::Invalid;
use liaison_infra::entities::Word;
use liaison_infra::entities::{deputies, deputy_stations, stations, users};
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::sessions;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use super::dto::{Deputy, DeputyFilter, DeputyPatch, NewDeputy};
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, Paged};

/// Builds the public view of deputies, with their stations in one query.
pub async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<deputies::Model>,
) -> ApiResult<Vec<Deputy>> {
    let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
    let mut stations_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for link in deputy_stations::Entity::find()
        .filter(deputy_stations::Column::DeputyId.is_in(ids))
        .order_by_asc(deputy_stations::Column::StationId)
        .all(db)
        .await?
    {
        stations_of
            .entry(link.deputy_id)
            .or_default()
            .push(link.station_id);
    }
    Ok(rows
        .into_iter()
        .map(|d| Deputy {
            station_ids: stations_of.remove(&d.id).unwrap_or_default(),
            id: d.id,
            county_id: d.county_id,
            name: d.name,
            level: d.level.as_str().to_owned(),
            photo_url: d.photo_url,
            office_hours: d.office_hours,
            public_contact: d.public_contact,
        })
        .collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DeputyFilter,
    page: Page,
) -> ApiResult<Paged<Deputy>> {
    let mut query = deputies::Entity::find().order_by_asc(deputies::Column::Id);
    if let Some(county_id) = filter.county_id {
        query = query.filter(deputies::Column::CountyId.eq(county_id));
    }
    if let Some(level) = &filter.level {
        query = query.filter(deputies::Column::Level.eq(Word(DeputyLevel::parse(level)?)));
    }
    if let Some(station_id) = filter.station_id {
        query = query.filter(deputies::Column::Id.in_subquery(at_station(station_id)));
    }
    if let Some(after) = page.after {
        query = query.filter(deputies::Column::Id.gt(after));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    // Views keep the rows' order and count, extra row included, for `finish` to cut.
    let views = views(db, rows).await?;
    Ok(Paged::finish(page, views, |d| d.id, |d| d))
}

fn at_station(station_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(deputy_stations::Column::DeputyId)
        .from(deputy_stations::Entity)
        .and_where(deputy_stations::Column::StationId.eq(station_id))
        .to_owned()
}

/// The deputies sitting at a station: its public directory.
pub async fn at(db: &impl ConnectionTrait, station_id: i64) -> ApiResult<Vec<Deputy>> {
    let rows = deputies::Entity::find()
        .filter(deputies::Column::Id.in_subquery(at_station(station_id)))
        .order_by_asc(deputies::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> ApiResult<Deputy> {
    let row = deputies::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("deputy"))?;
    views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("deputy"))
}

/// Checks that the stations exist and lie in one county; answers that county.
async fn county_of_stations(
    db: &impl ConnectionTrait,
    station_ids: &[i64],
) -> ApiResult<Option<i64>> {
    let unique: BTreeSet<i64> = station_ids.iter().copied().collect();
    let found = stations::Entity::find()
        .filter(stations::Column::Id.is_in(unique.iter().copied()))
        .all(db)
        .await?;
    if found.len() != unique.len() {
        return Err(ApiError::invalid_field(
            "station_ids",
            "unknown",
            "some station ids do not exist",
        ));
    }
    let counties: BTreeSet<i64> = found.iter().map(|s| s.county_id).collect();
    if counties.len() > 1 {
        return Err(ApiError::invalid_field(
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

async fn replace_stations(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    station_ids: &[i64],
) -> ApiResult<()> {
    deputy_stations::Entity::delete_many()
        .filter(deputy_stations::Column::DeputyId.eq(deputy_id))
        .exec(db)
        .await?;
    let unique: BTreeSet<i64> = station_ids.iter().copied().collect();
    if unique.is_empty() {
        return Ok(());
    }
    deputy_stations::Entity::insert_many(unique.into_iter().map(|station_id| {
        deputy_stations::ActiveModel {
            deputy_id: Set(deputy_id),
            station_id: Set(station_id),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

pub async fn create(
    db: &impl TransactionTrait,
    actor: &Actor,
    new: NewDeputy,
) -> ApiResult<Deputy> {
    if !policy::may_write(actor.role, policy::Writes::Deputy) {
        return Err(ApiError::forbidden("only admins enter deputies"));
    }
    let name = Name::parse(&new.name);
    let level = DeputyLevel::parse(&new.level);
    let photo = optional_text("photo_url", new.photo_url.as_deref());
    let hours = optional_text("office_hours", new.office_hours.as_deref());
    let contact = optional_text("public_contact", new.public_contact.as_deref());
    let (name, level, photo_url, office_hours, public_contact) =
        match (name, level, photo, hours, contact) {
            (Ok(n), Ok(l), Ok(p), Ok(h), Ok(c)) => (n, l, p, h, c),
            (n, l, p, h, c) => {
                return Err(Invalid::merge([n.err(), l.err(), p.err(), h.err(), c.err()]).into())
            }
        };
    let txn = db.begin().await?;
    let county_id = match county_of_stations(&txn, &new.station_ids).await? {
        Some(county) => county,
        None => actor
            .county_id
            .ok_or_else(|| ApiError::forbidden("only admins enter deputies"))?,
    };
    if !policy::may_create_deputy(actor, county_id, &new.station_ids) {
        return Err(ApiError::forbidden(
            "you may enter deputies only at stations you run",
        ));
    }
    let now = Utc::now();
    let created = deputies::ActiveModel {
        county_id: Set(county_id),
        name: Set(name.into_inner()),
        level: Set(Word(level)),
        photo_url: Set(photo_url),
        office_hours: Set(office_hours),
        public_contact: Set(public_contact),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_stations(&txn, created.id, &new.station_ids).await?;
    let view = get(&txn, created.id).await?;
    txn.commit().await?;
    Ok(view)
}

pub async fn update(
    db: &impl TransactionTrait,
    revocations: &Revocations,
    actor: &Actor,
    id: i64,
    patch: DeputyPatch,
) -> ApiResult<Deputy> {
    if !policy::may_write(actor.role, policy::Writes::Deputy) {
        return Err(ApiError::forbidden("only admins change deputies"));
    }
    let name = patch.name.as_deref().map(Name::parse).transpose();
    let level = patch.level.as_deref().map(DeputyLevel::parse).transpose();
    let photo = patch
        .photo_url
        .map(|v| optional_text("photo_url", v.as_deref()))
        .transpose();
    let hours = patch
        .office_hours
        .map(|v| optional_text("office_hours", v.as_deref()))
        .transpose();
    let contact = patch
        .public_contact
        .map(|v| optional_text("public_contact", v.as_deref()))
        .transpose();
    let (name, level, photo_url, office_hours, public_contact) =
        match (name, level, photo, hours, contact) {
            (Ok(n), Ok(l), Ok(p), Ok(h), Ok(c)) => (n, l, p, h, c),
            (n, l, p, h, c) => {
                return Err(Invalid::merge([n.err(), l.err(), p.err(), h.err(), c.err()]).into())
            }
        };
    let txn = db.begin().await?;
    let current = get(&txn, id).await?;
    let proposed = patch
        .station_ids
        .clone()
        .unwrap_or_else(|| current.station_ids.clone());
    if let Some(county) = county_of_stations(&txn, &proposed).await? {
        if county != current.county_id {
            return Err(ApiError::invalid_field(
                "station_ids",
                "other_county",
                "stations must lie in the deputy's county",
            ));
        }
    }
    if !policy::may_edit_deputy(actor, current.county_id, &current.station_ids, &proposed) {
        // Deputies are public, so hiding this one would be pointless: 403, not 404.
        return Err(ApiError::forbidden(
            "this deputy or these stations are outside your scope",
        ));
    }
    let row = deputies::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("deputy"))?;
    let mut active: deputies::ActiveModel = row.into();
    if let Some(name) = name {
        active.name = Set(name.into_inner());
    }
    if let Some(level) = level {
        active.level = Set(Word(level));
    }
    if let Some(photo_url) = photo_url {
        active.photo_url = Set(photo_url);
    }
    if let Some(office_hours) = office_hours {
        active.office_hours = Set(office_hours);
    }
    if let Some(public_contact) = public_contact {
        active.public_contact = Set(public_contact);
    }
    let now = Utc::now();
    active.updated_at = Set(now);
    active.update(&txn).await?;
    // The deputy's account reaches other stations now: tokens signed before say otherwise.
    let mut changed_account = None;
    let moved = proposed.iter().collect::<BTreeSet<_>>()
        != current.station_ids.iter().collect::<BTreeSet<_>>();
    if patch.station_ids.is_some() && moved {
        replace_stations(&txn, id, &proposed).await?;
        changed_account = users::Entity::find()
            .filter(users::Column::DeputyId.eq(id))
            .one(&txn)
            .await?
            .map(|user| user.id);
        if let Some(user_id) = changed_account {
            sessions::account_changed(&txn, user_id, now).await?;
        }
    }
    let view = get(&txn, id).await?;
    txn.commit().await?;
    if let Some(user_id) = changed_account {
        revocations
            .revoke(Revocation::Account { user_id, at: now })
            .await;
    }
    Ok(view)
}
