//! The case queue: one page of the cases an actor sees, filtered, newest first or nearest
//! deadline first, paged by keyset.

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::light::{Light, YellowAt};
use liaison_domain::case::CaseStatus;
use liaison_domain::search::QueryTerm;
use sea_orm::sea_query::{Condition, Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::rules::{flagged, in_progress, lit, overdue, visible, visible_reading, Stations};
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
    /// Only the open cases of this light, turning yellow at `yellow_at` of their time.
    pub light: Option<Light>,
    pub yellow_at: YellowAt,
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
    /// Oldest first, by id: above `after`. The ledger's order, read in batches.
    Oldest { after: Option<i64> },
}

/// A page of the queue, with one row more than `listing.limit` when another page follows.
/// `now` decides what is overdue.
pub async fn page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    listing: &Listing,
    now: DateTime<Utc>,
) -> Result<Vec<cases::Model>, DbErr> {
    // Several stations in deadline order: SQLite reads them from the county's deadline index
    // only when kept off the stations' (see `visible_reading`); PostgreSQL chooses well alone.
    let several_stations = actor.station_ids.len() > 1 && listing.station_id.is_none();
    let reading = match (Backend::of_connection(db), listing.order) {
        (Backend::Sqlite, Order::Deadline { .. }) if several_stations => Stations::ByCounty,
        _ => Stations::ByIndex,
    };
    let mut condition = visible_reading(actor, reading);
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
    if let Some(light) = listing.light {
        let backend = Backend::of_connection(db);
        condition = condition.add(lit(light, listing.yellow_at, now, backend));
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
        Order::Oldest { after } => {
            if let Some(after) = after {
                query = query.filter(Expr::expr(id.clone()).gt(after));
            }
            query.order_by_asc(id)
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

/// How the cases an actor sees stand: in progress, overdue, falling overdue within a while
/// unless someone acts, and flagged for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub open: u64,
    pub overdue: u64,
    pub due_soon: u64,
    /// Flagged for review by moderation; counted only when asked (for those who see flags).
    pub flagged: Option<u64>,
}

/// The standing at `now` of the cases `actor` sees (only those assigned to the actor, a deputy,
/// when `own`), with `soon` as the while: due soon is what `overdue` holds at `now + soon` and
/// not yet at `now`; and, when `flags`, how many are flagged.
pub async fn standing(
    db: &impl ConnectionTrait,
    actor: &Actor,
    own: bool,
    now: DateTime<Utc>,
    soon: Duration,
    flags: bool,
) -> Result<Standing, DbErr> {
    let mut seen = visible(actor);
    if own {
        seen = seen.add(cases::Column::AssigneeId.eq(actor.deputy_id));
    }
    let count = |condition: Condition| {
        cases::Entity::find()
            .filter(seen.clone().add(condition))
            .count(db)
    };
    Ok(Standing {
        open: count(in_progress()).await?,
        overdue: count(overdue(now)).await?,
        due_soon: count(overdue(now + soon).add(overdue(now).not())).await?,
        flagged: if flags {
            Some(count(flagged()).await?)
        } else {
            None
        },
    })
}

/// How many of the open cases `actor` oversees show each light at `now`, in the order of
/// `Light::ALL` (green, yellow, red).
pub async fn lights(
    db: &impl ConnectionTrait,
    actor: &Actor,
    yellow_at: YellowAt,
    now: DateTime<Utc>,
) -> Result<Vec<(Light, u64)>, DbErr> {
    let backend = Backend::of_connection(db);
    let mut counted = Vec::new();
    for light in Light::ALL {
        let n = cases::Entity::find()
            .filter(visible(actor).add(lit(*light, yellow_at, now, backend)))
            .count(db)
            .await?;
        counted.push((*light, n));
    }
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use liaison_domain::case::deadline::is_overdue;

    use super::super::rules::scope_of;
    use super::super::rules::tests::{actors, at, loaded, table};
    use super::*;
    use liaison_domain::case::access::can_see;

    #[tokio::test]
    async fn the_standing_counts_what_the_domain_calls_open_overdue_and_due_soon() {
        let (_dir, databases) = loaded().await;
        let table = table();
        let soon = Duration::hours(24);
        let now = at();
        let lapsed_at = |case: &cases::Model, when| {
            is_overdue(
                *case.status,
                case.respond_by,
                case.resolve_by,
                case.first_response_at,
                when,
            )
        };
        for db in &databases {
            for actor in actors() {
                for own in [false, true] {
                    let seen: Vec<&cases::Model> = table
                        .iter()
                        .filter(|case| can_see(&actor, &scope_of(case)))
                        .filter(|case| {
                            !own || (case.assignee_id.is_some()
                                && case.assignee_id == actor.deputy_id)
                        })
                        .collect();
                    let expected = Standing {
                        open: seen.iter().filter(|c| c.status.is_in_progress()).count() as u64,
                        overdue: seen.iter().filter(|c| lapsed_at(c, now)).count() as u64,
                        due_soon: seen
                            .iter()
                            .filter(|c| lapsed_at(c, now + soon) && !lapsed_at(c, now))
                            .count() as u64,
                        flagged: Some(seen.iter().filter(|c| c.flagged).count() as u64),
                    };
                    let standing = standing(db, &actor, own, now, soon, true).await.unwrap();
                    assert_eq!(standing, expected, "{actor:?}, own: {own}");
                }
            }
            let admin = &actors()[4];
            let standing = standing(db, admin, false, now, soon, true).await.unwrap();
            assert!(
                standing.open > standing.overdue
                    && standing.due_soon > 0
                    && standing.flagged > Some(0),
                "{standing:?}"
            );
            let unasked = super::standing(db, admin, false, now, soon, false)
                .await
                .unwrap();
            assert_eq!(unasked.flagged, None, "not counted unless asked");
        }
    }
}
