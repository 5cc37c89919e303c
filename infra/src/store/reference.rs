//! Reference data, cached per node: stations, categories, counties, who sits where, the
//! duty roster, webhooks, and who hears of a case. Every submit reads them and they change
//! rarely, so a node keeps what it read. A change anywhere drops what it touched on every node
//! (the writer tells this node at once and the others through the bus); every entry also
//! expires after a while, in case a drop was missed while Redis was away.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use liaison_domain::actor::Role;
use liaison_domain::case::audience::Audience;
use liaison_domain::region::ReassignBy;
use liaison_domain::roster::{self, Group, Shift};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::entities::{categories, regions, stations, user_stations, users, webhooks, Word};
use crate::live::{Heard, LiveBus};
use crate::store::organisation;

/// What a change touched: each kind is dropped whole, which is cheap for data this small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Stations, categories, regions and which deputies sit at which station.
    Organisation,
    /// Duty shifts and deputy groups.
    Rosters,
    /// Staff accounts: who hears of a case.
    Accounts,
    Webhooks,
}

/// How long an entry is trusted without a word from the bus.
const TTL: Duration = Duration::from_secs(60);
/// The roster is read for this long around the moment of reading, far more than an entry lives
/// (`TTL`), so that "on duty now" is answered from memory for as long as the entry does.
const ROSTER_REACH: chrono::Duration = chrono::Duration::hours(2);

/// One cached map, dropped whole on a change of its kind.
struct Cache<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    /// Bumped on every drop: a load that began before a drop must not store what it read.
    generation: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    fn new() -> Self {
        Self {
            entries: Mutex::default(),
            generation: AtomicU64::new(0),
        }
    }

    async fn get_or_load<F, Fut>(&self, key: K, load: F) -> Result<V, DbErr>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, DbErr>>,
    {
        let now = Instant::now();
        if let Some((value, at)) = self.lock().get(&key) {
            if now.duration_since(*at) < TTL {
                return Ok(value.clone());
            }
        }
        let generation = self.generation.load(Ordering::Acquire);
        let value = load().await?;
        let mut entries = self.lock();
        if self.generation.load(Ordering::Acquire) == generation {
            entries.insert(key, (value.clone(), now));
        }
        Ok(value)
    }

    fn clear(&self) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        // A panic while holding the lock leaves a plain map behind, still fit to use.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What this node knows of the reference data, and the bus on which changes travel.
#[derive(Clone)]
pub struct Reference {
    inner: Arc<Caches>,
    bus: LiveBus,
}

struct Caches {
    stations: Cache<i64, Option<stations::Model>>,
    categories: Cache<i64, Option<categories::Model>>,
    counties: Cache<i64, Option<regions::Model>>,
    members: Cache<i64, Arc<Vec<i64>>>,
    rosters: Cache<i64, Arc<Duty>>,
    webhooks: Cache<i64, Arc<Vec<webhooks::Model>>>,
    audiences: Cache<(Audience, i64), Arc<Vec<i64>>>,
}

impl Reference {
    /// A cache that hears of changes on `bus` from now on.
    pub fn new(bus: LiveBus) -> Self {
        let reference = Self {
            inner: Arc::new(Caches {
                stations: Cache::new(),
                categories: Cache::new(),
                counties: Cache::new(),
                members: Cache::new(),
                rosters: Cache::new(),
                webhooks: Cache::new(),
                audiences: Cache::new(),
            }),
            bus,
        };
        let heard = reference.clone();
        reference
            .bus
            .listen("reference change", move |news| match news {
                Heard::News(kind) => heard.drop_kind(kind),
                // Some changes were missed: drop everything, the next reads load it afresh.
                Heard::Missed(_) => {
                    for kind in [
                        Kind::Organisation,
                        Kind::Rosters,
                        Kind::Accounts,
                        Kind::Webhooks,
                    ] {
                        heard.drop_kind(kind);
                    }
                }
            });
        reference
    }

    /// Drops `kind` here at once and on every other node; call it after the change committed.
    pub async fn changed(&self, kind: Kind) {
        self.drop_kind(kind);
        let message = match serde_json::to_string(&kind) {
            Ok(message) => message,
            Err(error) => {
                tracing::error!(%error, "could not encode a reference change");
                return;
            }
        };
        if let Err(error) = self.bus.publish(&message).await {
            tracing::warn!(%error, ?kind, "could not tell other nodes of a reference change; their entries expire within a minute");
        }
    }

    fn drop_kind(&self, kind: Kind) {
        let caches = &self.inner;
        match kind {
            Kind::Organisation => {
                caches.stations.clear();
                caches.categories.clear();
                caches.counties.clear();
                caches.members.clear();
                // A station moved to another township is heard of by that township's admins.
                caches.audiences.clear();
            }
            Kind::Rosters => caches.rosters.clear(),
            Kind::Accounts => caches.audiences.clear(),
            Kind::Webhooks => caches.webhooks.clear(),
        }
    }

    pub async fn station(
        &self,
        db: &impl ConnectionTrait,
        id: i64,
    ) -> Result<Option<stations::Model>, DbErr> {
        self.inner
            .stations
            .get_or_load(id, || organisation::stations::find(db, id))
            .await
    }

    pub async fn category(
        &self,
        db: &impl ConnectionTrait,
        id: i64,
    ) -> Result<Option<categories::Model>, DbErr> {
        self.inner
            .categories
            .get_or_load(id, || organisation::categories::find(db, id))
            .await
    }

    /// The letters case numbers of a county start with.
    pub async fn county_code(
        &self,
        db: &impl ConnectionTrait,
        county_id: i64,
    ) -> Result<Option<String>, DbErr> {
        Ok(self.county(db, county_id).await?.and_then(|c| c.code))
    }

    /// Whose re-assignment queue the county's unsatisfied cases wait in.
    pub async fn reassign_by(
        &self,
        db: &impl ConnectionTrait,
        county_id: i64,
    ) -> Result<ReassignBy, DbErr> {
        Ok(self
            .county(db, county_id)
            .await?
            .map_or(ReassignBy::County, |c| *c.reassign_by))
    }

    async fn county(
        &self,
        db: &impl ConnectionTrait,
        county_id: i64,
    ) -> Result<Option<regions::Model>, DbErr> {
        self.inner
            .counties
            .get_or_load(county_id, || organisation::regions::find(db, county_id))
            .await
    }

    /// The deputies who sit at a station.
    pub async fn members(
        &self,
        db: &impl ConnectionTrait,
        station_id: i64,
    ) -> Result<Arc<Vec<i64>>, DbErr> {
        self.inner
            .members
            .get_or_load(station_id, || async move {
                Ok(Arc::new(
                    organisation::deputies::members(db, station_id).await?,
                ))
            })
            .await
    }

    /// The deputies on duty at the station at `now`, in roster order (`roster::on_duty`).
    pub async fn on_duty(
        &self,
        db: &impl ConnectionTrait,
        station_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, DbErr> {
        let shifts = self
            .inner
            .rosters
            .get_or_load(station_id, || load_shifts(db, station_id, now))
            .await?;
        Ok(roster::on_duty(&shifts.shifts, &shifts.groups, now))
    }

    /// The county's active webhooks, oldest first.
    pub async fn webhooks(
        &self,
        db: &impl ConnectionTrait,
        county_id: i64,
    ) -> Result<Arc<Vec<webhooks::Model>>, DbErr> {
        self.inner
            .webhooks
            .get_or_load(county_id, || async move {
                Ok(Arc::new(
                    organisation::webhooks::active_of(db, county_id).await?,
                ))
            })
            .await
    }

    /// The accounts an audience of staff is made of: `key` is the deputy, station, department
    /// or county the audience is of. The resident is no account list: the case names them.
    pub async fn staff(
        &self,
        db: &impl ConnectionTrait,
        audience: Audience,
        key: i64,
    ) -> Result<Arc<Vec<i64>>, DbErr> {
        self.inner
            .audiences
            .get_or_load((audience, key), || load_staff(db, audience, key))
            .await
    }
}

/// A station's shifts around now, and the groups they name.
struct Duty {
    shifts: Vec<Shift>,
    groups: Vec<Group>,
}

async fn load_shifts(
    db: &impl ConnectionTrait,
    station_id: i64,
    now: DateTime<Utc>,
) -> Result<Arc<Duty>, DbErr> {
    let rows =
        organisation::rosters::overlapping(db, station_id, now - ROSTER_REACH, now + ROSTER_REACH)
            .await?;
    let shifts: Vec<Shift> = rows.iter().map(organisation::rosters::shift_of).collect();
    let groups =
        organisation::groups::on_duty_groups(db, shifts.iter().filter_map(|s| s.group_id)).await?;
    Ok(Arc::new(Duty { shifts, groups }))
}

async fn load_staff(
    db: &impl ConnectionTrait,
    audience: Audience,
    key: i64,
) -> Result<Arc<Vec<i64>>, DbErr> {
    let query = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .order_by_asc(users::Column::Id);
    let query = match audience {
        Audience::Resident => return Ok(Arc::new(vec![key])),
        Audience::Assignee => query.filter(users::Column::DeputyId.eq(key)),
        Audience::StationAdmins => {
            let at_station = Query::select()
                .column(user_stations::Column::UserId)
                .from(user_stations::Entity)
                .and_where(Expr::col(user_stations::Column::StationId).eq(key))
                .to_owned();
            query
                .filter(users::Column::Role.eq(Word(Role::StationAdmin)))
                .filter(users::Column::Id.in_subquery(at_station))
        }
        Audience::Handlers => query
            .filter(users::Column::Role.eq(Word(Role::Handler)))
            .filter(users::Column::DepartmentId.eq(key)),
        Audience::CountyAdmins => query
            .filter(users::Column::Role.eq(Word(Role::CountyAdmin)))
            .filter(users::Column::CountyId.eq(key)),
        Audience::TownshipAdmins => query
            .filter(users::Column::Role.eq(Word(Role::TownshipAdmin)))
            .filter(users::Column::RegionId.in_subquery(organisation::stations::township_of(key))),
    };
    Ok(Arc::new(query.into_tuple().all(db).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_load_begun_before_a_drop_stores_nothing() {
        let cache: Cache<i64, i64> = Cache::new();
        let value = cache
            .get_or_load(1, || async {
                cache.clear();
                Ok(7)
            })
            .await
            .unwrap();
        assert_eq!(value, 7);
        let reloaded = cache.get_or_load(1, || async { Ok(8) }).await.unwrap();
        assert_eq!(reloaded, 8, "the stale read was not kept");
        let cached = cache.get_or_load(1, || async { Ok(9) }).await.unwrap();
        assert_eq!(cached, 8, "the fresh read was");
    }

    #[tokio::test]
    async fn a_change_drops_its_kind_on_every_node() {
        let bus = LiveBus::memory(8);
        let here = Reference::new(bus.clone());
        let there = Reference::new(bus);
        tokio::task::yield_now().await;
        there
            .inner
            .members
            .get_or_load(1, || async { Ok(Arc::new(vec![4])) })
            .await
            .unwrap();
        here.changed(Kind::Rosters).await;
        here.changed(Kind::Organisation).await;
        for _ in 0..100 {
            if there.inner.members.lock().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(there.inner.members.lock().is_empty());
    }
}
