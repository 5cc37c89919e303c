//! The console's routes, registered on plain actix (not utoipa): pages are not API.

use actix_web::middleware::from_fn;
use actix_web::{web, HttpResponse};

use super::error::{ConsoleError, ConsoleResult};
use super::pages::{case, home, live, login, poster, queue, roster, stations};
use super::{assets, session};
use crate::app_error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(session::PATH)
            .wrap(from_fn(session::carry))
            .route("", web::get().to(home::show))
            .route("/", web::get().to(home::show))
            .route("/assets/console.css", web::get().to(assets::stylesheet))
            .route("/assets/queue.js", web::get().to(assets::queue_script))
            .route("/live", web::get().to(live::stream))
            .route("/login", web::get().to(login::show))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::leave))
            .route("/cases", web::get().to(queue::show))
            .route("/cases/{id}", web::get().to(case::show))
            .route("/cases/{id}/row", web::get().to(live::row))
            .route("/cases/{id}/{step}", web::post().to(case::act))
            .route("/stations", web::get().to(stations::show))
            .route("/stations/{id}/roster", web::get().to(roster::show))
            .route("/stations/{id}/roster/shifts", web::post().to(roster::add))
            .route(
                "/stations/{id}/roster/shifts/{shift}",
                web::post().to(roster::change),
            )
            // A station's poster: the print page and the PNG.
            .route("/stations/{id}/poster", web::get().to(poster::show))
            .route("/stations/{id}/poster.png", web::get().to(poster::png))
            .route("/attachments/{id}", web::get().to(case::photo))
            .default_service(web::to(not_found)),
    );
}

/// Any other console path: the console's own 404 page.
async fn not_found() -> ConsoleResult<HttpResponse> {
    Err(ConsoleError::App(AppError::NotFound("page")))
}
