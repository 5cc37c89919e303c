//! `/console/stations/{id}/poster` and `.../poster.png`: a station's poster to put up at its
//! door, as an A4 print page and as one PNG, both saying the same: the station's name, its
//! code, its opening hours, address and deputies. Only for those who run the station.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use liaison_infra::poster::{self, Poster, PosterError, PosterFont};

use crate::app_error::AppError;
use crate::console::error::{ConsoleError, ConsoleResult};
use crate::console::messages::Messages;
use crate::console::pages::{id_of, ok};
use crate::console::session::Staff;
use crate::state::AppState;
use crate::stations::poster::{content, PosterContent};

/// A labelled line under the code: the same on paper and in the PNG.
struct Fact {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "console/poster.html")]
struct PosterPage {
    m: &'static Messages,
    station_id: i64,
    station: String,
    /// The code inline (`data:` URI), so the page prints whole without another request.
    code: String,
    facts: Vec<Fact>,
}

fn facts(m: &Messages, poster: &PosterContent) -> Vec<Fact> {
    let station = &poster.station;
    let deputies = if poster.deputies.is_empty() {
        m.public_no_deputies.to_owned()
    } else {
        poster.deputies.join("、")
    };
    vec![
        Fact {
            label: m.col_opening_hours,
            value: station
                .opening_hours
                .clone()
                .unwrap_or_else(|| m.none.to_owned()),
        },
        Fact {
            label: m.col_address,
            value: station.address.clone(),
        },
        Fact {
            label: m.poster_deputies,
            value: deputies,
        },
    ]
}

async fn gather(state: &AppState, staff: &Staff, raw_id: &str) -> ConsoleResult<PosterContent> {
    let station_id = id_of(raw_id, "station")?;
    Ok(content(&state.codes(), &staff.actor, station_id).await?)
}

/// The print page.
pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let poster = gather(&state, &staff, &id).await?;
    let page = PosterPage {
        m,
        station_id: poster.station.id,
        code: format!(
            "data:{};base64,{}",
            poster.code_type,
            STANDARD.encode(&poster.code)
        ),
        facts: facts(m, &poster),
        station: poster.station.name,
    };
    Ok(ok(&page))
}

/// The PNG, drawn off the request threads: reading the font and drawing take a while.
pub async fn png(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let poster = gather(&state, &staff, &id).await?;
    let paragraphs: Vec<String> = facts(m, &poster)
        .into_iter()
        .map(|fact| format!("{}：{}", fact.label, fact.value))
        .collect();
    let font_path = state.settings.console.poster_font.clone();
    let font_index = state.settings.console.poster_font_index;
    let drawn = tokio::task::spawn_blocking(move || {
        let font = PosterFont::load(&font_path, font_index)?;
        poster::png(
            &font,
            &Poster {
                heading: m.poster_heading,
                station: &poster.station.name,
                code: &poster.code,
                caption: m.poster_caption,
                paragraphs: &paragraphs,
            },
        )
    })
    .await
    .map_err(AppError::internal)?;
    match drawn {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type("image/png")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(bytes)),
        Err(PosterError::Font { path, reason }) => {
            tracing::warn!(
                path,
                reason,
                "the poster font cannot be used: no poster PNG"
            );
            Err(ConsoleError::PosterFont {
                setting: format!("console.poster_font = {path}"),
            })
        }
        Err(other) => Err(AppError::internal(other).into()),
    }
}
