//! The live queue: `/console/live` streams the changes of the cases the signed-in actor may
//! see, from the same feed (and the same visibility rule) as the API's `/stream`; and
//! `/console/cases/{id}/row` renders one case as its queue row, for the script to put in place.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::cases::access::find_visible;
use crate::cases::view::{names, summary};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::queue::Row;
use crate::console::pages::{id_of, ok};
use crate::console::session::Staff;
use crate::notifications::routes::event_stream;
use crate::notifications::stream::follow;
use crate::state::AppState;

pub async fn stream(state: web::Data<AppState>, staff: Staff) -> ConsoleResult<HttpResponse> {
    let frames = follow(&state.following(), &staff.actor)?;
    Ok(event_stream(frames))
}

#[derive(Template)]
#[template(path = "console/row.html")]
struct RowFragment {
    m: &'static Messages,
    row: Row,
}

pub async fn row(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let case = find_visible(&state.db, &staff.actor, id_of(&id, "case")?).await?;
    let summary = summary(&case, &staff.actor, Utc::now());
    let names = names(&state.cases(), &[&summary]).await?;
    let row = Row::of(&summary, &names, m);
    Ok(ok(&RowFragment { m, row }))
}
