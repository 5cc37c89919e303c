//! The console's one stylesheet, written by hand and compiled into the binary: nothing is
//! fetched from elsewhere, and no build step makes it.

use actix_web::http::header;
use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../assets/console/console.css");

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        // It changes only with the binary; an hour spares every page a request.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}
