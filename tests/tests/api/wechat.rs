//! Mini-program login through WeChat's jscode2session, against a local mock of WeChat's API:
//! success, a bad code, WeChat's rate limit, a busy WeChat (retried once) and wrong settings.

use liaison_api::settings::Settings;
use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, Reply, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use secrecy::SecretString;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

on_every_backend!(
    a_first_wechat_login_creates_the_resident_and_later_ones_find_them,
    an_invalid_code_answers_401_and_creates_no_one,
    wechats_rate_limit_answers_429,
    a_busy_wechat_is_asked_once_more,
    a_wechat_busy_twice_answers_503,
    a_wrong_secret_answers_503_misconfigured_without_retrying,
    a_user_wechat_blocks_answers_403,
    without_wechat_settings_wechat_login_is_404,
    a_wechat_login_without_a_code_is_422,
);

pub const APPID: &str = "wx0123456789abcdef";
pub const SECRET: &str = "the-app-secret-of-the-test";

/// Points the app's WeChat client at `server` with the test appid and secret.
pub fn use_wechat(settings: &mut Settings, server: &MockServer) {
    settings.wechat.appid = Some(APPID.to_owned());
    settings.wechat.secret = Some(SecretString::from(SECRET));
    settings.wechat.api_base = server.uri();
}

async fn app_with_wechat(backend: Backend, server: &MockServer) -> TestApp {
    spawn_app_with(backend, |settings| use_wechat(settings, server)).await
}

/// jscode2session for `code`, as WeChat calls it: the app's credentials in the query.
fn jscode2session(code: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("appid", APPID))
        .and(query_param("secret", SECRET))
        .and(query_param("js_code", code))
        .and(query_param("grant_type", "authorization_code"))
}

/// WeChat's answer: JSON, though jscode2session labels it text/plain.
fn answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "text/plain")
}

async fn login(app: &TestApp, code: &str) -> Reply {
    app.post("/api/v1/auth/wechat", None, json!({"code": code}))
        .await
}

async fn residents(app: &TestApp) -> i64 {
    let row = app
        .db()
        .query_one(Statement::from_string(
            app.db().get_database_backend(),
            "SELECT COUNT(*) AS n FROM users WHERE role = 'resident'",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn a_first_wechat_login_creates_the_resident_and_later_ones_find_them(backend: Backend) {
    let server = MockServer::start().await;
    for (code, openid) in [
        ("code-1", "oWx-resident-1"),
        ("code-2", "oWx-resident-1"),
        ("code-3", "oWx-resident-2"),
    ] {
        jscode2session(code)
            .respond_with(answer(
                json!({"openid": openid, "session_key": "the-session-key-xyz"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let app = app_with_wechat(backend, &server).await;
    assert_eq!(residents(&app).await, 0);

    let first = login(&app, "code-1").await.expect(200);
    assert_eq!(first.body["token_type"], "Bearer");
    assert_eq!(first.body["user"]["role"], "resident");
    let user_id = first.body["user"]["id"].clone();
    assert!(user_id.is_number(), "{}", first.body);
    // The session key stays between the server and WeChat.
    let text = String::from_utf8_lossy(&first.bytes);
    assert!(!text.contains("the-session-key-xyz"), "{text}");
    let me = app.me(first.body["access_token"].as_str().unwrap()).await;
    assert_eq!(me["id"], user_id);
    assert_eq!(me["role"], "resident");
    assert_eq!(residents(&app).await, 1);

    let again = login(&app, "code-2").await.expect(200);
    assert_eq!(again.body["user"]["id"], user_id);
    assert_ne!(again.body["access_token"], first.body["access_token"]);
    assert_eq!(residents(&app).await, 1);

    let other = login(&app, "code-3").await.expect(200);
    assert_ne!(other.body["user"]["id"], user_id);
    assert_eq!(residents(&app).await, 2);
}

async fn an_invalid_code_answers_401_and_creates_no_one(backend: Backend) {
    let server = MockServer::start().await;
    jscode2session("stale-code")
        .respond_with(answer(json!({"errcode": 40029, "errmsg": "invalid code"})))
        .expect(1)
        .mount(&server)
        .await;
    jscode2session("used-code")
        .respond_with(answer(
            json!({"errcode": 40163, "errmsg": "code been used"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    for code in ["stale-code", "used-code"] {
        let reply = login(&app, code).await.expect(401);
        assert_eq!(reply.code(), "auth.invalid_code");
        assert_eq!(reply.body["access_token"], Value::Null);
    }
    assert_eq!(residents(&app).await, 0);
}

async fn wechats_rate_limit_answers_429(backend: Backend) {
    let server = MockServer::start().await;
    jscode2session("code-1")
        .respond_with(answer(
            json!({"errcode": 45011, "errmsg": "api minute-quota reach limit"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    let reply = login(&app, "code-1").await.expect(429);
    assert_eq!(reply.code(), "rate_limited");
    let retry_after: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_eq!(residents(&app).await, 0);
}

async fn a_busy_wechat_is_asked_once_more(backend: Backend) {
    let server = MockServer::start().await;
    jscode2session("code-1")
        .respond_with(answer(json!({"errcode": -1, "errmsg": "system error"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    jscode2session("code-1")
        .respond_with(answer(json!({"openid": "oWx-patient", "session_key": "k"})))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    let reply = login(&app, "code-1").await.expect(200);
    assert_eq!(reply.body["user"]["role"], "resident");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(residents(&app).await, 1);
}

async fn a_wechat_busy_twice_answers_503(backend: Backend) {
    let server = MockServer::start().await;
    jscode2session("code-1")
        .respond_with(answer(json!({"errcode": -1, "errmsg": "system error"})))
        .expect(2)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    let reply = login(&app, "code-1").await.expect(503);
    assert_eq!(reply.code(), "wechat.unavailable");
    assert!(reply.headers.contains_key("retry-after"));
    assert_eq!(residents(&app).await, 0);
}

async fn a_wrong_secret_answers_503_misconfigured_without_retrying(backend: Backend) {
    let server = MockServer::start().await;
    jscode2session("code-1")
        .respond_with(answer(json!({"errcode": 40013, "errmsg": "invalid appid"})))
        .expect(1)
        .mount(&server)
        .await;
    jscode2session("code-2")
        .respond_with(answer(
            json!({"errcode": 40125, "errmsg": "invalid appsecret"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    for code in ["code-1", "code-2"] {
        let reply = login(&app, code).await.expect(503);
        assert_eq!(reply.code(), "wechat.misconfigured");
        assert!(reply.headers.contains_key("retry-after"));
        // The answer tells the client what is wrong without giving the settings away.
        let text = String::from_utf8_lossy(&reply.bytes);
        for secret in [SECRET, APPID, "invalid app"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    assert_eq!(residents(&app).await, 0);
}

async fn a_user_wechat_blocks_answers_403(backend: Backend) {
    let server = MockServer::start().await;
    jscode2session("code-1")
        .respond_with(answer(json!({"errcode": 40226, "errmsg": "high risk"})))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    login(&app, "code-1").await.expect(403);
    assert_eq!(residents(&app).await, 0);
}

async fn without_wechat_settings_wechat_login_is_404(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(app.settings.wechat.appid.is_none());
    let reply = login(&app, "code-1").await.expect(404);
    assert_eq!(reply.code(), "not_found");
    assert_eq!(residents(&app).await, 0);

    // An appid without a secret is not a configuration either.
    let half = spawn_app_with(Backend::Sqlite, |s| {
        s.wechat.appid = Some(APPID.to_owned());
    })
    .await;
    login(&half, "code-1").await.expect(404);
}

async fn a_wechat_login_without_a_code_is_422(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(answer(json!({"openid": "never"})))
        .expect(0)
        .mount(&server)
        .await;
    let app = app_with_wechat(backend, &server).await;
    let missing = app
        .post("/api/v1/auth/wechat", None, json!({}))
        .await
        .expect(422);
    assert_eq!(missing.fields(), ["code"]);
    let mistyped = app
        .post("/api/v1/auth/wechat", None, json!({"code": 12345}))
        .await
        .expect(422);
    assert_eq!(mistyped.fields(), ["code"]);
    for blank in ["", "   "] {
        let empty = app
            .post("/api/v1/auth/wechat", None, json!({"code": blank}))
            .await
            .expect(422);
        assert_eq!(empty.fields(), ["code"]);
    }
    assert_eq!(residents(&app).await, 0);
}
