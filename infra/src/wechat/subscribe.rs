//! Subscribe messages (订阅消息): one-time notices to a resident who granted them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Status, WechatClient, WechatError};

const API: &str = "subscribe_send";

/// The user refused, or has no grant left for this template: final, and the grant is spent.
pub const NO_GRANT: i64 = 43101;
/// Errors that name something wrong in the message or the settings (openid, template id, data,
/// page): sending the same message again cannot succeed.
const BAD_MESSAGE: [i64; 4] = [40003, 40037, 47003, 41030];

/// A message as WeChat takes it: `data` maps each template key (`thing2`) to its value,
/// already cut to the key's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMessage {
    pub touser: String,
    pub template_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(with = "values")]
    pub data: BTreeMap<String, String>,
    /// `developer`, `trial` or `formal`: which build of the mini-program the message opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub miniprogram_state: Option<String>,
}

impl WechatError {
    /// WeChat will never take this message for this user: no grant (43101).
    pub fn is_no_grant(&self) -> bool {
        matches!(self, Self::Api { errcode, .. } if *errcode == NO_GRANT)
    }

    /// Retrying the same send cannot help: no grant, a bad message or wrong settings.
    pub fn is_final(&self) -> bool {
        match self {
            Self::Api { errcode, .. } => *errcode == NO_GRANT || BAD_MESSAGE.contains(errcode),
            Self::Misconfigured { .. } | Self::InvalidCode | Self::Blocked => true,
            Self::Busy | Self::RateLimited | Self::Transport(_) | Self::SharedState(_) => false,
        }
    }
}

impl WechatClient {
    /// Sends one subscribe message.
    pub async fn send_subscribe_message(
        &self,
        message: &SubscribeMessage,
    ) -> Result<(), WechatError> {
        let path = "/cgi-bin/message/subscribe/send";
        self.post_with_token(API, path, message, |answer| {
            answer.json::<Status>().map(drop)
        })
        .await
    }
}

/// `data` travels as `{"thing2": {"value": "..."}}`.
mod values {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Value {
        value: String,
    }

    pub fn serialize<S: Serializer>(
        data: &BTreeMap<String, String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        data.iter()
            .map(|(key, value)| {
                (
                    key.as_str(),
                    Value {
                        value: value.clone(),
                    },
                )
            })
            .collect::<BTreeMap<_, _>>()
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, String>, D::Error> {
        let wrapped = BTreeMap::<String, Value>::deserialize(deserializer)?;
        Ok(wrapped.into_iter().map(|(k, v)| (k, v.value)).collect())
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

    fn message() -> SubscribeMessage {
        SubscribeMessage {
            touser: "openid-1".to_owned(),
            template_id: "tmpl-progress".to_owned(),
            page: Some("pages/case/detail?id=7".to_owned()),
            data: BTreeMap::from([
                (
                    "character_string1".to_owned(),
                    "XP-20261123-0001".to_owned(),
                ),
                ("phrase2".to_owned(), "已受理".to_owned()),
            ]),
            miniprogram_state: None,
        }
    }

    #[tokio::test]
    async fn sends_the_message_as_wechat_reads_it() {
        let server = MockServer::start().await;
        mount_token(&server, "TOKEN-1", 1).await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/message/subscribe/send"))
            .and(query_param("access_token", "TOKEN-1"))
            .and(body_json(json!({
                "touser": "openid-1",
                "template_id": "tmpl-progress",
                "page": "pages/case/detail?id=7",
                "data": {
                    "character_string1": {"value": "XP-20261123-0001"},
                    "phrase2": {"value": "已受理"},
                },
            })))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), Duration::from_secs(5));
        client.send_subscribe_message(&message()).await.unwrap();
    }

    #[tokio::test]
    async fn errors_are_sorted_into_final_and_worth_retrying() {
        for (errcode, final_error, no_grant) in [
            (43101, true, true),
            (40003, true, false),
            (40037, true, false),
            (47003, true, false),
            (41030, true, false),
            (-1, false, false),
        ] {
            let server = MockServer::start().await;
            mount_token(&server, "TOKEN-1", 1).await;
            Mock::given(method("POST"))
                .and(path("/cgi-bin/message/subscribe/send"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(json!({"errcode": errcode, "errmsg": "no"})),
                )
                .mount(&server)
                .await;
            let client = test_client(&server.uri(), Duration::from_secs(5));
            let error = client.send_subscribe_message(&message()).await.unwrap_err();
            assert_eq!(error.is_final(), final_error, "{errcode}");
            assert_eq!(error.is_no_grant(), no_grant, "{errcode}");
        }
    }

    #[tokio::test]
    async fn a_hanging_wechat_is_worth_retrying() {
        let server = MockServer::start().await;
        mount_token(&server, "TOKEN-1", 1).await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/message/subscribe/send"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), Duration::from_millis(300));
        let error = client.send_subscribe_message(&message()).await.unwrap_err();
        assert!(!error.is_final(), "{error}");
    }

    #[tokio::test]
    async fn a_rejected_token_is_refreshed_once() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "TOKEN-2", "expires_in": 7200})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/message/subscribe/send"))
            .and(query_param("access_token", "STALE"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/cgi-bin/message/subscribe/send"))
            .and(query_param("access_token", "TOKEN-2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": 0})))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), Duration::from_secs(5));
        client
            .shared
            .set_with_ttl(
                "wechat:access_token:wxappid",
                "STALE",
                Duration::from_secs(60),
            )
            .await
            .unwrap();
        client.send_subscribe_message(&message()).await.unwrap();
    }
}
