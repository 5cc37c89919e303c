//! `/users`.

use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, NewUser, User};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, TooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::state::AppState;
use liaison_domain::policy::Writes;
use liaison_infra::store::reference::Kind;

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
