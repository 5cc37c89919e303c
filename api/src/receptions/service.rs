//! Recording and reading receptions. Who may: a station's admins and the deputies who sit at
//! it (`policy::may_record_reception`), for reading as for writing.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::deputy::sitting_at;
use liaison_domain::policy::{self, Writes};
use liaison_domain::reception::{self, ReceptionKind};
use liaison_domain::Invalid;
use liaison_infra::entities::stations;
use liaison_infra::store::organisation::receptions::{self as store, Filter, Sitting, Stored};
use liaison_infra::store::organisation::{deputies, stations as station_store};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{
    NewReception, Official, RaisedCase, Reception, ReceptionDetail, ReceptionFilter, ReceptionPatch,
};
use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged};
use crate::stations::service::find as find_station;

impl From<Stored> for Reception {
    fn from(s: Stored) -> Self {
        let officials = s
            .officials()
            .into_iter()
            .map(|o| Official {
                name: o.name,
                body: o.body,
            })
            .collect();
        Self {
            id: s.reception.id,
            station_id: s.reception.station_id,
            kind: s.reception.kind.as_str().to_owned(),
            held_at: s.reception.held_at,
            visitors: s.reception.visitors,
            officials,
            deputy_ids: s.deputy_ids,
            recorded_by: s.reception.recorded_by,
        }
    }
}

fn gate(actor: &Actor) -> AppResult<()> {
    if policy::may_write(actor.role, Writes::Reception) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "receptions are their stations' staff's",
        ))
    }
}

/// The stations of the actor's county whose receptions the actor records and reads.
async fn stations_in_reach(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<Vec<i64>> {
    let Some(county_id) = actor.county_id else {
        return Ok(Vec::new());
    };
    let rows = station_store::of_county(db, county_id).await?;
    Ok(rows
        .into_iter()
        .filter(|s| policy::may_record_reception(actor, s.county_id, s.id))
        .map(|s| s.id)
        .collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ReceptionFilter,
    page: Page,
) -> AppResult<Paged<Reception>> {
    gate(actor)?;
    let kind = filter
        .kind
        .as_deref()
        .map(ReceptionKind::parse)
        .transpose()?;
    let mut station_ids = stations_in_reach(db, actor).await?;
    if let Some(station_id) = filter.station_id {
        let station = find_station(db, station_id).await?;
        if !station_ids.contains(&station.id) {
            return Err(AppError::Forbidden(
                "this station's receptions are not yours",
            ));
        }
        station_ids = vec![station.id];
    }
    let filter = Filter {
        station_ids,
        kind,
        from: filter.from,
        to: filter.to,
    };
    let rows = store::list(db, filter, page).await?;
    Ok(Paged::finish(
        page,
        rows,
        |r| r.reception.id,
        Reception::from,
    ))
}

/// The reception, if the actor may see its station's receptions; else not found.
async fn visible(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<Stored> {
    gate(actor).map_err(|_| AppError::NotFound("reception"))?;
    let stored = store::find(db, id)
        .await?
        .ok_or(AppError::NotFound("reception"))?;
    let station = find_station(db, stored.reception.station_id).await?;
    if policy::may_record_reception(actor, station.county_id, station.id) {
        Ok(stored)
    } else {
        Err(AppError::NotFound("reception"))
    }
}

pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<ReceptionDetail> {
    let stored = visible(db, actor, id).await?;
    let cases = store::cases_raised(db, stored.reception.id)
        .await?
        .into_iter()
        .map(|c| RaisedCase {
            id: c.id,
            number: c.number,
            title: c.title,
            status: c.status.as_str().to_owned(),
        })
        .collect();
    Ok(ReceptionDetail {
        reception: stored.into(),
        cases,
    })
}

/// The body's fields, checked all at once, with the deputies checked against the station.
async fn sitting(
    db: &impl ConnectionTrait,
    station: &stations::Model,
    kind: &str,
    held_at: chrono::DateTime<Utc>,
    visitors: i64,
    officials: &[Official],
    deputy_ids: &[i64],
) -> AppResult<Sitting> {
    let officials: Vec<reception::Official> = officials
        .iter()
        .map(|o| reception::Official {
            name: o.name.clone(),
            body: o.body.clone(),
        })
        .collect();
    let at_station = deputies::members(db, station.id).await?;
    let fields = (
        ReceptionKind::parse(kind),
        reception::visitors(visitors),
        reception::officials(&officials),
        sitting_at("deputy_ids", deputy_ids, |id| at_station.contains(&id)),
    );
    match fields {
        (Ok(kind), Ok(visitors), Ok(officials), Ok(deputy_ids)) => Ok(Sitting {
            kind,
            held_at,
            visitors,
            officials,
            deputy_ids,
        }),
        (k, v, o, d) => Err(Invalid::merge([k.err(), v.err(), o.err(), d.err()]).into()),
    }
}

pub async fn create(
    db: &impl TransactionTrait,
    actor: &Actor,
    new: NewReception,
) -> AppResult<Reception> {
    gate(actor)?;
    let txn = db.begin().await?;
    let station = find_station(&txn, new.station_id)
        .await
        .map_err(|_| AppError::invalid_field("station_id", "unknown", "no station has this id"))?;
    if !policy::may_record_reception(actor, station.county_id, station.id) {
        return Err(AppError::Forbidden(
            "you neither run nor sit at this station",
        ));
    }
    let sitting = sitting(
        &txn,
        &station,
        &new.kind,
        new.held_at,
        new.visitors,
        &new.officials,
        &new.deputy_ids,
    )
    .await?;
    let stored = store::insert(
        &txn,
        station.id,
        station.county_id,
        actor.user_id,
        sitting,
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    Ok(stored.into())
}

pub async fn update(
    db: &impl TransactionTrait,
    actor: &Actor,
    id: i64,
    patch: ReceptionPatch,
) -> AppResult<Reception> {
    let txn = db.begin().await?;
    let stored = visible(&txn, actor, id).await?;
    let station = find_station(&txn, stored.reception.station_id).await?;
    let current = Reception::from(stored.clone());
    let sitting = sitting(
        &txn,
        &station,
        patch.kind.as_deref().unwrap_or(&current.kind),
        patch.held_at.unwrap_or(current.held_at),
        patch.visitors.unwrap_or(current.visitors),
        patch.officials.as_deref().unwrap_or(&current.officials),
        patch.deputy_ids.as_deref().unwrap_or(&current.deputy_ids),
    )
    .await?;
    let stored = store::update(&txn, stored.reception, sitting, Utc::now()).await?;
    txn.commit().await?;
    Ok(stored.into())
}
