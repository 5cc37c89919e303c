//! `/receptions`.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{NewReception, Reception, ReceptionDetail, ReceptionFilter, ReceptionPatch};
use super::service;
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
        .service(get)
        .service(update);
}

/// Receptions at the stations the caller runs or sits at, filtered, in id order.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    params(ReceptionFilter, PageQuery),
    responses(
        (status = 200, body = Paged<Reception>),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[get("/receptions")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<ReceptionFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Reception>>> {
    let receptions = service::list(&state.db, &caller.actor, &filter, page.page()?).await?;
    Ok(web::Json(receptions))
}

/// Records a reception (接待活动) at a station: its admins or a deputy who sits at it.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    request_body = NewReception,
    responses(
        (status = 201, body = Reception, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/receptions")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewReception>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Reception)?;
    let reception = service::create(&state.db, &caller.actor, body.open()?).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/receptions/{}", reception.id),
        ))
        .json(reception))
}

/// A reception with the cases raised in it. Another station's is not found.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReceptionDetail),
        BadRequest, Unauthorized, NotFound,
    )
)]
#[get("/receptions/{id}")]
async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ReceptionDetail>> {
    let reception = service::get(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(web::Json(reception))
}

/// Changes a reception: the fields given, checked as on creation.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    request_body = ReceptionPatch,
    responses(
        (status = 200, body = Reception),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/receptions/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ReceptionPatch>,
) -> ApiResult<web::Json<Reception>> {
    caller.gate(Writes::Reception)?;
    let reception =
        service::update(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    Ok(web::Json(reception))
}
