//! Departments and categories: read by anyone, written by the county admin of that county.

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::regions::{demo_county, other_county};

on_every_backend!(
    departments_and_categories_are_public_and_filtered_by_county,
    a_county_admin_creates_departments_and_categories,
    only_a_county_admin_writes_the_catalogue,
    a_taken_name_is_a_conflict_within_a_county_only,
    a_category_needs_a_department_of_its_own_county,
    category_limits_out_of_range_are_named,
    invalid_catalogue_bodies_are_named_and_change_nothing,
    inactive_categories_are_listed_only_on_request,
);

/// The items of a list, asserting it fits one page.
async fn items(app: &TestApp, path: &str) -> Vec<Value> {
    let page = app.get(path, None).await.expect(200);
    assert_eq!(page.body["next_cursor"], Value::Null, "{path}");
    page.body["items"].as_array().unwrap().clone()
}

fn names(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["name"].as_str().unwrap()).collect()
}

/// Everything the catalogue holds, inactive categories included.
async fn catalogue(app: &TestApp) -> (Vec<Value>, Vec<Value>) {
    (
        items(app, "/api/v1/departments?limit=100").await,
        items(app, "/api/v1/categories?limit=100&include_inactive=true").await,
    )
}

async fn department_named(app: &TestApp, name: &str) -> i64 {
    items(app, "/api/v1/departments?limit=100")
        .await
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("no department is named {name}"))
}

async fn departments_and_categories_are_public_and_filtered_by_county(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let county = demo_county(&app).await;
    let other = other_county(&app).await;
    app.post(
        "/api/v1/departments",
        Some(&other.token),
        json!({"name": "上蔡县水利局"}),
    )
    .await
    .expect(201);

    let ours = items(&app, &format!("/api/v1/departments?county_id={county}")).await;
    assert_eq!(ours.len(), 7);
    assert!(ours.iter().all(|d| d["county_id"] == county));
    assert!(names(&ours).contains(&"县住建局"));
    let theirs = items(&app, &format!("/api/v1/departments?county_id={}", other.id)).await;
    assert_eq!(names(&theirs), ["上蔡县水利局"]);
    assert_eq!(items(&app, "/api/v1/departments").await.len(), 8);

    let categories = items(&app, &format!("/api/v1/categories?county_id={county}")).await;
    assert_eq!(categories.len(), 7);
    let roads = categories.iter().find(|c| c["name"] == "道路交通").unwrap();
    assert_eq!(roads["respond_within_hours"], 48);
    assert_eq!(roads["resolve_within_days"], 15);
    assert_eq!(roads["active"], true);
    assert_eq!(
        roads["department_id"],
        department_named(&app, "县交通运输局").await
    );
    assert!(
        items(&app, &format!("/api/v1/categories?county_id={}", other.id))
            .await
            .is_empty()
    );

    // Pages of three walk all seven departments once.
    let first = app
        .get(
            &format!("/api/v1/departments?county_id={county}&limit=3"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 3);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/departments?county_id={county}&limit=3&cursor={cursor}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(second.body["items"][0]["id"], ours[3]["id"]);
}

async fn a_county_admin_creates_departments_and_categories(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;

    let department = app
        .post(
            "/api/v1/departments",
            Some(&admin),
            json!({"name": " 县自然资源局 "}),
        )
        .await
        .expect(201);
    assert_eq!(department.body["name"], "县自然资源局");
    assert_eq!(department.body["county_id"], county);

    let category = app
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({
                "name": "土地林业",
                "department_id": department.id(),
                "respond_within_hours": 72,
                "resolve_within_days": 30,
            }),
        )
        .await
        .expect(201);
    assert_eq!(category.body["county_id"], county);
    assert_eq!(category.body["department_id"], department.id());
    assert_eq!(category.body["respond_within_hours"], 72);
    assert_eq!(category.body["resolve_within_days"], 30);
    assert_eq!(category.body["active"], true);

    let (departments, categories) = catalogue(&app).await;
    assert!(departments.contains(&department.body));
    assert!(categories.contains(&category.body));
}

async fn only_a_county_admin_writes_the_catalogue(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let department = department_named(&app, "县住建局").await;
    let before = catalogue(&app).await;

    let mut callers = vec![app.resident("o-catalogue").await];
    for phone in [
        &demo.deputy,
        &demo.handler,
        &demo.station_admin,
        &demo.other_station_admin,
    ] {
        callers.push(app.login(phone).await);
    }
    let new_category = json!({
        "name": "环境保护",
        "department_id": department,
        "respond_within_hours": 24,
        "resolve_within_days": 10,
    });
    for token in &callers {
        let reply = app
            .post(
                "/api/v1/departments",
                Some(token),
                json!({"name": "县环保局"}),
            )
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden");
        app.post("/api/v1/categories", Some(token), new_category.clone())
            .await
            .expect(403);
    }
    for path in ["/api/v1/departments", "/api/v1/categories"] {
        let reply = app.post(path, None, new_category.clone()).await.expect(401);
        assert_eq!(reply.code(), "auth.missing_token");
    }
    assert_eq!(catalogue(&app).await, before);
}

async fn a_taken_name_is_a_conflict_within_a_county_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let department = department_named(&app, "县住建局").await;
    let before = catalogue(&app).await;

    let taken = app
        .post(
            "/api/v1/departments",
            Some(&admin),
            json!({"name": "县水利局"}),
        )
        .await
        .expect(409);
    assert_eq!(taken.code(), "department.name_taken");
    assert_eq!(taken.fields(), ["name"]);
    let taken = app
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({
                "name": "教育",
                "department_id": department,
                "respond_within_hours": 24,
                "resolve_within_days": 10,
            }),
        )
        .await
        .expect(409);
    assert_eq!(taken.code(), "category.name_taken");
    assert_eq!(taken.fields(), ["name"]);
    assert_eq!(catalogue(&app).await, before);

    // Another county may use the same names.
    let other = other_county(&app).await;
    let theirs = app
        .post(
            "/api/v1/departments",
            Some(&other.token),
            json!({"name": "县水利局"}),
        )
        .await
        .expect(201);
    app.post(
        "/api/v1/categories",
        Some(&other.token),
        json!({
            "name": "教育",
            "department_id": theirs.id(),
            "respond_within_hours": 24,
            "resolve_within_days": 10,
        }),
    )
    .await
    .expect(201);
}

async fn a_category_needs_a_department_of_its_own_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let other = other_county(&app).await;
    let foreign = app
        .post(
            "/api/v1/departments",
            Some(&other.token),
            json!({"name": "上蔡县教育局"}),
        )
        .await
        .expect(201)
        .id();
    let before = catalogue(&app).await;

    for department_id in [json!(foreign), json!(999999)] {
        let reply = app
            .post(
                "/api/v1/categories",
                Some(&admin),
                json!({
                    "name": "环境保护",
                    "department_id": department_id,
                    "respond_within_hours": 24,
                    "resolve_within_days": 10,
                }),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["department_id"], "{department_id}");
        assert_eq!(reply.body["errors"][0]["code"], "unknown");
    }
    assert_eq!(catalogue(&app).await, before);
}

async fn category_limits_out_of_range_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let department = department_named(&app, "县住建局").await;
    let before = catalogue(&app).await;

    let cases = [
        (0, 10, vec!["respond_within_hours"]),
        (721, 365, vec!["respond_within_hours"]),
        (24, 0, vec!["resolve_within_days"]),
        (24, 366, vec!["resolve_within_days"]),
        (-1, 400, vec!["respond_within_hours", "resolve_within_days"]),
        // A first answer cannot be allowed longer than the whole resolution.
        (49, 2, vec!["respond_within_hours"]),
    ];
    for (respond, resolve, fields) in cases {
        let reply = app
            .post(
                "/api/v1/categories",
                Some(&admin),
                json!({
                    "name": "环境保护",
                    "department_id": department,
                    "respond_within_hours": respond,
                    "resolve_within_days": resolve,
                }),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), fields, "{respond} h, {resolve} d");
    }
    let mistyped = app
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({
                "name": "环境保护",
                "department_id": department,
                "respond_within_hours": "48",
                "resolve_within_days": 10,
            }),
        )
        .await
        .expect(422);
    assert_eq!(mistyped.fields(), ["respond_within_hours"]);
    assert_eq!(catalogue(&app).await, before);

    // The edges are allowed.
    app.post(
        "/api/v1/categories",
        Some(&admin),
        json!({
            "name": "环境保护",
            "department_id": department,
            "respond_within_hours": 48,
            "resolve_within_days": 2,
        }),
    )
    .await
    .expect(201);
}

async fn invalid_catalogue_bodies_are_named_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let department = department_named(&app, "县住建局").await;
    let before = catalogue(&app).await;

    let long_name = "局".repeat(65);
    for (body, field) in [
        (json!({"name": long_name}), "name"),
        (json!({"name": ""}), "name"),
        (json!({}), "name"),
        (json!({"name": 12}), "name"),
    ] {
        let reply = app
            .post("/api/v1/departments", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), [field], "{body}");
    }
    for (body, field) in [
        (
            json!({"name": long_name, "department_id": department, "respond_within_hours": 24, "resolve_within_days": 10}),
            "name",
        ),
        (
            json!({"name": "环境保护", "respond_within_hours": 24, "resolve_within_days": 10}),
            "department_id",
        ),
        (
            json!({"name": "环境保护", "department_id": "住建局", "respond_within_hours": 24, "resolve_within_days": 10}),
            "department_id",
        ),
        (
            json!({"name": "环境保护", "department_id": department, "respond_within_hours": 24}),
            "resolve_within_days",
        ),
    ] {
        let reply = app
            .post("/api/v1/categories", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), [field], "{body}");
    }
    for path in ["/api/v1/departments", "/api/v1/categories"] {
        let reply = app
            .client
            .post(app.url(path))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body("{\"name\": \"x\"")
            .send()
            .await
            .unwrap();
        let reply = liaison_tests::read(reply).await.expect(400);
        assert_eq!(reply.code(), "malformed_json");
    }
    assert_eq!(catalogue(&app).await, before);
}

async fn inactive_categories_are_listed_only_on_request(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let county = demo_county(&app).await;
    app.db()
        .execute_unprepared("UPDATE categories SET active = false WHERE name = '教育'")
        .await
        .unwrap();

    let active = items(&app, &format!("/api/v1/categories?county_id={county}")).await;
    assert_eq!(active.len(), 6);
    assert!(!names(&active).contains(&"教育"));
    assert!(active.iter().all(|c| c["active"] == true));

    let all = items(
        &app,
        &format!("/api/v1/categories?county_id={county}&include_inactive=true"),
    )
    .await;
    assert_eq!(all.len(), 7);
    let education = all.iter().find(|c| c["name"] == "教育").unwrap();
    assert_eq!(education["active"], false);

    app.get("/api/v1/categories?include_inactive=maybe", None)
        .await
        .expect(400);
}
