//! `/console/deliveries`: the county's outbox backlog (what waits, what died, how long the
//! oldest has waited) and its dead letters, each with a retry. The use-cases let county admins
//! only, so for anyone else these URLs are the 403 page. A retry puts the message back in line
//! once: a second one (a double submit, another admin first) says so and sends nothing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::app_error::{AppError, Conflict};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{html, id_of, local, next_page, see_other, Layout};
use crate::console::session::Staff;
use crate::outbox::dead_letters::{self, Delivery, DeliveryFilter};
use crate::pagination::PageQuery;
use crate::state::AppState;

const PATH: &str = "/console/deliveries";
/// Dead letters a page lists.
const PER_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    /// `retried` after a retry that worked.
    #[serde(default)]
    done: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    csrf: String,
}

pub struct Backlog {
    pub pending: u64,
    pub dead: u64,
    /// How long the oldest pending message has waited, and since when.
    pub oldest: Option<(i64, String)>,
}

pub struct DeadRow {
    pub id: i64,
    pub channel: &'static str,
    pub event: &'static str,
    pub case_id: Option<i64>,
    pub webhook_id: Option<i64>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub finished: Option<String>,
}

impl DeadRow {
    fn of(m: &Messages, d: Delivery) -> Self {
        Self {
            id: d.id,
            channel: m.channel(&d.channel),
            event: m.event(&d.event),
            case_id: d.case_id,
            webhook_id: d.webhook_id,
            attempts: d.attempts,
            last_error: d.last_error,
            finished: d.finished_at.map(local),
        }
    }
}

#[derive(Template)]
#[template(path = "console/deliveries.html")]
struct DeliveriesPage {
    m: &'static Messages,
    layout: Layout,
    backlog: Backlog,
    rows: Vec<DeadRow>,
    next: Option<String>,
    /// A line above the page: `ok` or `warn`, and what it says.
    notice: Option<(&'static str, &'static str)>,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    cursor: Option<String>,
    notice: Option<(&'static str, &'static str)>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let page = PageQuery {
        limit: Some(PER_PAGE),
        cursor,
    };
    // The dead letters are the default status of the list.
    let filter = DeliveryFilter { status: None };
    let dead = dead_letters::list(&state.db, &staff.actor, &filter, &page).await?;
    let backlog = dead_letters::backlog(&state.db, &staff.actor).await?;
    let now = Utc::now();
    let page = DeliveriesPage {
        m,
        layout: Layout::of(staff, m, "deliveries"),
        backlog: Backlog {
            pending: backlog.pending,
            dead: backlog.dead,
            oldest: backlog
                .oldest_pending_at
                .map(|at| ((now - at).num_minutes().max(0), local(at))),
        },
        rows: dead.items.into_iter().map(|d| DeadRow::of(m, d)).collect(),
        next: dead.next_cursor.map(|c| next_page(PATH, &c)),
        notice,
    };
    Ok(html(status, &page))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> ConsoleResult<HttpResponse> {
    let query = query.into_inner();
    let m = Messages::current();
    let notice = (query.done == "retried").then_some(("ok", m.delivery_retried));
    render(&state, &staff, query.cursor, notice, StatusCode::OK).await
}

pub async fn retry(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<RetryForm>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "delivery")?;
    staff.check_csrf(&state, &form.csrf)?;
    match dead_letters::retry(&state.db, &staff.actor, id, Utc::now()).await {
        Ok(_) => {
            state.outbox_wake.notify_one();
            Ok(see_other(format!("{PATH}?done=retried")))
        }
        Err(AppError::Conflict(Conflict::DeliveryNotDead)) => {
            let notice = Some(("warn", Messages::current().delivery_already_retried));
            render(&state, &staff, None, notice, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}
