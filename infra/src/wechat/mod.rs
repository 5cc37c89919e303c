//! Client for the WeChat server APIs the mini-program backend needs: login, access token,
//! station codes, URL links, content checks, subscribe messages.
//!
//! Every call goes through [`WechatClient::exchange`], which strips URLs from transport errors
//! (query strings carry the secret or the access token) and logs each failure once.

mod content;
mod error;
mod login;
mod subscribe;
mod token;
mod urllink;
mod wxacode;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::shared::SharedState;

pub use content::{ContentCheck, Suggest};
pub use error::WechatError;
pub use login::Session;
pub use subscribe::SubscribeMessage;
pub use urllink::LinkTarget;

#[derive(Debug)]
pub struct WechatConfig {
    pub appid: String,
    pub secret: SecretString,
    /// `https://api.weixin.qq.com` in production; tests point it at a mock server.
    pub api_base: String,
    /// Bounds each HTTP exchange as a whole, body included.
    pub timeout: Duration,
}

#[derive(Clone)]
pub struct WechatClient {
    http: reqwest::Client,
    config: Arc<WechatConfig>,
    shared: SharedState,
}

impl fmt::Debug for WechatClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WechatClient")
            .field("appid", &self.config.appid)
            .field("api_base", &self.config.api_base)
            .finish_non_exhaustive()
    }
}

/// The `{errcode, errmsg}` part every JSON answer may carry; a missing `errcode` means 0.
#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// A WeChat answer with a success status, read in full.
struct Answer {
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    /// Reads a JSON answer, turning a non-zero `errcode` into its error. jscode2session
    /// answers `text/plain`, so the content type is not checked.
    fn json<T: DeserializeOwned>(&self) -> Result<T, WechatError> {
        let status: Status = parse(&self.body)?;
        if status.errcode != 0 {
            return Err(WechatError::from_code(status.errcode, status.errmsg));
        }
        parse(&self.body)
    }

    fn is_image(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|kind| kind.trim_start().to_ascii_lowercase().starts_with("image/"))
    }
}

/// Reports only where parsing failed: serde's own message may quote values from the body.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, WechatError> {
    serde_json::from_slice(body).map_err(|err| {
        WechatError::Transport(format!(
            "unreadable answer ({:?} error at line {} column {})",
            err.classify(),
            err.line(),
            err.column()
        ))
    })
}

impl WechatClient {
    pub fn new(config: WechatConfig, shared: SharedState) -> Result<Self, WechatError> {
        let base = url::Url::parse(&config.api_base).map_err(|err| WechatError::Misconfigured {
            errcode: 0,
            errmsg: format!("wechat api_base is not a URL: {err}"),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(WechatError::Misconfigured {
                errcode: 0,
                errmsg: "wechat api_base must be an http(s) URL".to_owned(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(WechatError::from_transport)?;
        Ok(Self {
            http,
            config: Arc::new(config),
            shared,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// Sends one request and reads the answer with `read`, logging any failure under `api`.
    async fn exchange<T>(
        &self,
        api: &'static str,
        request: reqwest::RequestBuilder,
        read: impl FnOnce(Answer) -> Result<T, WechatError>,
    ) -> Result<T, WechatError> {
        let result = match send(request).await {
            Ok(answer) => read(answer),
            Err(err) => Err(err),
        };
        if let Err(err) = &result {
            err.log(api);
        }
        result
    }

    /// Posts `body` as JSON to `path` with the shared access token, and reads the answer with
    /// `read`: the shape of every WeChat server API this client calls.
    async fn post_with_token<T>(
        &self,
        api: &'static str,
        path: &str,
        body: &(impl serde::Serialize + ?Sized),
        read: impl Fn(Answer) -> Result<T, WechatError>,
    ) -> Result<T, WechatError> {
        let url = self.url(path);
        let read = &read;
        self.with_access_token(|token| {
            let request = self
                .http
                .post(&url)
                .query(&[("access_token", token.as_str())])
                .json(body);
            self.exchange(api, request, read)
        })
        .await
    }

    /// Runs `call` with the shared access token. When WeChat refuses that token, drops it
    /// from the cache (unless another node already replaced it) and retries once with a
    /// fresh one.
    async fn with_access_token<T, F, Fut>(&self, call: F) -> Result<T, WechatError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, WechatError>>,
    {
        let token = self.access_token().await?;
        match call(token.clone()).await {
            Err(err) if err.is_token_rejected() => {
                self.shared
                    .delete_if_equals(&self.token_key(), &token)
                    .await?;
                let fresh = self.access_token().await?;
                call(fresh).await
            }
            other => other,
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Answer, WechatError> {
    let response = request.send().await.map_err(WechatError::from_transport)?;
    let status = response.status();
    if status.is_server_error() {
        return Err(WechatError::Busy);
    }
    if !status.is_success() {
        return Err(WechatError::Transport(format!(
            "unexpected HTTP status {status}"
        )));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response
        .bytes()
        .await
        .map_err(WechatError::from_transport)?
        .to_vec();
    Ok(Answer { content_type, body })
}

#[cfg(test)]
fn test_client(api_base: &str, timeout: Duration) -> WechatClient {
    let config = WechatConfig {
        appid: "wxappid".to_owned(),
        secret: SecretString::from("s3cret-value"),
        api_base: api_base.to_owned(),
        timeout,
    };
    WechatClient::new(config, SharedState::memory()).unwrap()
}

/// Answers `times` stable_token requests with `token`, and fails the test on any other count.
#[cfg(test)]
async fn mount_token(server: &wiremock::MockServer, token: &str, times: u64) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": token, "expires_in": 7200})),
        )
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secret() {
        let client = test_client("http://127.0.0.1:9", Duration::from_secs(1));
        assert!(!format!("{client:?}").contains("s3cret-value"));
        assert!(!format!("{:?}", client.config).contains("s3cret-value"));
    }

    #[test]
    fn rejects_an_api_base_that_is_not_a_url() {
        let config = WechatConfig {
            appid: "wxappid".to_owned(),
            secret: SecretString::from("s3cret-value"),
            api_base: "api.weixin.qq.com".to_owned(),
            timeout: Duration::from_secs(1),
        };
        let result = WechatClient::new(config, SharedState::memory());
        assert!(matches!(
            result,
            Err(WechatError::Misconfigured { errcode: 0, .. })
        ));
    }

    #[test]
    fn missing_errcode_means_success() {
        let answer = Answer {
            content_type: Some("text/plain".to_owned()),
            body: br#"{"openid":"o"}"#.to_vec(),
        };
        let status: Status = answer.json().unwrap();
        assert_eq!(status.errcode, 0);
    }

    #[test]
    fn parse_errors_do_not_quote_the_body() {
        let answer = Answer {
            content_type: None,
            body: br#"{"errcode":"leaky-value"}"#.to_vec(),
        };
        match answer.json::<Status>() {
            Err(err @ WechatError::Transport(_)) => {
                assert!(!err.to_string().contains("leaky-value"), "{err}");
            }
            other => panic!("expected a transport error, got {:?}", other.err()),
        }
    }
}
