//! `/notifications`: the caller's inbox.

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::inbox::{self, Inbox, InboxFilter};
use crate::auth::Caller;
use crate::error::responses::{BadRequest, NotFound, Unauthorized, Unprocessable};
use crate::error::ApiResult;
use crate::pagination::PageQuery;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(read_all).service(read);
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
    inbox::list(&state.db, &caller.actor, &filter, &page)
        .await
        .map(web::Json)
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
