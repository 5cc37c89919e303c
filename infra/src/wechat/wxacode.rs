//! Mini-program codes that open a page with a signed scene: a station's or a deputy's (getwxacodeunlimit).

use super::{parse, Status, WechatClient, WechatError};

const API: &str = "getwxacodeunlimit";

/// Width in pixels of the generated code.
const WIDTH: u32 = 430;

impl WechatClient {
    /// The image of a mini-program code opening `page` with `scene`; `env_version` is
    /// "release", "trial" or "develop".
    pub async fn scene_code(
        &self,
        scene: &str,
        page: &str,
        env_version: &str,
    ) -> Result<Vec<u8>, WechatError> {
        let body = serde_json::json!({
            "scene": scene,
            "page": page,
            // Skips WeChat's check that `page` exists in the released version, so trial and
            // develop builds can get codes for pages not released yet.
            "check_path": false,
            "env_version": env_version,
            "width": WIDTH,
        });
        self.post_with_token(API, "/wxa/getwxacodeunlimit", &body, |answer| {
            // Success is the image itself; only failures come as JSON.
            if answer.is_image() {
                return Ok(answer.body);
            }
            let status: Status = parse(&answer.body)?;
            if status.errcode == 0 {
                return Err(WechatError::Transport(
                    "answer is neither an image nor an error".to_owned(),
                ));
            }
            Err(WechatError::from_code(status.errcode, status.errmsg))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;
    use wiremock::matchers::{body_json, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::{mount_token, test_client};
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);
    const JPEG: &[u8] = &[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];

    fn code_request(token: &str) -> wiremock::MockBuilder {
        Mock::given(method("POST"))
            .and(path("/wxa/getwxacodeunlimit"))
            .and(query_param("access_token", token))
    }

    #[tokio::test]
    async fn answers_the_image() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        code_request("T1")
            .and(body_json(json!({
                "scene": "1a.XyZ",
                "page": "pages/scan/index",
                "check_path": false,
                "env_version": "trial",
                "width": 430,
            })))
            .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let image = client
            .scene_code("1a.XyZ", "pages/scan/index", "trial")
            .await
            .unwrap();
        assert_eq!(image, JPEG);
    }

    #[tokio::test]
    async fn json_rate_limit_is_rate_limited() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        code_request("T1")
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    json!({"errcode": 45009, "errmsg": "reach max api daily quota"}),
                ),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.scene_code("s", "pages/scan/index", "release").await;
        assert!(
            matches!(result, Err(WechatError::RateLimited)),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn other_errors_keep_their_code() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        code_request("T1")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 41030, "errmsg": "invalid page"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.scene_code("s", "pages/nope", "release").await;
        assert!(
            matches!(result, Err(WechatError::Api { errcode: 41030, .. })),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn rejected_token_is_replaced_and_the_call_retried_once() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        mount_token(&server, "T2", 1).await;
        code_request("T1")
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        code_request("T2")
            .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let image = client
            .scene_code("s", "pages/scan/index", "release")
            .await
            .unwrap();
        assert_eq!(image, JPEG);
        let cached = client.shared.get(&client.token_key()).await.unwrap();
        assert_eq!(cached.as_deref(), Some("T2"));
    }

    #[tokio::test]
    async fn a_token_rejected_twice_is_not_retried_again() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 2).await;
        code_request("T1")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 42001, "errmsg": "access_token expired"})),
            )
            .expect(2)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.scene_code("s", "pages/scan/index", "release").await;
        assert!(
            matches!(result, Err(WechatError::Api { errcode: 42001, .. })),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn a_token_another_node_already_replaced_is_kept() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        code_request("T1")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"}))
                    .set_delay(Duration::from_millis(300)),
            )
            .expect(1)
            .mount(&server)
            .await;
        code_request("T3")
            .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let other_node = client.clone();
        // Another node caches T3 while this node's call with T1 is still in flight.
        let replace = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            other_node
                .shared
                .set_with_ttl(&other_node.token_key(), "T3", Duration::from_secs(60))
                .await
                .unwrap();
        });
        let image = client
            .scene_code("s", "pages/scan/index", "release")
            .await
            .unwrap();
        replace.await.unwrap();
        assert_eq!(image, JPEG);
        let cached = client.shared.get(&client.token_key()).await.unwrap();
        assert_eq!(cached.as_deref(), Some("T3"));
    }

    #[tokio::test]
    async fn timeout_is_busy() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        code_request("T1")
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(JPEG, "image/jpeg")
                    .set_delay(Duration::from_secs(2)),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), Duration::from_millis(300));
        let result = client.scene_code("s", "pages/scan/index", "release").await;
        assert!(matches!(result, Err(WechatError::Busy)), "{result:?}");
    }
}
