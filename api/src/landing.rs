//! `/s/{scene}` and `/d/{scene}`: the public pages of a station and of a deputy, for a
//! phone's browser (a plain QR code opens them when WeChat is not configured, and anyone may be
//! sent the link). A station's shows its card, who is on duty now and the deputies who sit
//! there; a deputy's shows the deputy and the station where cases raised to them are kept.
//! Both have a button into the mini-program with the same scene, or, without one, how to get
//! there by scanning. `/s/{id}/board` is a station's public board (公示), by the station's id
//! as the API's board is: the figures are public, so there is no scene to verify.

use actix_web::{get, web, HttpResponse};
use askama::Template;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app_error::AppError;
use crate::codes::link::mini_program_link;
use crate::codes::Codes;
use crate::console::assets::asset;
use crate::console::messages::Messages;
use crate::deputies::code::at_first_station;
use crate::deputies::dto::Deputy;
use crate::error::responses::{BadRequest, NotFound, Unprocessable};
use crate::error::ApiResult;
use crate::period::PeriodQuery;
use crate::state::AppState;
use crate::stations::board::{self, Board};
use crate::stations::dto::Station;
use liaison_domain::scene::{self, SceneKind};

/// Outside `/s/`, whose every other path is a scene, and outside `/console`, which a
/// deployment may keep off the public network.
const STYLESHEET_PATH: &str = "/assets/station.css";
const STYLESHEET: &str = include_str!("../assets/public/station.css");

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(landing)
        .service(board_page)
        .service(deputy_landing)
        // A plain route: an asset, not API, so not in the document.
        .route(STYLESHEET_PATH, web::get().to(stylesheet));
}

/// A deputy as this page shows them: anyone who has the link may read it, so nothing that
/// reaches a person directly, not even the contact a deputy publishes (often a phone number),
/// which the mini-program shows to residents who come through it.
struct PublicDeputy {
    name: String,
    level: &'static str,
    office_hours: Option<String>,
}

impl PublicDeputy {
    fn of(deputy: Deputy, m: &Messages) -> Self {
        Self {
            level: m.deputy_level(&deputy.level),
            name: deputy.name,
            office_hours: deputy.office_hours,
        }
    }
}

#[derive(Template)]
#[template(path = "public/station.html")]
struct StationPage {
    m: &'static Messages,
    stylesheet: &'static str,
    station: Station,
    on_duty: Vec<PublicDeputy>,
    /// The next reception day's hours as people at the county read them.
    next_reception_day: Option<String>,
    deputies: Vec<PublicDeputy>,
    /// WeChat's URL link into the mini-program, when there is one.
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "public/deputy.html")]
struct DeputyPage {
    m: &'static Messages,
    stylesheet: &'static str,
    deputy: PublicDeputy,
    /// Where the cases raised from the deputy's code are kept.
    station: Station,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "public/board.html")]
struct BoardPage {
    m: &'static Messages,
    stylesheet: &'static str,
    months: Vec<BoardRow>,
    published: Vec<PublishedRow>,
    board: Board,
}

/// A month of the board as the table says it.
struct BoardRow {
    month: String,
    received: u64,
    resolved: u64,
    rated: u64,
    /// `87.5%`, or a dash when nothing was rated.
    satisfaction: String,
}

struct PublishedRow {
    number: String,
    title: String,
    outcome: &'static str,
    summary: String,
    resolved_on: String,
}

/// The id a scene of `kind` names: a forged scene, or one of another kind, is not found.
fn named(codes: &Codes<'_>, kind: SceneKind, scene: &str) -> Result<i64, AppError> {
    scene::verify_as(kind, scene, codes.scene_key).ok_or(AppError::NotFound(kind.as_str()))
}

fn html(page: impl Template) -> ApiResult<HttpResponse> {
    let body = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// The station's public page: card, who is on duty, deputies, and the way into the mini-program.
#[utoipa::path(
    tag = "stations",
    responses(
        (status = 200, description = "An HTML page", content_type = "text/html", body = String),
        BadRequest, NotFound,
    )
)]
#[get("/s/{scene}")]
async fn landing(state: web::Data<AppState>, scene: web::Path<String>) -> ApiResult<HttpResponse> {
    let m = Messages::current();
    let codes = state.codes();
    let card =
        crate::stations::code::card(&codes, named(&codes, SceneKind::Station, &scene)?).await?;
    let link = mini_program_link(&codes, &scene).await;
    let page = StationPage {
        m,
        stylesheet: STYLESHEET_PATH,
        on_duty: card
            .on_duty
            .into_iter()
            .map(|d| PublicDeputy::of(d, m))
            .collect(),
        next_reception_day: card
            .next_reception_day
            .map(|o| hours(o.starts_at, o.ends_at)),
        deputies: card
            .deputies
            .into_iter()
            .map(|d| PublicDeputy::of(d, m))
            .collect(),
        station: card.station,
        link,
    };
    html(page)
}

/// A station's public board (公示) as a page, for the period asked (default: this year so far):
/// the same figures as `GET /api/v1/stations/{id}/board`, in tables.
#[utoipa::path(
    tag = "stations",
    params(PeriodQuery),
    responses(
        (status = 200, description = "An HTML page", content_type = "text/html", body = String),
        BadRequest, NotFound, Unprocessable,
    )
)]
#[get("/s/{id}/board")]
async fn board_page(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    period: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let m = Messages::current();
    let mut board = board::board(&state.db, id.into_inner(), period.period()?).await?;
    let months = board
        .months
        .iter()
        .map(|month| BoardRow {
            month: month.month.format("%Y-%m").to_string(),
            received: month.received,
            resolved: month.resolved,
            rated: month.rated,
            satisfaction: month
                .satisfaction_rate
                .map_or_else(|| "—".to_owned(), |rate| format!("{:.1}%", rate * 100.0)),
        })
        .collect();
    let published = std::mem::take(&mut board.published)
        .into_iter()
        .map(|result| PublishedRow {
            outcome: result.outcome.as_deref().map_or("", |o| m.outcome(o)),
            number: result.number,
            title: result.title,
            summary: result.summary.unwrap_or_default(),
            resolved_on: result.resolved_on.to_string(),
        })
        .collect();
    html(BoardPage {
        m,
        stylesheet: STYLESHEET_PATH,
        months,
        published,
        board,
    })
}

/// A deputy's public page: who they are, the station where the cases raised to them are
/// kept, and the way into the mini-program to raise one.
#[utoipa::path(
    tag = "stations",
    responses(
        (status = 200, description = "An HTML page", content_type = "text/html", body = String),
        BadRequest, NotFound,
    )
)]
#[get("/d/{scene}")]
async fn deputy_landing(
    state: web::Data<AppState>,
    scene: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let m = Messages::current();
    let codes = state.codes();
    let deputy_id = named(&codes, SceneKind::Deputy, &scene)?;
    let (deputy, card) = at_first_station(&codes, deputy_id).await?;
    let link = mini_program_link(&codes, &scene).await;
    html(DeputyPage {
        m,
        stylesheet: STYLESHEET_PATH,
        deputy: PublicDeputy::of(deputy, m),
        station: card.station,
        link,
    })
}

/// `2026-12-08 08:00–12:00` on the county's clock (the end's day is the start's).
fn hours(
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
) -> String {
    let beijing = liaison_domain::clock::beijing();
    format!(
        "{}–{}",
        starts_at.with_timezone(&beijing).format("%Y-%m-%d %H:%M"),
        ends_at.with_timezone(&beijing).format("%H:%M")
    )
}

async fn stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}
