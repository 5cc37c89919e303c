//! `/users`.

use actix_web::{post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, NewUser, User};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create);
}

/// Creates a staff account. County admins create any staff account of their county; station
/// admins create deputy accounts for their deputies and station admin accounts for their
/// stations.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, body = User),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Phone taken, or the deputy already has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, unknown station, department or deputy", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewUser>,
) -> ApiResult<HttpResponse> {
    let user = service::create(&state.db, &caller.actor, body.0).await?;
    Ok(HttpResponse::Created().json(user))
}
