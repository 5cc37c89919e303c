//! Headers every answer carries so that browsers and caches treat it safely: no sniffing, no
//! referrer, no framing, a strict content policy on pages, HSTS under TLS, and no caching of
//! what holds personal data or tokens.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error};

use crate::state::AppState;

/// Pages load only this server's own scripts, styles and images; no inline script, no plugin,
/// no framing, forms post only here.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Anything that is not a page is data, never a document to run.
const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// A year, with subdomains: what HSTS preload lists ask for.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.settings.public_base_url.starts_with("https://"));
    let personal = holds_personal_data(req.path(), req.headers());
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let policy = if is_page { PAGE_POLICY } else { DATA_POLICY };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(headers, header::CONTENT_SECURITY_POLICY, policy);
    }
    if https {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    // A handler that chose its own caching (a public station card) keeps it.
    if personal && !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    Ok(response)
}

/// Whether an answer may hold personal data or tokens: anything asked with credentials, and
/// every answer of the token endpoints (a login carries none, and answers tokens).
fn holds_personal_data(path: &str, headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        || headers.contains_key(header::COOKIE)
        || path.starts_with("/api/v1/auth/")
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_token_endpoints_hold_personal_data_and_public_reads_do_not() {
        let none = HeaderMap::new();
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(holds_personal_data("/api/v1/auth/login", &none));
        assert!(holds_personal_data("/api/v1/cases/1", &bearer));
        assert!(!holds_personal_data("/api/v1/stations", &none));
    }
}
