//! `/s/{scene}`: the page a plain station QR code opens in a phone's browser (used when WeChat
//! is not configured). It shows the station card and who is on duty, and points to the
//! mini-program for raising a case.

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::responses::{BadRequest, NotFound};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::stations::code::scan;
use crate::stations::dto::ScanCard;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(landing);
}

/// The station's page for people who scanned a plain QR code.
#[utoipa::path(
    tag = "stations",
    responses(
        (status = 200, description = "An HTML page", content_type = "text/html", body = String),
        BadRequest, NotFound,
    )
)]
#[get("/s/{scene}")]
async fn landing(state: web::Data<AppState>, scene: web::Path<String>) -> ApiResult<HttpResponse> {
    let card = scan(&state.station_codes(), &scene).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(render(&card)))
}

fn render(card: &ScanCard) -> String {
    let station = &card.station;
    let on_duty = if card.on_duty.is_empty() {
        "<li>暂无代表在岗，留言将由联络站转交</li>".to_owned()
    } else {
        card.on_duty
            .iter()
            .map(|d| format!("<li>{}</li>", escape(&d.name)))
            .collect()
    };
    let deputies: String = card
        .deputies
        .iter()
        .map(|d| format!("<li>{}</li>", escape(&d.name)))
        .collect();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{name}</title></head><body>\
         <h1>{name}</h1><p>{address}</p><p>开放时间：{hours}</p>\
         <h2>今日在岗代表</h2><ul>{on_duty}</ul>\
         <h2>进站代表</h2><ul>{deputies}</ul>\
         <p>请用微信扫描此码，在“码上说事”小程序中反映问题。</p>\
         </body></html>",
        name = escape(&station.name),
        address = escape(&station.address),
        hours = escape(station.opening_hours.as_deref().unwrap_or("—")),
    )
}

/// Station and deputy names are typed by admins: never trust them in markup.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
