//! Sessions end everywhere at once: an access token is checked against the revocation set,
//! not the database, so logout, a reused refresh token and a changed account must reach every
//! node through it.

use std::time::Duration;

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use reqwest::Method;
use serde_json::json;

on_every_backend!(
    authenticating_a_request_sends_no_statement,
    a_node_started_after_a_logout_refuses_the_session,
    a_deputy_moved_to_another_station_reaches_it_with_the_token_in_hand,
);

/// Polls `/me` with `token` on `app` until it answers `status`, for at most `within`.
async fn answers_within(app: &TestApp, token: &str, status: u16, within: Duration) -> bool {
    let started = std::time::Instant::now();
    loop {
        if app.get("/api/v1/me", Some(token)).await.status.as_u16() == status {
            return true;
        }
        if started.elapsed() > within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn authenticating_a_request_sends_no_statement(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    for token in [
        app.resident("cost-resident").await,
        app.login(&demo.deputy).await,
        app.login(&demo.station_admin).await,
    ] {
        let (me, sent) = app
            .cost(
                Method::GET,
                "/api/v1/me",
                app.get("/api/v1/me", Some(&token)),
            )
            .await;
        let me = me.expect(200);
        assert_eq!(sent, 0, "{}", me.body);
    }
}

async fn a_node_started_after_a_logout_refuses_the_session(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let token = app.resident("gone-resident").await;
    app.post("/api/v1/auth/logout", Some(&token), json!({}))
        .await
        .expect(204);
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.expect(401).code(),
        "auth.session_ended"
    );
    let later = app.another_node(backend).await;
    assert_eq!(
        later
            .get("/api/v1/me", Some(&token))
            .await
            .expect(401)
            .code(),
        "auth.session_ended"
    );
}

async fn a_deputy_moved_to_another_station_reaches_it_with_the_token_in_hand(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let county_admin = app.login(&demo.county_admin).await;
    let me = app.me(&deputy).await;
    let deputy_id = me["scopes"]["deputy_id"].as_i64().unwrap();
    let before: Vec<i64> = serde_json::from_value(me["scopes"]["station_ids"].clone()).unwrap();
    let stations = app.get("/api/v1/stations", None).await.expect(200);
    let elsewhere = stations.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .find(|id| !before.contains(id))
        .expect("a station the deputy does not sit at");
    let mut after = before.clone();
    after.push(elsewhere);
    app.patch(
        &format!("/api/v1/deputies/{deputy_id}"),
        Some(&county_admin),
        json!({"station_ids": after}),
    )
    .await
    .expect(200);
    let now: Vec<i64> =
        serde_json::from_value(app.me(&deputy).await["scopes"]["station_ids"].clone()).unwrap();
    assert!(now.contains(&elsewhere), "{now:?}");
    // Moved back out: the old token no longer reaches that station either.
    app.patch(
        &format!("/api/v1/deputies/{deputy_id}"),
        Some(&county_admin),
        json!({"station_ids": before}),
    )
    .await
    .expect(200);
    let now: Vec<i64> =
        serde_json::from_value(app.me(&deputy).await["scopes"]["station_ids"].clone()).unwrap();
    assert!(!now.contains(&elsewhere), "{now:?}");
}

mod across_nodes {
    use super::*;

    /// Two nodes share PostgreSQL and Redis: a logout on one refuses the token on the other
    /// within a second, through Redis, long before the other's next sweep.
    #[tokio::test]
    async fn a_logout_and_a_reused_refresh_token_end_the_session_on_every_node() {
        let Some(backend) = Backend::postgres() else {
            return;
        };
        let one = spawn_app(backend.clone()).await;
        let two = one.another_node(backend).await;
        let token = one.resident("two-nodes").await;
        two.get("/api/v1/me", Some(&token)).await.expect(200);
        one.post("/api/v1/auth/logout", Some(&token), json!({}))
            .await
            .expect(204);
        assert!(answers_within(&two, &token, 401, Duration::from_secs(1)).await);

        let pair = one
            .post(
                "/api/v1/auth/dev",
                None,
                json!({"openid": "two-nodes-refresh"}),
            )
            .await
            .expect(200);
        let access = pair.body["access_token"].as_str().unwrap().to_owned();
        let refresh = pair.body["refresh_token"].clone();
        one.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await
        .expect(200);
        // The rotated token used again: the whole session ends, on the other node too.
        two.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await
        .expect(401);
        assert!(answers_within(&one, &access, 401, Duration::from_secs(1)).await);
    }
}
