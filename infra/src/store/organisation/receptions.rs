//! Receptions (接待活动): sittings at stations, the deputies present, the cases raised in them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::reception::{Official, ReceptionKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::{cases, reception_deputies, receptions, Word};
use crate::store::Page;

/// Which receptions a list holds: those at `station_ids` (the stations the reader may see),
/// narrowed by every other filter given.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub station_ids: Vec<i64>,
    pub kind: Option<ReceptionKind>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A reception to write, and the fields a change sets whole.
#[derive(Debug, Clone)]
pub struct Sitting {
    pub kind: ReceptionKind,
    pub held_at: DateTime<Utc>,
    pub visitors: i64,
    pub officials: Vec<Official>,
    pub deputy_ids: Vec<i64>,
}

/// A reception with the deputies present, in the order named.
#[derive(Debug, Clone)]
pub struct Stored {
    pub reception: receptions::Model,
    pub deputy_ids: Vec<i64>,
}

impl Stored {
    /// The officials present; a list the server did not write reads as none, never as an error.
    pub fn officials(&self) -> Vec<Official> {
        serde_json::from_str(&self.reception.officials).unwrap_or_default()
    }
}

fn officials_json(officials: &[Official]) -> Result<String, DbErr> {
    serde_json::to_string(officials).map_err(|e| DbErr::Custom(e.to_string()))
}

/// A page of receptions in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: Filter,
    page: Page,
) -> Result<Vec<Stored>, DbErr> {
    let mut query = receptions::Entity::find()
        .filter(receptions::Column::StationId.is_in(filter.station_ids))
        .order_by_asc(receptions::Column::Id);
    if let Some(kind) = filter.kind {
        query = query.filter(receptions::Column::Kind.eq(Word(kind)));
    }
    if let Some(from) = filter.from {
        query = query.filter(receptions::Column::HeldAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(receptions::Column::HeldAt.lt(to));
    }
    if let Some(after) = page.after {
        query = query.filter(receptions::Column::Id.gt(after));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    with_deputies(db, rows).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Stored>, DbErr> {
    let Some(row) = receptions::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(with_deputies(db, vec![row]).await?.pop())
}

/// The station reception `id` was held at, if there is such a reception: one statement, for
/// a case raised in it.
pub async fn station_of(db: &impl ConnectionTrait, id: i64) -> Result<Option<i64>, DbErr> {
    receptions::Entity::find_by_id(id)
        .select_only()
        .column(receptions::Column::StationId)
        .into_tuple()
        .one(db)
        .await
}

async fn with_deputies(
    db: &impl ConnectionTrait,
    rows: Vec<receptions::Model>,
) -> Result<Vec<Stored>, DbErr> {
    let present = reception_deputies::Entity::find()
        .filter(reception_deputies::Column::ReceptionId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(reception_deputies::Column::DeputyId)
        .all(db)
        .await?;
    let mut by_reception: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in present {
        by_reception
            .entry(row.reception_id)
            .or_default()
            .push(row.deputy_id);
    }
    Ok(rows
        .into_iter()
        .map(|reception| Stored {
            deputy_ids: by_reception.remove(&reception.id).unwrap_or_default(),
            reception,
        })
        .collect())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    station_id: i64,
    county_id: i64,
    recorded_by: i64,
    sitting: Sitting,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let row = receptions::ActiveModel {
        station_id: Set(station_id),
        county_id: Set(county_id),
        kind: Set(Word(sitting.kind)),
        held_at: Set(sitting.held_at),
        visitors: Set(sitting.visitors),
        officials: Set(officials_json(&sitting.officials)?),
        recorded_by: Set(recorded_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_deputies(db, row.id, &sitting.deputy_ids).await?;
    Ok(Stored {
        reception: row,
        deputy_ids: sitting.deputy_ids,
    })
}

/// Writes `sitting` over the stored reception.
pub async fn update(
    db: &impl ConnectionTrait,
    stored: receptions::Model,
    sitting: Sitting,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let mut active: receptions::ActiveModel = stored.into();
    active.kind = Set(Word(sitting.kind));
    active.held_at = Set(sitting.held_at);
    active.visitors = Set(sitting.visitors);
    active.officials = Set(officials_json(&sitting.officials)?);
    active.updated_at = Set(now);
    let row = active.update(db).await?;
    set_deputies(db, row.id, &sitting.deputy_ids).await?;
    Ok(Stored {
        reception: row,
        deputy_ids: sitting.deputy_ids,
    })
}

async fn set_deputies(
    db: &impl ConnectionTrait,
    reception_id: i64,
    deputy_ids: &[i64],
) -> Result<(), DbErr> {
    reception_deputies::Entity::delete_many()
        .filter(reception_deputies::Column::ReceptionId.eq(reception_id))
        .exec(db)
        .await?;
    if deputy_ids.is_empty() {
        return Ok(());
    }
    reception_deputies::Entity::insert_many(deputy_ids.iter().map(|deputy_id| {
        reception_deputies::ActiveModel {
            reception_id: Set(reception_id),
            deputy_id: Set(*deputy_id),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// A reception draws a few dozen cases at most; a page of them is all a reader wants.
pub const MAX_CASES: u64 = 100;

/// The cases raised in the reception (`cases.reception_id`), oldest first.
pub async fn cases_raised(
    db: &impl ConnectionTrait,
    reception_id: i64,
) -> Result<Vec<cases::Model>, DbErr> {
    cases::Entity::find()
        .filter(cases::Column::ReceptionId.eq(reception_id))
        .order_by_asc(cases::Column::Id)
        .limit(MAX_CASES)
        .all(db)
        .await
}
