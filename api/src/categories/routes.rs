//! `/categories`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, Category, CategoryFilter, NewCategory};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, TooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;
use liaison_domain::policy::Writes;
use liaison_infra::store::reference::Kind;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create);
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
