//! `/notifications`: the caller's inbox; `/stream`: live case changes.

use std::convert::Infallible;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, post, web, HttpResponse};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::inbox::{self, Inbox, InboxFilter};
use super::stream::follow;
use crate::auth::Caller;
use crate::error::responses::{BadRequest, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::error::ApiResult;
use crate::pagination::PageQuery;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(read_all)
        .service(read)
        .service(stream);
}

/// The caller's inbox, newest first, with the unread count.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(InboxFilter, PageQuery),
    responses((status = 200, body = Inbox), BadRequest, Unauthorized, Unprocessable)
)]
#[get("/notifications")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<InboxFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Inbox>> {
    let inbox = inbox::list(&state.db, &caller.actor, &filter, page.page()?).await?;
    Ok(web::Json(inbox))
}

/// Marks one notification read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses((status = 204, description = "Read"), BadRequest, Unauthorized, NotFound)
)]
#[post("/notifications/{id}/read")]
async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    inbox::mark_read(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct Marked {
    /// How many were unread and are now read.
    pub marked: u64,
}

/// Marks the whole inbox read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, body = Marked), Unauthorized)
)]
#[post("/notifications/read-all")]
async fn read_all(state: web::Data<AppState>, caller: Caller) -> ApiResult<web::Json<Marked>> {
    let marked = inbox::mark_all_read(&state.db, &caller.actor).await?;
    Ok(web::Json(Marked { marked }))
}

/// Live changes of the cases the caller may see, as `text/event-stream`.
///
/// Each change is `event: case` with `data: {"case_id", "number", "status", "events", "at"}`
/// (`events` are the kinds the step recorded, e.g. `["accepted"]`); fetch the case for the
/// rest. A comment line (`: heartbeat`) comes every `live.heartbeat_seconds` (15 by default).
/// A client that falls behind receives `event: lagged` (`data: {"missed": n}`) and the stream
/// ends: reconnect and refetch. The stream also ends when the server stops and once an access
/// token's lifetime has passed, so that reconnecting checks the session and scope again.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Server-sent events until the client, the server or the token's lifetime ends them",
            content_type = "text/event-stream", body = String),
        Unauthorized, Forbidden,
    )
)]
#[get("/stream")]
async fn stream(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let frames = follow(&state.following(), &caller.actor)?;
    Ok(event_stream(frames))
}

/// Server-sent-event `frames` as a response, for this stream and the console's.
pub fn event_stream(frames: impl Stream<Item = String> + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Tells nginx not to buffer the stream, which would hold events back; and the
        // compression middleware not to encode it, which would hold them back too.
        .insert_header(("x-accel-buffering", "no"))
        .insert_header(header::ContentEncoding::Identity)
        .streaming(frames.map(|frame| Ok::<_, Infallible>(Bytes::from(frame))))
}
