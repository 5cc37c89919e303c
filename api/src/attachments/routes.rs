//! `/attachments`.

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{Attachment, UploadForm};
use super::service::{self, MAX_BYTES};
use crate::auth::Caller;
use crate::error::responses::{BadRequest, NotFound, Unauthorized, Unprocessable};
use crate::error::{ApiError, ApiResult, Problem};
use crate::openapi::Image;
use crate::state::AppState;

/// Room for the multipart framing and small fields around the file.
const FRAMING_BYTES: usize = 64 * 1024;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload).service(download);
}

/// Uploads one photo, to be named in `attachment_ids` when raising a case. Send
/// `multipart/form-data` with the file in a field named `file`. The type is decided from the
/// file's bytes (JPEG, PNG or WebP), never from its name or declared type; location metadata
/// (EXIF GPS, XMP, IPTC) is removed before it is stored, the orientation kept. Until a case
/// claims it, only the uploader can fetch it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Attachment, headers(("Location" = String, description = "The file's URL"))),
        BadRequest, Unauthorized,
        (status = 413, description = "The file is larger than 10 MB (10 485 760 bytes)",
            body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data, or the file is not \
            a JPEG, PNG or WebP image by its bytes (`unsupported_media_type`)",
            body = Problem, content_type = "application/problem+json"),
        Unprocessable,
    )
)]
#[post("/attachments")]
async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    multipart: Multipart,
) -> ApiResult<HttpResponse> {
    let bytes = read_file(&req, multipart).await?;
    let attachment = service::upload(&state.attachments(), &caller.actor, bytes).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, attachment.url.clone()))
        .json(attachment))
}

/// The file of an attachment: to its uploader before a case claims it, then to whoever may see
/// that case. Anyone else gets 404.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The attachment's id")),
    responses(
        (status = 200, description = "The photo, with the media type it was stored with",
            content(
                (Image = "image/jpeg"),
                (Image = "image/png"),
                (Image = "image/webp"),
            )),
        BadRequest, Unauthorized, NotFound,
    )
)]
#[get("/attachments/{id}")]
async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (bytes, content_type) =
        service::download(&state.attachments(), &caller.actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        // Only the caller's own client may keep it: the next viewer may not be allowed.
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Should a browser ever render the file as a document, nothing in it may run.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .body(bytes))
}

/// The bytes of the one field named `file`, read as they arrive and refused as soon as they
/// pass `MAX_BYTES`, so no more than that is ever held. The app's JSON body limit does not
/// apply: the multipart stream reads the payload itself.
async fn read_file(req: &HttpRequest, mut multipart: Multipart) -> ApiResult<Vec<u8>> {
    if !is_form_data(req) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the photo as multipart/form-data, in a field named file",
        ));
    }
    // A body announced larger than any acceptable upload is refused before reading any of it.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > (MAX_BYTES + FRAMING_BYTES) as u64) {
        return Err(too_large());
    }
    let mut file: Option<Vec<u8>> = None;
    let mut other_bytes = 0;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let is_file = field.name() == Some("file");
        if is_file && file.is_some() {
            return Err(ApiError::invalid_field(
                "file",
                "too_many",
                "send one photo per upload",
            ));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if is_file {
                if bytes.len() + chunk.len() > MAX_BYTES {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&chunk);
            } else {
                // Other fields are ignored, but may not smuggle in an unbounded body.
                other_bytes += chunk.len();
                if other_bytes > FRAMING_BYTES {
                    return Err(too_large());
                }
            }
        }
        if is_file {
            file = Some(bytes);
        }
    }
    file.ok_or_else(|| {
        ApiError::invalid_field(
            "file",
            "required",
            "send the photo in a multipart field named file",
        )
    })
}

fn is_form_data(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "a photo may be at most 10 MB",
    )
}

fn unreadable(error: actix_multipart::MultipartError) -> ApiError {
    ApiError::bad_request(
        "malformed_multipart",
        format!("the multipart body could not be read: {error}"),
    )
}
