//! Validators for JSON reads: every `GET` answered 200 with JSON carries a weak `ETag` of its
//! body, and a request whose `If-None-Match` names it is answered 304 without the body. A
//! client polling a case or a station card then pays for the answer only when it changed.
//!
//! Weak, because the same body may be sent gzip- or brotli-encoded. The body is hashed after
//! the handler built it, so the tag is right whatever the handler read; streams (live updates)
//! and files are left alone.

use actix_web::body::{self, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

pub async fn validate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, Error> {
    let is_get = req.method() == Method::GET;
    let asked = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.call(req).await?;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_get || response.status() != StatusCode::OK || !is_json {
        return Ok(response.map_body(|_, b| b.boxed()).map_into_left_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("unreadable body"))?;
    let tag = format!(
        "W/\"{}\"",
        URL_SAFE_NO_PAD.encode(&Sha256::digest(&bytes)[..16])
    );
    let matches = asked.is_some_and(|asked| {
        asked.trim() == "*" || asked.split(',').any(|candidate| candidate.trim() == tag)
    });
    let mut answer = if matches {
        let mut not_modified = HttpResponse::NotModified();
        for (name, value) in head.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                not_modified.append_header((name.clone(), value.clone()));
            }
        }
        not_modified.finish()
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    if let Ok(value) = HeaderValue::from_str(&tag) {
        answer.headers_mut().insert(header::ETAG, value);
    }
    Ok(ServiceResponse::new(request, answer).map_into_right_body())
}
