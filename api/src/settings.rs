//! Configuration: built-in defaults, then an optional TOML file, then `LIAISON_*` variables
//! (`__` separates nesting: `LIAISON_HTTP__ADDR` is `http.addr`).

use liaison_domain::case::light::YellowAt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Signing key of the dev profile. Anyone can read it here, so production refuses it.
const DEV_JWT_SECRET: &str = "liaison-dev-only-jwt-secret-do-not-use-in-production";
const DEV_SCENE_SECRET: &str = "liaison-dev-only-scene-secret-do-not-use-in-production";
/// base64 of "liaison-dev-only-contact-key-001": 32 bytes, public, refused in production.
const DEV_CONTACT_PHONE_KEY: &str = "bGlhaXNvbi1kZXYtb25seS1jb250YWN0LWtleS0wMDE=";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Dev,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub profile: Profile,
    pub http: HttpSettings,
    pub public_base_url: String,
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub live: LiveSettings,
    pub auth: AuthSettings,
    pub stations: StationSettings,
    pub wechat: WechatSettings,
    pub cases: CaseSettings,
    pub deadlines: DeadlineSettings,
    pub moderation: ModerationSettings,
    pub outbox: OutboxSettings,
    pub webhooks: WebhookSettings,
    pub log: LogSettings,
    pub ops: OpsSettings,
    pub console: ConsoleSettings,
}

/// The staff's web console at `/console`: how long its cookie session lasts, and the font its
/// station posters are drawn in.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ConsoleSettings {
    /// Minutes without a request after which the session ends.
    pub idle_minutes: i64,
    /// Hours after login after which the session ends, however busy.
    pub absolute_hours: i64,
    /// A font with Chinese glyphs (TrueType, OpenType or a collection of them) for the poster
    /// PNG. Not shipped: without the file only the PNG is refused, the print page still works.
    pub poster_font: PathBuf,
    /// Which face of a collection: 2 is Simplified Chinese in Noto Sans CJK's.
    pub poster_font_index: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 12,
            // Debian's fonts-noto-cjk.
            poster_font: PathBuf::from("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
            poster_font_index: 2,
        }
    }
}

/// Where operators' endpoints are served. By default on the API's own address, which suits one
/// machine; in production `/metrics` (and the docs, if they should not be public) move to an
/// address only the monitoring network reaches.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OpsSettings {
    /// Set: `/metrics`, `/healthz` and `/readyz` are served here too, and `/metrics` no longer
    /// on the API's address.
    pub addr: Option<String>,
    /// Whether `/docs` and `/openapi.json` are served on the API's address. When not, they are
    /// served on `addr` if set, else nowhere.
    pub public_docs: bool,
}

impl Default for OpsSettings {
    fn default() -> Self {
        Self {
            addr: None,
            public_docs: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CaseSettings {
    /// Unsatisfied rounds after which a case goes to the county admins.
    pub reopen_limit: u32,
    /// Days a resolved case waits for its rating before it closes unrated.
    pub close_unrated_after_days: i64,
    /// 32 bytes, base64: seals residents' contact phones at rest (AES-256-GCM).
    pub contact_phone_key: SecretString,
    /// Cases one resident may raise in an hour, and in a day; beyond them, 429.
    pub per_resident_per_hour: u64,
    pub per_resident_per_day: u64,
    /// The largest photo accepted, in pixels (width × height), read from its header.
    pub photo_max_pixels: u64,
    /// How far into a deadline's time (1–99 %) an open case's traffic light turns yellow.
    pub yellow_at_percent: i64,
}

impl CaseSettings {
    pub fn yellow_at(&self) -> Result<YellowAt, SettingsError> {
        YellowAt::parse(self.yellow_at_percent).map_err(|_| {
            SettingsError::Invalid("LIAISON_CASES__YELLOW_AT_PERCENT must be 1 to 99".to_owned())
        })
    }
}

impl Default for CaseSettings {
    fn default() -> Self {
        Self {
            reopen_limit: 2,
            close_unrated_after_days: 7,
            contact_phone_key: SecretString::from(DEV_CONTACT_PHONE_KEY),
            per_resident_per_hour: 20,
            per_resident_per_day: 50,
            photo_max_pixels: 40_000_000,
            yellow_at_percent: 80,
        }
    }
}

/// The deadline watcher: how often it looks for cases past their deadlines, and how long a
/// missed deadline waits for the station before it goes to the county admins.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DeadlineSettings {
    /// Seconds between two sweeps; a deadline is noticed at most this late.
    pub check_every_seconds: u32,
    /// Hours a missed deadline stays missed before the county admins are told.
    pub escalate_after_hours: u32,
}

impl Default for DeadlineSettings {
    fn default() -> Self {
        Self {
            check_every_seconds: 60,
            escalate_after_hours: 24,
        }
    }
}

/// The local word list: used alone without WeChat, and as the fallback when WeChat's
/// `msg_sec_check` is unavailable.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ModerationSettings {
    /// Text containing one of these is refused (422 `case.content_rejected`).
    pub risky_words: Vec<String>,
    /// Text containing one of these is stored, flagged for a station admin to look at.
    pub review_words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    pub addr: String,
    /// Largest JSON body accepted; larger ones answer 413.
    pub json_limit_bytes: usize,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// The load balancers and proxies in front (CIDRs such as `10.0.0.0/8`): only through them
    /// is `X-Forwarded-For` believed for the client's address. Empty: the TCP peer is the
    /// client.
    pub trusted_proxies: Vec<String>,
}

impl HttpSettings {
    /// The trusted proxies parsed, or the first entry that is not a CIDR or an address.
    pub fn trusted_proxy_nets(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .iter()
            .map(|entry| {
                entry
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        format!(
                            "LIAISON_HTTP__TRUSTED_PROXIES: {entry:?} is not a CIDR or an address"
                        )
                    })
            })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `sqlite://...` or `postgres://...`; unset means `{data_dir}/liaison.db`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RedisSettings {
    /// Unset: shared state lives in this process, which is right for a single node.
    pub url: Option<SecretString>,
    /// Prepended to every key, so several deployments (or tests) can share one Redis.
    pub key_prefix: String,
}

/// Live updates for consoles (`GET /api/v1/stream`), carried by Redis pub/sub across nodes.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LiveSettings {
    /// Seconds between heartbeats, which keep proxies from closing a quiet stream and tell
    /// clients that the stream is alive.
    pub heartbeat_seconds: u64,
    /// Changes a node holds for its slowest listener; one further behind is dropped, so this
    /// bounds the memory of live updates.
    pub buffer: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    pub jwt_secret: SecretString,
    /// Keys that signed tokens still in circulation; they verify but never sign.
    pub previous_jwt_secrets: Vec<SecretString>,
    pub dev_login: bool,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    /// Password attempts per phone from one client address, and from one address in all, in
    /// a window: beyond them, 429. Counting per (phone, address) means a stranger's wrong
    /// guesses cannot lock the owner out.
    pub login_attempts_per_phone_ip: u64,
    pub login_attempts_per_ip: u64,
    pub login_window_seconds: u64,
    /// Failed attempts on one phone from anywhere in a window after which every further
    /// attempt on it is answered only after `login_delay_ms`: a slow ceiling on guessing from
    /// many addresses, which delays instead of locking.
    pub login_failures_per_phone: u64,
    pub login_delay_ms: u64,
    /// Dev logins and refreshes per client address in a window.
    pub token_requests_per_ip: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct StationSettings {
    /// Signs the scenes printed in station codes. Changing it voids every printed code.
    pub scene_secret: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WechatSettings {
    pub appid: Option<String>,
    pub secret: Option<SecretString>,
    pub api_base: String,
    pub timeout_ms: u64,
    /// The mini-program page a station code opens.
    pub code_page: String,
    /// `release`, `trial` or `develop`: which build of the mini-program a code opens.
    pub code_env_version: String,
    /// `formal`, `trial` or `developer`: which build a subscribe message opens.
    pub miniprogram_state: String,
    /// Subscribe-message templates by what they tell (`progress`, `resolved`); a template left
    /// out is not sent.
    pub templates: BTreeMap<String, TemplateSettings>,
}

/// One subscribe-message template as registered in the mini-program's WeChat console.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateSettings {
    /// The template id WeChat assigned.
    pub id: String,
    /// The page the message opens; `{case_id}` is replaced by the case's id.
    #[serde(default)]
    pub page: Option<String>,
    /// Each template key (`thing2`) and what fills it: `number`, `title`, `status`,
    /// `headline`, `time` or `station`.
    pub fields: BTreeMap<String, String>,
}

/// The outbox dispatcher: how it claims, retries and gives up.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OutboxSettings {
    /// Messages one claim takes.
    pub batch: u64,
    /// Messages in flight at once per node.
    pub concurrency: usize,
    /// How long a claim holds before another node may take the message back.
    pub lease_seconds: u64,
    /// How often an idle dispatcher looks for due messages (commits on this node wake it
    /// sooner).
    pub poll_ms: u64,
    /// The least time between two claims when commits wake the dispatcher: a burst of submits
    /// then costs one claim per interval, not one per submit.
    pub gather_ms: u64,
    /// Attempts in all before a message goes to the dead letters.
    pub max_attempts: u32,
    /// The wait after the first failure; it doubles with each attempt, up to the maximum.
    pub base_backoff_ms: u64,
    pub max_backoff_ms: u64,
    /// On shutdown, how long deliveries in flight may take to finish.
    pub drain_seconds: u64,
}

/// Signed POSTs of case events to a county's other systems.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WebhookSettings {
    /// Lets webhooks aim at private, loopback, link-local and other internal addresses. Off by
    /// default, since a webhook could otherwise reach the servers beside this one (SSRF); turn
    /// it on for receivers on a closed network.
    pub allow_private_targets: bool,
    /// Bounds one delivery attempt as a whole: resolving, connecting and the answer.
    pub timeout_ms: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            timeout_ms: 5000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// JSON in production, readable lines in dev.
    Auto,
    Json,
    Pretty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `liaison_api=debug,info`.
    pub filter: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            profile: Profile::Dev,
            http: HttpSettings::default(),
            public_base_url: "http://127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            database: DatabaseSettings::default(),
            redis: RedisSettings::default(),
            live: LiveSettings::default(),
            auth: AuthSettings::default(),
            stations: StationSettings::default(),
            wechat: WechatSettings::default(),
            cases: CaseSettings::default(),
            deadlines: DeadlineSettings::default(),
            moderation: ModerationSettings::default(),
            outbox: OutboxSettings::default(),
            webhooks: WebhookSettings::default(),
            log: LogSettings::default(),
            ops: OpsSettings::default(),
            console: ConsoleSettings::default(),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".to_owned(),
            json_limit_bytes: 64 * 1024,
            workers: 0,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 10,
        }
    }
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            key_prefix: "liaison:".to_owned(),
        }
    }
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            heartbeat_seconds: 15,
            buffer: 1024,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: SecretString::from(DEV_JWT_SECRET),
            previous_jwt_secrets: Vec::new(),
            dev_login: false,
            access_token_minutes: 15,
            refresh_token_days: 30,
            login_attempts_per_phone_ip: 10,
            login_attempts_per_ip: 60,
            login_window_seconds: 900,
            login_failures_per_phone: 50,
            login_delay_ms: 2000,
            token_requests_per_ip: 300,
        }
    }
}

impl Default for StationSettings {
    fn default() -> Self {
        Self {
            scene_secret: SecretString::from(DEV_SCENE_SECRET),
        }
    }
}

impl Default for WechatSettings {
    fn default() -> Self {
        Self {
            appid: None,
            secret: None,
            api_base: "https://api.weixin.qq.com".to_owned(),
            timeout_ms: 5000,
            code_page: "pages/scan/index".to_owned(),
            code_env_version: "release".to_owned(),
            miniprogram_state: "formal".to_owned(),
            templates: BTreeMap::new(),
        }
    }
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            batch: 100,
            concurrency: 16,
            lease_seconds: 60,
            poll_ms: 1000,
            gather_ms: 200,
            max_attempts: 12,
            base_backoff_ms: 5000,
            max_backoff_ms: 3_600_000,
            drain_seconds: 10,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Auto,
            filter: "info".to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration is invalid: {0}")]
    Invalid(String),
    #[error("production refuses to start: {0}")]
    Unsafe(String),
}

impl Settings {
    /// Reads defaults, then `file` (or `./liaison.toml` when present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let mut figment = Figment::new();
        match file {
            Some(path) => {
                if !path.exists() {
                    return Err(SettingsError::Invalid(format!(
                        "config file {} does not exist",
                        path.display()
                    )));
                }
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("liaison.toml")),
        }
        figment
            .merge(Env::prefixed("LIAISON_").split("__"))
            .extract::<Settings>()
            .map_err(|e| SettingsError::Invalid(e.to_string()))
    }

    /// Refuses settings that are only safe on a developer's machine, naming every one of them
    /// at once so an operator fixes them in one round; `Ok` in dev.
    pub fn check(&self) -> Result<(), SettingsError> {
        self.http
            .trusted_proxy_nets()
            .map_err(SettingsError::Invalid)?;
        self.cases.yellow_at()?;
        if self.console.idle_minutes < 1 || self.console.absolute_hours < 1 {
            return Err(SettingsError::Invalid(
                "LIAISON_CONSOLE__IDLE_MINUTES and LIAISON_CONSOLE__ABSOLUTE_HOURS must be at least 1"
                    .to_owned(),
            ));
        }
        if self.profile != Profile::Production {
            return Ok(());
        }
        let problems = self.unsafe_in_production();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError::Unsafe(problems.join("; ")))
        }
    }

    fn unsafe_in_production(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let jwt = self.auth.jwt_secret.expose_secret();
        if jwt == DEV_JWT_SECRET {
            problems.push("set LIAISON_AUTH__JWT_SECRET: the built-in JWT secret is public".into());
        } else if jwt.len() < 32 {
            problems.push("LIAISON_AUTH__JWT_SECRET must be at least 32 characters".into());
        }
        if self.auth.dev_login {
            problems.push(
                "LIAISON_AUTH__DEV_LOGIN must be false: dev login lets anyone act as any resident"
                    .into(),
            );
        }
        if self.stations.scene_secret.expose_secret() == DEV_SCENE_SECRET {
            problems.push("set LIAISON_STATIONS__SCENE_SECRET: the built-in scene secret lets anyone forge station codes".into());
        }
        if self.cases.contact_phone_key.expose_secret() == DEV_CONTACT_PHONE_KEY {
            problems.push("set LIAISON_CASES__CONTACT_PHONE_KEY (32 bytes, base64): the built-in key would expose residents' phones".into());
        }
        problems
    }

    /// The database URL, defaulting to a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("liaison.db").display()
            ),
        }
    }

    pub fn json_logs(&self) -> bool {
        match self.log.format {
            LogFormat::Json => true,
            LogFormat::Pretty => false,
            LogFormat::Auto => self.profile == Profile::Production,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Settings {
        let mut settings = Settings {
            profile: Profile::Production,
            ..Settings::default()
        };
        settings.auth.jwt_secret = SecretString::from("x".repeat(40));
        settings.stations.scene_secret = SecretString::from("y".repeat(40));
        settings.cases.contact_phone_key =
            SecretString::from("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        settings
    }

    #[test]
    fn dev_defaults_pass_and_need_nothing() {
        assert!(Settings::default().check().is_ok());
        assert!(Settings::default().database_url().starts_with("sqlite://"));
    }

    #[test]
    fn production_refuses_the_built_in_secrets_and_dev_login() {
        assert!(production().check().is_ok());

        let mut s = production();
        s.auth.jwt_secret = SecretString::from(DEV_JWT_SECRET);
        assert!(s.check().unwrap_err().to_string().contains("JWT_SECRET"));

        let mut s = production();
        s.auth.dev_login = true;
        assert!(s.check().unwrap_err().to_string().contains("DEV_LOGIN"));

        let mut s = production();
        s.stations.scene_secret = SecretString::from(DEV_SCENE_SECRET);
        assert!(s.check().unwrap_err().to_string().contains("SCENE_SECRET"));

        let mut s = production();
        s.auth.jwt_secret = SecretString::from("short");
        assert!(s.check().is_err());

        let mut s = production();
        s.cases.contact_phone_key = SecretString::from(DEV_CONTACT_PHONE_KEY);
        assert!(s
            .check()
            .unwrap_err()
            .to_string()
            .contains("CONTACT_PHONE_KEY"));
    }

    #[test]
    fn production_names_every_unsafe_setting_at_once() {
        let mut s = production();
        s.auth.jwt_secret = SecretString::from(DEV_JWT_SECRET);
        s.auth.dev_login = true;
        s.cases.contact_phone_key = SecretString::from(DEV_CONTACT_PHONE_KEY);
        let message = s.check().unwrap_err().to_string();
        for name in ["JWT_SECRET", "DEV_LOGIN", "CONTACT_PHONE_KEY"] {
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn trusted_proxies_are_cidrs_or_addresses() {
        let mut s = Settings::default();
        s.http.trusted_proxies = vec!["10.0.0.0/8".into(), "192.168.1.7".into(), "::1".into()];
        assert_eq!(s.http.trusted_proxy_nets().unwrap().len(), 3);
        assert!(s.check().is_ok());
        s.http.trusted_proxies.push("the balancer".into());
        assert!(s.check().unwrap_err().to_string().contains("the balancer"));
    }

    #[test]
    fn the_yellow_light_s_share_is_checked_at_start() {
        let mut s = Settings::default();
        assert_eq!(s.cases.yellow_at().unwrap(), YellowAt::DEFAULT);
        for wrong in [0, 100] {
            s.cases.yellow_at_percent = wrong;
            let refused = s.check().unwrap_err().to_string();
            assert!(
                refused.contains("LIAISON_CASES__YELLOW_AT_PERCENT"),
                "{refused}"
            );
        }
        s.cases.yellow_at_percent = 60;
        assert!(s.check().is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let mut settings = production();
        settings.database.url = Some(SecretString::from("postgres://u:hunter2@db/x"));
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains(&"x".repeat(40)));
    }

    // figment's Jail fixes the closure's error type; its size is not ours to choose.
    #[allow(clippy::result_large_err)]
    #[test]
    fn environment_overrides_nested_keys() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "liaison.toml",
                "public_base_url = \"https://file\"\n[http]\naddr = \"0.0.0.0:1\"",
            )?;
            jail.set_env("LIAISON_HTTP__ADDR", "0.0.0.0:9000");
            jail.set_env("LIAISON_AUTH__DEV_LOGIN", "true");
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(settings.http.addr, "0.0.0.0:9000");
            assert_eq!(settings.public_base_url, "https://file");
            assert!(settings.auth.dev_login);
            Ok(())
        });
    }
}
