//! Logins, tokens, refresh rotation with reuse detection, logout, rate limits.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use liaison_tests::{
    on_every_backend, spawn_app, spawn_app_with, Backend, Reply, TestApp, DEMO_PASSWORD,
};
use serde_json::json;

on_every_backend!(
    staff_log_in_with_phone_and_password,
    wrong_passwords_and_unknown_phones_answer_the_same,
    refresh_rotates_and_reuse_ends_the_session,
    logout_ends_the_session,
    login_attempts_are_limited_per_phone,
    wrong_passwords_from_one_address_do_not_lock_the_owner_out,
    dev_logins_and_refreshes_are_limited_per_address,
);

async fn staff_log_in_with_phone_and_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let reply = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": demo.station_admin, "password": DEMO_PASSWORD}),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert_eq!(reply.body["user"]["role"], "station_admin");
    let me = app.me(reply.body["access_token"].as_str().unwrap()).await;
    assert_eq!(me["role"], "station_admin");
    assert!(!me["scopes"]["station_ids"].as_array().unwrap().is_empty());
    assert_eq!(
        me["scopes"]["county_id"],
        reply.body["user"]["scopes"]["county_id"]
    );
}

async fn wrong_passwords_and_unknown_phones_answer_the_same(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let wrong = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": demo.county_admin, "password": "not the password"}),
        )
        .await
        .expect(401);
    let unknown = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": "13912345678", "password": DEMO_PASSWORD}),
        )
        .await
        .expect(401);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.code(), "auth.invalid_credentials");
    let invalid = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": "12345", "password": "x"}),
        )
        .await
        .expect(422);
    assert_eq!(invalid.fields(), ["phone"]);
}

async fn refresh_rotates_and_reuse_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app
        .post("/api/v1/auth/dev", None, json!({"openid": "o-resident-1"}))
        .await
        .expect(200);
    let refresh_1 = first.body["refresh_token"].as_str().unwrap().to_owned();

    let second = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh_1}),
        )
        .await
        .expect(200);
    let refresh_2 = second.body["refresh_token"].as_str().unwrap().to_owned();
    let access_2 = second.body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(refresh_1, refresh_2);
    app.get("/api/v1/me", Some(&access_2)).await.expect(200);

    // The old token comes back: someone copied it. The whole family dies.
    let reused = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh_1}),
        )
        .await
        .expect(401);
    assert_eq!(reused.code(), "auth.refresh_reused");
    let after = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh_2}),
        )
        .await
        .expect(401);
    assert_eq!(after.code(), "auth.session_ended");
    assert_eq!(
        app.get("/api/v1/me", Some(&access_2))
            .await
            .expect(401)
            .code(),
        "auth.session_ended"
    );

    let garbage = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": "garbage"}),
        )
        .await
        .expect(401);
    assert_eq!(garbage.code(), "auth.invalid_refresh_token");
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let login = app
        .post("/api/v1/auth/dev", None, json!({"openid": "o-resident-2"}))
        .await
        .expect(200);
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let other = app.resident("o-resident-2").await;

    app.post("/api/v1/auth/logout", Some(&access), json!({}))
        .await
        .expect(204);
    app.get("/api/v1/me", Some(&access)).await.expect(401);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": refresh}),
    )
    .await
    .expect(401);
    // Another session of the same resident lives on.
    app.get("/api/v1/me", Some(&other)).await.expect(200);
}

async fn login_attempts_are_limited_per_phone(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.auth.login_attempts_per_phone_ip = 3).await;
    let demo = app.seed_demo().await;
    for _ in 0..3 {
        app.post(
            "/api/v1/auth/password",
            None,
            json!({"phone": demo.deputy, "password": "wrong"}),
        )
        .await
        .expect(401);
    }
    let limited = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": demo.deputy, "password": DEMO_PASSWORD}),
        )
        .await
        .expect(429);
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    // Other phones are not affected by one phone's limit.
    app.login(&demo.handler).await;
}

/// A password attempt from `client`, as the load balancer in front (trusted) reports it.
async fn attempt_from(app: &TestApp, client: &str, phone: &str, password: &str) -> Reply {
    let response = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .header("x-forwarded-for", format!("6.6.6.6, {client}"))
        .json(&json!({"phone": phone, "password": password}))
        .send()
        .await
        .unwrap();
    liaison_tests::read(response).await
}

async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.http.trusted_proxies = vec!["127.0.0.1/32".to_owned()];
        s.auth.login_failures_per_phone = 5;
        s.auth.login_delay_ms = 300;
    })
    .await;
    let demo = app.seed_demo().await;
    let attacker = "203.0.113.66";
    for _ in 0..10 {
        attempt_from(&app, attacker, &demo.deputy, "guess")
            .await
            .expect(401);
    }
    attempt_from(&app, attacker, &demo.deputy, DEMO_PASSWORD)
        .await
        .expect(429);
    // The owner, elsewhere, logs in: past the ceiling of failures it is slower, not refused.
    let started = std::time::Instant::now();
    let owner = attempt_from(&app, "198.51.100.7", &demo.deputy, DEMO_PASSWORD).await;
    owner.expect(200);
    let failed = attempt_from(&app, "198.51.100.8", &demo.deputy, "guess").await;
    failed.expect(401);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

async fn dev_logins_and_refreshes_are_limited_per_address(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.auth.token_requests_per_ip = 3).await;
    for n in 0..3 {
        app.post(
            "/api/v1/auth/dev",
            None,
            json!({"openid": format!("o-many-{n}")}),
        )
        .await
        .expect(200);
    }
    let limited = app
        .post("/api/v1/auth/dev", None, json!({"openid": "o-many-4"}))
        .await
        .expect(429);
    assert!(limited.headers.contains_key("retry-after"));
    let refused = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": "x"}))
        .await
        .expect(429);
    assert_eq!(refused.code(), "rate_limited");
}

#[tokio::test]
async fn login_attempts_are_limited_per_ip() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.auth.login_attempts_per_ip = 2).await;
    for phone in ["13900000001", "13900000002"] {
        app.post(
            "/api/v1/auth/password",
            None,
            json!({"phone": phone, "password": "x"}),
        )
        .await
        .expect(401);
    }
    app.post(
        "/api/v1/auth/password",
        None,
        json!({"phone": "13900000003", "password": "x"}),
    )
    .await
    .expect(429);
}

#[tokio::test]
async fn bad_tokens_answer_401() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.resident("o-x").await;
    assert_eq!(
        app.get("/api/v1/me", None).await.expect(401).code(),
        "auth.missing_token"
    );

    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    // Forged: a payload claiming another role, with the old signature.
    let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    parts[1] = URL_SAFE_NO_PAD.encode(payload.replace("resident", "county_admin"));
    assert_eq!(
        app.get("/api/v1/me", Some(&parts.join(".")))
            .await
            .expect(401)
            .code(),
        "auth.invalid_token"
    );

    // alg: none, no signature.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{header}.{}.", token.split('.').nth(1).unwrap());
    app.get("/api/v1/me", Some(&unsigned)).await.expect(401);

    // Expired: signed with the server's key but an hour old.
    let keys = liaison_api::auth::tokens::TokenKeys::new(
        &app.settings.auth.jwt_secret,
        &[],
        chrono::Duration::minutes(15),
    );
    let claims = keys.verify(&token).unwrap();
    let expired = keys
        .issue(
            &claims.actor().unwrap(),
            &claims.name,
            &claims.sid,
            false,
            chrono::Utc::now() - chrono::Duration::hours(1),
        )
        .unwrap();
    assert_eq!(
        app.get("/api/v1/me", Some(&expired))
            .await
            .expect(401)
            .code(),
        "auth.token_expired"
    );
}

#[tokio::test]
async fn dev_login_is_404_unless_enabled() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.auth.dev_login = false).await;
    app.post("/api/v1/auth/dev", None, json!({"openid": "o"}))
        .await
        .expect(404);
}

#[tokio::test]
async fn dev_login_creates_the_resident_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let first = app.me(&app.resident("o-same").await).await;
    let second = app.me(&app.resident("o-same").await).await;
    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["role"], "resident");
}
