//! Login: trades the code from `wx.login` for the user's openid (jscode2session).

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;

use super::{parse, Status, WechatClient, WechatError};

const API: &str = "jscode2session";

/// Pause before the single retry when WeChat answers -1 (busy).
const BUSY_PAUSE: Duration = Duration::from_millis(200);

/// Who logged in. The `session_key` WeChat also sends is dropped on purpose: no feature
/// needs it, and a key that is never stored cannot leak.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct Session {
    pub openid: String,
    pub unionid: Option<String>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("openid", &masked(&self.openid))
            .field("unionid", &self.unionid.as_deref().map(masked))
            .finish()
    }
}

/// Keeps enough of an id to tell users apart in a log without disclosing it.
fn masked(id: &str) -> String {
    let head: String = id.chars().take(4).collect();
    format!("{head}…")
}

impl WechatClient {
    /// Trades a `wx.login` code for the user's openid and unionid.
    ///
    /// Retries once on -1 only: after a timeout WeChat may have spent the single-use code
    /// already, so a retry would just answer "code already used".
    pub async fn code_to_session(&self, js_code: &str) -> Result<Session, WechatError> {
        if let Some(session) = self.jscode2session(js_code).await? {
            return Ok(session);
        }
        tokio::time::sleep(BUSY_PAUSE).await;
        if let Some(session) = self.jscode2session(js_code).await? {
            return Ok(session);
        }
        let err = WechatError::Busy;
        err.log(API);
        Err(err)
    }

    /// One jscode2session call; `None` when WeChat answers -1 (busy).
    async fn jscode2session(&self, js_code: &str) -> Result<Option<Session>, WechatError> {
        let request = self.http.get(self.url("/sns/jscode2session")).query(&[
            ("appid", self.config.appid.as_str()),
            ("secret", self.config.secret.expose_secret()),
            ("js_code", js_code),
            ("grant_type", "authorization_code"),
        ]);
        self.exchange(API, request, |answer| {
            let status: Status = parse(&answer.body)?;
            if status.errcode == -1 {
                return Ok(None);
            }
            answer.json().map(Some)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::test_client;
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);

    async fn answering(body: serde_json::Value, calls: u64) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(calls)
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn trades_the_code_for_the_openid() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .and(query_param("appid", "wxappid"))
            .and(query_param("secret", "s3cret-value"))
            .and(query_param("js_code", "the-code"))
            .and(query_param("grant_type", "authorization_code"))
            // jscode2session really answers text/plain.
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"openid":"oABC123","session_key":"sk","unionid":"uXYZ"}"#,
                "text/plain",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let session = client.code_to_session("the-code").await.unwrap();
        assert_eq!(session.openid, "oABC123");
        assert_eq!(session.unionid.as_deref(), Some("uXYZ"));
    }

    #[tokio::test]
    async fn unionid_is_optional() {
        let server = answering(json!({"openid": "oABC123", "session_key": "sk"}), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let session = client.code_to_session("c").await.unwrap();
        assert_eq!(session.unionid, None);
    }

    #[tokio::test]
    async fn invalid_code() {
        let server = answering(json!({"errcode": 40029, "errmsg": "invalid code"}), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(
            matches!(result, Err(WechatError::InvalidCode)),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn used_code() {
        let server = answering(json!({"errcode": 40163, "errmsg": "code been used"}), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(
            matches!(result, Err(WechatError::InvalidCode)),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn rate_limited() {
        let server = answering(json!({"errcode": 45011, "errmsg": "api minute-quota"}), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(
            matches!(result, Err(WechatError::RateLimited)),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn blocked_user() {
        let server = answering(json!({"errcode": 40226, "errmsg": "high risk"}), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(matches!(result, Err(WechatError::Blocked)), "{result:?}");
    }

    #[tokio::test]
    async fn busy_once_then_success() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": -1, "errmsg": "system error"})),
            )
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"openid": "o1", "session_key": "s"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let session = client.code_to_session("c").await.unwrap();
        assert_eq!(session.openid, "o1");
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn busy_twice_is_busy() {
        let server = answering(json!({"errcode": -1, "errmsg": "system error"}), 2).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(matches!(result, Err(WechatError::Busy)), "{result:?}");
    }

    #[tokio::test]
    #[tracing_test::traced_test]
    async fn wrong_secret_is_misconfigured_and_not_retried() {
        let server = answering(json!({"errcode": 40013, "errmsg": "invalid appid"}), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(
            matches!(
                result,
                Err(WechatError::Misconfigured { errcode: 40013, .. })
            ),
            "{result:?}"
        );
        // Operators learn of it from the error log, with the code WeChat gave.
        assert!(logs_contain("ERROR"));
        assert!(logs_contain("WeChat settings are wrong"));
        assert!(logs_contain("errcode=40013"));
        assert!(!logs_contain("s3cret-value"));
    }

    #[tokio::test]
    async fn server_errors_are_busy() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(502))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.code_to_session("c").await;
        assert!(matches!(result, Err(WechatError::Busy)), "{result:?}");
    }

    #[tokio::test]
    async fn timeout_is_busy_and_not_retried() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"openid": "o1"}))
                    .set_delay(Duration::from_secs(2)),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), Duration::from_millis(200));
        let result = client.code_to_session("c").await;
        assert!(matches!(result, Err(WechatError::Busy)), "{result:?}");
    }

    #[tokio::test]
    async fn transport_errors_do_not_reveal_the_secret() {
        // Nothing listens on the discard port, so the connection is refused.
        let client = test_client("http://127.0.0.1:9", TIMEOUT);
        let err = client.code_to_session("the-code").await.unwrap_err();
        assert!(matches!(&err, WechatError::Transport(_)), "{err:?}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("s3cret-value"), "{text}");
            assert!(!text.contains("the-code"), "{text}");
        }
    }

    #[test]
    fn debug_masks_ids() {
        let session = Session {
            openid: "oABCDEFGHIJ".to_owned(),
            unionid: Some("uKLMNOPQRS".to_owned()),
        };
        let text = format!("{session:?}");
        assert!(
            !text.contains("oABCDEFGHIJ") && !text.contains("uKLMNOPQRS"),
            "{text}"
        );
        assert!(text.contains("oABC"), "{text}");
    }
}
