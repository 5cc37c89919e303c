//! Operations endpoints: liveness, readiness, metrics and the API document.

use actix_web::{get, web, HttpResponse};
use liaison_domain::delivery::DeliveryStatus;
use serde::Serialize;
use utoipa::openapi::OpenApi;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::outbox::dead_letters;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz)
        .service(readyz)
        .service(metrics)
        .service(openapi_json);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ok` when every dependency answers, else `unavailable`.
    pub status: &'static str,
    pub database: Check,
    /// `not_configured` when running without Redis.
    pub redis: Check,
}

#[derive(Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Ok,
    Down,
    NotConfigured,
}

/// The process is alive.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The database and, when configured, Redis answer. 503 when one does not.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "A dependency is down", body = Readiness),
    )
)]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = match state.db.ping().await {
        Ok(()) => Check::Ok,
        Err(error) => {
            tracing::error!(%error, "readiness: database is down");
            Check::Down
        }
    };
    let redis = if !state.shared.is_redis() {
        Check::NotConfigured
    } else {
        match state.shared.ping().await {
            Ok(()) => Check::Ok,
            Err(error) => {
                tracing::error!(%error, "readiness: redis is down");
                Check::Down
            }
        }
    };
    let ready = database == Check::Ok && redis != Check::Down;
    let body = Readiness {
        status: if ready { "ok" } else { "unavailable" },
        database,
        redis,
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .json(body)
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // The backlog is read at scrape time; without the database the other metrics still answer.
    for status in [DeliveryStatus::Pending, DeliveryStatus::Dead] {
        match dead_letters::count(&state.db, status).await {
            Ok(count) => state.metrics.outbox_messages(status.as_str(), count),
            Err(error) => tracing::warn!(%error, "metrics: could not count outbox messages"),
        }
    }
    let text = state.metrics.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}

/// This document.
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "application/json", body = Object)))]
#[get("/openapi.json")]
async fn openapi_json(doc: web::Data<OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}
