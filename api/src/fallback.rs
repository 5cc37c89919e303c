//! Answers for requests no handler took: unknown paths (404), known paths with another
//! method (405 with `Allow`), and any error response actix itself produced, all as
//! problem+json.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use utoipa::openapi::OpenApi;

use crate::error::{ApiError, PROBLEM_JSON};

/// The documented paths and their methods: the OpenAPI document is the route table.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl RouteTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = split(path).map(str::to_owned).collect();
                let methods = [
                    (&item.get, Method::GET),
                    (&item.post, Method::POST),
                    (&item.put, Method::PUT),
                    (&item.patch, Method::PATCH),
                    (&item.delete, Method::DELETE),
                ]
                .into_iter()
                .filter(|(operation, _)| operation.is_some())
                .map(|(_, method)| method)
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods a path answers to, if any route matches it.
    fn methods_for(&self, path: &str) -> Vec<Method> {
        let segments: Vec<&str> = split(path).collect();
        self.routes
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == segments.len()
                    && pattern
                        .iter()
                        .zip(&segments)
                        .all(|(p, s)| (p.starts_with('{') && p.ends_with('}')) || p == s)
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect()
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The default service: 405 where the path exists under other methods, else 404. A path with a
/// trailing slash is another path: 404 naming the one meant, not a 405 that contradicts itself.
pub async fn unmatched(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    let path = req.path();
    if path.len() > 1 && path.ends_with('/') {
        let meant = path.trim_end_matches('/');
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            format!("no such route; without the trailing slash: {meant}"),
        )
        .error_response();
    }
    let methods = table.methods_for(path);
    if methods.is_empty() {
        return ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route")
            .error_response();
    }
    // HEAD goes wherever GET does (see `head`).
    let allow = methods
        .iter()
        .flat_map(|m| match *m {
            Method::GET => vec![Method::GET, Method::HEAD],
            ref other => vec![other.clone()],
        })
        .map(|m| m.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed here; use {allow}", req.method()),
    )
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// `/docs` is where people type; Swagger UI lives under `/docs/`.
pub async fn to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Rewrites error responses that are not problem+json yet (actix's own 4xx and 5xx).
pub fn problem_responses<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        // A problem already, a JSON body a handler chose on purpose (the 503 of /readyz says
        // which dependency is down), or a page the console rendered for people: only actix's
        // own plain-text errors are rewritten.
        let chosen = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| {
                let v = v.as_bytes();
                v == PROBLEM_JSON.as_bytes()
                    || v == b"application/json"
                    || v.starts_with(b"text/html")
            });
        if chosen {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        let status = response.status();
        let code = match status {
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            s if s.is_server_error() => "internal",
            _ => "bad_request",
        };
        let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
        let problem: HttpResponse<BoxBody> = ApiError::new(status, code, detail).error_response();
        let (req, _) = response.into_parts();
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, problem).map_into_right_body(),
        ))
    })
}
