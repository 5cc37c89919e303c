//! Stations: where deputies meet residents, each in one region of one county.

use chrono::{DateTime, Utc};
use liaison_domain::station::{Location, StationKind};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::entities::{regions, stations, Word};
use crate::store::Page;

/// Which stations a list holds; every filter given must hold.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter {
    pub county_id: Option<i64>,
    /// Stations in this region or below it.
    pub region_id: Option<i64>,
    pub kind: Option<StationKind>,
}

/// A station to write, in a region of its county.
#[derive(Debug)]
pub struct NewStation {
    pub county_id: i64,
    pub region_id: i64,
    pub name: String,
    pub kind: StationKind,
    pub address: String,
    pub opening_hours: Option<String>,
    pub location: Option<Location>,
}

/// What a change sets; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct StationChange {
    pub region_id: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<StationKind>,
    pub address: Option<String>,
    pub opening_hours: Option<Option<String>>,
    pub location: Option<Option<Location>>,
}

/// A page of stations in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: Filter,
    page: Page,
) -> Result<Vec<stations::Model>, DbErr> {
    let mut query = stations::Entity::find().order_by_asc(stations::Column::Id);
    if let Some(county_id) = filter.county_id {
        query = query.filter(stations::Column::CountyId.eq(county_id));
    }
    if let Some(region_id) = filter.region_id {
        query = query.filter(in_region(region_id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(stations::Column::Kind.eq(Word(kind)));
    }
    if let Some(after) = page.after {
        query = query.filter(stations::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

/// Stations in region `region_id` or below it.
fn in_region(region_id: i64) -> Condition {
    let below = Query::select()
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
    Condition::all().add(stations::Column::RegionId.in_subquery(below))
}

/// The ids of the stations of township `township_id` (in it or in one of its villages) of
/// county `county_id`, in id order: what a township admin runs.
pub async fn of_township(
    db: &impl ConnectionTrait,
    county_id: i64,
    township_id: i64,
) -> Result<Vec<i64>, DbErr> {
    stations::Entity::find()
        .select_only()
        .column(stations::Column::Id)
        .filter(stations::Column::CountyId.eq(county_id))
        .filter(in_region(township_id))
        .order_by_asc(stations::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<stations::Model>, DbErr> {
    stations::Entity::find_by_id(id).one(db).await
}

/// Every station of a county, in id order.
pub async fn of_county(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Vec<stations::Model>, DbErr> {
    stations::Entity::find()
        .filter(stations::Column::CountyId.eq(county_id))
        .order_by_asc(stations::Column::Id)
        .all(db)
        .await
}

/// The stations of `ids` that exist, in no particular order.
pub async fn with_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<stations::Model>, DbErr> {
    stations::Entity::find()
        .filter(stations::Column::Id.is_in(ids))
        .all(db)
        .await
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewStation,
    now: DateTime<Utc>,
) -> Result<stations::Model, DbErr> {
    stations::ActiveModel {
        county_id: Set(new.county_id),
        region_id: Set(new.region_id),
        name: Set(new.name),
        kind: Set(Word(new.kind)),
        address: Set(new.address),
        opening_hours: Set(new.opening_hours),
        latitude: Set(new.location.map(|l| l.latitude)),
        longitude: Set(new.location.map(|l| l.longitude)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Applies `change` to `station` as read.
pub async fn update(
    db: &impl ConnectionTrait,
    station: stations::Model,
    change: StationChange,
    now: DateTime<Utc>,
) -> Result<stations::Model, DbErr> {
    let mut active: stations::ActiveModel = station.into();
    if let Some(region_id) = change.region_id {
        active.region_id = Set(region_id);
    }
    if let Some(name) = change.name {
        active.name = Set(name);
    }
    if let Some(kind) = change.kind {
        active.kind = Set(Word(kind));
    }
    if let Some(address) = change.address {
        active.address = Set(address);
    }
    if let Some(hours) = change.opening_hours {
        active.opening_hours = Set(hours);
    }
    if let Some(location) = change.location {
        active.latitude = Set(location.map(|l| l.latitude));
        active.longitude = Set(location.map(|l| l.longitude));
    }
    active.updated_at = Set(now);
    active.update(db).await
}
