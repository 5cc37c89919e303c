//! Every error is problem+json: actix's own failures included, nothing internal leaked.

use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend};
use serde_json::json;

on_every_backend!(unknown_routes_and_wrong_methods);

async fn unknown_routes_and_wrong_methods(backend: Backend) {
    let app = spawn_app(backend).await;
    let missing = app.get("/api/v1/nothing-here", None).await.expect(404);
    assert_eq!(missing.code(), "route_not_found");
    let wrong = app
        .request(reqwest::Method::DELETE, "/api/v1/regions", None, None)
        .await
        .expect(405);
    assert_eq!(wrong.code(), "method_not_allowed");
    assert_eq!(wrong.headers["allow"], "GET, HEAD, POST");
    let wrong = app
        .request(reqwest::Method::PUT, "/api/v1/regions/7", None, None)
        .await
        .expect(405);
    assert_eq!(wrong.headers["allow"], "GET, HEAD, PATCH");
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app(Backend::Sqlite).await;
    let reply = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .header("content-type", "application/json")
        .body("{\"phone\": ")
        .send()
        .await
        .unwrap();
    let reply = liaison_tests::read(reply).await.expect(400);
    assert_eq!(reply.code(), "malformed_json");
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let app = spawn_app(Backend::Sqlite).await;
    let reply = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .header("content-type", "text/plain")
        .body("phone=1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        liaison_tests::read(reply).await.expect(415).code(),
        "unsupported_media_type"
    );
}

#[tokio::test]
async fn missing_and_mistyped_fields_are_named() {
    let app = spawn_app(Backend::Sqlite).await;
    let missing = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": "13800000001"}),
        )
        .await
        .expect(422);
    assert_eq!(missing.fields(), ["password"]);
    let mistyped = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": 13800000001u64, "password": "x"}),
        )
        .await
        .expect(422);
    assert_eq!(mistyped.fields(), ["phone"]);
}

#[tokio::test]
async fn oversize_bodies_are_413() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http.json_limit_bytes = 1024).await;
    let big = "x".repeat(4096);
    let reply = app
        .post("/api/v1/auth/dev", None, json!({"openid": big}))
        .await
        .expect(413);
    assert_eq!(reply.code(), "payload_too_large");
}

#[tokio::test]
async fn bad_path_and_query_parameters_are_400() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_eq!(
        app.get("/api/v1/regions/abc", None)
            .await
            .expect(400)
            .code(),
        "invalid_path"
    );
    assert_eq!(
        app.get("/api/v1/regions?parent_id=x", None)
            .await
            .expect(400)
            .code(),
        "invalid_query"
    );
    assert_eq!(
        app.get("/api/v1/regions?limit=1000", None)
            .await
            .expect(422)
            .fields(),
        ["limit"]
    );
    assert_eq!(
        app.get("/api/v1/regions?cursor=forged", None)
            .await
            .expect(422)
            .fields(),
        ["cursor"]
    );
}

on_every_backend!(a_role_without_the_right_gets_403_whatever_the_body);

/// Who may not make a kind of write at all learns that first: an empty, mistyped or
/// unreadable body changes nothing of the answer, and nothing is written.
async fn a_role_without_the_right_gets_403_whatever_the_body(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("gate-resident").await;
    let deputy = app.login(&demo.deputy).await;
    let station_admin = app.login(&demo.station_admin).await;
    let county_only = [
        (reqwest::Method::POST, "/api/v1/regions"),
        (reqwest::Method::PATCH, "/api/v1/regions/1"),
        (reqwest::Method::POST, "/api/v1/departments"),
        (reqwest::Method::POST, "/api/v1/categories"),
        (reqwest::Method::POST, "/api/v1/webhooks"),
        (reqwest::Method::PATCH, "/api/v1/webhooks/1"),
    ];
    let admins_only = [
        (reqwest::Method::POST, "/api/v1/stations"),
        (reqwest::Method::PATCH, "/api/v1/stations/1"),
        (reqwest::Method::PUT, "/api/v1/stations/1/roster"),
        (reqwest::Method::POST, "/api/v1/deputies"),
        (reqwest::Method::PATCH, "/api/v1/deputies/1"),
        (reqwest::Method::POST, "/api/v1/users"),
    ];
    let bodies = [
        Some(json!({})),
        Some(json!({"name": 7, "station_ids": "x"})),
        None,
    ];
    let refused = county_only
        .iter()
        .map(|route| (route, [&resident, &deputy, &station_admin].to_vec()))
        .chain(
            admins_only
                .iter()
                .map(|route| (route, [&resident, &deputy].to_vec())),
        );
    for ((method, path), tokens) in refused {
        for token in tokens {
            for body in &bodies {
                let reply = app
                    .request(method.clone(), path, Some(token), body.clone())
                    .await
                    .expect(403);
                assert_eq!(reply.code(), "forbidden", "{method} {path} {body:?}");
            }
        }
    }
    // The same for county-only lists: a bad page changes nothing of the answer.
    for path in [
        "/api/v1/deliveries?limit=0&cursor=garbage",
        "/api/v1/webhooks?limit=1000",
    ] {
        for token in [&resident, &deputy, &station_admin] {
            let reply = app.get(path, Some(token)).await.expect(403);
            assert_eq!(reply.code(), "forbidden", "{path}");
        }
    }
    // A role that passes the gate has its body judged.
    let county_admin = app.login(&demo.county_admin).await;
    let reply = app
        .get("/api/v1/deliveries?limit=0", Some(&county_admin))
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["limit"]);
    let reply = app
        .post("/api/v1/stations", Some(&county_admin), json!({}))
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["name"]);
}

on_every_backend!(a_step_the_caller_may_not_take_is_refused_before_its_body_is_read);

/// The same for a case's steps and the resident's own writes: whether the caller may take the
/// step (403), or the case allows it now (409), is answered before anything about the body.
async fn a_step_the_caller_may_not_take_is_refused_before_its_body_is_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("step-gate-resident").await;
    let case_id = app.raise(&resident).await;
    let deputy = app.login(&demo.deputy).await;
    let station_admin = app.login(&demo.station_admin).await;
    let handler = app.login(&demo.handler).await;
    let step = |name: &str| format!("/api/v1/cases/{case_id}/{name}");
    let mut refused: Vec<(String, &String)> = [
        "decline",
        "reply",
        "assign",
        "handle",
        "urge",
        "reassign",
        "note",
        "resolve",
        "department-rating",
    ]
    .iter()
    .map(|name| (step(name), &resident))
    .collect();
    refused.extend([
        (step("rate"), &deputy),
        (step("handle"), &deputy),
        (step("urge"), &deputy),
        (step("handle"), &station_admin),
        ("/api/v1/cases".to_owned(), &handler),
        ("/api/v1/cases/claim".to_owned(), &deputy),
        ("/api/v1/subscriptions".to_owned(), &deputy),
        ("/api/v1/me/password".to_owned(), &resident),
    ]);
    let bodies = [
        Some(json!({})),
        Some(json!({"content": 7, "rating": []})),
        None,
    ];
    for (path, token) in &refused {
        for body in &bodies {
            let reply = app
                .request(reqwest::Method::POST, path, Some(token), body.clone())
                .await
                .expect(403);
            assert_eq!(reply.code(), "forbidden", "{path} {body:?}");
        }
    }
    // The author may rate, but not a case still waiting: the state answers first.
    for body in &bodies {
        app.request(
            reqwest::Method::POST,
            &step("rate"),
            Some(&resident),
            body.clone(),
        )
        .await
        .expect(409);
    }
    // Who may take the step has the body judged, and nothing changed meanwhile.
    let reply = app
        .post(&step("decline"), Some(&deputy), json!({}))
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["reason"]);
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&resident))
        .await
        .expect(200);
    assert_eq!(case.body["status"], "submitted");
}

on_every_backend!(words_outside_a_closed_set_are_refused_and_never_read_as_something_else);

/// The database refuses a status the domain does not know, whoever writes it; one that got in
/// past the rule (written with the rule switched off) answers 500, never a made-up status.
async fn words_outside_a_closed_set_are_refused_and_never_read_as_something_else(backend: Backend) {
    use sea_orm::ConnectionTrait;

    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-lost-word").await;
    let case = app.raise(&resident).await;
    let db = app.db();
    let lost = format!("UPDATE cases SET status = 'lost' WHERE id = {case}");
    let refused = db.execute_unprepared(&lost).await.unwrap_err();
    assert!(
        refused.to_string().contains("cases_status_known"),
        "{refused}"
    );
    let admin = app.login(&demo.station_admin).await;
    let path = format!("/api/v1/cases/{case}");
    app.get(&path, Some(&admin)).await.expect(200);

    let switch_off = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            "ALTER TABLE cases DROP CONSTRAINT cases_status_known"
        }
        _ => "DROP TRIGGER cases_status_known_update",
    };
    db.execute_unprepared(switch_off).await.unwrap();
    db.execute_unprepared(&lost).await.unwrap();
    let reply = app.get(&path, Some(&admin)).await.expect(500);
    assert_eq!(reply.code(), "internal");
    assert!(!reply.body.to_string().contains("lost"), "{}", reply.body);
}
