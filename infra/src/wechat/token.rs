//! The stable access token, shared by every node through `SharedState`.
//!
//! WeChat allows one token per appid, so nodes share a cached copy and at most one of them
//! refreshes it at a time; `force_refresh` is never sent since it is capped at 20 a day.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;

use super::{WechatClient, WechatError};

const API: &str = "stable_token";

/// Taken off the token's lifetime so that no node hands out a token about to expire.
const EXPIRY_MARGIN: Duration = Duration::from_secs(300);
const MIN_CACHE_TTL: Duration = Duration::from_secs(60);
/// Outlives one stable_token exchange; if the holder dies, the lock frees itself.
const LOCK_TTL: Duration = Duration::from_secs(10);
const POLL_EVERY: Duration = Duration::from_millis(50);
/// How long a node waits for another node's refresh before answering Busy.
const POLL_FOR: Duration = Duration::from_secs(3);

#[derive(Deserialize)]
struct StableToken {
    access_token: String,
    expires_in: u64,
}

impl WechatClient {
    /// The current access token, from the shared cache or fetched anew.
    pub async fn access_token(&self) -> Result<String, WechatError> {
        if let Some(token) = self.shared.get(&self.token_key()).await? {
            return Ok(token);
        }
        let lock_key = format!("wechat:access_token_lock:{}", self.config.appid);
        let owner = format!("{:032x}", rand::random::<u128>());
        if self
            .shared
            .set_if_absent(&lock_key, &owner, LOCK_TTL)
            .await?
        {
            let refreshed = self.refresh_token().await;
            // A failed release is harmless: the lock expires after LOCK_TTL anyway.
            if let Err(error) = self.shared.delete_if_equals(&lock_key, &owner).await {
                tracing::warn!(api = API, %error, "could not release the token refresh lock");
            }
            return refreshed;
        }
        self.wait_for_refresh().await
    }

    pub(super) fn token_key(&self) -> String {
        format!("wechat:access_token:{}", self.config.appid)
    }

    /// Fetches and caches a token; runs only while holding the refresh lock.
    async fn refresh_token(&self) -> Result<String, WechatError> {
        let key = self.token_key();
        // Another node may have refreshed between our cache miss and taking the lock.
        if let Some(token) = self.shared.get(&key).await? {
            return Ok(token);
        }
        let request = self
            .http
            .post(self.url("/cgi-bin/stable_token"))
            .json(&serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.config.appid,
                "secret": self.config.secret.expose_secret(),
                "force_refresh": false,
            }));
        let fetched: StableToken = self.exchange(API, request, |answer| answer.json()).await?;
        let ttl = Duration::from_secs(fetched.expires_in)
            .saturating_sub(EXPIRY_MARGIN)
            .max(MIN_CACHE_TTL);
        self.shared
            .set_with_ttl(&key, &fetched.access_token, ttl)
            .await?;
        Ok(fetched.access_token)
    }

    /// Another node holds the refresh lock: wait for the token it is about to cache.
    async fn wait_for_refresh(&self) -> Result<String, WechatError> {
        let key = self.token_key();
        let deadline = tokio::time::Instant::now() + POLL_FOR;
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(POLL_EVERY).await;
            if let Some(token) = self.shared.get(&key).await? {
                return Ok(token);
            }
        }
        let err = WechatError::Busy;
        err.log(API);
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::test_client;
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);

    async fn mount_token(server: &MockServer, delay: Duration, calls: u64) {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .and(body_json(json!({
                "grant_type": "client_credential",
                "appid": "wxappid",
                "secret": "s3cret-value",
                "force_refresh": false,
            })))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "TOKEN-1", "expires_in": 7200}))
                    .set_delay(delay),
            )
            .expect(calls)
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn token_is_fetched_once_and_cached() {
        let server = MockServer::start().await;
        mount_token(&server, Duration::ZERO, 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        assert_eq!(client.access_token().await.unwrap(), "TOKEN-1");
        assert_eq!(client.access_token().await.unwrap(), "TOKEN-1");
        let cached = client
            .shared
            .get("wechat:access_token:wxappid")
            .await
            .unwrap();
        assert_eq!(cached.as_deref(), Some("TOKEN-1"));
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh() {
        let server = MockServer::start().await;
        mount_token(&server, Duration::from_millis(200), 1).await;
        let client = test_client(&server.uri(), TIMEOUT);
        let (a, b, c, d, e) = tokio::join!(
            client.access_token(),
            client.access_token(),
            client.access_token(),
            client.access_token(),
            client.access_token(),
        );
        for token in [a, b, c, d, e] {
            assert_eq!(token.unwrap(), "TOKEN-1");
        }
        // The lock is released once the token is cached.
        let lock = client
            .shared
            .get("wechat:access_token_lock:wxappid")
            .await
            .unwrap();
        assert_eq!(lock, None);
    }

    #[tokio::test]
    async fn waiters_give_up_when_the_refresh_stalls() {
        let server = MockServer::start().await;
        mount_token(&server, Duration::ZERO, 0).await;
        let client = test_client(&server.uri(), TIMEOUT);
        // Another node holds the lock and never caches a token.
        let held = client
            .shared
            .set_if_absent("wechat:access_token_lock:wxappid", "other-node", LOCK_TTL)
            .await
            .unwrap();
        assert!(held);
        let result = client.access_token().await;
        assert!(matches!(result, Err(WechatError::Busy)), "{result:?}");
    }

    #[tokio::test]
    async fn short_lived_tokens_are_still_cached_a_minute() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "T", "expires_in": 100})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        client.access_token().await.unwrap();
        client.access_token().await.unwrap();
    }

    #[tokio::test]
    async fn ip_not_whitelisted_is_misconfigured() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 40164, "errmsg": "invalid ip"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.access_token().await;
        assert!(
            matches!(
                result,
                Err(WechatError::Misconfigured { errcode: 40164, .. })
            ),
            "{result:?}"
        );
        // A failed refresh must not keep other callers waiting on the lock.
        let lock = client
            .shared
            .get("wechat:access_token_lock:wxappid")
            .await
            .unwrap();
        assert_eq!(lock, None);
    }
}
