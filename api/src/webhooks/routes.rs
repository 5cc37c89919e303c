//! `/webhooks`.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{CreatedWebhook, NewWebhook, Webhook, WebhookPatch};
use super::service;
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
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
        .service(update)
        .service(remove);
}

/// The webhooks of the caller's county. County admins only.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Paged<Webhook>),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/webhooks")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Webhook>>> {
    let webhooks = service::list(&state.db, &caller.actor, &page).await?;
    Ok(web::Json(webhooks))
}

/// Creates a webhook in the caller's county and answers its signing secret, this once.
///
/// For each event it subscribes to, the server POSTs a JSON body
/// `{"event", "occurred_at", "case": {"id", "number", "status", "title", "station_id",
/// "category_id", "department_id", "respond_by", "resolve_by"}}` (nothing about the resident)
/// with the headers `X-Liaison-Event` (the kind), `X-Liaison-Delivery` (the same for every
/// retry of one message: drop duplicates by it), `X-Liaison-Timestamp` (Unix seconds) and
/// `X-Liaison-Signature: sha256=<hex HMAC-SHA256 under the secret of "{timestamp}.{body}">`.
/// Any 2xx answer is success; anything else, or no answer within the timeout, is retried
/// later with growing waits. Redirects are not followed.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = NewWebhook,
    responses(
        (status = 201, body = CreatedWebhook, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/webhooks")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewWebhook>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Webhook)?;
    let created = service::create(
        &state.db,
        &state.webhooks,
        &state.sealer,
        &caller.actor,
        body.open()?,
    )
    .await?;
    state.reference.changed(Kind::Webhooks).await;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/webhooks/{}", created.webhook.id),
        ))
        .json(created))
}

/// Changes a webhook's URL, events or whether it is active.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = WebhookPatch,
    responses(
        (status = 200, body = Webhook),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/webhooks/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<WebhookPatch>,
) -> ApiResult<web::Json<Webhook>> {
    caller.gate(Writes::Webhook)?;
    let answer = service::update(
        &state.db,
        &state.webhooks,
        &caller.actor,
        id.into_inner(),
        body.open()?,
    )
    .await?;
    state.reference.changed(Kind::Webhooks).await;
    Ok(web::Json(answer))
}

/// Deletes a webhook with its deliveries, sent or waiting.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[delete("/webhooks/{id}")]
async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &caller.actor, id.into_inner()).await?;
    state.reference.changed(Kind::Webhooks).await;
    Ok(HttpResponse::NoContent().finish())
}
