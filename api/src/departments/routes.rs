//! `/departments`.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::appraisal::{appraise, Appraisal};
use super::service::{self, Department, DepartmentFilter, DepartmentPatch, NewDepartment};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::pagination::{PageQuery, Paged};
use crate::period::PeriodQuery;
use crate::state::AppState;
use liaison_domain::policy::Writes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(appraisal)
        .service(create)
        .service(update);
}

/// Departments, optionally of one county. Anyone may read them.
#[utoipa::path(
    tag = "organisation",
    params(DepartmentFilter, PageQuery),
    responses(
        (status = 200, body = Paged<Department>),
        BadRequest, Unprocessable,
    )
)]
#[get("/departments")]
async fn list(
    state: web::Data<AppState>,
    filter: web::Query<DepartmentFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Department>>> {
    let departments = service::list(&state.db, &filter, page.page()?).await?;
    Ok(web::Json(departments))
}

/// The department appraisal (承办单位测评) for a period (default: this year so far): every
/// department of the county with the rounds handed to it in the period, how many were
/// reported back on by the deadline, reopened, the residents' satisfaction and the deputies'
/// anonymous ratings, a score, and the ranking with the top five and the bottom three marked
/// (docs/statistics.md). County admins read it over the county's cases, township admins over
/// their stations'; others 403.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, body = Appraisal),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/departments/appraisal")]
async fn appraisal(
    state: web::Data<AppState>,
    caller: Caller,
    period: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<Appraisal>> {
    Ok(web::Json(
        appraise(&state.db, &caller.actor, &period).await?,
    ))
}

/// Creates a department in the caller's county.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewDepartment,
    responses(
        (status = 201, body = Department, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/departments")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewDepartment>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Department)?;
    let department = service::create(&state.db, &caller.actor, body.open()?).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/departments/{}", department.id),
        ))
        .json(department))
}

/// Renames a department of the caller's county, or deactivates it (it keeps its cases and is
/// assigned no new one) or reactivates it.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = DepartmentPatch,
    responses(
        (status = 200, body = Department),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/departments/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<DepartmentPatch>,
) -> ApiResult<web::Json<Department>> {
    caller.gate(Writes::Department)?;
    let department =
        service::update(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    Ok(web::Json(department))
}
