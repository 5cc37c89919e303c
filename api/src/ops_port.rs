//! Operators' endpoints on an address of their own (`LIAISON_OPS__ADDR`), and what the API's
//! address then stops serving: `/metrics`, and the docs when they are not public.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};

use crate::error::ApiError;
use crate::settings::OpsSettings;

/// Whether the API's address hides `path` under these settings.
pub fn hidden_on_api(ops: &OpsSettings, path: &str) -> bool {
    let docs = path == "/openapi.json" || path == "/docs" || path.starts_with("/docs/");
    (ops.addr.is_some() && path == "/metrics") || (!ops.public_docs && docs)
}

/// Answers 404 on the API's address for what moved to the operators' address or was closed.
pub async fn hide_moved(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let hidden = req
        .app_data::<web::Data<OpsSettings>>()
        .is_some_and(|ops| hidden_on_api(ops, req.path()));
    if hidden {
        let problem = ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route");
        return Ok(req
            .into_response(problem.error_response())
            .map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_address_hides_only_what_moved_or_closed() {
        let default = OpsSettings::default();
        assert!(!hidden_on_api(&default, "/metrics"));
        assert!(!hidden_on_api(&default, "/docs/"));
        let moved = OpsSettings {
            addr: Some("127.0.0.1:9090".into()),
            public_docs: true,
        };
        assert!(hidden_on_api(&moved, "/metrics"));
        assert!(!hidden_on_api(&moved, "/openapi.json"));
        assert!(!hidden_on_api(&moved, "/healthz"));
        let private = OpsSettings {
            addr: None,
            public_docs: false,
        };
        for path in ["/docs", "/docs/", "/docs/index.css", "/openapi.json"] {
            assert!(hidden_on_api(&private, path), "{path}");
        }
        assert!(!hidden_on_api(&private, "/api/v1/regions"));
    }
}
