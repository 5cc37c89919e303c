//! The case queue: each role's cases, filtered, newest first or nearest deadline first, paged by
//! keyset.

use chrono::{DateTime, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::CaseStatus;
use liaison_domain::search;
use liaison_infra::db::Backend;
use liaison_infra::entities::cases;
use liaison_infra::entities::Word;
use liaison_infra::search::{search_cases, searched_id};
use liaison_infra::store::cases as rules;
use sea_orm::sea_query::{Condition, Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::dto::{CaseFilter, CaseSummary};
use super::view::summary;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{decode_cursor, encode_cursor, PageQuery, Paged};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Newest,
    Deadline,
}

/// `scope=mine|assigned|station` narrows what is visible.
fn narrowed(actor: &Actor, filter: &CaseFilter) -> ApiResult<Condition> {
    let mut condition = rules::visible(actor);
    match filter.scope.as_deref() {
        // Only a deputy has cases of its own within what it sees; for the other roles their
        // own cases are all they see (a resident's, a department's, what an admin runs).
        Some("mine" | "assigned") if actor.role == Role::Deputy => {
            condition = condition.add(cases::Column::AssigneeId.eq(actor.deputy_id));
        }
        None | Some("mine" | "assigned") => {}
        Some("station") if filter.station_id.is_some() => {}
        Some("station") => {
            return Err(ApiError::invalid_field(
                "station_id",
                "required",
                "scope=station needs a station_id",
            ));
        }
        Some(_) => {
            return Err(ApiError::invalid_field(
                "scope",
                "unknown_value",
                "scope must be one of: mine, assigned, station",
            ));
        }
    }
    if let Some(station_id) = filter.station_id {
        condition = condition.add(cases::Column::StationId.eq(station_id));
    }
    if let Some(status) = &filter.status {
        condition = condition.add(cases::Column::Status.eq(Word(CaseStatus::parse(status)?)));
    }
    Ok(condition)
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &CaseFilter,
    page: &PageQuery,
) -> ApiResult<Paged<CaseSummary>> {
    let sort = match filter.sort.as_deref() {
        None | Some("newest") => Sort::Newest,
        Some("deadline") => Sort::Deadline,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "sort",
                "unknown_value",
                "sort must be newest or deadline",
            ))
        }
    };
    let limit = page.page_limit()?;
    let now = Utc::now();
    let mut condition = narrowed(actor, filter)?;
    match filter.overdue {
        Some(true) => condition = condition.add(rules::overdue(now)),
        Some(false) => condition = condition.add(rules::overdue(now).not()),
        None => {}
    }
    let mut query: Select<cases::Entity> = cases::Entity::find().filter(condition);
    // Newest first is by id; a search on SQLite reads the same id from its index (see there).
    let mut id = Expr::col((cases::Entity, cases::Column::Id)).into();
    if let Some(terms) = filter.q.as_deref().and_then(search::query_terms) {
        let backend = Backend::of_connection(db);
        query = search_cases(query, backend, &terms);
        id = searched_id(backend, actor.role == Role::Resident);
    }
    if let Some(cursor) = &page.cursor {
        query = query.filter(after(sort, cursor, &id)?);
    }
    query = match sort {
        Sort::Newest => query.order_by_desc(id),
        Sort::Deadline => query
            .order_by_asc(cases::Column::ResolveBy)
            .order_by_asc(cases::Column::Id),
    };
    let mut rows = query.limit(limit + 1).all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|last| cursor_of(sort, last))
    } else {
        None
    };
    Ok(Paged {
        items: rows.iter().map(|c| summary(c, actor, now)).collect(),
        next_cursor,
    })
}

fn cursor_of(sort: Sort, case: &cases::Model) -> String {
    match sort {
        Sort::Newest => encode_cursor(&format!("n:{}", case.id)),
        Sort::Deadline => encode_cursor(&format!(
            "d:{}:{}",
            case.resolve_by.timestamp_nanos_opt().unwrap_or(i64::MAX),
            case.id
        )),
    }
}

/// Rows after the cursor in the order `sort` lists them; `id` is the case id as the query
/// orders by it.
fn after(sort: Sort, cursor: &str, id_key: &SimpleExpr) -> ApiResult<Condition> {
    let invalid = || {
        ApiError::invalid_field(
            "cursor",
            "invalid_cursor",
            "cursor is not one this list gave out",
        )
    };
    let key = decode_cursor(cursor).ok_or_else(invalid)?;
    match (sort, key.split(':').collect::<Vec<_>>().as_slice()) {
        (Sort::Newest, ["n", id]) => {
            let id: i64 = id.parse().map_err(|_| invalid())?;
            Ok(Condition::all().add(Expr::expr(id_key.clone()).lt(id)))
        }
        // Nanoseconds: SQLite keeps every digit chrono gives, and a tie must compare equal.
        (Sort::Deadline, ["d", nanos, id]) => {
            let id: i64 = id.parse().map_err(|_| invalid())?;
            let at = DateTime::<Utc>::from_timestamp_nanos(nanos.parse().map_err(|_| invalid())?);
            Ok(Condition::any().add(cases::Column::ResolveBy.gt(at)).add(
                Condition::all()
                    .add(cases::Column::ResolveBy.eq(at))
                    .add(cases::Column::Id.gt(id)),
            ))
        }
        _ => Err(invalid()),
    }
}
