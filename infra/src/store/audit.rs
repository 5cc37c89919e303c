//! The audit list: one entry per change of an account or of a deputy's status, written in the
//! change's transaction, with the stations the change touched; read newest first within what
//! an admin oversees (`policy::Reach`).

use chrono::{DateTime, Utc};
use liaison_domain::audit::AuditAction;
use liaison_domain::policy::Reach;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::{audit_entries, audit_entry_stations, Word};
use crate::store::Page;

/// An entry to write. `summary` is for people and never holds a secret or a phone number.
pub struct NewEntry<'a> {
    pub county_id: i64,
    pub actor_id: Option<i64>,
    pub action: AuditAction,
    pub target_id: i64,
    pub summary: String,
    /// The stations the target reached before or after the change.
    pub station_ids: &'a [i64],
    pub at: DateTime<Utc>,
}

pub async fn record(db: &impl ConnectionTrait, entry: NewEntry<'_>) -> Result<(), DbErr> {
    let inserted = audit_entries::Entity::insert(audit_entries::ActiveModel {
        county_id: Set(entry.county_id),
        actor_id: Set(entry.actor_id),
        action: Set(Word(entry.action)),
        target_kind: Set(Word(entry.action.target())),
        target_id: Set(entry.target_id),
        summary: Set(entry.summary),
        at: Set(entry.at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let mut station_ids = entry.station_ids.to_vec();
    station_ids.sort_unstable();
    station_ids.dedup();
    if station_ids.is_empty() {
        return Ok(());
    }
    audit_entry_stations::Entity::insert_many(station_ids.into_iter().map(|station_id| {
        audit_entry_stations::ActiveModel {
            entry_id: Set(inserted.last_insert_id),
            station_id: Set(station_id),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A page of the entries within `reach`, newest first: `page.after` is the last id of the
/// page before.
pub async fn page(
    db: &impl ConnectionTrait,
    reach: &Reach,
    page: Page,
) -> Result<Vec<audit_entries::Model>, DbErr> {
    let mut query = audit_entries::Entity::find().order_by_desc(audit_entries::Column::Id);
    query = match reach {
        Reach::County(county_id) => query.filter(audit_entries::Column::CountyId.eq(*county_id)),
        Reach::Stations {
            county_id,
            station_ids,
        } => query
            .filter(audit_entries::Column::CountyId.eq(*county_id))
            .filter(
                audit_entries::Column::Id.in_subquery(
                    Query::select()
                        .column(audit_entry_stations::Column::EntryId)
                        .from(audit_entry_stations::Entity)
                        .and_where(
                            audit_entry_stations::Column::StationId
                                .is_in(station_ids.iter().copied()),
                        )
                        .to_owned(),
                ),
            ),
    };
    if let Some(after) = page.after {
        query = query.filter(audit_entries::Column::Id.lt(after));
    }
    query.limit(page.fetch()).all(db).await
}
