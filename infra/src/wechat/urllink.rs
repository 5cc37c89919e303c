//! URL links (generate_urllink): a web address that opens a page of the mini-program, for
//! the public station page that a phone's browser shows.
//!
//! WeChat caps the links an appid may make, so a link is cached in the shared state (Redis
//! when configured: every node hands out the same one) and made anew only shortly before it
//! lapses. A failure is remembered for a minute, so that while WeChat is down or refusing, a
//! busy station page does not wait on WeChat at every view.

use std::time::Duration;

use serde::Deserialize;

use super::{WechatClient, WechatError};

const API: &str = "generate_urllink";

/// The longest a URL link may live, in days (WeChat's limit).
const LINK_DAYS: u32 = 30;
/// How long a link is handed out from the cache: a day less than it lives, so that nobody is
/// given a link that lapses before they tap it.
const CACHE_FOR: Duration = Duration::from_secs((LINK_DAYS as u64 - 1) * 24 * 3600);
/// How long a failure is answered again without asking WeChat.
const FAILURE_FOR: Duration = Duration::from_secs(60);

/// Where a URL link leads: a page of one build of the mini-program, with its query.
#[derive(Debug, Clone, Copy)]
pub struct LinkTarget<'a> {
    /// A page of the mini-program, without a leading `/` (`pages/scan/index`).
    pub path: &'a str,
    /// What the page's `onLoad` receives, at most 1024 characters (`scene=1.abc`).
    pub query: &'a str,
    /// `release`, `trial` or `develop`.
    pub env_version: &'a str,
}

#[derive(Deserialize)]
struct Generated {
    url_link: String,
}

impl WechatClient {
    /// A URL link opening `target`, from the cache while it lasts, else made by WeChat.
    pub async fn url_link(&self, target: &LinkTarget<'_>) -> Result<String, WechatError> {
        let key = self.link_key(target);
        let failed_key = format!("{key}:failed");
        if let Some(link) = self.shared.get(&key).await? {
            return Ok(link);
        }
        if self.shared.get(&failed_key).await?.is_some() {
            // The failure was logged when it happened; WeChat is given a rest.
            return Err(WechatError::Busy);
        }
        match self.generate_url_link(target).await {
            Ok(link) => {
                self.shared.set_with_ttl(&key, &link, CACHE_FOR).await?;
                Ok(link)
            }
            Err(err) => {
                self.shared
                    .set_with_ttl(&failed_key, "1", FAILURE_FOR)
                    .await?;
                Err(err)
            }
        }
    }

    /// One key per appid and target: a link made for another page, query or build is another
    /// link.
    fn link_key(&self, target: &LinkTarget<'_>) -> String {
        format!(
            "wechat:url_link:{}:{}:{}?{}",
            self.config.appid, target.env_version, target.path, target.query
        )
    }

    async fn generate_url_link(&self, target: &LinkTarget<'_>) -> Result<String, WechatError> {
        let body = serde_json::json!({
            "path": target.path,
            "query": target.query,
            "env_version": target.env_version,
            // A number of days, rather than an instant: no clock of ours is involved.
            "expire_type": 1,
            "expire_interval": LINK_DAYS,
        });
        self.post_with_token(API, "/wxa/generate_urllink", &body, |answer| {
            answer
                .json::<Generated>()
                .map(|generated| generated.url_link)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wiremock::matchers::{body_json, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::{mount_token, test_client};
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);
    const LINK: &str = "https://wxaurl.cn/ABCdef123";

    fn target(query: &str) -> LinkTarget<'_> {
        LinkTarget {
            path: "pages/scan/index",
            query,
            env_version: "release",
        }
    }

    fn link_request(token: &str) -> wiremock::MockBuilder {
        Mock::given(method("POST"))
            .and(path("/wxa/generate_urllink"))
            .and(query_param("access_token", token))
    }

    fn made(link: &str) -> ResponseTemplate {
        ResponseTemplate::new(200)
            .set_body_json(json!({"errcode": 0, "errmsg": "ok", "url_link": link}))
    }

    #[tokio::test]
    async fn asks_for_the_page_and_query_for_thirty_days() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        link_request("T1")
            .and(body_json(json!({
                "path": "pages/scan/index",
                "query": "scene=1.XyZ",
                "env_version": "release",
                "expire_type": 1,
                "expire_interval": 30,
            })))
            .respond_with(made(LINK))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let link = client.url_link(&target("scene=1.XyZ")).await.unwrap();
        assert_eq!(link, LINK);
    }

    #[tokio::test]
    async fn a_link_is_made_once_and_then_served_from_the_cache() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        link_request("T1")
            .respond_with(made(LINK))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        for _ in 0..3 {
            assert_eq!(client.url_link(&target("scene=1.a")).await.unwrap(), LINK);
        }
        // A client on the same shared state (as nodes share Redis) makes none either.
        let other_node = client.clone();
        assert_eq!(
            other_node.url_link(&target("scene=1.a")).await.unwrap(),
            LINK
        );
    }

    #[tokio::test]
    async fn another_station_gets_its_own_link() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        link_request("T1")
            .and(body_json(json!({
                "path": "pages/scan/index",
                "query": "scene=2.b",
                "env_version": "release",
                "expire_type": 1,
                "expire_interval": 30,
            })))
            .respond_with(made("https://wxaurl.cn/second"))
            .expect(1)
            .mount(&server)
            .await;
        link_request("T1")
            .respond_with(made(LINK))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        assert_eq!(client.url_link(&target("scene=1.a")).await.unwrap(), LINK);
        assert_eq!(
            client.url_link(&target("scene=2.b")).await.unwrap(),
            "https://wxaurl.cn/second"
        );
    }

    #[tokio::test]
    #[tracing_test::traced_test]
    async fn an_invalid_path_keeps_its_code_and_is_not_asked_again_at_once() {
        let server = MockServer::start().await;
        mount_token(&server, "TOKEN-7f3a", 1).await;
        link_request("TOKEN-7f3a")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 40165, "errmsg": "invalid weapp pagepath"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.url_link(&target("scene=1.a")).await;
        assert!(
            matches!(result, Err(WechatError::Api { errcode: 40165, .. })),
            "{result:?}"
        );
        assert!(logs_contain("WeChat refused the call"));
        assert!(
            !logs_contain("TOKEN-7f3a"),
            "the access token is not logged"
        );
        // Within the minute, the failure is answered without a call (the mock expects one).
        let again = client.url_link(&target("scene=1.a")).await;
        assert!(matches!(again, Err(WechatError::Busy)), "{again:?}");
    }

    #[tokio::test]
    async fn a_refused_quota_is_an_error_and_nothing_is_cached() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        link_request("T1")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 85400, "errmsg": "url link quota limit"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.url_link(&target("scene=1.a")).await;
        assert!(
            matches!(result, Err(WechatError::Api { errcode: 85400, .. })),
            "{result:?}"
        );
        let key = client.link_key(&target("scene=1.a"));
        assert_eq!(client.shared.get(&key).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_timeout_is_busy() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        link_request("T1")
            .respond_with(made(LINK).set_delay(Duration::from_secs(2)))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), Duration::from_millis(300));
        let result = client.url_link(&target("scene=1.a")).await;
        assert!(matches!(result, Err(WechatError::Busy)), "{result:?}");
    }

    #[tokio::test]
    async fn rejected_token_is_replaced_and_the_call_retried_once() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        mount_token(&server, "T2", 1).await;
        link_request("T1")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 42001, "errmsg": "access_token expired"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        link_request("T2")
            .respond_with(made(LINK))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        assert_eq!(client.url_link(&target("scene=1.a")).await.unwrap(), LINK);
    }

    #[tokio::test]
    async fn an_answer_without_a_link_is_an_error() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        link_request("T1")
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.url_link(&target("scene=1.a")).await;
        assert!(
            matches!(result, Err(WechatError::Transport(_))),
            "{result:?}"
        );
    }
}
