//! `/console`: how my cases stand (open, overdue, due within a day, flagged for review), my
//! unread notifications, and the overdue cases to act on first.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::cases::dto::{CaseFilter, CaseSummary};
use crate::cases::queue;
use crate::cases::view::names;
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::queue::Row;
use crate::console::pages::{ok, Layout};
use crate::console::session::Staff;
use crate::notifications::inbox;
use crate::state::AppState;

/// Overdue cases the home page lists.
const SHOWN: u64 = 10;

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    m: &'static Messages,
    layout: Layout,
    open: u64,
    overdue: u64,
    due_soon: u64,
    /// `None` for those who do not see flags.
    flagged: Option<u64>,
    unread: u64,
    rows: Vec<Row>,
}

pub async fn show(state: web::Data<AppState>, staff: Staff) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let standing = queue::standing(&state.db, &staff.actor).await?;
    let unread = inbox::unread_count(&state.db, &staff.actor).await?;
    let overdue = CaseFilter {
        scope: Some("mine".to_owned()),
        station_id: None,
        status: None,
        overdue: Some(true),
        light: None,
        q: None,
        sort: Some("deadline".to_owned()),
    };
    let listed = queue::list(
        &state.db,
        &staff.actor,
        state.yellow_at,
        &overdue,
        SHOWN,
        None,
    )
    .await?;
    let summaries: Vec<&CaseSummary> = listed.items.iter().collect();
    let names = names(&state.cases(), &summaries).await?;
    let page = HomePage {
        m,
        layout: Layout::of(&staff, m, "home"),
        open: standing.open,
        overdue: standing.overdue,
        due_soon: standing.due_soon,
        flagged: standing.flagged,
        unread,
        rows: listed.items.iter().map(|c| Row::of(c, &names, m)).collect(),
    };
    Ok(ok(&page))
}
