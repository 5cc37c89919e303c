//! Building and running the application: the same path for `liaison serve` and for tests,
//! which bind port 0 and read `port()`.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use chrono::Duration as ChronoDuration;
use liaison_domain::case::Rules;
use liaison_infra::crypto::Sealer;
use liaison_infra::db::{self, Db};
use liaison_infra::live::LiveBus;
use liaison_infra::rate_limit::RateLimiter;
use liaison_infra::revocation::Revocations;
use liaison_infra::shared::SharedState;
use liaison_infra::store::reference::Reference;
use liaison_infra::webhook::{WebhookConfig, WebhookSender};
use liaison_infra::wechat::{WechatClient, WechatConfig};
use liaison_migrations::{Migrator, MigratorTrait};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::auth::revocations;
use crate::auth::tokens::TokenKeys;
use crate::fallback::{self, RouteTable};
use crate::metrics::{self, Metrics};
use crate::openapi;
use crate::settings::Settings;
use crate::state::AppState;
use crate::subscriptions::Templates;
use crate::telemetry;
use crate::{etag, extract, head, ops, ops_port, request_limits, security_headers};

pub struct Application {
    server: Server,
    port: u16,
    /// The operators' server, when `ops.addr` is set, and its port.
    ops: Option<(Server, u16)>,
    state: web::Data<AppState>,
}

/// Opens the database named by the settings (creating the data directory for SQLite) and
/// brings its schema up to date.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let connection = Db::connect(&url, settings.database.max_connections).await?;
    Migrator::up(connection.writer(), None)
        .await
        .with_context(|| format!("cannot migrate the database {}", db::redact(&url)))?;
    Ok(connection)
}

/// A bus between the nodes for news named `name`: Redis pub/sub when configured, this process
/// alone otherwise.
async fn bus(settings: &Settings, name: &str) -> anyhow::Result<LiveBus> {
    match &settings.redis.url {
        Some(url) => LiveBus::redis_channel(
            url.expose_secret(),
            &format!("{}{name}", settings.redis.key_prefix),
            settings.live.buffer,
        )
        .await
        .with_context(|| {
            format!(
                "cannot subscribe to {name} in Redis at {}",
                db::redact(url.expose_secret())
            )
        }),
        None => Ok(LiveBus::memory(settings.live.buffer)),
    }
}

/// Builds what handlers share from the settings and an open database.
pub async fn build_state(settings: Settings, db: Db) -> anyhow::Result<AppState> {
    let shared = match &settings.redis.url {
        Some(url) => SharedState::redis(url.expose_secret(), settings.redis.key_prefix.clone())
            .await
            .with_context(|| {
                format!("cannot reach Redis at {}", db::redact(url.expose_secret()))
            })?,
        None => SharedState::memory(),
    };
    let live = bus(&settings, "live").await?;
    let revocation_bus = bus(&settings, "revocations").await?;
    let reference = Reference::new(bus(&settings, "reference").await?);
    // An entry matters while a token signed before it lives, plus the sweep's overlap.
    let revocations = Revocations::new(
        revocation_bus,
        (ChronoDuration::minutes(settings.auth.access_token_minutes) + revocations::OVERLAP)
            .to_std()
            .unwrap_or(Duration::from_secs(3600)),
    );
    let wechat = match (&settings.wechat.appid, &settings.wechat.secret) {
        (Some(appid), Some(secret)) => Some(WechatClient::new(
            WechatConfig {
                appid: appid.clone(),
                secret: secret.clone(),
                api_base: settings.wechat.api_base.clone(),
                timeout: Duration::from_millis(settings.wechat.timeout_ms),
            },
            shared.clone(),
        )?),
        _ => None,
    };
    let tokens = TokenKeys::new(
        &settings.auth.jwt_secret,
        &settings.auth.previous_jwt_secrets,
        ChronoDuration::minutes(settings.auth.access_token_minutes),
    );
    let sealer = Sealer::from_base64(settings.cases.contact_phone_key.expose_secret())
        .context("LIAISON_CASES__CONTACT_PHONE_KEY")?;
    let webhooks = WebhookSender::new(WebhookConfig {
        timeout: Duration::from_millis(settings.webhooks.timeout_ms),
        allow_private_targets: settings.webhooks.allow_private_targets,
    })
    .context("cannot build the webhook client")?;
    let templates = Templates::from_settings(&settings.wechat.templates)?;
    let case_rules = Rules {
        reopen_limit: settings.cases.reopen_limit,
        close_unrated_after: ChronoDuration::days(settings.cases.close_unrated_after_days),
    };
    let yellow_at = settings.cases.yellow_at()?;
    let trusted_proxies = settings
        .http
        .trusted_proxy_nets()
        .map_err(anyhow::Error::msg)?;
    Ok(AppState {
        db,
        trusted_proxies,
        sealer,
        webhooks,
        case_rules,
        yellow_at,
        tokens,
        limiter: RateLimiter::new(shared.clone()),
        shared,
        wechat,
        settings: Arc::new(settings),
        shutdown: CancellationToken::new(),
        outbox_wake: Arc::default(),
        metrics: Metrics::new()?,
        live,
        revocations,
        reference,
        templates: Arc::new(templates),
    })
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.check()?;
        let db = open_database(&settings).await?;
        Self::build_with(settings, db).await
    }

    /// Builds on a database that is already open and migrated.
    pub async fn build_with(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.http.addr)
            .with_context(|| format!("cannot listen on {}", settings.http.addr))?;
        let port = listener.local_addr()?.port();
        let workers = settings.http.workers;
        let json_limit = settings.http.json_limit_bytes;
        let state = web::Data::new(build_state(settings, db).await?);
        revocations::at_start(&state)
            .await
            .context("cannot read the sessions ended lately")?;
        tokio::spawn(revocations::run(state.clone()));
        let document = web::Data::new(openapi::document());
        let route_table = web::Data::new(RouteTable::from_openapi(&document));
        let ops_settings = web::Data::new(state.settings.ops.clone());
        let ops = match &state.settings.ops.addr {
            Some(addr) => Some(ops_server(addr, state.clone(), document.clone())?),
            None => None,
        };

        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            let (app, _) = openapi::routes(
                App::new()
                    .app_data(app_state.clone())
                    .app_data(document.clone())
                    .app_data(route_table.clone())
                    .app_data(ops_settings.clone())
                    .configure(|cfg| extract::configure_builtin(cfg, json_limit)),
            )
            .split_for_parts();
            app.configure(crate::console::configure)
                .service(swagger_ui(document.get_ref().clone()))
                .route("/docs", web::get().to(fallback::to_docs))
                .default_service(web::to(fallback::unmatched))
                .wrap(from_fn(etag::validate))
                .wrap(from_fn(ops_port::hide_moved))
                .wrap(fallback::problem_responses())
                .wrap(from_fn(metrics::record))
                .wrap(from_fn(security_headers::add))
                .wrap(Compress::default())
                .wrap(from_fn(request_limits::check))
                .wrap(from_fn(head::as_get))
                .wrap(from_fn(telemetry::trace_request))
        })
        .listen(listener)?
        // `liaison serve` handles the signals itself, to stop the workers along with it.
        .disable_signals()
        .shutdown_timeout(10);
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Self {
            server: server.run(),
            port,
            ops,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The operators' port, when they have an address of their own.
    pub fn ops_port(&self) -> Option<u16> {
        self.ops.as_ref().map(|(_, port)| *port)
    }

    /// Stops the server: `stop(true)` finishes the requests in flight first.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the API server stops; the operators' server stops with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Some((ops, _)) = self.ops else {
            return self.server.await;
        };
        let ops_handle = ops.handle();
        let ops_serving = tokio::spawn(ops);
        let served = self.server.await;
        ops_handle.stop(true).await;
        drop(ops_serving.await);
        served
    }
}

/// The operators' server: health, readiness and metrics, and the docs when they are not public.
fn ops_server(
    addr: &str,
    state: web::Data<AppState>,
    document: web::Data<utoipa::openapi::OpenApi>,
) -> anyhow::Result<(Server, u16)> {
    let listener = TcpListener::bind(addr)
        .with_context(|| format!("cannot listen on {addr} (LIAISON_OPS__ADDR)"))?;
    let port = listener.local_addr()?.port();
    let docs = !state.settings.ops.public_docs;
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .app_data(state.clone())
            .app_data(document.clone())
            .into_utoipa_app()
            .configure(ops::configure)
            .split_for_parts();
        app.configure(|cfg| {
            if docs {
                cfg.service(swagger_ui(document.get_ref().clone()))
                    .route("/docs", web::get().to(fallback::to_docs));
            }
        })
        .wrap(from_fn(security_headers::add))
        .wrap(from_fn(telemetry::trace_request))
    })
    .listen(listener)?
    .disable_signals()
    .workers(1)
    .shutdown_timeout(5);
    Ok((server.run(), port))
}

/// Swagger UI, vendored into the binary: /docs works without reaching any CDN, and without its
/// online validator, which would send the spec's URL out.
fn swagger_ui(document: utoipa::openapi::OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}")
        .url("/openapi.json", document)
        .config(Config::default().validator_url("none"))
}

/// The state as handlers and tests hold it.
pub type SharedAppState = web::Data<AppState>;
