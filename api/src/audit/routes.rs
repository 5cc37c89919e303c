//! `/audit`.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, AuditEntry};
use crate::auth::Caller;
use crate::error::responses::{BadRequest, Forbidden, Unauthorized, Unprocessable};
use crate::error::ApiResult;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}

/// Who changed which account or deputy status, and when, newest first: a county admin reads
/// its county's entries, a station admin those about accounts and deputies of its stations.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Paged<AuditEntry>),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/audit")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<AuditEntry>>> {
    let entries = service::list(&state.db, &caller.actor, page.page()?).await?;
    Ok(web::Json(entries))
}
