//! `/users` and `/me/password`.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::change::{self, UserPatch};
use super::directory::{self, UserFilter};
use super::passwords::{self, OneTimePassword, PasswordChange};
use super::service::{self, NewUser, User};
use super::standing;
use crate::auth::caller::TokenHolder;
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
        .service(update)
        .service(disable)
        .service(enable)
        .service(reset_password)
        .service(change_password);
}

/// The staff accounts the caller oversees, filtered: a county admin's county, a station
/// admin's stations (their admins and the deputies who sit there). Each with its last login.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    params(UserFilter, PageQuery),
    responses(
        (status = 200, body = Paged<User>),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/users")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<UserFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<User>>> {
    let users = directory::list(&state.db, &caller.actor, &filter, page.page()?).await?;
    Ok(web::Json(users))
}

/// Creates a staff account. County admins create any staff account of their county; station
/// admins create deputy accounts for their deputies and station admin accounts for their
/// stations.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, body = User, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/users")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewUser>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Account)?;
    let user = service::create(&state.db, &state.reference, &caller.actor, body.open()?).await?;
    state.reference.changed(Kind::Accounts).await;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .json(user))
}

/// One account the caller oversees; 404 for one outside its reach.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[get("/users/{id}")]
async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<User>> {
    let user = directory::get(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(web::Json(user))
}

/// Changes an account's name, phone, or scope (a station admin's stations, a handler's
/// department): both the account as it is and as it will be must lie within the caller's
/// stations. Tokens of the account are read afresh on every node.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = UserPatch,
    responses(
        (status = 200, body = User),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/users/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<UserPatch>,
) -> ApiResult<web::Json<User>> {
    caller.gate(Writes::Account)?;
    let user = change::change(
        &state.db,
        &state.reference,
        &state.revocations,
        &caller.actor,
        id.into_inner(),
        body.open()?,
    )
    .await?;
    state.reference.changed(Kind::Accounts).await;
    Ok(web::Json(user))
}

/// Disables an account: its sessions end at once on every node, it may not log in, and a
/// deputy's open cases go back to their stations' queues, each with a `released` event.
/// Disabling oneself, or a county's last county admin, is 422.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Unprocessable,
    )
)]
#[post("/users/{id}/disable")]
async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<User>> {
    caller.gate(Writes::Account)?;
    let user = standing::disable(
        &state.cases(),
        &state.revocations,
        &caller.actor,
        id.into_inner(),
    )
    .await?;
    state.reference.changed(Kind::Accounts).await;
    Ok(web::Json(user))
}

/// Enables a disabled account: it may log in again.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[post("/users/{id}/enable")]
async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<User>> {
    caller.gate(Writes::Account)?;
    let user = standing::enable(&state.db, &caller.actor, id.into_inner()).await?;
    state.reference.changed(Kind::Accounts).await;
    Ok(web::Json(user))
}

/// Resets an account's password to a one-time password, answered this once and stored only
/// as its hash: the account's sessions end, and after logging in with it the account must
/// choose its own (`POST /api/v1/me/password`) before anything else.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = OneTimePassword),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[post("/users/{id}/reset-password")]
async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Account)?;
    let answer = passwords::reset(
        &state.db,
        &state.revocations,
        &caller.actor,
        id.into_inner(),
    )
    .await?;
    // The password is in this answer only: nothing on the way may keep it.
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(answer))
}

/// Changes the caller's own password, given the current one; the one way forward for an
/// account whose password an admin reset.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    TokenHolder(caller): TokenHolder,
    body: Deferred<PasswordChange>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::OwnPassword)?;
    passwords::change_own(&state.db, &state.revocations, &caller.actor, body.open()?).await?;
    Ok(HttpResponse::NoContent().finish())
}
