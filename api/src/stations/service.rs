//! Reading and changing stations. County admins create them; a station's own admins edit it.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::station::{Location as Place, StationKind};
use liaison_domain::text::{bounded, Address, Name, ShortText};
use liaison_domain::Invalid;
use liaison_infra::entities::Word;
use liaison_infra::entities::{regions, stations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::dto::{Location, NewStation, Station, StationFilter, StationPatch};
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, Paged};
use crate::regions::service::county_of;

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &StationFilter,
    page: Page,
) -> ApiResult<Paged<Station>> {
    let mut query = stations::Entity::find().order_by_asc(stations::Column::Id);
    if let Some(county_id) = filter.county_id {
        query = query.filter(stations::Column::CountyId.eq(county_id));
    }
    if let Some(region_id) = filter.region_id {
        let below = sea_orm::sea_query::Query::select()
            .column(regions::Column::Id)
            .from(regions::Entity)
            .cond_where(
                Condition::any()
                    .add(regions::Column::Id.eq(region_id))
                    .add(regions::Column::ParentId.eq(region_id))
                    // Below a county lie villages too, two levels down.
                    .add(regions::Column::CountyId.eq(region_id)),
            )
            .to_owned();
        query = query.filter(stations::Column::RegionId.in_subquery(below));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(stations::Column::Kind.eq(Word(StationKind::parse(kind)?)));
    }
    if let Some(after) = page.after {
        query = query.filter(stations::Column::Id.gt(after));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Station::from))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> ApiResult<stations::Model> {
    stations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("station"))
}

/// The station, if the actor administers it: 404 when it does not exist, 403 when it does
/// but belongs to someone else (stations are public, so there is nothing to hide).
pub async fn find_administered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> ApiResult<stations::Model> {
    let station = find(db, id).await?;
    if policy::may_administer_station(actor, station.county_id, station.id) {
        Ok(station)
    } else {
        Err(ApiError::forbidden("you do not run this station"))
    }
}

async fn region_in_county(db: &impl ConnectionTrait, region_id: i64) -> ApiResult<regions::Model> {
    regions::Entity::find_by_id(region_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::invalid_field("region_id", "unknown", "no region has this id"))
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
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: NewStation,
) -> ApiResult<Station> {
    if !policy::may_write(actor.role, policy::Writes::Station) {
        return Err(ApiError::forbidden("only county admins create stations"));
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
    let region = region_in_county(db, new.region_id).await?;
    let county_id = county_of(&region);
    if !policy::may_administer_county(actor, county_id) {
        return Err(ApiError::forbidden(
            "only county admins of that county create stations",
        ));
    }
    let now = Utc::now();
    let created = stations::ActiveModel {
        county_id: Set(county_id),
        region_id: Set(region.id),
        name: Set(name.into_inner()),
        kind: Set(Word(kind)),
        address: Set(address.into_inner()),
        opening_hours: Set(hours),
        latitude: Set(location.map(|l| l.latitude)),
        longitude: Set(location.map(|l| l.longitude)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(created.into())
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: StationPatch,
) -> ApiResult<Station> {
    if !policy::may_write(actor.role, policy::Writes::Station) {
        return Err(ApiError::forbidden("only admins change stations"));
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
    let station = find_administered(db, actor, id).await?;
    let mut active: stations::ActiveModel = station.clone().into();
    if let Some(region_id) = patch.region_id {
        let region = region_in_county(db, region_id).await?;
        if county_of(&region) != station.county_id {
            return Err(ApiError::invalid_field(
                "region_id",
                "other_county",
                "a station stays in its county",
            ));
        }
        active.region_id = Set(region.id);
    }
    if let Some(name) = name {
        active.name = Set(name.into_inner());
    }
    if let Some(kind) = kind {
        active.kind = Set(Word(kind));
    }
    if let Some(address) = address {
        active.address = Set(address.into_inner());
    }
    if let Some(hours) = hours {
        active.opening_hours = Set(hours);
    }
    if let Some(location) = location {
        active.latitude = Set(location.map(|l| l.latitude));
        active.longitude = Set(location.map(|l| l.longitude));
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?.into())
}
