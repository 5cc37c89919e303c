//! The case queue: one page of the cases an actor sees, filtered, newest first or nearest
//! deadline first, paged by keyset.

use chrono::{DateTime, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::CaseStatus;
use liaison_domain::search::QueryTerm;
use sea_orm::sea_query::{Condition, Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::rules::{overdue, visible};
use super::search::{search_cases, searched_id};
use crate::db::Backend;
use crate::entities::{cases, Word};

/// What a page of the queue holds, within what the actor sees.
#[derive(Debug, Clone)]
pub struct Listing {
    /// Only the cases assigned to the actor, a deputy.
    pub own: bool,
    pub station_id: Option<i64>,
    pub status: Option<CaseStatus>,
    /// Only the overdue cases (`true`), or only the others (`false`).
    pub overdue: Option<bool>,
    /// Terms that must all match (`liaison_domain::search::query_terms`).
    pub terms: Option<Vec<QueryTerm>>,
    pub order: Order,
    pub limit: u64,
}

/// The order of a page, and where it starts: after the last case of the page before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Newest first, by id: below `before`.
    Newest { before: Option<i64> },
    /// Nearest `resolve_by` first, ties by id: past `after`, a (`resolve_by`, id) pair.
    Deadline { after: Option<(DateTime<Utc>, i64)> },
}

/// A page of the queue, with one row more than `listing.limit` when another page follows.
/// `now` decides what is overdue.
pub async fn page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    listing: &Listing,
    now: DateTime<Utc>,
) -> Result<Vec<cases::Model>, DbErr> {
    let mut condition = visible(actor);
    if listing.own {
        condition = condition.add(cases::Column::AssigneeId.eq(actor.deputy_id));
    }
    if let Some(station_id) = listing.station_id {
        condition = condition.add(cases::Column::StationId.eq(station_id));
    }
    if let Some(status) = listing.status {
        condition = condition.add(cases::Column::Status.eq(Word(status)));
    }
    match listing.overdue {
        Some(true) => condition = condition.add(overdue(now)),
        Some(false) => condition = condition.add(overdue(now).not()),
        None => {}
    }
    let mut query = cases::Entity::find().filter(condition);
    // Newest first is by id; a search on SQLite reads the same id from its index (see there).
    let mut id: SimpleExpr = Expr::col((cases::Entity, cases::Column::Id)).into();
    if let Some(terms) = &listing.terms {
        let backend = Backend::of_connection(db);
        query = search_cases(query, backend, terms);
        id = searched_id(backend, actor.role == Role::Resident);
    }
    query = match listing.order {
        Order::Newest { before } => {
            if let Some(before) = before {
                query = query.filter(Expr::expr(id.clone()).lt(before));
            }
            query.order_by_desc(id)
        }
        Order::Deadline { after } => {
            if let Some((at, after_id)) = after {
                query = query.filter(
                    Condition::any().add(cases::Column::ResolveBy.gt(at)).add(
                        Condition::all()
                            .add(cases::Column::ResolveBy.eq(at))
                            .add(cases::Column::Id.gt(after_id)),
                    ),
                );
            }
            query
                .order_by_asc(cases::Column::ResolveBy)
                .order_by_asc(cases::Column::Id)
        }
    };
    query.limit(listing.limit + 1).all(db).await
}
