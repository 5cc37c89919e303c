//! The proofs that notifications are never lost, run as an operator would meet the failures:
//! the real `liaison` binary, killed, doubled, and cut off from Redis.
//!
//! Each test prints its figures (`cargo test -p liaison-api --test proofs -- --nocapture`);
//! the notes of the notifications issue quote them.

// Tests fail loudly on what they did not expect; the workspace bans these outside tests only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use liaison_api::outbox::{Channel, NewMessage};
use liaison_api::settings::Settings;
use liaison_api::startup::open_database;
use liaison_domain::actor::Role;
use liaison_domain::case::EventKind;
use liaison_infra::crypto::Sealer;
use liaison_infra::entities::{deliveries, subscription_grants, users, webhooks, Word};
use liaison_tests::{test_settings, Backend};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use secrecy::ExposeSecret;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Remembers the delivery id of every webhook POST it answers, after `delay`.
#[derive(Clone, Default)]
struct Sink {
    ids: Arc<Mutex<Vec<String>>>,
    delay: Duration,
}

impl Respond for Sink {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id = request
            .headers
            .get("x-liaison-delivery")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        self.ids.lock().unwrap().push(id);
        ResponseTemplate::new(200).set_delay(self.delay)
    }
}

impl Sink {
    async fn start() -> (Self, MockServer) {
        Self::answering_after(Duration::ZERO).await
    }

    async fn answering_after(delay: Duration) -> (Self, MockServer) {
        let sink = Self {
            delay,
            ..Self::default()
        };
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/hook"))
            .respond_with(sink.clone())
            .mount(&server)
            .await;
        (sink, server)
    }

    fn received(&self) -> usize {
        self.ids.lock().unwrap().len()
    }

    /// Deliveries received, and how many of them more than once.
    fn tally(&self) -> (usize, usize) {
        let ids = self.ids.lock().unwrap();
        let distinct: HashSet<&String> = ids.iter().collect();
        (distinct.len(), ids.len() - distinct.len())
    }
}

/// A database with a county and a webhook to the sink, and the environment that points a
/// `liaison` process at it.
struct World {
    _dir: TempDir,
    db: liaison_infra::db::Db,
    county_id: i64,
    webhook_id: i64,
    env: Vec<(String, String)>,
}

async fn world(backend: &Backend, sink: &MockServer) -> World {
    let dir = TempDir::new().unwrap();
    let settings = test_settings(backend, dir.path().join("data"))
        .await
        .unwrap();
    let db = open_database(&settings).await.unwrap();
    let admin = liaison_api::admin::create_county_admin(
        &db,
        "13900000001",
        "a long enough password",
        "西平县",
        Some("XP"),
        Utc::now(),
    )
    .await
    .unwrap();
    let sealer = Sealer::from_base64(settings.cases.contact_phone_key.expose_secret()).unwrap();
    let webhook = webhooks::Entity::insert(webhooks::ActiveModel {
        county_id: Set(admin.county_id),
        url: Set(format!("{}/hook", sink.uri())),
        events: Set(r#"["submitted"]"#.to_owned()),
        secret: Set(sealer.seal("the receiver's secret").unwrap()),
        active: Set(true),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&db)
    .await
    .unwrap();
    World {
        env: environment(&settings),
        _dir: dir,
        db,
        county_id: admin.county_id,
        webhook_id: webhook.last_insert_id,
    }
}

fn environment(settings: &Settings) -> Vec<(String, String)> {
    let mut env = vec![
        ("LIAISON_DATA_DIR", settings.data_dir.display().to_string()),
        ("LIAISON_HTTP__ADDR", "127.0.0.1:0".to_owned()),
        ("LIAISON_HTTP__WORKERS", "1".to_owned()),
        ("LIAISON_LOG__FILTER", "warn".to_owned()),
        ("LIAISON_WEBHOOKS__ALLOW_PRIVATE_TARGETS", "true".to_owned()),
        // A killed node's claims come back after this; short, so the proof is too.
        ("LIAISON_OUTBOX__LEASE_SECONDS", "5".to_owned()),
    ];
    if let Some(url) = &settings.database.url {
        env.push(("LIAISON_DATABASE__URL", url.expose_secret().to_owned()));
    }
    if let Some(url) = &settings.redis.url {
        env.push(("LIAISON_REDIS__URL", url.expose_secret().to_owned()));
        env.push((
            "LIAISON_REDIS__KEY_PREFIX",
            settings.redis.key_prefix.clone(),
        ));
    }
    env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

impl World {
    /// `liaison serve`, with `extra` settings on top of the world's.
    fn serve(&self, extra: &[(&str, &str)]) -> Process {
        let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
        command
            .arg("serve")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        Process(command.spawn().expect("the liaison binary starts"))
    }

    /// `count` pending webhook messages, as a burst of case steps would leave them.
    async fn pending_webhooks(&self, count: usize) {
        let now = Utc::now();
        let rows: Vec<_> = (0..count)
            .map(|n| {
                message(
                    self.county_id,
                    Channel::Webhook,
                    json!({"event": "submitted", "n": n}).to_string(),
                    None,
                    Some(self.webhook_id),
                    now,
                )
            })
            .collect();
        for chunk in rows.chunks(500) {
            deliveries::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&self.db)
                .await
                .unwrap();
        }
    }

    async fn delivered(&self) -> u64 {
        deliveries::Entity::find()
            .filter(deliveries::Column::Status.eq("delivered"))
            .count(&self.db)
            .await
            .unwrap()
    }

    /// Messages some node holds a claim on.
    async fn claimed(&self) -> u64 {
        deliveries::Entity::find()
            .filter(deliveries::Column::LeaseOwner.is_not_null())
            .count(&self.db)
            .await
            .unwrap()
    }

    /// Waits until `total` messages are delivered; answers how long it took.
    async fn wait_delivered(&self, total: u64, within: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let delivered = self.delivered().await;
            if delivered >= total {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < within,
                "only {delivered} of {total} delivered after {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn message(
    county_id: i64,
    channel: Channel,
    payload: String,
    recipient_id: Option<i64>,
    webhook_id: Option<i64>,
    now: chrono::DateTime<Utc>,
) -> deliveries::ActiveModel {
    NewMessage {
        channel,
        county_id,
        case_id: None,
        recipient_id,
        webhook_id,
        event: EventKind::Submitted,
        payload,
    }
    .pending(now)
}

/// A child process that dies with the test, whatever way the test ends.
struct Process(Child);

impl Process {
    /// SIGKILL: no goodbye.
    fn kill(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }

    /// SIGTERM, as a process manager stops a service; waits for a clean exit.
    fn terminate(mut self) {
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.0.wait().unwrap();
        assert!(status.success(), "liaison stopped with {status}");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

async fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What a backend is called in the figures.
fn label(backend: &Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres { .. } => "PostgreSQL + Redis",
    }
}

const DRAIN_MESSAGES: usize = 10_000;

async fn ten_thousand_notifications_drain_each_once(backend: Backend) {
    let (sink, server) = Sink::start().await;
    let world = world(&backend, &server).await;
    world.pending_webhooks(DRAIN_MESSAGES).await;
    let started = Instant::now();
    let node = world.serve(&[]);
    world
        .wait_delivered(DRAIN_MESSAGES as u64, Duration::from_secs(600))
        .await;
    node.terminate();
    let (distinct, twice) = sink.tally();
    eprintln!(
        "drain ({}): {DRAIN_MESSAGES} webhooks delivered {:?} after the start, \
         {distinct} distinct, {twice} twice",
        label(&backend),
        started.elapsed()
    );
    assert_eq!((distinct, twice), (DRAIN_MESSAGES, 0));
}

async fn a_stopped_node_finishes_what_it_sends_and_hands_back_its_claims(backend: Backend) {
    const MESSAGES: usize = 40;
    let (sink, server) = Sink::answering_after(Duration::from_millis(1500)).await;
    let world = world(&backend, &server).await;
    world.pending_webhooks(MESSAGES).await;
    // A claim left behind would hold its messages for ten minutes.
    let settings = [
        ("LIAISON_OUTBOX__CONCURRENCY", "4"),
        ("LIAISON_OUTBOX__LEASE_SECONDS", "600"),
    ];
    let node = world.serve(&settings);
    wait_for("four in flight", Duration::from_secs(60), || {
        sink.received() >= 4
    })
    .await;
    let stopping = Instant::now();
    node.terminate();
    let stopped_in = stopping.elapsed();
    let finished = world.delivered().await;
    assert!(
        finished >= 4,
        "the sends in flight were finished: {finished}"
    );
    assert_eq!(world.claimed().await, 0, "no claim is left behind");
    assert!(
        stopped_in < Duration::from_secs(20),
        "stopped within the drain bound: {stopped_in:?}"
    );

    let node = world.serve(&[]);
    world
        .wait_delivered(MESSAGES as u64, Duration::from_secs(300))
        .await;
    node.terminate();
    let (distinct, twice) = sink.tally();
    eprintln!(
        "shutdown proof ({}): SIGTERM with sends in flight: stopped in {stopped_in:?} with \
         {finished} delivered and no claim left; the restart sent the rest; {twice} twice",
        label(&backend)
    );
    assert_eq!(distinct, MESSAGES);
}

const CRASH_MESSAGES: usize = 10_000;

async fn a_crash_mid_drain_loses_no_notification(backend: Backend) {
    let (sink, server) = Sink::start().await;
    let world = world(&backend, &server).await;
    world.pending_webhooks(CRASH_MESSAGES).await;

    let started = Instant::now();
    let mut node = world.serve(&[]);
    wait_for("a quarter delivered", Duration::from_secs(300), || {
        sink.received() >= CRASH_MESSAGES / 4
    })
    .await;
    node.kill(); // claims left behind
    let before_crash = sink.received();
    let crashed_after = started.elapsed();

    let node = world.serve(&[]);
    let after_restart = world
        .wait_delivered(CRASH_MESSAGES as u64, Duration::from_secs(600))
        .await;
    node.terminate();

    let (distinct, twice) = sink.tally();
    eprintln!(
        "crash proof ({}): {CRASH_MESSAGES} pending; SIGKILL after {before_crash} \
         received in {crashed_after:?}; after the restart the rest took {after_restart:?} \
         (the 5 s lease included); {distinct} distinct arrived, {twice} arrived twice",
        label(&backend)
    );
    assert_eq!(distinct, CRASH_MESSAGES, "every notification arrived");
}

const WEBHOOK_MESSAGES: usize = 2_000;
const WECHAT_MESSAGES: usize = 200;

async fn two_nodes_deliver_each_notification_once_and_fetch_one_token(backend: Backend) {
    if matches!(backend, Backend::Sqlite) {
        // Two processes on one SQLite file is not a deployment: scaling out means PostgreSQL.
        return;
    }
    let (sink, server) = Sink::start().await;
    let wechat = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "TOKEN-1", "expires_in": 7200}))
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&wechat)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": 0})))
        .expect(WECHAT_MESSAGES as u64)
        .mount(&wechat)
        .await;
    let world = world(&backend, &server).await;
    world.pending_webhooks(WEBHOOK_MESSAGES).await;
    let resident = users::Entity::insert(users::ActiveModel {
        role: Set(Word(Role::Resident)),
        name: Set("居民".to_owned()),
        openid: Set(Some("o-two-nodes".to_owned())),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&world.db)
    .await
    .unwrap()
    .last_insert_id;
    subscription_grants::Entity::insert(subscription_grants::ActiveModel {
        user_id: Set(resident),
        template_id: Set("tmpl-progress".to_owned()),
        remaining: Set(WECHAT_MESSAGES as i32),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&world.db)
    .await
    .unwrap();
    let now = Utc::now();
    let payload = json!({
        "touser": "o-two-nodes",
        "template_id": "tmpl-progress",
        "data": {"thing1": {"value": "路灯不亮"}},
    })
    .to_string();
    let rows: Vec<_> = (0..WECHAT_MESSAGES)
        .map(|_| {
            message(
                world.county_id,
                Channel::Wechat,
                payload.clone(),
                Some(resident),
                None,
                now,
            )
        })
        .collect();
    deliveries::Entity::insert_many(rows)
        .exec_without_returning(&world.db)
        .await
        .unwrap();

    let uri = wechat.uri();
    let wechat_env = [
        ("LIAISON_WECHAT__APPID", "wx0123456789abcdef"),
        ("LIAISON_WECHAT__SECRET", "the-app-secret"),
        ("LIAISON_WECHAT__API_BASE", uri.as_str()),
    ];
    let started = Instant::now();
    let (a, b) = (world.serve(&wechat_env), world.serve(&wechat_env));
    let took = world
        .wait_delivered(
            (WEBHOOK_MESSAGES + WECHAT_MESSAGES) as u64,
            Duration::from_secs(300),
        )
        .await;
    a.terminate();
    b.terminate();

    let (distinct, twice) = sink.tally();
    let token_calls = wechat
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/cgi-bin/stable_token")
        .count();
    eprintln!(
        "two-node proof: {WEBHOOK_MESSAGES} webhooks and {WECHAT_MESSAGES} subscribe messages \
         through two nodes in {took:?} ({:?} with start-up); webhooks: {distinct} distinct, \
         {twice} twice; stable_token called {token_calls} time(s)",
        started.elapsed()
    );
    assert_eq!(distinct, WEBHOOK_MESSAGES);
    assert_eq!(twice, 0, "exactly once in normal operation");
    assert_eq!(token_calls, 1, "one token for both nodes");
    // The WeChat mock's `expect`s check the subscribe messages on drop.
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn redis_server(port: u16) -> Process {
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server is installed (scripts/test-services.sh installs it)");
    Process(child)
}

async fn status_of(client: &reqwest::Client, url: &str) -> Option<u16> {
    client
        .get(url)
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

async fn without_redis_the_api_answers_and_the_workers_go_on(backend: Backend) {
    // Needs redis-server from Debian, which CI installs; without it, when not required, skip.
    let required = std::env::var_os("LIAISON_TEST_REQUIRE_POSTGRES").is_some();
    if !required
        && Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
    {
        return;
    }
    let (sink, server) = Sink::start().await;
    let world = world(&backend, &server).await;
    let redis_port = free_port();
    let mut redis = redis_server(redis_port);
    let redis_url = format!("redis://127.0.0.1:{redis_port}");
    let http_port = free_port();
    let addr = format!("127.0.0.1:{http_port}");
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    // Redis may take a moment to listen.
    wait_for("redis listening", Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", redis_port)).is_ok()
    })
    .await;
    let node = world.serve(&[
        ("LIAISON_REDIS__URL", redis_url.as_str()),
        ("LIAISON_HTTP__ADDR", addr.as_str()),
        ("LIAISON_AUTH__DEV_LOGIN", "true"),
    ]);
    let ready = format!("{base}/readyz");
    let started = Instant::now();
    while status_of(&client, &ready).await != Some(200) {
        assert!(started.elapsed() < Duration::from_secs(30), "never ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    redis.kill();
    assert_eq!(
        status_of(&client, &format!("{base}/healthz")).await,
        Some(200)
    );
    let readiness = client.get(&ready).send().await.unwrap();
    assert_eq!(readiness.status().as_u16(), 503);
    let body: serde_json::Value = readiness.json().await.unwrap();
    assert_eq!(body["redis"], "down", "{body}");
    let login = client
        .post(format!("{base}/api/v1/auth/dev"))
        .json(&json!({"openid": "o-no-redis"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 200, "logins go on without Redis");
    let token: serde_json::Value = login.json().await.unwrap();
    let me = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status().as_u16(), 200);
    world.pending_webhooks(50).await;
    world.wait_delivered(50, Duration::from_secs(60)).await;
    assert_eq!(sink.tally(), (50, 0), "the workers went on");

    // Down a while longer, as a real outage is: the node's reconnection attempts back off
    // meanwhile, and must still pick Redis up soon after it returns.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let _redis = redis_server(redis_port);
    let back = Instant::now();
    while status_of(&client, &ready).await != Some(200) {
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "Redis never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "outage proof ({}): API and workers went on without Redis; ready again {:?} after \
         Redis restarted",
        label(&backend),
        back.elapsed()
    );
    node.terminate();
}

liaison_tests::on_every_backend!(
    ten_thousand_notifications_drain_each_once,
    a_stopped_node_finishes_what_it_sends_and_hands_back_its_claims,
    a_crash_mid_drain_loses_no_notification,
    two_nodes_deliver_each_notification_once_and_fetch_one_token,
    without_redis_the_api_answers_and_the_workers_go_on,
);
