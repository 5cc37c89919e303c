//! What every handler shares: connections, keys and clients built once at start.

use liaison_domain::case::light::YellowAt;
use std::sync::Arc;

use liaison_domain::case::Rules;
use liaison_infra::crypto::Sealer;
use liaison_infra::db::Db;
use liaison_infra::live::LiveBus;
use liaison_infra::rate_limit::RateLimiter;
use liaison_infra::revocation::Revocations;
use liaison_infra::shared::SharedState;
use liaison_infra::store::reference::Reference;
use liaison_infra::webhook::WebhookSender;
use liaison_infra::wechat::WechatClient;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::auth::tokens::TokenKeys;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::subscriptions::Templates;

pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub tokens: TokenKeys,
    pub shared: SharedState,
    pub limiter: RateLimiter,
    /// `None` when WeChat credentials are not configured: WeChat features are off.
    pub wechat: Option<WechatClient>,
    /// Seals residents' contact phones.
    pub sealer: Sealer,
    /// Sends webhook messages; also vets webhook URLs when they are saved.
    pub webhooks: WebhookSender,
    /// The case rules the settings chose (reopen limit, closing unrated cases).
    pub case_rules: Rules,
    /// When an open case's traffic light turns yellow.
    pub yellow_at: YellowAt,
    /// Cancelled when the process is asked to stop: long-lived work (deliveries, live streams,
    /// watchers) winds down on it.
    pub shutdown: CancellationToken,
    /// Woken after a commit that wrote deliveries, so the dispatcher need not wait for its
    /// next poll.
    pub outbox_wake: Arc<Notify>,
    /// Prometheus metrics, shared by the HTTP middleware and the workers.
    pub metrics: Metrics,
    /// Live news of committed case changes, heard by `GET /api/v1/stream` on every node.
    pub live: LiveBus,
    /// Stations, categories, rosters, webhooks and audiences, cached on this node and dropped
    /// on every node when they change.
    pub reference: Reference,
    /// Sessions ended and accounts changed, known to every node: what authentication checks.
    pub revocations: Revocations,
    /// The proxies in front whose `X-Forwarded-For` is believed (see `client_ip`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The subscribe-message templates configured, checked at start.
    pub templates: Arc<Templates>,
}
