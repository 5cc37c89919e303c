//! `/scoring-schemes` and `/deputies/…/performance`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{
    NewScoringScheme, Performance, PerformanceRanking, RankingQuery, ScoringScheme, ScoringSchemes,
    YearQuery,
};
use super::service;
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::state::AppState;

/// Registered before `/deputies/{id}`, which would take `performance` for an id.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(ranking)
        .service(performance);
}

/// The versions of the caller's county's scoring scheme (计分办法) for a year (default this
/// year), newest first: the first is in force. For the county's staff; others 403.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(YearQuery),
    responses(
        (status = 200, body = ScoringSchemes),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/scoring-schemes")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<YearQuery>,
) -> ApiResult<web::Json<ScoringSchemes>> {
    Ok(web::Json(
        service::list(&state.db, &caller.actor, query.year.as_deref(), Utc::now()).await?,
    ))
}

/// Publishes a new version of the caller's county's scheme for a year: weights per item of
/// the performance record and five rising thresholds for one to five stars. It is in force
/// from now on; older versions stay readable. County admins only (403 whatever the body).
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    request_body = NewScoringScheme,
    responses(
        (status = 201, body = ScoringScheme, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/scoring-schemes")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewScoringScheme>,
) -> ApiResult<HttpResponse> {
    let county_id = service::publisher_county(&caller.actor)?;
    let scheme = service::publish(
        &state.db,
        &caller.actor,
        county_id,
        body.open()?,
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/scoring-schemes/{}", scheme.id),
        ))
        .json(scheme))
}

/// One version of a scheme of the caller's county (another county's is 404).
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ScoringScheme),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[get("/scoring-schemes/{id}")]
async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ScoringScheme>> {
    Ok(web::Json(
        service::get(&state.db, &caller.actor, id.into_inner()).await?,
    ))
}

/// The county's serving deputies ranked by score for a year under the scheme in force, with
/// their stars, `rank_in_county` and `rank_in_township` (competition ranking, ties by name).
/// County admins see the county (narrowed by `township_id`), township admins their township;
/// others 403.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(RankingQuery),
    responses(
        (status = 200, body = PerformanceRanking),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[get("/deputies/performance")]
async fn ranking(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RankingQuery>,
) -> ApiResult<web::Json<PerformanceRanking>> {
    Ok(web::Json(
        service::ranking(
            &state.db,
            &caller.actor,
            query.year.as_deref(),
            query.township_id,
            Utc::now(),
        )
        .await?,
    ))
}

/// A deputy's performance record (履职档案) for a year: the counts, and under the county's
/// scheme in force the score item by item and the stars. For the deputy themself and the
/// admins of the county or of one of their stations; others 403, an unknown deputy 404.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(YearQuery),
    responses(
        (status = 200, body = Performance),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[get("/deputies/{id}/performance")]
async fn performance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<YearQuery>,
) -> ApiResult<web::Json<Performance>> {
    Ok(web::Json(
        service::record(
            &state.db,
            &caller.actor,
            id.into_inner(),
            query.year.as_deref(),
            Utc::now(),
        )
        .await?,
    ))
}
