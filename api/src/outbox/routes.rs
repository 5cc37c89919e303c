//! `/deliveries`: the outbox as county admins see it, and retrying dead letters.

use actix_web::{get, post, web};
use chrono::Utc;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dead_letters::{self, Delivery, DeliveryFilter};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unprocessable,
};
use crate::error::ApiResult;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(retry);
}

/// The county's deliveries in one status, newest first: `dead` unless asked otherwise.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(DeliveryFilter, PageQuery),
    responses((status = 200, body = Paged<Delivery>), BadRequest, Unauthorized, Forbidden, Unprocessable)
)]
#[get("/deliveries")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<DeliveryFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Delivery>>> {
    let deliveries = dead_letters::list(&state.db, &caller.actor, &filter, &page).await?;
    Ok(web::Json(deliveries))
}

/// Sends a dead delivery again, with a fresh round of attempts.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Delivery, description = "Back in line"),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict
    )
)]
#[post("/deliveries/{id}/retry")]
async fn retry(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Delivery>> {
    let retried =
        dead_letters::retry(&state.db, &caller.actor, id.into_inner(), Utc::now()).await?;
    state.outbox_wake.notify_one();
    Ok(web::Json(retried))
}
