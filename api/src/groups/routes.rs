//! `/stations/{id}/groups` and `/groups/{id}`.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{Group, GroupPatch, NewGroup};
use super::service;
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::state::AppState;
use liaison_domain::policy::Writes;
use liaison_infra::store::reference::Kind;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(station_groups)
        .service(create_group)
        .service(update)
        .service(remove);
}

/// A station's deputy groups (代表小组) with their members: its admins.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Group>),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[get("/stations/{id}/groups")]
async fn station_groups(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<Group>>> {
    let groups = service::list(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(web::Json(groups))
}

/// Creates a deputy group at the station; its members sit at the station, its name is the
/// station's only one so called.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewGroup,
    responses(
        (status = 201, body = Group, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/stations/{id}/groups")]
async fn create_group(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<NewGroup>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Group)?;
    let group = service::create(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/groups/{}", group.id)))
        .json(group))
}

/// Renames a group or replaces its members. Another station's group is not found.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = GroupPatch,
    responses(
        (status = 200, body = Group),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/groups/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<GroupPatch>,
) -> ApiResult<web::Json<Group>> {
    caller.gate(Writes::Group)?;
    let group = service::update(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    // Who a shift naming the group puts on duty has changed.
    state.reference.changed(Kind::Rosters).await;
    Ok(web::Json(group))
}

/// Deletes a group. Shifts yet to end that name it: 409 (change them first); past shifts
/// forget the group and keep their attendance.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict,
    )
)]
#[delete("/groups/{id}")]
async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Group)?;
    service::delete(&state.db, &caller.actor, id.into_inner()).await?;
    state.reference.changed(Kind::Rosters).await;
    Ok(HttpResponse::NoContent().finish())
}
