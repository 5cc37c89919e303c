//! Keeping the catalogue up: departments and categories renamed, deactivated (no new cases,
//! history kept) and their limits changed (for new cases only).

use chrono::{DateTime, Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    a_county_admin_renames_deactivates_and_reactivates_a_category,
    a_deactivated_department_takes_no_new_case_and_keeps_its_old_ones,
    changed_limits_apply_to_new_cases_only_even_on_reopen,
    only_the_county_admin_of_that_county_keeps_the_catalogue,
    bad_changes_are_named_and_change_nothing,
);

/// The demo county, its county admin's token, and its first category as listed.
async fn setup(app: &TestApp) -> (Demo, String, Value) {
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let category = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body["items"][0]
        .clone();
    (demo, county_admin, category)
}

fn case_body(category_id: &Value, title: &str) -> Value {
    json!({"station_id": 1, "category_id": category_id, "title": title, "content": "一周了"})
}

fn at(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn a_county_admin_renames_deactivates_and_reactivates_a_category(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, county_admin, category) = setup(&app).await;
    let id = category["id"].as_i64().unwrap();
    let path = format!("/api/v1/categories/{id}");
    let renamed = app
        .patch(&path, Some(&county_admin), json!({"name": "道路与交通"}))
        .await
        .expect(200)
        .body;
    assert_eq!(renamed["name"], "道路与交通");
    assert_eq!(
        renamed["respond_within_hours"],
        category["respond_within_hours"]
    );

    let resident = app.resident("o-upkeep").await;
    let old_case = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            case_body(&category["id"], "路灯不亮"),
        )
        .await
        .expect(201)
        .id();
    let off = app
        .patch(&path, Some(&county_admin), json!({"active": false}))
        .await
        .expect(200)
        .body;
    assert_eq!(off["active"], false);
    // Refused for new cases, naming the field; hidden from the choices; kept on old cases.
    let refused = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            case_body(&category["id"], "井盖缺失"),
        )
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["category_id"]);
    assert_eq!(refused.body["errors"][0]["code"], "inactive");
    let listed = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200);
    assert!(!ids(&listed.body).contains(&id));
    let all = app
        .get("/api/v1/categories?county_id=1&include_inactive=true", None)
        .await
        .expect(200);
    assert!(ids(&all.body).contains(&id));
    let old = app
        .get(&format!("/api/v1/cases/{old_case}"), Some(&county_admin))
        .await
        .expect(200)
        .body;
    assert_eq!(old["category_id"], id);

    app.patch(&path, Some(&county_admin), json!({"active": true}))
        .await
        .expect(200);
    app.post(
        "/api/v1/cases",
        Some(&resident),
        case_body(&category["id"], "井盖缺失"),
    )
    .await
    .expect(201);
}

async fn a_deactivated_department_takes_no_new_case_and_keeps_its_old_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, county_admin, category) = setup(&app).await;
    let department = category["department_id"].as_i64().unwrap();
    let admin = app.login(&demo.station_admin).await;
    let resident = app.resident("o-upkeep-department").await;
    let raise = |title: &'static str| {
        let app = &app;
        let resident = &resident;
        let category = &category;
        async move {
            app.post(
                "/api/v1/cases",
                Some(resident),
                case_body(&category["id"], title),
            )
            .await
            .expect(201)
            .id()
        }
    };
    let first = raise("路灯不亮").await;
    let second = raise("井盖缺失").await;
    app.post(
        &format!("/api/v1/cases/{first}/assign"),
        Some(&admin),
        json!({"department_id": department}),
    )
    .await
    .expect(200);

    let path = format!("/api/v1/departments/{department}");
    let off = app
        .patch(
            &path,
            Some(&county_admin),
            json!({"name": "县交通局", "active": false}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        (off["name"].as_str(), off["active"].as_bool()),
        (Some("县交通局"), Some(false))
    );
    let refused = app
        .post(
            &format!("/api/v1/cases/{second}/assign"),
            Some(&admin),
            json!({"department_id": department}),
        )
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["department_id"]);
    assert_eq!(refused.body["errors"][0]["code"], "inactive");
    let untouched = app
        .get(&format!("/api/v1/cases/{second}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert!(untouched["department_id"].is_null());
    let kept = app
        .get(&format!("/api/v1/cases/{first}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(kept["department_id"], department);
    // Hidden from the choices unless asked for.
    let listed = app
        .get("/api/v1/departments?county_id=1", None)
        .await
        .expect(200);
    assert!(!ids(&listed.body).contains(&department));
    let all = app
        .get(
            "/api/v1/departments?county_id=1&include_inactive=true&limit=100",
            None,
        )
        .await
        .expect(200);
    assert!(ids(&all.body).contains(&department));
    // No new category either.
    let new_category = app
        .post(
            "/api/v1/categories",
            Some(&county_admin),
            json!({"name": "公路", "department_id": department, "respond_within_hours": 24, "resolve_within_days": 5}),
        )
        .await
        .expect(422);
    assert_eq!(new_category.fields(), ["department_id"]);

    app.patch(&path, Some(&county_admin), json!({"active": true}))
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/cases/{second}/assign"),
        Some(&admin),
        json!({"department_id": department}),
    )
    .await
    .expect(200);
}

async fn changed_limits_apply_to_new_cases_only_even_on_reopen(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, county_admin, category) = setup(&app).await;
    let id = category["id"].as_i64().unwrap();
    let old_days = category["resolve_within_days"].as_i64().unwrap();
    let duty = app.deputy_on_duty(&demo).await;
    let resident = app.resident("o-upkeep-limits").await;
    let before = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            case_body(&category["id"], "路灯不亮"),
        )
        .await
        .expect(201)
        .body;

    let changed = app
        .patch(
            &format!("/api/v1/categories/{id}"),
            Some(&county_admin),
            json!({"respond_within_hours": 2, "resolve_within_days": old_days + 20}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(changed["respond_within_hours"], 2);

    let raised_at = Utc::now();
    let after = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            case_body(&category["id"], "井盖缺失"),
        )
        .await
        .expect(201)
        .body;
    let near = |a: DateTime<Utc>, b: DateTime<Utc>| (a - b).num_seconds().abs() < 120;
    assert!(near(
        at(&after["respond_by"]),
        raised_at + Duration::hours(2)
    ));
    assert!(near(
        at(&after["resolve_by"]),
        raised_at + Duration::days(old_days + 20)
    ));
    let unchanged = app
        .get(
            &format!("/api/v1/cases/{}", before["id"]),
            Some(&county_admin),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(at(&unchanged["respond_by"]), at(&before["respond_by"]));
    assert_eq!(at(&unchanged["resolve_by"]), at(&before["resolve_by"]));

    // A reopen restarts the clock with what the case was given, not the category's new days.
    let case = before["id"].as_i64().unwrap();
    let step = |token: &str, action: &str, body: Value| {
        let path = format!("/api/v1/cases/{case}/{action}");
        let token = token.to_owned();
        let app = &app;
        async move { app.post(&path, Some(&token), body).await.expect(200) }
    };
    step(&duty.deputy, "accept", json!({})).await;
    step(
        &duty.deputy,
        "resolve",
        json!({"summary": "已修好", "outcome": "implemented"}),
    )
    .await;
    let reopened_at = Utc::now();
    let reopened = step(&resident, "rate", json!({"rating": "unsatisfied"}))
        .await
        .body;
    assert_eq!(reopened["reopen_count"], 1);
    assert!(
        near(
            at(&reopened["resolve_by"]),
            reopened_at + Duration::days(old_days)
        ),
        "{} is not {old_days} days on",
        reopened["resolve_by"]
    );
}

async fn only_the_county_admin_of_that_county_keeps_the_catalogue(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, county_admin, category) = setup(&app).await;
    let paths = [
        format!("/api/v1/categories/{}", category["id"]),
        format!("/api/v1/departments/{}", category["department_id"]),
    ];
    let station_admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    let resident = app.resident("o-upkeep-who").await;
    for path in &paths {
        for token in [&station_admin, &deputy, &handler, &resident] {
            app.patch(path, Some(token), json!({"name": "改名"}))
                .await
                .expect(403);
        }
        app.patch(path, None, json!({"name": "改名"}))
            .await
            .expect(401);
    }
    // Another county's admin may not change them: they are public, so refused, not hidden.
    let other = other_county(&app).await;
    for path in &paths {
        app.patch(path, Some(&other.token), json!({"active": false}))
            .await
            .expect(403);
    }
    for path in ["/api/v1/categories/999", "/api/v1/departments/999"] {
        app.patch(path, Some(&county_admin), json!({"active": false}))
            .await
            .expect(404);
    }
    let still = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body["items"][0]
        .clone();
    assert_eq!(still, category);
}

async fn bad_changes_are_named_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, county_admin, category) = setup(&app).await;
    let path = format!("/api/v1/categories/{}", category["id"]);
    let cases = [
        (json!({"name": ""}), vec!["name"]),
        (
            json!({"respond_within_hours": 0}),
            vec!["respond_within_hours"],
        ),
        (
            json!({"resolve_within_days": 400}),
            vec!["resolve_within_days"],
        ),
        // Checked against the days it keeps: more hours than the days allow.
        (
            json!({"respond_within_hours": category["resolve_within_days"].as_i64().unwrap() * 24 + 1}),
            vec!["respond_within_hours"],
        ),
        (
            json!({"name": "x".repeat(65), "respond_within_hours": 0}),
            vec!["name", "respond_within_hours"],
        ),
    ];
    for (body, fields) in cases {
        let reply = app
            .patch(&path, Some(&county_admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), fields, "{body}");
    }
    // A name taken by another category of the county.
    let second = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body["items"][1]["name"]
        .clone();
    app.patch(&path, Some(&county_admin), json!({"name": second}))
        .await
        .expect(409);
    let department = format!("/api/v1/departments/{}", category["department_id"]);
    let reply = app
        .patch(&department, Some(&county_admin), json!({"name": " "}))
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["name"]);
    let still = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body["items"][0]
        .clone();
    assert_eq!(still, category);
}
