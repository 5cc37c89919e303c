//! Structured logs: JSON in production, readable lines in dev (coloured only on a terminal).
//! `RUST_LOG` overrides the configured filter.
//!
//! Every request runs in a span carrying its request id, method, route pattern and, once
//! authenticated, the actor's id and role; it ends with one access-log line. Nothing from the
//! query string, the headers or the body is logged: they hold phones, codes and tokens.

use std::io::IsTerminal;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;
use liaison_domain::phone;
use tracing::field::Empty;
use tracing::{Instrument, Level};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::settings::Settings;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global subscriber, writing to stdout, once; later calls (tests boot many apps)
/// do nothing.
pub fn init(settings: &Settings) {
    let ansi = std::io::stdout().is_terminal();
    install(settings, std::io::stdout, settings.json_logs(), ansi);
}

/// Installs the global subscriber writing JSON lines to `writer`: for a process that reads its
/// own logs (the test that looks for secrets in them).
pub fn init_json_to<W>(settings: &Settings, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    install(settings, writer, true, false);
}

fn install<W>(settings: &Settings, writer: W, json: bool, ansi: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.log.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(writer),
            )
            .try_init()
    } else {
        registry
            .with(fmt::layer().with_ansi(ansi).with_writer(writer))
            .try_init()
    };
    // Already installed: keep the first subscriber.
    drop(result);
}

/// An incoming `x-request-id` worth keeping: 1–64 characters of letters, digits and `-_.:`,
/// and no phone number in it. Anything else is replaced, never logged.
fn kept_request_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(REQUEST_ID)?.to_str().ok()?;
    let printable = |c: char| c.is_ascii_alphanumeric() || "-_.:".contains(c);
    let sane = !value.is_empty() && value.len() <= 64 && value.chars().all(printable);
    (sane && !phone::contains_mobile(value)).then(|| value.to_owned())
}

/// Runs the request in its span, answers its request id and writes the access-log line:
/// method, route pattern, status, latency, request id, actor. 5xx lines are errors (the cause
/// chain is logged where the error is rendered); everything else is information.
pub async fn trace_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id =
        kept_request_id(req.headers()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = Empty,
        actor_id = Empty,
        role = Empty,
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (status, route) = match &result {
        Ok(response) => (response.status(), response.request().match_pattern()),
        Err(error) => (error.as_response_error().status_code(), None),
    };
    let route = route.unwrap_or_else(|| "unmatched".to_owned());
    span.record("route", route.as_str());
    let status = status.as_u16();
    if status >= 500 {
        tracing::event!(parent: &span, Level::ERROR, status, latency_ms, "request");
    } else {
        tracing::event!(parent: &span, Level::INFO, status, latency_ms, "request");
    }
    let mut response = result?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// Names the authenticated actor on the current request's span and so on its access-log line.
pub fn record_actor(user_id: i64, role: &str) {
    let span = tracing::Span::current();
    span.record("actor_id", user_id);
    span.record("role", role);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_short_printable_request_id_is_kept_and_anything_else_replaced() {
        assert_eq!(
            kept_request_id(&headers("gw-42.a:b_c")).as_deref(),
            Some("gw-42.a:b_c")
        );
        assert_eq!(kept_request_id(&headers("")), None);
        assert_eq!(kept_request_id(&headers("has space")), None);
        assert_eq!(kept_request_id(&headers("13812345678<script>")), None);
        assert_eq!(kept_request_id(&headers("req-13812345678")), None);
        assert_eq!(kept_request_id(&headers(&"x".repeat(65))), None);
        assert_eq!(kept_request_id(&HeaderMap::new()), None);
    }
}
