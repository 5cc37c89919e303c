//! Stations: where deputies meet residents, each in one region of one county.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use liaison_domain::region::{self, RegionLevel};
use liaison_domain::station::{Location, StationKind};
use sea_orm::sea_query::{Query, SelectStatement};
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

/// The township station `station_id` lies in, as a one-row (or, under the county itself,
/// empty) select: the SQL form of `liaison_domain::region::township_of` for the station's
/// region, a township itself or a village's parent.
pub fn township_of(station_id: i64) -> SelectStatement {
    let region = Query::select()
        .column(stations::Column::RegionId)
        .from(stations::Entity)
        .and_where(stations::Column::Id.eq(station_id))
        .to_owned();
    let village_parent = Query::select()
        .column(regions::Column::ParentId)
        .from(regions::Entity)
        .and_where(regions::Column::Id.in_subquery(region.clone()))
        .and_where(regions::Column::Level.eq(Word(RegionLevel::Village)))
        .to_owned();
    Query::select()
        .column(regions::Column::Id)
        .from(regions::Entity)
        .cond_where(
            Condition::any()
                .add(
                    Condition::all()
                        .add(regions::Column::Id.in_subquery(region))
                        .add(regions::Column::Level.eq(Word(RegionLevel::Township))),
                )
                .add(regions::Column::Id.in_subquery(village_parent)),
        )
        .to_owned()
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

/// The township each station of county `county_id` lies in (`region::township_of` of its
/// region), by station id; a station under the county itself has none.
pub async fn townships(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<HashMap<i64, regions::Model>, DbErr> {
    let regions = super::regions::below(db, county_id).await?;
    let township = |region_id: i64| {
        let region = regions.iter().find(|r| r.id == region_id)?;
        let township_id = region::township_of(*region.level, region.id, region.parent_id)?;
        regions.iter().find(|r| r.id == township_id).cloned()
    };
    Ok(of_county(db, county_id)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.id, township(s.region_id)?)))
        .collect())
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

#[cfg(test)]
mod tests {
    use liaison_domain::region::{self, ReassignBy};
    use sea_orm::{EntityTrait, QuerySelect, Schema};

    use super::*;
    use crate::db::testing::scratch_databases;

    /// A county (1) with a township (2) and its village (3), and another township (4).
    fn regions() -> Vec<regions::Model> {
        let at = "2026-12-01T08:00:00Z".parse().unwrap();
        let region = |id, level, parent_id| regions::Model {
            id,
            name: format!("区划{id}"),
            level: Word(level),
            parent_id,
            county_id: parent_id.map(|_| 1),
            code: None,
            reassign_by: Word(ReassignBy::County),
            created_at: at,
            updated_at: at,
        };
        vec![
            region(1, RegionLevel::County, None),
            region(2, RegionLevel::Township, Some(1)),
            region(3, RegionLevel::Village, Some(2)),
            region(4, RegionLevel::Township, Some(1)),
        ]
    }

    /// One station in each region: station `10 + r` lies in region `r`.
    async fn loaded() -> (tempfile::TempDir, Vec<crate::db::Db>) {
        let (dir, databases) = scratch_databases().await;
        let at = "2026-12-01T08:00:00Z".parse().unwrap();
        for db in &databases {
            let backend = db.get_database_backend();
            let schema = Schema::new(backend);
            for table in [
                schema.create_table_from_entity(regions::Entity),
                schema.create_table_from_entity(stations::Entity),
            ] {
                db.execute(backend.build(&table)).await.unwrap();
            }
            let rows = regions().into_iter().map(regions::ActiveModel::from);
            regions::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await
                .unwrap();
            let rows = regions().into_iter().map(|r| {
                stations::ActiveModel::from(stations::Model {
                    id: 10 + r.id,
                    county_id: 1,
                    region_id: r.id,
                    name: format!("联络站{}", r.id),
                    kind: Word(StationKind::Station),
                    address: String::new(),
                    opening_hours: None,
                    latitude: None,
                    longitude: None,
                    created_at: at,
                    updated_at: at,
                })
            });
            stations::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await
                .unwrap();
        }
        (dir, databases)
    }

    #[tokio::test]
    async fn a_station_s_township_in_sql_is_the_domain_s() {
        let (_dir, databases) = loaded().await;
        for db in &databases {
            for r in regions() {
                let expected = region::township_of(*r.level, r.id, r.parent_id);
                let found: Vec<i64> = regions::Entity::find()
                    .select_only()
                    .column(regions::Column::Id)
                    .filter(regions::Column::Id.in_subquery(township_of(10 + r.id)))
                    .into_tuple()
                    .all(db)
                    .await
                    .unwrap();
                assert_eq!(found, Vec::from_iter(expected), "station {}", 10 + r.id);
            }
        }
    }

    #[tokio::test]
    async fn a_township_s_stations_in_sql_are_those_the_domain_puts_in_it() {
        let (_dir, databases) = loaded().await;
        for db in &databases {
            for township in [2, 4] {
                let expected: Vec<i64> = regions()
                    .into_iter()
                    .filter(|r| region::township_of(*r.level, r.id, r.parent_id) == Some(township))
                    .map(|r| 10 + r.id)
                    .collect();
                let found = of_township(db, 1, township).await.unwrap();
                assert_eq!(found, expected, "township {township}");
            }
        }
    }
}
