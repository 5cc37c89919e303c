//! `/regions`.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{NewRegion, Region, RegionFilter, RegionPatch};
use super::service;
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;
use liaison_domain::policy::Writes;
use liaison_infra::store::reference::Kind;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update);
}

/// The region tree, filtered. Anyone may read it.
#[utoipa::path(
    tag = "organisation",
    params(RegionFilter, PageQuery),
    responses(
        (status = 200, body = Paged<Region>),
        BadRequest, Unprocessable,
    )
)]
#[get("/regions")]
async fn list(
    state: web::Data<AppState>,
    filter: web::Query<RegionFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Region>>> {
    let regions = service::list(&state.db, &filter, page.page()?).await?;
    Ok(web::Json(regions))
}

/// Creates a township or village in the caller's county.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewRegion,
    responses(
        (status = 201, body = Region, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/regions")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewRegion>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Region)?;
    let region = service::create(&state.db, &caller.actor, body.open()?).await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/regions/{}", region.id)))
        .json(region))
}

/// One region.
#[utoipa::path(
    tag = "organisation",
    responses(
        (status = 200, body = Region),
        BadRequest, NotFound,
    )
)]
#[get("/regions/{id}")]
async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<web::Json<Region>> {
    let region = service::find(&state.db, id.into_inner()).await?;
    Ok(web::Json(region.into()))
}

/// Renames a region or changes its code.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = RegionPatch,
    responses(
        (status = 200, body = Region),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/regions/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<RegionPatch>,
) -> ApiResult<web::Json<Region>> {
    caller.gate(Writes::Region)?;
    let answer = service::update(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(web::Json(answer))
}
