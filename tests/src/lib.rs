//! The end-to-end test harness: boots the real application on port 0 with a fresh database
//! per test, and talks to it over HTTP.
//!
//! Every test runs on SQLite. When `LIAISON_TEST_DATABASE_URL` (a PostgreSQL URL whose user
//! may create databases) and `LIAISON_TEST_REDIS_URL` are set, it also runs on a fresh
//! PostgreSQL database and a fresh Redis key prefix. `LIAISON_TEST_REQUIRE_POSTGRES=1` makes a
//! missing PostgreSQL a failure instead of a skip, so CI cannot pass without it.

pub mod browser;

use std::path::PathBuf;

use liaison_api::outbox::dispatcher::Dispatcher;
use liaison_api::settings::Settings;
use liaison_api::startup::{open_database, Application, SharedAppState};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use secrecy::SecretString;
use serde_json::{json, Value};
use tempfile::TempDir;

pub use liaison_api::demo::DEMO_PASSWORD;

/// A 1×1 PNG, base64.
pub const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAACklEQVR4nGMAAQAABQABDQottAAAAABJRU5ErkJggg==";

/// Runs each named `async fn(Backend)` as two tests, `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(backend) = $crate::Backend::postgres() {
                        super::$name(backend).await
                    }
                }
            }
        )+
    };
}

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres {
        database_url: String,
        redis_url: String,
    },
}

impl Backend {
    /// PostgreSQL + Redis when configured; `None` (a skip) otherwise, unless required.
    pub fn postgres() -> Option<Self> {
        match (
            std::env::var("LIAISON_TEST_DATABASE_URL"),
            std::env::var("LIAISON_TEST_REDIS_URL"),
        ) {
            (Ok(database_url), Ok(redis_url)) => Some(Self::Postgres {
                database_url,
                redis_url,
            }),
            _ if std::env::var_os("LIAISON_TEST_REQUIRE_POSTGRES").is_some() => {
                panic!("LIAISON_TEST_REQUIRE_POSTGRES is set but LIAISON_TEST_DATABASE_URL or LIAISON_TEST_REDIS_URL is not")
            }
            _ => {
                eprintln!("postgres run skipped: LIAISON_TEST_DATABASE_URL and LIAISON_TEST_REDIS_URL are not set");
                None
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    /// The operators' port, when the settings give them an address of their own.
    pub ops_port: Option<u16>,
    pub client: reqwest::Client,
    pub state: SharedAppState,
    pub settings: Settings,
    _data_dir: TempDir,
}

/// Settings for a test: port 0, one worker, a fresh data directory, dev login on.
pub async fn test_settings(backend: &Backend, data_dir: PathBuf) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    settings.http.addr = "127.0.0.1:0".to_owned();
    settings.http.workers = 1;
    settings.data_dir = data_dir;
    settings.auth.dev_login = true;
    settings.database.max_connections = 5;
    if let Backend::Postgres {
        database_url,
        redis_url,
    } = backend
    {
        settings.database.url = Some(SecretString::from(
            fresh_postgres_database(database_url).await?,
        ));
        settings.redis.url = Some(SecretString::from(redis_url.clone()));
        settings.redis.key_prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    }
    Ok(settings)
}

/// Creates an empty database next to the one `admin_url` names and answers its URL.
async fn fresh_postgres_database(admin_url: &str) -> anyhow::Result<String> {
    let name = format!("liaison_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&name);
    Ok(url.to_string())
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Boots the application after `customize` has had its say on the settings.
pub async fn spawn_app_with(backend: Backend, customize: impl FnOnce(&mut Settings)) -> TestApp {
    try_spawn(backend, customize)
        .await
        .unwrap_or_else(|e| panic!("the test app did not start: {e:#}"))
}

async fn try_spawn(
    backend: Backend,
    customize: impl FnOnce(&mut Settings),
) -> anyhow::Result<TestApp> {
    if std::env::var_os("TEST_LOG").is_some() {
        liaison_api::telemetry::init(&Settings::default());
    }
    let data_dir = tempfile::tempdir()?;
    let mut settings = test_settings(&backend, data_dir.path().to_path_buf()).await?;
    customize(&mut settings);
    let db = open_database(&settings).await?;
    let application = Application::build_with(settings.clone(), db).await?;
    let port = application.port();
    let ops_port = application.ops_port();
    let state = application.state();
    tokio::spawn(application.run_until_stopped());
    Ok(TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        ops_port,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        state,
        settings,
        _data_dir: data_dir,
    })
}

/// A response read whole: status, headers and body (JSON when it parses).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The problem `code` of an error answer.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The fields named in a 422's `errors`.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {}", self.body))
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {}",
            self.body
        );
        if status >= 400 {
            assert_eq!(
                self.content_type(),
                "application/problem+json",
                "errors are problem+json: {}",
                self.body
            );
        }
        self
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn db(&self) -> &liaison_infra::db::Db {
        &self.state.db
    }

    /// Another node of the same deployment: the same database and Redis, its own process
    /// state. Each node runs in this test process, but shares nothing with the first in memory.
    pub async fn another_node(&self, backend: Backend) -> TestApp {
        let database_url = self.settings.database_url();
        let prefix = self.settings.redis.key_prefix.clone();
        spawn_app_with(backend, move |settings| {
            settings.database.url = Some(SecretString::from(database_url));
            settings.redis.key_prefix = prefix;
        })
        .await
    }

    /// Sends a request and answers it with the statements the server sent to answer it:
    /// `route` is the request's route pattern, such as `/api/v1/cases/{id}`.
    pub async fn cost(
        &self,
        method: Method,
        route: &str,
        request: impl std::future::Future<Output = Reply>,
    ) -> (Reply, u64) {
        let sent = || self.state.metrics.statements_sent(method.as_str(), route);
        let before = sent();
        let reply = request.await;
        (reply, sent() - before)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request to {path} failed: {e}"));
        read(response).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::PUT, path, token, Some(body)).await
    }

    /// Seeds the demo county; tests use it as a realistic organisation to act on.
    pub async fn seed_demo(&self) -> Demo {
        let seed = liaison_api::demo::seed(self.db(), chrono::Utc::now())
            .await
            .unwrap_or_else(|e| panic!("demo seed failed: {e:#}"));
        let phone = |role: &str| {
            seed.accounts
                .iter()
                .find(|a| a.role == role)
                .map(|a| a.phone.clone())
                .unwrap_or_else(|| panic!("the demo has no {role}"))
        };
        Demo {
            county_admin: phone("county_admin"),
            station_admin: phone("station_admin"),
            deputy: phone("deputy"),
            handler: phone("handler"),
            township_admin: phone("township_admin"),
            other_station_admin: seed
                .accounts
                .iter()
                .filter(|a| a.role == "station_admin")
                .nth(1)
                .map(|a| a.phone.clone())
                .unwrap_or_else(|| panic!("the demo has one station admin only")),
        }
    }

    /// Logs a staff member in and answers the access token.
    pub async fn login(&self, phone: &str) -> String {
        let reply = self
            .post(
                "/api/v1/auth/password",
                None,
                json!({"phone": phone, "password": DEMO_PASSWORD}),
            )
            .await
            .expect(200);
        token_of(&reply)
    }

    /// Logs a resident in through dev login and answers the access token.
    pub async fn resident(&self, openid: &str) -> String {
        let reply = self
            .post("/api/v1/auth/dev", None, json!({"openid": openid}))
            .await
            .expect(200);
        token_of(&reply)
    }

    /// Logs in the demo's station admin and deputy, and puts the deputy on duty at station 1.
    pub async fn deputy_on_duty(&self, demo: &Demo) -> OnDuty {
        let admin = self.login(&demo.station_admin).await;
        let deputy = self.login(&demo.deputy).await;
        let deputy_id = self.me(&deputy).await["scopes"]["deputy_id"]
            .as_i64()
            .unwrap_or_else(|| panic!("the demo deputy has no deputy_id"));
        self.on_duty(&admin, &[deputy_id]).await;
        OnDuty {
            admin,
            deputy,
            deputy_id,
        }
    }

    /// Puts exactly `deputies` on duty at the demo's station 1 for the day around now, as its
    /// station admin `admin`.
    pub async fn on_duty(&self, admin: &str, deputies: &[i64]) {
        let now = chrono::Utc::now();
        let hour = chrono::Duration::hours(1);
        let shifts: Vec<Value> = deputies
            .iter()
            .map(|id| json!({"deputy_id": id, "starts_at": now - hour, "ends_at": now + hour}))
            .collect();
        let body = json!({"from": now - hour * 12, "to": now + hour * 12, "shifts": shifts});
        self.put("/api/v1/stations/1/roster", Some(admin), body)
            .await
            .expect(200);
    }

    /// Raises a case (路灯不亮) at `station_id` in the demo county's first category; answers
    /// its id.
    pub async fn raise_at(&self, resident: &str, station_id: i64) -> i64 {
        let category = self.first_category().await;
        let body = json!({"station_id": station_id, "category_id": category, "title": "路灯不亮", "content": "一周了"});
        self.post("/api/v1/cases", Some(resident), body)
            .await
            .expect(201)
            .id()
    }

    /// The id of the demo county's first category.
    pub async fn first_category(&self) -> Value {
        let categories = self.get("/api/v1/categories?county_id=1", None).await;
        categories.expect(200).body["items"][0]["id"].clone()
    }

    /// Uploads a 1×1 PNG as `token`'s photo; answers its attachment id.
    pub async fn upload_photo(&self, token: &str) -> i64 {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(PNG)
            .unwrap_or_default();
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name("photo.png")
            .mime_str("image/png")
            .unwrap_or_else(|e| panic!("{e}"));
        let response = self
            .client
            .post(self.url("/api/v1/attachments"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload failed: {e}"));
        read(response).await.expect(201).id()
    }

    /// Raises a case at the demo's station 1.
    pub async fn raise(&self, resident: &str) -> i64 {
        self.raise_at(resident, 1).await
    }

    /// The kinds in the caller's inbox, oldest first.
    pub async fn inbox(&self, token: &str) -> Vec<String> {
        let page = self
            .get("/api/v1/notifications?limit=100", Some(token))
            .await
            .expect(200)
            .body;
        let mut kinds: Vec<String> = page["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|n| n["kind"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        kinds.reverse();
        kinds
    }

    /// Runs the outbox dispatcher until no message is due; answers how many it claimed.
    pub async fn dispatch(&self) -> usize {
        let dispatcher = Dispatcher::new(&self.settings.outbox);
        let mut claimed = 0;
        loop {
            let dispatched = dispatcher.dispatch_once(&self.state).await;
            match dispatched.unwrap_or_else(|e| panic!("the dispatcher failed: {e}")) {
                0 => return claimed,
                n => claimed += n,
            }
        }
    }

    /// The caller's `/me`.
    pub async fn me(&self, token: &str) -> Value {
        self.get("/api/v1/me", Some(token)).await.expect(200).body
    }
}

fn token_of(reply: &Reply) -> String {
    reply.body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no access token in {}", reply.body))
        .to_owned()
}

pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        bytes,
    }
}

/// The demo's station admin and deputy, logged in, the deputy on duty at station 1.
pub struct OnDuty {
    pub admin: String,
    pub deputy: String,
    pub deputy_id: i64,
}

/// Phones of the demo's staff accounts.
#[derive(Debug, Clone)]
pub struct Demo {
    pub county_admin: String,
    pub station_admin: String,
    pub other_station_admin: String,
    pub deputy: String,
    pub handler: String,
    /// Runs 出山镇, where the demo's second station lies.
    pub township_admin: String,
}
