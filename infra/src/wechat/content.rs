//! Content security: WeChat's judgement of what a user wrote (msg_sec_check, version 2).

use serde::Deserialize;

use super::{WechatClient, WechatError};

const API: &str = "msg_sec_check";

/// The most characters msg_sec_check accepts in one call.
const MAX_CHARS: usize = 2500;
/// Characters each slice of a long text repeats from the end of the one before, so that a
/// phrase cut by a slice boundary still reaches WeChat whole in one of them.
const OVERLAP_CHARS: usize = 50;
/// WeChat's scene for comments: the closest of its four scenes (profile, comment, forum,
/// social log) to a resident raising a case.
const SCENE: u8 = 2;
/// The label WeChat gives normal content.
const NORMAL_LABEL: i64 = 100;

/// WeChat's advice on a text, ordered from harmless to worst so the worst wins with `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Suggest {
    Pass,
    Review,
    Risky,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentCheck {
    pub suggest: Suggest,
    /// Why: 100 normal, 20001 political, 20002 porn, 20003 abuse, 20006 illegal, 20008 fraud,
    /// ...; 0 when WeChat names none.
    pub label: i64,
}

#[derive(Deserialize)]
struct Checked {
    result: CheckResult,
}

#[derive(Deserialize)]
struct CheckResult {
    suggest: String,
    #[serde(default)]
    label: i64,
}

impl From<CheckResult> for ContentCheck {
    /// Version 2 answers errcode 0 even for risky text, so only `suggest` decides. An advice
    /// this code does not know is not taken as harmless: a station admin looks at the text.
    fn from(result: CheckResult) -> Self {
        let suggest = match result.suggest.to_ascii_lowercase().as_str() {
            "pass" => Suggest::Pass,
            "risky" => Suggest::Risky,
            "review" => Suggest::Review,
            other => {
                tracing::warn!(
                    api = API,
                    suggest = other,
                    "unknown suggest, taken as review"
                );
                Suggest::Review
            }
        };
        Self {
            suggest,
            label: result.label,
        }
    }
}

impl WechatClient {
    /// WeChat's judgement of `content`, written by the user `openid` (who must have used the
    /// mini-program in the last two hours). Text longer than WeChat accepts is checked in
    /// slices, one after the other, and the worst answer wins; checking stops at the first
    /// risky slice since nothing can make it better. Empty content passes without a call.
    pub async fn check_text(
        &self,
        openid: &str,
        content: &str,
    ) -> Result<ContentCheck, WechatError> {
        let mut worst = ContentCheck {
            suggest: Suggest::Pass,
            label: NORMAL_LABEL,
        };
        for (index, slice) in slices(content).into_iter().enumerate() {
            let check = self.check_slice(openid, slice).await?;
            if index == 0 || check.suggest > worst.suggest {
                worst = check;
            }
            if worst.suggest == Suggest::Risky {
                break;
            }
        }
        Ok(worst)
    }

    async fn check_slice(&self, openid: &str, content: &str) -> Result<ContentCheck, WechatError> {
        let body = serde_json::json!({
            "version": 2,
            "openid": openid,
            "scene": SCENE,
            "content": content,
        });
        self.post_with_token(API, "/wxa/msg_sec_check", &body, |answer| {
            answer
                .json::<Checked>()
                .map(|checked| ContentCheck::from(checked.result))
        })
        .await
    }
}

/// Cuts `content` into slices of at most `MAX_CHARS` characters (not bytes), each starting
/// `OVERLAP_CHARS` before the end of the previous one. Empty content has no slice.
fn slices(content: &str) -> Vec<&str> {
    // Byte offset of every character, then of the end: slicing there never splits a character.
    let bounds: Vec<usize> = content
        .char_indices()
        .map(|(offset, _)| offset)
        .chain(std::iter::once(content.len()))
        .collect();
    let chars = bounds.len() - 1;
    let mut slices = Vec::new();
    let mut start = 0;
    while start < chars {
        let end = (start + MAX_CHARS).min(chars);
        slices.push(&content[bounds[start]..bounds[end]]);
        if end == chars {
            break;
        }
        start = end - OVERLAP_CHARS;
    }
    slices
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
    const OPENID: &str = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M";

    fn check_request(token: &str) -> wiremock::MockBuilder {
        Mock::given(method("POST"))
            .and(path("/wxa/msg_sec_check"))
            .and(query_param("access_token", token))
    }

    fn body_for(content: &str) -> serde_json::Value {
        json!({"version": 2, "openid": OPENID, "scene": 2, "content": content})
    }

    fn answer(suggest: &str, label: i64) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({
            "errcode": 0,
            "errmsg": "ok",
            "result": {"suggest": suggest, "label": label},
            "detail": [{
                "strategy": "content_model",
                "errcode": 0,
                "suggest": suggest,
                "label": label,
            }],
            "trace_id": "60ae120f-371d5872-7941a05b",
        }))
    }

    async fn check_one(suggest: &str, label: i64) -> ContentCheck {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        check_request("T1")
            .respond_with(answer(suggest, label))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        client.check_text(OPENID, "村口路灯坏了").await.unwrap()
    }

    #[tokio::test]
    async fn pass_is_pass() {
        let check = check_one("pass", 100).await;
        assert_eq!(
            check,
            ContentCheck {
                suggest: Suggest::Pass,
                label: 100
            }
        );
    }

    #[tokio::test]
    async fn review_is_review() {
        let check = check_one("review", 20001).await;
        assert_eq!(
            check,
            ContentCheck {
                suggest: Suggest::Review,
                label: 20001
            }
        );
    }

    #[tokio::test]
    async fn risky_keeps_its_label() {
        let check = check_one("risky", 20006).await;
        assert_eq!(
            check,
            ContentCheck {
                suggest: Suggest::Risky,
                label: 20006
            }
        );
    }

    #[tokio::test]
    async fn unknown_suggest_is_review() {
        let check = check_one("suspicious", 21000).await;
        assert_eq!(check.suggest, Suggest::Review);
    }

    #[tokio::test]
    async fn sends_version_openid_scene_and_content() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        check_request("T1")
            .and(body_json(body_for("小区门口的水管破了")))
            .respond_with(answer("pass", 100))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let check = client
            .check_text(OPENID, "小区门口的水管破了")
            .await
            .unwrap();
        assert_eq!(check.suggest, Suggest::Pass);
    }

    #[tokio::test]
    async fn empty_content_passes_without_a_call() {
        let server = MockServer::start().await;
        // Neither a token nor a check is asked for.
        Mock::given(method("POST"))
            .respond_with(answer("pass", 100))
            .expect(0)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let check = client.check_text(OPENID, "").await.unwrap();
        assert_eq!(check.suggest, Suggest::Pass);
    }

    #[tokio::test]
    #[tracing_test::traced_test]
    async fn rate_limit_is_rate_limited_and_logs_neither_text_nor_openid() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        check_request("T1")
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"errcode": 45009, "errmsg": "reach max api daily quota limit"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.check_text(OPENID, "秘密内容").await;
        assert!(
            matches!(result, Err(WechatError::RateLimited)),
            "{result:?}"
        );
        assert!(logs_contain("WeChat rate limit reached"));
        assert!(!logs_contain(OPENID));
        assert!(!logs_contain("秘密内容"));
    }

    #[tokio::test]
    async fn answer_without_result_is_an_error() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        check_request("T1")
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let result = client.check_text(OPENID, "text").await;
        assert!(
            matches!(result, Err(WechatError::Transport(_))),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn rejected_token_is_replaced_and_the_check_retried_once() {
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        mount_token(&server, "T2", 1).await;
        check_request("T1")
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        check_request("T2")
            .and(body_json(body_for("text")))
            .respond_with(answer("review", 20003))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let check = client.check_text(OPENID, "text").await.unwrap();
        assert_eq!(check.suggest, Suggest::Review);
        let cached = client.shared.get(&client.token_key()).await.unwrap();
        assert_eq!(cached.as_deref(), Some("T2"));
    }

    #[tokio::test]
    async fn long_text_is_checked_in_two_slices_and_the_worst_wins() {
        let first = "甲".repeat(MAX_CHARS);
        let text = format!("{first}{}", "乙".repeat(500));
        let second = format!("{}{}", "甲".repeat(OVERLAP_CHARS), "乙".repeat(500));
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        check_request("T1")
            .and(body_json(body_for(&first)))
            .respond_with(answer("pass", 100))
            .expect(1)
            .mount(&server)
            .await;
        check_request("T1")
            .and(body_json(body_for(&second)))
            .respond_with(answer("review", 20008))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let check = client.check_text(OPENID, &text).await.unwrap();
        assert_eq!(
            check,
            ContentCheck {
                suggest: Suggest::Review,
                label: 20008
            }
        );
    }

    #[tokio::test]
    async fn a_risky_slice_ends_the_check() {
        let first = "甲".repeat(MAX_CHARS);
        let text = format!("{first}{}", "乙".repeat(500));
        let server = MockServer::start().await;
        mount_token(&server, "T1", 1).await;
        check_request("T1")
            .and(body_json(body_for(&first)))
            .respond_with(answer("risky", 20002))
            .expect(1)
            .mount(&server)
            .await;
        let client = test_client(&server.uri(), TIMEOUT);
        let check = client.check_text(OPENID, &text).await.unwrap();
        assert_eq!(check.suggest, Suggest::Risky);
        assert_eq!(check.label, 20002);
    }

    #[test]
    fn short_text_is_one_slice() {
        assert!(slices("").is_empty());
        assert_eq!(slices("路灯"), vec!["路灯"]);
        let exact = "字".repeat(MAX_CHARS);
        assert_eq!(slices(&exact), vec![exact.as_str()]);
    }

    #[test]
    fn slices_count_characters_and_overlap() {
        let text = format!("{}{}", "字".repeat(MAX_CHARS), "a");
        let cut = slices(&text);
        assert_eq!(cut.len(), 2);
        assert_eq!(cut[0].chars().count(), MAX_CHARS);
        assert_eq!(cut[1], format!("{}a", "字".repeat(OVERLAP_CHARS)));
        // Every character of the text is in some slice, and no slice is too long.
        let long = "路".repeat(MAX_CHARS * 3);
        let cut = slices(&long);
        assert!(cut.iter().all(|slice| slice.chars().count() <= MAX_CHARS));
        let covered: usize = cut.iter().map(|slice| slice.chars().count()).sum::<usize>()
            - OVERLAP_CHARS * (cut.len() - 1);
        assert_eq!(covered, MAX_CHARS * 3);
    }
}
