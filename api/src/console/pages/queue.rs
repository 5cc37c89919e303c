//! `/console/cases`: the queue, with every filter of the API's (scope, station, status,
//! overdue, light, words), its sorts, keyset paging by links, and for admins the ledger of
//! the filter as a download (`/console/ledger.csv`, `.xlsx`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::case::light::Light;
use liaison_domain::case::CaseStatus;
use liaison_domain::{policy, FieldError, Invalid};
use serde::Deserialize;

use crate::app_error::AppError;
use crate::cases::dto::{CaseFilter, CaseSummary};
use crate::cases::queue::{self, SCOPES, SORTS};
use crate::cases::view::{names, Names};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{choices, error_on, html, local, Choice, Layout};
use crate::console::session::Staff;
use crate::ledger::{self, routes::download, Format};
use crate::pagination::PageQuery;
use crate::state::AppState;
use crate::stations::dto::StationFilter;
use crate::stations::service as stations;

/// Rows per page unless the query asks for another number (1 to 100, as the API takes).
const PAGE: u64 = 50;

/// A case as a row of a table.
pub struct Row {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub station: String,
    pub category: String,
    pub resolve_by: String,
    pub created: String,
    pub overdue: bool,
    /// The traffic light's word and what it reads as, while the case is in progress.
    pub light: Option<(String, &'static str)>,
    pub flagged: bool,
    pub escalated: bool,
}

impl Row {
    pub fn of(case: &CaseSummary, names: &Names, m: &Messages) -> Self {
        Self {
            id: case.id,
            number: case.number.clone(),
            title: case.title.clone(),
            status: case.status.clone(),
            status_label: m.status(&case.status),
            station: names.station(case.station_id).to_owned(),
            category: names.category(case.category_id).to_owned(),
            resolve_by: local(case.resolve_by),
            created: local(case.created_at),
            overdue: case.overdue,
            light: case.light.clone().map(|l| {
                let label = m.light(&l);
                (l, label)
            }),
            flagged: case.flagged,
            escalated: case.escalated,
        }
    }
}

/// The query as typed: every value a string, so that a bad one comes back beside its field
/// instead of as a bare 400.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    station_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    light: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    limit: String,
}

impl QueueQuery {
    /// Whether this is a first page: one that a case raised or changed since may join.
    fn first_page(&self) -> bool {
        self.cursor.trim().is_empty()
    }
}

/// Whether case `case_id` is now on the first page `query` lists: for the live queue, which
/// shows a case it has not shown only where it belongs, filter and order as the page's.
pub async fn belongs(
    state: &AppState,
    staff: &Staff,
    query: &QueueQuery,
    case_id: i64,
) -> ConsoleResult<bool> {
    let Ok((filter, limit)) = filter_of(query) else {
        return Ok(false);
    };
    match queue::list(
        &state.db,
        &staff.actor,
        state.yellow_at,
        &filter,
        limit,
        None,
    )
    .await
    {
        Ok(page) => Ok(page.items.iter().any(|case| case.id == case_id)),
        Err(AppError::Invalid(_)) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "console/queue.html")]
struct QueuePage {
    m: &'static Messages,
    layout: Layout,
    q: String,
    scopes: Vec<Choice>,
    stations: Vec<Choice>,
    statuses: Vec<Choice>,
    overdue: Vec<Choice>,
    lights: Vec<Choice>,
    sorts: Vec<Choice>,
    rows: Vec<Row>,
    next: Option<String>,
    paged: bool,
    /// Whether a case raised while the page is open belongs on it (see `QueueQuery::lists_all`).
    inserts: bool,
    /// The page is the re-assignment queue (`status=reopened`), which has a tab of its own.
    reassignment: bool,
    /// The ledger of this filter, for admins: the query string its downloads take.
    ledger: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
}

fn blank(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The filter the query asks for, or the fields that cannot be one.
fn filter_of(query: &QueueQuery) -> Result<(CaseFilter, u64), Vec<FieldError>> {
    let mut errors = Vec::new();
    let station_id = match blank(&query.station_id) {
        None => None,
        Some(id) => id.parse().map_or_else(
            |_| {
                errors.push(FieldError::new("station_id", "unknown", "not a station id"));
                None
            },
            Some,
        ),
    };
    let limit = match blank(&query.limit) {
        None => PAGE,
        Some(limit) => {
            let asked = PageQuery {
                limit: Some(limit.parse().unwrap_or(0)),
                cursor: None,
            };
            asked.page_limit().unwrap_or_else(|invalid| {
                errors.extend(invalid.0);
                PAGE
            })
        }
    };
    let overdue = match query.overdue.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    if errors.is_empty() {
        let filter = CaseFilter {
            scope: blank(&query.scope),
            station_id,
            status: blank(&query.status),
            overdue,
            light: blank(&query.light),
            q: blank(&query.q),
            sort: blank(&query.sort),
        };
        Ok((filter, limit))
    } else {
        Err(errors)
    }
}

/// The filter and order `query` holds, as a query string to go on.
fn filters(query: &QueueQuery) -> url::form_urlencoded::Serializer<'static, String> {
    let mut link = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("scope", &query.scope),
        ("station_id", &query.station_id),
        ("status", &query.status),
        ("overdue", &query.overdue),
        ("light", &query.light),
        ("q", &query.q),
        ("sort", &query.sort),
    ] {
        if !value.is_empty() {
            link.append_pair(name, value);
        }
    }
    link
}

/// The link to the page after this one: the same filter, the cursor the list gave.
fn next_link(query: &QueueQuery, cursor: &str) -> String {
    let mut link = filters(query);
    if !query.limit.is_empty() {
        link.append_pair("limit", &query.limit);
    }
    link.append_pair("cursor", cursor);
    format!("/console/cases?{}", link.finish())
}

/// The ledger (台账) of what the queue's filter selects, as `format`: the API's download,
/// through the console's session.
async fn ledger(
    state: &AppState,
    staff: &Staff,
    query: &QueueQuery,
    format: Format,
) -> ConsoleResult<HttpResponse> {
    let filter = filter_of(query)
        .map_err(|errors| AppError::Invalid(Invalid(errors)))?
        .0;
    let opened = ledger::open(&state.db, &staff.actor, state.yellow_at, &filter, format).await?;
    Ok(download(format, opened))
}

pub async fn ledger_csv(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<QueueQuery>,
) -> ConsoleResult<HttpResponse> {
    ledger(&state, &staff, &query, Format::Csv).await
}

pub async fn ledger_xlsx(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<QueueQuery>,
) -> ConsoleResult<HttpResponse> {
    ledger(&state, &staff, &query, Format::Xlsx).await
}

/// The stations the station filter offers: the actor's own, or those of their county.
async fn station_choices(
    state: &AppState,
    staff: &Staff,
    chosen: &str,
    m: &Messages,
) -> ConsoleResult<Vec<Choice>> {
    let filter = StationFilter {
        county_id: staff.actor.county_id,
        region_id: None,
        kind: None,
    };
    let page = crate::pagination::Page {
        limit: crate::pagination::MAX_LIMIT,
        after: None,
    };
    let listed = stations::list(&state.db, &filter, page).await?;
    let own = &staff.actor.station_ids;
    let values = listed
        .items
        .into_iter()
        .filter(|s| own.is_empty() || own.contains(&s.id))
        .map(|s| (s.id.to_string(), s.name));
    Ok(choices(values, chosen, m.filter_any))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<QueueQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let query = query.into_inner();
    let listed = match filter_of(&query) {
        Ok((filter, limit)) => {
            let cursor = blank(&query.cursor);
            let listed = queue::list(
                &state.db,
                &staff.actor,
                state.yellow_at,
                &filter,
                limit,
                cursor.as_deref(),
            );
            match listed.await {
                Ok(paged) => Ok(paged),
                Err(AppError::Invalid(invalid)) => Err(invalid.0),
                Err(other) => return Err(other.into()),
            }
        }
        Err(errors) => Err(errors),
    };
    let (paged, errors) = match listed {
        Ok(paged) => (Some(paged), Vec::new()),
        Err(errors) => (None, errors),
    };
    let (rows, next) = match &paged {
        Some(paged) => {
            let cases = state.cases();
            let summaries: Vec<&CaseSummary> = paged.items.iter().collect();
            let names = names(&cases, &summaries).await?;
            let rows = paged.items.iter().map(|c| Row::of(c, &names, m)).collect();
            let next = paged.next_cursor.as_deref().map(|c| next_link(&query, c));
            (rows, next)
        }
        None => (Vec::new(), None),
    };
    let errors: Vec<(&'static str, &'static str)> = [
        "scope",
        "station_id",
        "status",
        "light",
        "sort",
        "cursor",
        "q",
        "limit",
    ]
    .into_iter()
    .filter_map(|field| error_on(&errors, field, m).map(|message| (field, message)))
    .collect();
    let page = QueuePage {
        m,
        layout: Layout::of(&staff, m, "queue"),
        reassignment: query.status.trim() == CaseStatus::Reopened.as_str(),
        ledger: policy::may_export_ledger(&staff.actor).then(|| filters(&query).finish()),
        scopes: choices(
            SCOPES
                .iter()
                .map(|s| (s.to_string(), m.scope(s).to_owned())),
            &query.scope,
            m.filter_any,
        ),
        stations: station_choices(&state, &staff, &query.station_id, m).await?,
        statuses: choices(
            CaseStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), m.status(s.as_str()).to_owned())),
            &query.status,
            m.filter_any,
        ),
        overdue: choices(
            [
                ("true".to_owned(), m.overdue_only.to_owned()),
                ("false".to_owned(), m.overdue_none.to_owned()),
            ],
            &query.overdue,
            m.filter_any,
        ),
        lights: choices(
            Light::ALL
                .iter()
                .map(|l| (l.as_str().to_owned(), m.light(l.as_str()).to_owned())),
            &query.light,
            m.filter_any,
        ),
        sorts: SORTS
            .iter()
            .map(|s| Choice {
                value: s.to_string(),
                label: if *s == "deadline" {
                    m.sort_deadline
                } else {
                    m.sort_newest
                }
                .to_owned(),
                selected: query.sort == *s,
            })
            .collect(),
        q: query.q.clone(),
        rows,
        next,
        paged: !query.cursor.is_empty(),
        inserts: query.first_page() && errors.is_empty(),
        errors: errors.clone(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(html(status, &page))
}
