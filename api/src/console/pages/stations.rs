//! `/console/stations`: the stations the actor administers, each with links to its roster and
//! its poster.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{ok, Layout};
use crate::console::session::Staff;
use crate::state::AppState;
use crate::stations::dto::Station;
use crate::stations::service as stations;

#[derive(Template)]
#[template(path = "console/stations.html")]
struct StationsPage {
    m: &'static Messages,
    layout: Layout,
    stations: Vec<Station>,
}

pub async fn show(state: web::Data<AppState>, staff: Staff) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let stations = stations::administered(&state.db, &staff.actor).await?;
    let page = StationsPage {
        m,
        layout: Layout::of(&staff, m, "stations"),
        stations,
    };
    Ok(ok(&page))
}
