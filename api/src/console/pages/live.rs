//! The live queue: `/console/live` streams the changes of the cases the signed-in actor may
//! see, from the same feed (and the same visibility rule) as the API's `/stream`; and
//! `/console/cases/{id}/row` renders one case as its queue row, for the script to put in place,
//! saying whether it belongs on the first page of the queue the script shows.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::cases::access::find_visible;
use crate::cases::view::{names, summary};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::queue::{self, QueueQuery, Row};
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

/// Says whether the row belongs on the first page of the queue query it was asked with.
pub const BELONGS: &str = "x-queue-belongs";

pub async fn row(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<QueueQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let case = find_visible(&state.db, &staff.actor, id_of(&id, "case")?).await?;
    let belongs = queue::belongs(&state, &staff, &query, case.id).await?;
    let summary = summary(&case, &staff.actor, Utc::now(), state.yellow_at);
    let names = names(&state.cases(), &[&summary]).await?;
    let row = Row::of(&summary, &names, m);
    let mut answer = ok(&RowFragment { m, row });
    let flag = if belongs { "1" } else { "0" };
    answer.headers_mut().insert(
        HeaderName::from_static(BELONGS),
        HeaderValue::from_static(flag),
    );
    Ok(answer)
}
