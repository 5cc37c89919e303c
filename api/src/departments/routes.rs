//! `/departments`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, Department, DepartmentFilter, NewDepartment};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, TooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;
use liaison_domain::policy::Writes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create);
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
