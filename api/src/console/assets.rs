//! The console's stylesheets (the pages', the printable pages') and its one script, written by hand and compiled into the binary:
//! nothing is fetched from elsewhere, and no build step makes them.

use actix_web::http::header;
use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../assets/console/console.css");
const PRINT_STYLESHEET: &str = include_str!("../../assets/console/print.css");
const QUEUE_SCRIPT: &str = include_str!("../../assets/console/queue.js");

pub(crate) fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        // It changes only with the binary; an hour spares every page a request.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

pub async fn stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

pub async fn print_stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", PRINT_STYLESHEET)
}

/// What makes the queue live; the page works without it.
pub async fn queue_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", QUEUE_SCRIPT)
}
