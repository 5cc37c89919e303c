//! Saved replies (常用回复): a county's and its stations', read by the staff who work there and
//! kept by their admins.

use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    admins_keep_the_countys_and_their_stations_saved_replies,
    staff_read_the_countys_and_their_own_stations_saved_replies,
    who_may_not_write_a_saved_reply_is_refused,
    bad_saved_replies_are_named_and_stored_nowhere,
);

struct Tokens {
    county_admin: String,
    station_admin: String,
    other_admin: String,
    deputy: String,
    handler: String,
}

async fn tokens(app: &TestApp, demo: &Demo) -> Tokens {
    Tokens {
        county_admin: app.login(&demo.county_admin).await,
        station_admin: app.login(&demo.station_admin).await,
        other_admin: app.login(&demo.other_station_admin).await,
        deputy: app.login(&demo.deputy).await,
        handler: app.login(&demo.handler).await,
    }
}

async fn save(app: &TestApp, token: &str, station_id: Option<i64>, title: &str) -> Value {
    let body = json!({"station_id": station_id, "title": title, "body": format!("{title}：已收到，正在办理。")});
    app.post("/api/v1/reply-templates", Some(token), body)
        .await
        .expect(201)
        .body
}

async fn titles(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let page = app
        .get(&format!("/api/v1/reply-templates{query}"), Some(token))
        .await
        .expect(200)
        .body;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn admins_keep_the_countys_and_their_stations_saved_replies(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let t = tokens(&app, &demo).await;
    let county = save(&app, &t.county_admin, None, "县里通用").await;
    assert!(county["station_id"].is_null());
    assert_eq!(county["county_id"], 1);
    let station = save(&app, &t.station_admin, Some(1), "一站专用").await;
    assert_eq!(station["station_id"], 1);
    // County admins keep any station's too.
    let by_county = save(&app, &t.county_admin, Some(2), "二站专用").await;

    let path = format!("/api/v1/reply-templates/{}", station["id"]);
    let changed = app
        .patch(
            &path,
            Some(&t.station_admin),
            json!({"body": "已转交承办单位，请耐心等待。"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(changed["title"], "一站专用");
    assert_eq!(changed["body"], "已转交承办单位，请耐心等待。");
    let county_path = format!("/api/v1/reply-templates/{}", county["id"]);
    app.patch(
        &county_path,
        Some(&t.county_admin),
        json!({"title": "通用答复"}),
    )
    .await
    .expect(200);

    app.request(reqwest::Method::DELETE, &path, Some(&t.station_admin), None)
        .await
        .expect(204);
    app.request(reqwest::Method::DELETE, &path, Some(&t.station_admin), None)
        .await
        .expect(404);
    assert_eq!(
        titles(&app, &t.county_admin, "").await,
        ["通用答复", "二站专用"]
    );
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/reply-templates/{}", by_county["id"]),
        Some(&t.other_admin),
        None,
    )
    .await
    .expect(204);
}

async fn staff_read_the_countys_and_their_own_stations_saved_replies(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let t = tokens(&app, &demo).await;
    save(&app, &t.county_admin, None, "县里通用").await;
    save(&app, &t.station_admin, Some(1), "一站专用").await;
    save(&app, &t.other_admin, Some(2), "二站专用").await;

    let all = ["县里通用", "一站专用", "二站专用"];
    assert_eq!(titles(&app, &t.county_admin, "").await, all);
    assert_eq!(
        titles(&app, &t.station_admin, "").await,
        ["县里通用", "一站专用"]
    );
    assert_eq!(
        titles(&app, &t.other_admin, "").await,
        ["县里通用", "二站专用"]
    );
    // The demo deputy sits at station 1; a handler works for the county at large.
    assert_eq!(titles(&app, &t.deputy, "").await, ["县里通用", "一站专用"]);
    assert_eq!(titles(&app, &t.handler, "").await, ["县里通用"]);
    // For one case's station: the county's and that station's.
    assert_eq!(
        titles(&app, &t.county_admin, "?station_id=2").await,
        ["县里通用", "二站专用"]
    );
    for (token, station) in [(&t.station_admin, 2), (&t.handler, 1)] {
        app.get(
            &format!("/api/v1/reply-templates?station_id={station}"),
            Some(token),
        )
        .await
        .expect(403);
    }
    let resident = app.resident("o-reply-templates").await;
    app.get("/api/v1/reply-templates", Some(&resident))
        .await
        .expect(403);
    app.get("/api/v1/reply-templates", None).await.expect(401);
    // Another county sees none of these.
    let other = other_county(&app).await;
    assert!(titles(&app, &other.token, "").await.is_empty());
}

async fn who_may_not_write_a_saved_reply_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let t = tokens(&app, &demo).await;
    let county = save(&app, &t.county_admin, None, "县里通用").await;
    let station = save(&app, &t.station_admin, Some(1), "一站专用").await;
    let body =
        |station_id: Option<i64>| json!({"station_id": station_id, "title": "t", "body": "b"});
    let resident = app.resident("o-reply-templates-write").await;
    for token in [&t.deputy, &t.handler, &resident] {
        app.post("/api/v1/reply-templates", Some(token), body(Some(1)))
            .await
            .expect(403);
    }
    // A station admin keeps neither the county's nor another station's.
    for station_id in [None, Some(2)] {
        app.post(
            "/api/v1/reply-templates",
            Some(&t.station_admin),
            body(station_id),
        )
        .await
        .expect(403);
    }
    let county_path = format!("/api/v1/reply-templates/{}", county["id"]);
    let station_path = format!("/api/v1/reply-templates/{}", station["id"]);
    app.patch(&county_path, Some(&t.station_admin), json!({"title": "改"}))
        .await
        .expect(403);
    // Another station's saved reply is hidden from its neighbour's admin.
    app.patch(&station_path, Some(&t.other_admin), json!({"title": "改"}))
        .await
        .expect(404);
    app.request(
        reqwest::Method::DELETE,
        &station_path,
        Some(&t.other_admin),
        None,
    )
    .await
    .expect(404);
    for token in [&t.deputy, &t.handler] {
        app.patch(&station_path, Some(token), json!({"title": "改"}))
            .await
            .expect(403);
        app.request(reqwest::Method::DELETE, &county_path, Some(token), None)
            .await
            .expect(403);
    }
    let other = other_county(&app).await;
    app.patch(&county_path, Some(&other.token), json!({"title": "改"}))
        .await
        .expect(404);
    assert_eq!(
        titles(&app, &t.county_admin, "").await,
        ["县里通用", "一站专用"]
    );
}

async fn bad_saved_replies_are_named_and_stored_nowhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let t = tokens(&app, &demo).await;
    let cases = [
        (json!({"title": "", "body": "b"}), vec!["title"]),
        (json!({"title": "t", "body": "  "}), vec!["body"]),
        (
            json!({"title": "t".repeat(101), "body": "b".repeat(2001)}),
            vec!["title", "body"],
        ),
        (
            json!({"station_id": 999, "title": "t", "body": "b"}),
            vec!["station_id"],
        ),
    ];
    for (body, fields) in cases {
        let reply = app
            .post(
                "/api/v1/reply-templates",
                Some(&t.county_admin),
                body.clone(),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), fields, "{body}");
    }
    // A station of another county is not one of ours.
    let other = other_county(&app).await;
    let theirs = other.station(&app).await;
    let reply = app
        .post(
            "/api/v1/reply-templates",
            Some(&t.county_admin),
            json!({"station_id": theirs, "title": "t", "body": "b"}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["station_id"]);
    assert!(titles(&app, &t.county_admin, "").await.is_empty());
    let saved = save(&app, &t.county_admin, None, "县里通用").await;
    let reply = app
        .patch(
            &format!("/api/v1/reply-templates/{}", saved["id"]),
            Some(&t.county_admin),
            json!({"body": ""}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["body"]);
}
