//! Requests whose line or headers are larger than any client of ours sends answer a problem
//! at once, before routing: 414 for a query string, 431 for headers. (A request line beyond
//! 65,534 bytes is refused earlier still by actix's parser, with a bare 400: no application
//! code runs for it.)

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};

use crate::error::ApiError;

/// Longer query strings are not filters anyone types: the longest search is 100 characters.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// All header names and values together.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let refusal = if req.query_string().len() > MAX_QUERY_BYTES {
        Some(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the query string is longer than {MAX_QUERY_BYTES} bytes"),
        ))
    } else if header_bytes(&req) > MAX_HEADER_BYTES {
        Some(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("the headers are larger than {MAX_HEADER_BYTES} bytes"),
        ))
    } else {
        None
    };
    match refusal {
        Some(problem) => Ok(req
            .into_response(problem.error_response())
            .map_into_right_body()),
        None => Ok(next.call(req).await?.map_into_left_body()),
    }
}

fn header_bytes(req: &ServiceRequest) -> usize {
    req.headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum()
}
