//! `/stats`.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{Stats, StatsQuery};
use crate::auth::Caller;
use crate::error::responses::{BadRequest, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::error::ApiResult;
use crate::period::PeriodQuery;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(stats);
}

/// The figures of a period (default: this year so far) over the cases the caller oversees
/// (admins; a deputy, their own cases), grouped and by month as asked: received, each step,
/// resolutions by outcome, overdue now, the three rates, median times, receptions. A period
/// over five years, `to` before `from` or an unknown `group_by` is 422 naming the field;
/// another station's figures are not found.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(PeriodQuery, StatsQuery),
    responses(
        (status = 200, body = Stats),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[get("/stats")]
async fn stats(
    state: web::Data<AppState>,
    caller: Caller,
    period: web::Query<PeriodQuery>,
    query: web::Query<StatsQuery>,
) -> ApiResult<web::Json<Stats>> {
    let stats = super::figures(&state.db, &caller.actor, &period, &query).await?;
    Ok(web::Json(stats))
}
