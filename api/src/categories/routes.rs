//! `/categories`.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, Category, CategoryFilter, CategoryPatch, NewCategory};
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
    cfg.service(list).service(create).service(update);
}

/// Categorys, optionally of one county. Anyone may read them.
#[utoipa::path(
    tag = "organisation",
    params(CategoryFilter, PageQuery),
    responses(
        (status = 200, body = Paged<Category>),
        BadRequest, Unprocessable,
    )
)]
#[get("/categories")]
async fn list(
    state: web::Data<AppState>,
    filter: web::Query<CategoryFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Category>>> {
    let categories = service::list(&state.db, &filter, page.page()?).await?;
    Ok(web::Json(categories))
}

/// Creates a category in the caller's county.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewCategory,
    responses(
        (status = 201, body = Category, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/categories")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewCategory>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Category)?;
    let category = service::create(&state.db, &caller.actor, body.open()?).await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/categories/{}", category.id),
        ))
        .json(category))
}

/// Renames a category of the caller's county, deactivates it (refused for new cases, still
/// shown on the old ones) or reactivates it, or changes its limits: new limits apply to cases
/// raised from then on, each case keeping the deadlines it was given.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = CategoryPatch,
    responses(
        (status = 200, body = Category),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/categories/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<CategoryPatch>,
) -> ApiResult<web::Json<Category>> {
    caller.gate(Writes::Category)?;
    let category = service::update(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    // Submit reads categories from every node's cache: each must forget this one.
    state.reference.changed(Kind::Organisation).await;
    Ok(web::Json(category))
}
