//! `/deputies/{id}/registers`, `/deputies/{id}/registers.xlsx` and `/register-entries/{id}`:
//! the five registers (五簿).

use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{NewRegisterEntry, RegisterEntry, RegisterEntryPatch, Registers, YearQuery};
use crate::auth::Caller;
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::openapi::Image;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(registers)
        .service(registers_add)
        .service(registers_xlsx)
        .service(update)
        .service(verify);
}

/// A deputy's five registers (五簿) for a year, each with its entries by date: automatic ones
/// read from the facts (receptions attended, cases accepted, shifts held, late or missed) and
/// manual ones, each marked by its source and whether it is verified. For the deputy and the
/// admins of their stations, township and county.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The deputy"), YearQuery),
    responses(
        (status = 200, body = Registers),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[get("/deputies/{id}/registers")]
async fn registers(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<YearQuery>,
) -> ApiResult<web::Json<Registers>> {
    let kept = super::keeping(&state.db, &caller.actor, id.into_inner()).await?;
    let year = super::year_of(query.year.as_deref())?;
    Ok(web::Json(
        super::read(&state.db, &caller.actor, &kept, year).await?,
    ))
}

/// Adds a manual entry to one of the deputy's registers (`kind` in the body); its year is its
/// date's. The deputy and the admins of their stations may.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The deputy")),
    request_body = NewRegisterEntry,
    responses(
        (status = 201, body = RegisterEntry),
        BadRequest, Unauthorized, Forbidden, NotFound, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/deputies/{id}/registers")]
async fn registers_add(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<NewRegisterEntry>,
) -> ApiResult<HttpResponse> {
    let kept = super::keeping(&state.db, &caller.actor, id.into_inner()).await?;
    let entry = super::add(&state.db, &caller.actor, &kept, body.open()?).await?;
    Ok(HttpResponse::Created().json(entry))
}

/// The five registers as one XLSX workbook: a sheet per register under its Chinese name,
/// Chinese column headers, the same entries as the JSON. Each download is on the audit list.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The deputy"), YearQuery),
    responses(
        (
            status = 200,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Image
        ),
        BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable,
    )
)]
#[get("/deputies/{id}/registers.xlsx")]
async fn registers_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<YearQuery>,
) -> ApiResult<HttpResponse> {
    let kept = super::keeping(&state.db, &caller.actor, id.into_inner()).await?;
    let year = super::year_of(query.year.as_deref())?;
    let (read, bytes) = super::export(&state.db, &caller.actor, &kept, year).await?;
    Ok(workbook_download(&read, bytes))
}

/// The workbook, named for saving (`五簿-王建国-2026.xlsx`); the console's download too.
pub fn workbook_download(read: &Registers, bytes: Vec<u8>) -> HttpResponse {
    let name = format!("五簿-{}-{}.xlsx", read.deputy_name, read.year);
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(format!("registers-{}.xlsx", read.year)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.into_bytes(),
            }),
        ],
    };
    HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header(disposition)
        .body(bytes)
}

/// Edits a manual register entry: each field given replaces the stored one. A verified entry
/// no longer changes (409). Hidden (404) from those who do not keep the deputy's registers.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry")),
    request_body = RegisterEntryPatch,
    responses(
        (status = 200, body = RegisterEntry),
        BadRequest, Unauthorized, NotFound, Conflict, UnsupportedMediaType, Unprocessable,
    )
)]
#[patch("/register-entries/{id}")]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<RegisterEntryPatch>,
) -> ApiResult<web::Json<RegisterEntry>> {
    let (stored, _) = super::entry(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(web::Json(
        super::edit(&state.db, &caller.actor, stored, body.open()?).await?,
    ))
}

/// Verifies a manual register entry: an admin of the deputy's stations (or township, or
/// county), never the deputy. Once: again is 409.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry")),
    responses(
        (status = 200, body = RegisterEntry),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict,
    )
)]
#[post("/register-entries/{id}/verify")]
async fn verify(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<RegisterEntry>> {
    let (stored, kept) = super::entry(&state.db, &caller.actor, id.into_inner()).await?;
    Ok(web::Json(
        super::verify(&state.db, &caller.actor, stored, &kept).await?,
    ))
}
