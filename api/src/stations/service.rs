//! Reading and changing stations. County admins create them anywhere in the county, township
//! admins in their township; a station's own admins edit it.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::region::township_of;
use liaison_domain::station::{Location as Place, StationKind};
use liaison_domain::text::{bounded, Address, Name, ShortText};
use liaison_domain::Invalid;
use liaison_infra::entities::{regions, stations};
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::accounts;
use liaison_infra::store::organisation::regions as region_store;
use liaison_infra::store::organisation::stations::{self as store, StationChange};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{Location, NewStation, Station, StationFilter, StationPatch};
use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged};
use crate::regions::service::county_of;

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &StationFilter,
    page: Page,
) -> AppResult<Paged<Station>> {
    let filter = store::Filter {
        county_id: filter.county_id,
        region_id: filter.region_id,
        kind: filter.kind.as_deref().map(StationKind::parse).transpose()?,
    };
    let rows = store::list(db, filter, page).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Station::from))
}

/// Every station the actor administers, by id: a county admin's whole county, a station
/// admin's own stations, nobody else's.
pub async fn administered(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<Vec<Station>> {
    of_county_where(db, actor, policy::may_administer_station).await
}

/// The stations of the actor's county that `rule` lets the actor at.
async fn of_county_where(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rule: fn(&Actor, i64, i64) -> bool,
) -> AppResult<Vec<Station>> {
    let Some(county_id) = actor.county_id else {
        return Ok(Vec::new());
    };
    let rows = store::of_county(db, county_id).await?;
    Ok(rows
        .into_iter()
        .filter(|s| rule(actor, s.county_id, s.id))
        .map(Station::from)
        .collect())
}

/// The stations whose roster the actor reads: those it administers, or for a deputy those
/// it sits at.
pub async fn with_rosters(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<Vec<Station>> {
    of_county_where(db, actor, policy::may_read_roster).await
}

/// The station, if the actor may read its roster: 404 when it does not exist, 403 when the
/// actor may not.
pub async fn find_with_roster(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<stations::Model> {
    found_where(
        db,
        actor,
        id,
        policy::may_read_roster,
        "this roster is not yours to read",
    )
    .await
}

/// The station `id` if `rule` lets the actor at it: 404 when it does not exist, 403 when it
/// does but the rule says no (stations are public, so there is nothing to hide).
async fn found_where(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    rule: fn(&Actor, i64, i64) -> bool,
    why: &'static str,
) -> AppResult<stations::Model> {
    let station = find(db, id).await?;
    if rule(actor, station.county_id, station.id) {
        Ok(station)
    } else {
        Err(AppError::Forbidden(why))
    }
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<stations::Model> {
    store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("station"))
}

/// The station, if the actor administers it: 404 when it does not exist, 403 when it does
/// but belongs to someone else (stations are public, so there is nothing to hide).
pub async fn find_administered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<stations::Model> {
    let why = "you do not run this station";
    found_where(db, actor, id, policy::may_administer_station, why).await
}

/// The region a station is to lie in; an unknown one is the field's fault.
async fn region_named(db: &impl ConnectionTrait, region_id: i64) -> AppResult<regions::Model> {
    region_store::find(db, region_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("region_id", "unknown", "no region has this id"))
}

fn opening_hours(value: Option<&str>) -> Result<Option<String>, Invalid> {
    value
        .map(|v| bounded("opening_hours", v, 1, ShortText::MAX_CHARS))
        .transpose()
}

fn place(location: Option<Location>) -> Result<Option<Place>, Invalid> {
    location
        .map(|l| Place::parse(l.latitude, l.longitude))
        .transpose()
}

pub async fn create(
    db: &impl TransactionTrait,
    revocations: &Revocations,
    actor: &Actor,
    new: NewStation,
) -> AppResult<Station> {
    if !policy::may_write(actor.role, policy::Writes::Station) {
        return Err(AppError::Forbidden(
            "only county and township admins create stations",
        ));
    }
    let fields = (
        Name::parse(&new.name),
        StationKind::parse(&new.kind),
        Address::parse(&new.address),
        opening_hours(new.opening_hours.as_deref()),
        place(new.location),
    );
    let (name, kind, address, hours, location) = match fields {
        (Ok(n), Ok(k), Ok(a), Ok(h), Ok(l)) => (n, k, a, h, l),
        (n, k, a, h, l) => {
            return Err(Invalid::merge([n.err(), k.err(), a.err(), h.err(), l.err()]).into())
        }
    };
    let txn = db.begin().await?;
    let region = region_named(&txn, new.region_id).await?;
    let county_id = county_of(&region);
    let township = township_of_region(&region);
    if !policy::may_administer_region(actor, county_id, township) {
        return Err(AppError::Forbidden(
            "stations are placed by the county's admins, or a township's in their township",
        ));
    }
    let new = store::NewStation {
        county_id,
        region_id: region.id,
        name: name.into_inner(),
        kind,
        address: address.into_inner(),
        opening_hours: hours,
        location,
    };
    let now = Utc::now();
    let station = store::insert(&txn, new, now).await?;
    let moved = townships_changed(&txn, township.into_iter(), now).await?;
    txn.commit().await?;
    revoke(revocations, moved, now).await;
    Ok(station.into())
}

fn township_of_region(region: &regions::Model) -> Option<i64> {
    township_of(*region.level, region.id, region.parent_id)
}

/// Marks the township admins of `townships` as covering other stations now; answers them.
async fn townships_changed(
    db: &impl ConnectionTrait,
    townships: impl Iterator<Item = i64>,
    at: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let mut admins = Vec::new();
    for township in townships {
        admins.extend(accounts::township_changed(db, township, at).await?);
    }
    Ok(admins)
}

/// Tokens signed before `at` for these accounts say other stations than they cover now.
async fn revoke(revocations: &Revocations, user_ids: Vec<i64>, at: DateTime<Utc>) {
    for user_id in user_ids {
        revocations
            .revoke(Revocation::Account { user_id, at })
            .await;
    }
}

pub async fn update(
    db: &impl TransactionTrait,
    revocations: &Revocations,
    actor: &Actor,
    id: i64,
    patch: StationPatch,
) -> AppResult<Station> {
    if !policy::may_write(actor.role, policy::Writes::Station) {
        return Err(AppError::Forbidden("only admins change stations"));
    }
    let fields = (
        patch.name.as_deref().map(Name::parse).transpose(),
        patch.kind.as_deref().map(StationKind::parse).transpose(),
        patch.address.as_deref().map(Address::parse).transpose(),
        patch
            .opening_hours
            .map(|h| opening_hours(h.as_deref()))
            .transpose(),
        patch.location.map(place).transpose(),
    );
    let (name, kind, address, hours, location) = match fields {
        (Ok(n), Ok(k), Ok(a), Ok(h), Ok(l)) => (n, k, a, h, l),
        (n, k, a, h, l) => {
            return Err(Invalid::merge([n.err(), k.err(), a.err(), h.err(), l.err()]).into())
        }
    };
    let txn = db.begin().await?;
    let station = find_administered(&txn, actor, id).await?;
    // A station moved to another township leaves one township admin's reach for another's.
    let mut townships = Vec::new();
    let region_id = match patch.region_id {
        Some(region_id) if region_id != station.region_id => {
            let region = region_named(&txn, region_id).await?;
            if county_of(&region) != station.county_id {
                return Err(AppError::invalid_field(
                    "region_id",
                    "other_county",
                    "a station stays in its county",
                ));
            }
            let to = township_of_region(&region);
            let from = township_of_region(&region_named(&txn, station.region_id).await?);
            if !policy::may_move_station(actor, station.county_id, from, to) {
                return Err(AppError::Forbidden(
                    "you may not place a station in that region",
                ));
            }
            if from != to {
                townships.extend(from);
                townships.extend(to);
            }
            Some(region.id)
        }
        _ => None,
    };
    let change = StationChange {
        region_id,
        name: name.map(Name::into_inner),
        kind,
        address: address.map(Address::into_inner),
        opening_hours: hours,
        location,
    };
    let now = Utc::now();
    let updated = store::update(&txn, station, change, now).await?;
    let moved = townships_changed(&txn, townships.into_iter(), now).await?;
    txn.commit().await?;
    revoke(revocations, moved, now).await;
    Ok(updated.into())
}
