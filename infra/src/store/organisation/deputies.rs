//! Deputies and the stations they sit at (四级代表进站).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::{deputies, deputy_stations, Word};
use crate::store::Page;

/// Which deputies a list holds; every filter given must hold.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter {
    pub county_id: Option<i64>,
    pub station_id: Option<i64>,
    pub level: Option<DeputyLevel>,
}

/// A deputy to write; its stations are written apart (`replace_stations`).
#[derive(Debug)]
pub struct NewDeputy {
    pub county_id: i64,
    pub name: String,
    pub level: DeputyLevel,
    pub photo_url: Option<String>,
    pub office_hours: Option<String>,
    pub public_contact: Option<String>,
}

/// What a change sets; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct DeputyChange {
    pub name: Option<String>,
    pub level: Option<DeputyLevel>,
    pub photo_url: Option<Option<String>>,
    pub office_hours: Option<Option<String>>,
    pub public_contact: Option<Option<String>>,
    pub term: Option<Option<String>>,
    pub constituency: Option<Option<String>>,
    pub status: Option<StatusChange>,
}

/// A deputy's new status, since when and why.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: DeputyStatus,
    pub reason: Option<String>,
    pub since: Option<NaiveDate>,
}

/// A page of deputies in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: Filter,
    page: Page,
) -> Result<Vec<deputies::Model>, DbErr> {
    let mut query = deputies::Entity::find().order_by_asc(deputies::Column::Id);
    if let Some(county_id) = filter.county_id {
        query = query.filter(deputies::Column::CountyId.eq(county_id));
    }
    if let Some(level) = filter.level {
        query = query.filter(deputies::Column::Level.eq(Word(level)));
    }
    if let Some(station_id) = filter.station_id {
        query = query.filter(deputies::Column::Id.in_subquery(sitting_at(station_id)));
    }
    if let Some(after) = page.after {
        query = query.filter(deputies::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

/// The ids of the deputies who sit at `station_id`, as a subquery.
fn sitting_at(station_id: i64) -> SelectStatement {
    Query::select()
        .column(deputy_stations::Column::DeputyId)
        .from(deputy_stations::Entity)
        .and_where(deputy_stations::Column::StationId.eq(station_id))
        .to_owned()
}

/// The deputies who sit at a station, in id order.
pub async fn at_station(
    db: &impl ConnectionTrait,
    station_id: i64,
) -> Result<Vec<deputies::Model>, DbErr> {
    deputies::Entity::find()
        .filter(deputies::Column::Id.in_subquery(sitting_at(station_id)))
        .order_by_asc(deputies::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<deputies::Model>, DbErr> {
    deputies::Entity::find_by_id(id).one(db).await
}

/// The names of the deputies of `ids` that exist.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let names: Vec<(i64, String)> = deputies::Entity::find()
        .select_only()
        .column(deputies::Column::Id)
        .column(deputies::Column::Name)
        .filter(deputies::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.into_iter().collect())
}

/// The ids of the deputies who sit at a station and serve (`DeputyStatus::serves`): those
/// new cases are routed to and cases are reassigned to.
pub async fn members(db: &impl ConnectionTrait, station_id: i64) -> Result<Vec<i64>, DbErr> {
    deputy_stations::Entity::find()
        .select_only()
        .column(deputy_stations::Column::DeputyId)
        .filter(deputy_stations::Column::StationId.eq(station_id))
        .filter(deputy_stations::Column::DeputyId.in_subquery(serving()))
        .into_tuple()
        .all(db)
        .await
}

/// The ids of the deputies who serve, as a subquery: `DeputyStatus::serves` in SQL.
fn serving() -> SelectStatement {
    Query::select()
        .column(deputies::Column::Id)
        .from(deputies::Entity)
        .and_where(deputies::Column::Status.is_in(DeputyStatus::serving().map(Word)))
        .to_owned()
}

/// Every deputy who sits at a station, with their status: what a roster is checked against.
pub async fn seats(
    db: &impl ConnectionTrait,
    station_id: i64,
) -> Result<HashMap<i64, DeputyStatus>, DbErr> {
    let seats: Vec<(i64, Word<DeputyStatus>)> = deputies::Entity::find()
        .select_only()
        .column(deputies::Column::Id)
        .column(deputies::Column::Status)
        .filter(deputies::Column::Id.in_subquery(sitting_at(station_id)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(seats
        .into_iter()
        .map(|(id, status)| (id, *status))
        .collect())
}

/// The stations each of `deputy_ids` sits at, in id order; a deputy at none is absent.
pub async fn stations_of(
    db: &impl ConnectionTrait,
    deputy_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let links: Vec<(i64, i64)> = deputy_stations::Entity::find()
        .select_only()
        .column(deputy_stations::Column::DeputyId)
        .column(deputy_stations::Column::StationId)
        .filter(deputy_stations::Column::DeputyId.is_in(deputy_ids.iter().copied()))
        .order_by_asc(deputy_stations::Column::StationId)
        .into_tuple()
        .all(db)
        .await?;
    let mut stations: HashMap<i64, Vec<i64>> = HashMap::new();
    for (deputy_id, station_id) in links {
        stations.entry(deputy_id).or_default().push(station_id);
    }
    Ok(stations)
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewDeputy,
    now: DateTime<Utc>,
) -> Result<deputies::Model, DbErr> {
    deputies::ActiveModel {
        county_id: Set(new.county_id),
        name: Set(new.name),
        level: Set(Word(new.level)),
        photo_url: Set(new.photo_url),
        office_hours: Set(new.office_hours),
        public_contact: Set(new.public_contact),
        created_at: Set(now),
        updated_at: Set(now),
        status: Set(Word(DeputyStatus::Active)),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Applies `change` to `deputy` as read.
pub async fn update(
    db: &impl ConnectionTrait,
    deputy: deputies::Model,
    change: DeputyChange,
    now: DateTime<Utc>,
) -> Result<deputies::Model, DbErr> {
    let mut active: deputies::ActiveModel = deputy.into();
    if let Some(name) = change.name {
        active.name = Set(name);
    }
    if let Some(level) = change.level {
        active.level = Set(Word(level));
    }
    if let Some(photo_url) = change.photo_url {
        active.photo_url = Set(photo_url);
    }
    if let Some(office_hours) = change.office_hours {
        active.office_hours = Set(office_hours);
    }
    if let Some(public_contact) = change.public_contact {
        active.public_contact = Set(public_contact);
    }
    if let Some(term) = change.term {
        active.term = Set(term);
    }
    if let Some(constituency) = change.constituency {
        active.constituency = Set(constituency);
    }
    if let Some(status) = change.status {
        active.status = Set(Word(status.status));
        active.status_reason = Set(status.reason);
        active.status_since = Set(status.since);
    }
    active.updated_at = Set(now);
    active.update(db).await
}

/// Seats the deputy at exactly `station_ids` (each once), whatever it sat at before.
pub async fn replace_stations(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    station_ids: &BTreeSet<i64>,
) -> Result<(), DbErr> {
    deputy_stations::Entity::delete_many()
        .filter(deputy_stations::Column::DeputyId.eq(deputy_id))
        .exec(db)
        .await?;
    if station_ids.is_empty() {
        return Ok(());
    }
    deputy_stations::Entity::insert_many(station_ids.iter().map(|station_id| {
        deputy_stations::ActiveModel {
            deputy_id: Set(deputy_id),
            station_id: Set(*station_id),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}
