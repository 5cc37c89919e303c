//! `/reply-templates`.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{
    self, NewReplyTemplate, ReplyTemplate, ReplyTemplateFilter, ReplyTemplatePatch,
};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;
use liaison_domain::policy::Writes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(update)
        .service(remove);
}

/// The saved replies the caller reads: the county's own, and those of the stations the caller
/// works at or administers (with `station_id`, only the county's and that station's).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(ReplyTemplateFilter, PageQuery),
    responses(
        (status = 200, body = Paged<ReplyTemplate>),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/reply-templates")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<ReplyTemplateFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<ReplyTemplate>>> {
    let templates = service::list(&state.db, &caller.actor, &filter, page.page()?).await?;
    Ok(web::Json(templates))
}

/// Saves a reply for the caller's county (county admins) or for one of its stations (whoever
/// administers the station).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = NewReplyTemplate,
    responses(
        (status = 201, body = ReplyTemplate, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/reply-templates")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewReplyTemplate>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::ReplyTemplate)?;
    let created = service::create(&state.db, &caller.actor, body.open()?).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/reply-templates/{}", created.id),
        ))
        .json(created))
}

/// Changes a saved reply's title or body: those who may save it there.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = ReplyTemplatePatch,
    responses(
        (status = 200, body = ReplyTemplate),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/reply-templates/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ReplyTemplatePatch>,
) -> ApiResult<web::Json<ReplyTemplate>> {
    caller.gate(Writes::ReplyTemplate)?;
    let answer = service::update(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    Ok(web::Json(answer))
}

/// Deletes a saved reply; replies already sent with it stay as they were.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[delete("/reply-templates/{id}")]
async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::ReplyTemplate)?;
    service::delete(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
