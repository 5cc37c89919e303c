//! `/deputies`.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::code as deputy_code;
use super::dto::{Deputy, DeputyFilter, DeputyPatch, NewDeputy};
use super::service;
use crate::auth::Caller;
use crate::codes::Code;
use crate::error::responses::{
    BadRequest, Forbidden, NotFound, TooLarge, TooManyRequests, Unauthorized, Unavailable,
    Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::openapi::Image;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;
use liaison_domain::policy::Writes;
use liaison_infra::store::reference::Kind;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(code)
        .service(code_png);
}

/// The public deputy directory, filtered.
#[utoipa::path(
    tag = "organisation",
    params(DeputyFilter, PageQuery),
    responses(
        (status = 200, body = Paged<Deputy>),
        BadRequest, Unprocessable,
    )
)]
#[get("/deputies")]
async fn list(
    state: web::Data<AppState>,
    filter: web::Query<DeputyFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Deputy>>> {
    let deputies = service::list(&state.db, &filter, page.page()?).await?;
    Ok(web::Json(deputies))
}

/// Enters a deputy. County admins enter any deputy of their county; station admins only at
/// their own stations.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewDeputy,
    responses(
        (status = 201, body = Deputy, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/deputies")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewDeputy>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Deputy)?;
    let deputy = service::create(&state.db, &caller.actor, body.open()?).await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/deputies/{}", deputy.id)))
        .json(deputy))
}

/// One deputy's public profile.
#[utoipa::path(
    tag = "organisation",
    responses(
        (status = 200, body = Deputy),
        BadRequest, NotFound,
    )
)]
#[get("/deputies/{id}")]
async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<web::Json<Deputy>> {
    let deputy = service::get(&state.db, id.into_inner()).await?;
    Ok(web::Json(deputy))
}

/// Changes a deputy's profile or stations.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = DeputyPatch,
    responses(
        (status = 200, body = Deputy),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/deputies/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<DeputyPatch>,
) -> ApiResult<web::Json<Deputy>> {
    caller.gate(Writes::Deputy)?;
    let answer = service::update(
        &state.cases(),
        &state.revocations,
        &caller.actor,
        id.into_inner(),
        body.open()?,
    )
    .await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(web::Json(answer))
}

/// The deputy's own code (代表码): its signed scene and where its image is. For the deputy
/// themself and the admins of the stations they sit at.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Code),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[get("/deputies/{id}/code")]
async fn code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Code>> {
    let code = deputy_code::describe(&state.codes(), &caller.actor, id.into_inner()).await?;
    Ok(web::Json(code))
}

/// The deputy's printable code: WeChat's mini-program code (JPEG) when WeChat is configured,
/// else a plain QR code (PNG) of the deputy's public page.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, content_type = "image/png", body = Image),
        BadRequest, Unauthorized, Forbidden, NotFound, TooManyRequests, Unavailable,
    )
)]
#[get("/deputies/{id}/code.png")]
async fn code_png(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (bytes, content_type) =
        deputy_code::image(&state.codes(), &caller.actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().content_type(content_type).body(bytes))
}
