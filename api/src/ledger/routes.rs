//! `/ledger.csv` and `/ledger.xlsx`: the ledger as a download.

use actix_web::http::header::{
    ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{export, open, Format, Ledger};
use crate::auth::Caller;
use crate::cases::dto::CaseFilter;
use crate::error::responses::{BadRequest, Forbidden, Unauthorized, Unprocessable};
use crate::error::ApiResult;
use crate::openapi::Image;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(csv).service(xlsx);
}

/// The ledger (台账) as CSV, UTF-8 with a byte-order mark: one row per case the caller (an
/// admin) oversees, filtered like the queue, oldest first. No phone numbers or visitors'
/// names. Each download is on the audit list.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(CaseFilter),
    responses(
        (status = 200, content_type = "text/csv", body = Image),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/ledger.csv")]
async fn csv(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<CaseFilter>,
) -> ApiResult<HttpResponse> {
    let ledger = open(
        &state.db,
        &caller.actor,
        state.yellow_at,
        &filter,
        Format::Csv,
    )
    .await?;
    Ok(download(Format::Csv, ledger))
}

/// The ledger (台账) as an XLSX workbook of one sheet, 台账, the same rows as the CSV.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(CaseFilter),
    responses(
        (
            status = 200,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Image
        ),
        BadRequest, Unauthorized, Forbidden, Unprocessable,
    )
)]
#[get("/ledger.xlsx")]
async fn xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<CaseFilter>,
) -> ApiResult<HttpResponse> {
    let ledger = open(
        &state.db,
        &caller.actor,
        state.yellow_at,
        &filter,
        Format::Xlsx,
    )
    .await?;
    Ok(download(Format::Xlsx, ledger))
}

/// The streamed answer, named for saving: the console's download is this answer too.
pub fn download(format: Format, ledger: Ledger) -> HttpResponse {
    let name = format.file_name(chrono::Utc::now());
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(format!("ledger.{}", format.extension())),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.into_bytes(),
            }),
        ],
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(format.content_type())
        .insert_header(disposition);
    match format {
        Format::Csv => response.streaming(export::csv(ledger)),
        Format::Xlsx => response.streaming(export::xlsx(ledger)),
    }
}
