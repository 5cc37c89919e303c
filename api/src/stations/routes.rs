//! `/stations`, their rosters and codes, and `/scan/{scene}`.

use actix_web::http::header;
use actix_web::{get, patch, post, put, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::board::Board;
use super::check_in::{self, Step};
use super::dto::{
    CheckIn, NewStation, ReceptionDays, ReceptionDaysWrite, Roster, RosterQuery, RosterWrite,
    ScanCard, Station, StationFilter, StationPatch,
};
use super::{board, code, reception_days, roster, service};
use crate::auth::Caller;
use crate::codes::Code;
use crate::deputies::dto::Deputy;
use crate::error::responses::{
    BadRequest, Forbidden, NotFound, TooLarge, TooManyRequests, Unauthorized, Unavailable,
    Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::openapi::Image;
use crate::pagination::{PageQuery, Paged};
use crate::period::PeriodQuery;
use crate::state::AppState;
use liaison_domain::policy::Writes;
use liaison_infra::store::reference::Kind;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(deputies)
        .service(get_board)
        .service(get_roster)
        .service(put_roster)
        .service(get_reception_days)
        .service(put_reception_days)
        .service(shift_check_in)
        .service(shift_check_out)
        .service(station_code)
        .service(station_code_png)
        .service(scan);
}

/// Station cards, filtered. Anyone may read them.
#[utoipa::path(
    tag = "organisation",
    params(StationFilter, PageQuery),
    responses(
        (status = 200, body = Paged<Station>),
        BadRequest, Unprocessable,
    )
)]
#[get("/stations")]
async fn list(
    state: web::Data<AppState>,
    filter: web::Query<StationFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<Station>>> {
    let stations = service::list(&state.db, &filter, page.page()?).await?;
    Ok(web::Json(stations))
}

/// Creates a station in a region of the caller's county.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = NewStation,
    responses(
        (status = 201, body = Station, headers(("Location" = String, description = "The new resource\'s URL"))),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/stations")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<NewStation>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Station)?;
    let station =
        service::create(&state.db, &state.revocations, &caller.actor, body.open()?).await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/stations/{}", station.id)))
        .json(station))
}

/// A station's public card.
#[utoipa::path(
    tag = "organisation",
    responses(
        (status = 200, body = Station),
        BadRequest, NotFound,
    )
)]
#[get("/stations/{id}")]
async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<web::Json<Station>> {
    let station = service::find(&state.db, id.into_inner()).await?;
    Ok(web::Json(station.into()))
}

/// Changes a station's card: its county admins and its own station admins.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = [])),
    request_body = StationPatch,
    responses(
        (status = 200, body = Station),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/stations/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<StationPatch>,
) -> ApiResult<web::Json<Station>> {
    caller.gate(Writes::Station)?;
    let answer = service::update(
        &state.db,
        &state.revocations,
        &caller.actor,
        id.into_inner(),
        body.open()?,
    )
    .await?;
    state.reference.changed(Kind::Organisation).await;
    Ok(web::Json(answer))
}

/// The public directory of the deputies who sit at a station.
#[utoipa::path(
    tag = "organisation",
    responses(
        (status = 200, body = Vec<Deputy>),
        BadRequest, NotFound,
    )
)]
#[get("/stations/{id}/deputies")]
async fn deputies(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<Deputy>>> {
    let station = service::find(&state.db, id.into_inner()).await?;
    let deputies = crate::deputies::service::at(&state.db, station.id).await?;
    Ok(web::Json(deputies))
}

/// The station's public board (公示) for a period (default: this year so far): figures per
/// month, the results residents agreed to publish, and its deputies' work summary. Anyone may
/// read it; nothing in it points to a resident.
#[utoipa::path(
    tag = "stations",
    params(PeriodQuery),
    responses(
        (status = 200, body = Board),
        BadRequest, NotFound, Unprocessable,
    )
)]
#[get("/stations/{id}/board")]
async fn get_board(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    period: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<Board>> {
    let period = period.period()?;
    Ok(web::Json(
        board::board(&state.db, id.into_inner(), period).await?,
    ))
}

/// Duty shifts overlapping a window (default: the next seven days).
#[utoipa::path(
    tag = "stations",
    params(RosterQuery),
    responses(
        (status = 200, body = Roster),
        BadRequest, NotFound, Unprocessable,
    )
)]
#[get("/stations/{id}/roster")]
async fn get_roster(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<RosterQuery>,
) -> ApiResult<web::Json<Roster>> {
    let roster = roster::read(&state.db, id.into_inner(), &query).await?;
    Ok(web::Json(roster))
}

/// Replaces the shifts of a period. Shifts lie in the period, end after they start, name
/// deputies of the station, and never overlap another shift of the same deputy.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    request_body = RosterWrite,
    responses(
        (status = 200, description = "The period's roster as stored", body = Roster),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[put("/stations/{id}/roster")]
async fn put_roster(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<RosterWrite>,
) -> ApiResult<web::Json<Roster>> {
    caller.gate(Writes::Roster)?;
    let answer = roster::replace(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    state.reference.changed(Kind::Rosters).await;
    Ok(web::Json(answer))
}

/// The station's reception days (接待日): dates and weekly rules, and the next one. Anyone
/// may read them.
#[utoipa::path(
    tag = "stations",
    responses(
        (status = 200, body = ReceptionDays),
        BadRequest, NotFound,
    )
)]
#[get("/stations/{id}/reception-days")]
async fn get_reception_days(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ReceptionDays>> {
    let days = reception_days::read(&state.db, id.into_inner()).await?;
    Ok(web::Json(days))
}

/// Replaces the station's reception days: its admins. Each entry is a date or a weekday,
/// with hours (`HH:MM`, Beijing time) that end after they start.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    request_body = ReceptionDaysWrite,
    responses(
        (status = 200, description = "The schedule as stored", body = ReceptionDays),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[put("/stations/{id}/reception-days")]
async fn put_reception_days(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ReceptionDaysWrite>,
) -> ApiResult<web::Json<ReceptionDays>> {
    caller.gate(Writes::ReceptionDays)?;
    let answer =
        reception_days::replace(&state.db, &caller.actor, id.into_inner(), body.open()?).await?;
    Ok(web::Json(answer))
}

/// The deputy of the shift (or a member of the group it names) checks in: from 30 minutes
/// before the start until the end. Another's shift is not found; outside the window, 422.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = CheckIn),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[post("/shifts/{id}/check-in")]
async fn shift_check_in(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CheckIn>> {
    caller.gate(Writes::CheckIn)?;
    let answer = check_in::record(&state.db, &caller.actor, id.into_inner(), Step::In).await?;
    Ok(web::Json(answer))
}

/// Checks out of a shift checked in, until two hours after its end.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = CheckIn),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[post("/shifts/{id}/check-out")]
async fn shift_check_out(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CheckIn>> {
    caller.gate(Writes::CheckIn)?;
    let answer = check_in::record(&state.db, &caller.actor, id.into_inner(), Step::Out).await?;
    Ok(web::Json(answer))
}

/// The signed scene printed on the station's code, and where the image is.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Code),
        BadRequest, Unauthorized, Forbidden, NotFound,
    )
)]
#[get("/stations/{id}/code")]
async fn station_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Code>> {
    let code = code::describe(&state.codes(), &caller.actor, id.into_inner()).await?;
    Ok(web::Json(code))
}

/// The printable code: WeChat's mini-program code (JPEG) when WeChat is configured, else a
/// plain QR code (PNG) of the station's link.
#[utoipa::path(
    tag = "stations",
    security(("bearer" = [])),
    responses(
        (status = 200, content_type = "image/png", body = Image),
        BadRequest, Unauthorized, Forbidden, NotFound, TooManyRequests, Unavailable,
    )
)]
#[get("/stations/{id}/code.png")]
async fn station_code_png(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (bytes, content_type) = code::image(&state.codes(), &caller.actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().content_type(content_type).body(bytes))
}

/// What the mini-program calls after a scan: the station card, its deputies, who is on duty
/// now and the categories. A deputy's code answers the card of the deputy's first station
/// with `deputy` set. A forged or unknown scene answers 404.
#[utoipa::path(
    tag = "stations",
    responses(
        (status = 200, body = ScanCard),
        BadRequest, NotFound,
    )
)]
#[get("/scan/{scene}")]
async fn scan(
    state: web::Data<AppState>,
    scene: web::Path<String>,
) -> ApiResult<web::Json<ScanCard>> {
    let card = crate::codes::scan::scan(&state.codes(), &scene).await?;
    Ok(web::Json(card))
}
