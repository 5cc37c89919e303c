//! `/subscriptions`: residents record the subscribe-message grants they just gave.

use actix_web::{post, web};
use chrono::Utc;
use utoipa_actix_web::service_config::ServiceConfig;

use super::grants::{self, Grants, NewGrants};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Forbidden, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::state::AppState;
use liaison_domain::policy::Writes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(record);
}

/// Records one-time subscribe-message grants (one per template id the resident accepted in
/// `wx.requestSubscribeMessage`); each later message of that template spends one.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = NewGrants,
    responses(
        (status = 200, body = Grants, description = "Grants left per template"),
        BadRequest, Unauthorized, Forbidden, UnsupportedMediaType, Unprocessable
    )
)]
#[post("/subscriptions")]
async fn record(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewGrants>,
) -> ApiResult<web::Json<Grants>> {
    caller.gate(Writes::Subscriptions)?;
    let grants = grants::record(
        &state.db,
        &caller.actor,
        &state.templates,
        body.open()?,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(grants))
}
