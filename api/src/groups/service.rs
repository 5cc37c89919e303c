//! Listing, creating, changing and deleting deputy groups.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::deputy::sitting_at;
use liaison_domain::policy;
use liaison_domain::text::Name;
use liaison_infra::entities::stations;
use liaison_infra::store::organisation::groups::{self as store, Stored};
use liaison_infra::store::organisation::{deputies, rosters};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{Group, GroupPatch, NewGroup};
use crate::app_error::{AppError, AppResult, Conflict};
use crate::stations::service::find as find_station;

/// Unique per station: the database's constraint, found in its message on both backends.
const NAME_TAKEN: &[(&str, &str, &str)] = &[("name", "name", "group.name_taken")];

impl From<Stored> for Group {
    fn from(s: Stored) -> Self {
        Self {
            id: s.group.id,
            station_id: s.group.station_id,
            name: s.group.name,
            deputy_ids: s.deputy_ids,
        }
    }
}

/// The station, if the actor organises it: 404 unknown, 403 another's (stations are public).
async fn organised_station(
    db: &impl ConnectionTrait,
    actor: &Actor,
    station_id: i64,
) -> AppResult<stations::Model> {
    let station = find_station(db, station_id).await?;
    if policy::may_organise_station(actor, station.county_id, station.id) {
        Ok(station)
    } else {
        Err(AppError::Forbidden("you do not run this station"))
    }
}

/// The group, if the actor organises its station; another station's groups are not found.
async fn organised_group(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<Stored> {
    let group = store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("group"))?;
    let station = find_station(db, group.group.station_id).await?;
    if policy::may_organise_station(actor, station.county_id, station.id) {
        Ok(group)
    } else {
        Err(AppError::NotFound("group"))
    }
}

/// The members named, each sitting at the station.
async fn members(
    db: &impl ConnectionTrait,
    station_id: i64,
    deputy_ids: &[i64],
) -> AppResult<Vec<i64>> {
    let at_station = deputies::members(db, station_id).await?;
    Ok(sitting_at("deputy_ids", deputy_ids, |id| {
        at_station.contains(&id)
    })?)
}

/// The station of a group the actor organises: for a page to go back to.
pub async fn station_of(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<i64> {
    Ok(organised_group(db, actor, id).await?.group.station_id)
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    station_id: i64,
) -> AppResult<Vec<Group>> {
    let station = organised_station(db, actor, station_id).await?;
    let groups = store::of_station(db, station.id).await?;
    Ok(groups.into_iter().map(Group::from).collect())
}

pub async fn create(
    db: &impl TransactionTrait,
    actor: &Actor,
    station_id: i64,
    new: NewGroup,
) -> AppResult<Group> {
    let name = Name::parse(&new.name)?;
    let txn = db.begin().await?;
    let station = organised_station(&txn, actor, station_id).await?;
    let deputy_ids = members(&txn, station.id, &new.deputy_ids).await?;
    let stored = store::insert(&txn, station.id, name.into_inner(), &deputy_ids, Utc::now())
        .await
        .map_err(|e| AppError::on_unique(e, NAME_TAKEN))?;
    txn.commit().await?;
    Ok(stored.into())
}

pub async fn update(
    db: &impl TransactionTrait,
    actor: &Actor,
    id: i64,
    patch: GroupPatch,
) -> AppResult<Group> {
    let name = patch.name.as_deref().map(Name::parse).transpose()?;
    let txn = db.begin().await?;
    let Stored {
        mut group,
        mut deputy_ids,
    } = organised_group(&txn, actor, id).await?;
    if let Some(wanted) = patch.deputy_ids {
        deputy_ids = members(&txn, group.station_id, &wanted).await?;
        store::set_members(&txn, group.id, &deputy_ids).await?;
    }
    if let Some(name) = name {
        group = store::rename(&txn, group, name.into_inner())
            .await
            .map_err(|e| AppError::on_unique(e, NAME_TAKEN))?;
    }
    txn.commit().await?;
    Ok(Stored { group, deputy_ids }.into())
}

/// Deletes a group. Shifts yet to end that name it stand in the way (409: change them first,
/// so that nobody is silently taken off duty), and so do past shifts of the group alone, whose
/// record would name nobody; other past shifts forget it and keep their record.
pub async fn delete(db: &impl TransactionTrait, actor: &Actor, id: i64) -> AppResult<()> {
    let txn = db.begin().await?;
    let group = organised_group(&txn, actor, id).await?;
    if rosters::group_in_use(&txn, group.group.id, Utc::now()).await? {
        return Err(Conflict::GroupInUse.into());
    }
    rosters::forget_group(&txn, group.group.id).await?;
    store::delete(&txn, group.group.id).await?;
    txn.commit().await?;
    Ok(())
}
