//! `/console/deputies/{id}/code` and `.../code.png`: a deputy's own code (代表码) to print, as
//! an A4 page and as the bare image, for the deputy themself and the admins of their stations
//! (`policy::may_read_deputy_code`); anyone else gets the 403 page, an unknown deputy the 404.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{id_of, ok};
use crate::console::session::Staff;
use crate::deputies::code::{image, printed};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/deputy_code.html")]
struct CodePage {
    m: &'static Messages,
    deputy_id: i64,
    name: String,
    level: &'static str,
    office_hours: Option<String>,
    station: Option<String>,
    /// The code inline (`data:` URI), so the page prints whole without another request.
    code: String,
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let deputy_id = id_of(&id, "deputy")?;
    let printed = printed(&state.codes(), &staff.actor, deputy_id).await?;
    let page = CodePage {
        m,
        deputy_id,
        level: m.deputy_level(&printed.deputy.level),
        name: printed.deputy.name,
        office_hours: printed.deputy.office_hours,
        station: printed.station,
        code: format!(
            "data:{};base64,{}",
            printed.image_type,
            STANDARD.encode(&printed.image)
        ),
    };
    Ok(ok(&page))
}

pub async fn png(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let deputy_id = id_of(&id, "deputy")?;
    let (bytes, content_type) = image(&state.codes(), &staff.actor, deputy_id).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}
