//! Prometheus metrics: request counts and latency per route pattern (not per raw path, so ids
//! do not explode the label space), and how the outbox fares: attempts by outcome, and the
//! messages waiting or dead, counted when scraped.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use liaison_infra::db::statements;

use crate::state::AppState;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    statements: IntCounterVec,
    deliveries: IntCounterVec,
    claims: IntCounter,
    outbox: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request",
            )
            .buckets(vec![
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        let statements = IntCounterVec::new(
            Opts::new(
                "liaison_db_statements_total",
                "Database statements sent while answering requests: their cost per route",
            ),
            &["method", "route"],
        )?;
        let deliveries = IntCounterVec::new(
            Opts::new(
                "liaison_deliveries_total",
                "Outbox delivery attempts by channel and outcome (delivered, skipped, retry, dead)",
            ),
            &["channel", "outcome"],
        )?;
        let claims = IntCounter::new(
            "liaison_outbox_claims_total",
            "Claims the dispatcher made for due messages, found or not",
        )?;
        let outbox = IntGaugeVec::new(
            Opts::new(
                "liaison_outbox_messages",
                "Outbox messages waiting to be sent (pending) or given up on (dead)",
            ),
            &["status"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(statements.clone()))?;
        registry.register(Box::new(deliveries.clone()))?;
        registry.register(Box::new(claims.clone()))?;
        registry.register(Box::new(outbox.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            statements,
            deliveries,
            claims,
            outbox,
        })
    }

    /// Counts one delivery attempt of `channel` that ended in `outcome`.
    pub fn delivery(&self, channel: &str, outcome: &str) {
        self.deliveries.with_label_values(&[channel, outcome]).inc();
    }

    /// Counts one claim of due messages.
    pub fn claimed(&self) {
        self.claims.inc();
    }

    /// Claims made since start.
    pub fn claims(&self) -> u64 {
        self.claims.get()
    }

    /// Sets how many outbox messages are in `status` now.
    pub fn outbox_messages(&self, status: &str, count: u64) {
        self.outbox
            .with_label_values(&[status])
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        Ok(String::from_utf8_lossy(&buffer).into_owned())
    }

    /// Statements sent so far answering `method` on the route pattern `route`.
    pub fn statements_sent(&self, method: &str, route: &str) -> u64 {
        self.statements.with_label_values(&[method, route]).get()
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64, statements: u32) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.statements
            .with_label_values(&[method, route])
            .inc_by(u64::from(statements));
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }
}

/// Middleware recording every request.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (response, statements) = statements::counted(next.call(req)).await;
    let response = response?;
    if let Some(metrics) = state.as_ref().map(|s| &s.metrics) {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(
            &method,
            &route,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
            statements,
        );
    }
    Ok(response)
}
