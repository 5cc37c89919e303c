//! The case queue: each role's cases, filtered, newest first or nearest deadline first, paged by
//! keyset.

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::access::sees_flags;
use liaison_domain::case::light::{Light, YellowAt};
use liaison_domain::case::CaseStatus;
use liaison_domain::search;
use liaison_infra::entities::cases;
use liaison_infra::store::cases::queue::{self as store, Listing, Order, Standing};
use sea_orm::ConnectionTrait;

use super::dto::{CaseFilter, CaseSummary};
use super::view::summary;
use crate::app_error::{AppError, AppResult};
use crate::pagination::{decode_cursor, encode_cursor, Paged};

/// The words `scope` takes, and those `sort` takes: named once, for the checks below and the
/// OpenAPI document (`crate::words`).
pub const SCOPES: [&str; 3] = ["mine", "assigned", "station"];
pub const SORTS: [&str; 2] = ["newest", "deadline"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Newest,
    Deadline,
}

/// Whether `scope=mine|assigned|station` narrows what is visible to the deputy's own cases.
fn own_only(actor: &Actor, filter: &CaseFilter) -> AppResult<bool> {
    match filter.scope.as_deref() {
        // Only a deputy has cases of its own within what it sees; for the other roles their
        // own cases are all they see (a resident's, a department's, what an admin runs).
        Some("mine" | "assigned") if actor.role == Role::Deputy => Ok(true),
        None | Some("mine" | "assigned") => Ok(false),
        Some("station") if filter.station_id.is_some() => Ok(false),
        Some("station") => Err(AppError::invalid_field(
            "station_id",
            "required",
            "scope=station needs a station_id",
        )),
        Some(_) => Err(AppError::invalid_field(
            "scope",
            "unknown_value",
            format!("scope must be one of: {}", SCOPES.join(", ")),
        )),
    }
}

/// A page of at most `limit` of the cases `actor` sees, narrowed by `filter`, after `cursor`
/// (the `next_cursor` of the page before).
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    yellow_at: YellowAt,
    filter: &CaseFilter,
    limit: u64,
    cursor: Option<&str>,
) -> AppResult<Paged<CaseSummary>> {
    let sort = match filter.sort.as_deref() {
        None | Some("newest") => Sort::Newest,
        Some("deadline") => Sort::Deadline,
        Some(_) => {
            return Err(AppError::invalid_field(
                "sort",
                "unknown_value",
                format!("sort must be one of: {}", SORTS.join(", ")),
            ))
        }
    };
    let order = match cursor {
        Some(cursor) => after(sort, cursor)?,
        None => match sort {
            Sort::Newest => Order::Newest { before: None },
            Sort::Deadline => Order::Deadline { after: None },
        },
    };
    let listing = listing(actor, yellow_at, filter, order, limit)?;
    let now = Utc::now();
    let mut rows = store::page(db, actor, &listing, now).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|last| cursor_of(sort, last))
    } else {
        None
    };
    Ok(Paged {
        items: rows
            .iter()
            .map(|c| summary(c, actor, now, yellow_at))
            .collect(),
        next_cursor,
    })
}

/// The store's listing of what `filter` asks for, in `order`, `limit` at a time: the queue's
/// and the ledger's, which filter alike.
pub fn listing(
    actor: &Actor,
    yellow_at: YellowAt,
    filter: &CaseFilter,
    order: Order,
    limit: u64,
) -> AppResult<Listing> {
    Ok(Listing {
        own: own_only(actor, filter)?,
        station_id: filter.station_id,
        status: filter
            .status
            .as_deref()
            .map(CaseStatus::parse)
            .transpose()?,
        overdue: filter.overdue,
        light: filter.light.as_deref().map(Light::parse).transpose()?,
        yellow_at,
        terms: filter.q.as_deref().and_then(search::query_terms),
        order,
        limit,
    })
}

/// How the cases the actor works on stand now: open, overdue, due within a day, and flagged
/// for review (for those the domain shows flags to). A deputy counts their own cases
/// (`scope=mine`), everyone else all they see.
pub async fn standing(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<Standing> {
    let mine = CaseFilter {
        scope: Some("mine".to_owned()),
        station_id: None,
        status: None,
        overdue: None,
        light: None,
        q: None,
        sort: None,
    };
    let own = own_only(actor, &mine)?;
    let flags = sees_flags(actor);
    Ok(store::standing(db, actor, own, Utc::now(), Duration::hours(24), flags).await?)
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

/// Where the page after `cursor` starts, in the order `sort` lists.
fn after(sort: Sort, cursor: &str) -> AppResult<Order> {
    let invalid = || {
        AppError::invalid_field(
            "cursor",
            "invalid_cursor",
            "cursor is not one this list gave out",
        )
    };
    let key = decode_cursor(cursor).ok_or_else(invalid)?;
    match (sort, key.split(':').collect::<Vec<_>>().as_slice()) {
        (Sort::Newest, ["n", id]) => Ok(Order::Newest {
            before: Some(id.parse().map_err(|_| invalid())?),
        }),
        // Nanoseconds: SQLite keeps every digit chrono gives, and a tie must compare equal.
        (Sort::Deadline, ["d", nanos, id]) => {
            let id: i64 = id.parse().map_err(|_| invalid())?;
            let at = DateTime::<Utc>::from_timestamp_nanos(nanos.parse().map_err(|_| invalid())?);
            Ok(Order::Deadline {
                after: Some((at, id)),
            })
        }
        _ => Err(invalid()),
    }
}
