//! Scoring schemes (计分办法) over HTTP (issue 12, part 4): a county admin publishes versions
//! per year, the newest is in force and the older stay readable; staff of the county read
//! them; bad schemes are 422 naming the field; others may not publish.

use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    a_county_admin_publishes_versions_and_the_newest_is_in_force,
    bad_schemes_are_refused_naming_the_field,
    only_county_admins_publish_and_staff_of_the_county_read,
);

fn scheme(year: i32, thresholds: Value) -> Value {
    json!({
        "year": year,
        "weights": {"receptions_attended": 10, "cases_resolved": 5, "shifts_missed": -8},
        "thresholds": thresholds,
    })
}

async fn a_county_admin_publishes_versions_and_the_newest_is_in_force(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let first = app
        .post(
            "/api/v1/scoring-schemes",
            Some(&county),
            scheme(2021, json!([5, 10, 20, 40, 80])),
        )
        .await
        .expect(201);
    assert_eq!(first.body["version"], 1);
    assert_eq!(first.body["in_force"], true);
    assert_eq!(first.body["thresholds"], json!([5, 10, 20, 40, 80]));
    let weights = first.body["weights"].as_array().unwrap();
    assert_eq!(weights.len(), 13, "every item, weighed or not");
    assert!(weights.contains(&json!({"item": "shifts_missed", "weight": -8})));
    assert!(weights.contains(&json!({"item": "trainings", "weight": 0})));
    let first_id = first.id();

    let second = app
        .post(
            "/api/v1/scoring-schemes",
            Some(&county),
            scheme(2021, json!([10, 20, 30, 40, 50])),
        )
        .await
        .expect(201);
    assert_eq!(second.body["version"], 2);
    // Another year numbers its own versions.
    let other_year = app
        .post(
            "/api/v1/scoring-schemes",
            Some(&county),
            scheme(2022, json!([1, 2, 3, 4, 5])),
        )
        .await
        .expect(201);
    assert_eq!(other_year.body["version"], 1);

    let listed = app
        .get("/api/v1/scoring-schemes?year=2021", Some(&county))
        .await
        .expect(200)
        .body;
    assert_eq!(listed["year"], 2021);
    let versions: Vec<(Value, Value)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["version"].clone(), s["in_force"].clone()))
        .collect();
    assert_eq!(
        versions,
        [(json!(2), json!(true)), (json!(1), json!(false))]
    );
    let old = app
        .get(
            &format!("/api/v1/scoring-schemes/{first_id}"),
            Some(&county),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(old["version"], 1);
    assert_eq!(old["in_force"], false);
    assert_eq!(old["thresholds"], json!([5, 10, 20, 40, 80]));

    // Each publication is on the audit list, naming the year and the version.
    let audit = app
        .get("/api/v1/audit?limit=100", Some(&county))
        .await
        .expect(200)
        .body;
    let published: Vec<(&Value, &Value, &Value)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "scoring_scheme_published")
        .map(|e| (&e["target_kind"], &e["target_id"], &e["summary"]))
        .collect();
    assert_eq!(published.len(), 3, "{audit}");
    assert!(
        published.contains(&(
            &json!("scoring_scheme"),
            &json!(first_id),
            &json!("2021 v1")
        )),
        "{audit}"
    );
}

async fn bad_schemes_are_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let weights = json!({"cases_resolved": 5});
    for (body, fields) in [
        (
            json!({"year": 2021, "weights": weights, "thresholds": [50, 40, 30, 20, 10]}),
            vec!["thresholds"],
        ),
        (
            json!({"year": 2021, "weights": weights, "thresholds": [1, 2, 2, 3, 4]}),
            vec!["thresholds"],
        ),
        (
            json!({"year": 2021, "weights": weights, "thresholds": [1, 2, 3]}),
            vec!["thresholds"],
        ),
        (
            json!({"year": 2021, "weights": {"cases_resolved": 500}, "thresholds": [1, 2, 3, 4, 5]}),
            vec!["weights.cases_resolved"],
        ),
        (
            json!({"year": 2021, "weights": {"smiles": 1}, "thresholds": [1, 2, 3, 4, 5]}),
            vec!["weights.smiles"],
        ),
        (
            json!({"year": 2021, "weights": {}, "thresholds": [1, 2, 3, 4, 5]}),
            vec!["weights"],
        ),
        (
            json!({"year": 1999, "weights": weights, "thresholds": [1, 2, 3, 4, 5]}),
            vec!["year"],
        ),
    ] {
        let refused = app
            .post("/api/v1/scoring-schemes", Some(&county), body.clone())
            .await
            .expect(422);
        assert_eq!(refused.fields(), fields, "{body}");
    }
    for query in ["?year=abc", "?year=1999", "?year=10000"] {
        let refused = app
            .get(&format!("/api/v1/scoring-schemes{query}"), Some(&county))
            .await
            .expect(422);
        assert_eq!(refused.fields(), ["year"], "{query}");
    }
    let none = app
        .get("/api/v1/scoring-schemes?year=2021", Some(&county))
        .await
        .expect(200)
        .body;
    assert_eq!(none["items"], json!([]), "nothing refused was kept");
}

async fn only_county_admins_publish_and_staff_of_the_county_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let id = app
        .post(
            "/api/v1/scoring-schemes",
            Some(&county),
            scheme(2021, json!([5, 10, 20, 40, 80])),
        )
        .await
        .expect(201)
        .id();
    for phone in [
        &demo.station_admin,
        &demo.township_admin,
        &demo.deputy,
        &demo.handler,
    ] {
        let token = app.login(phone).await;
        // Refused whatever the body holds, even a bad one.
        app.post(
            "/api/v1/scoring-schemes",
            Some(&token),
            scheme(2021, json!([5, 4, 3, 2, 1])),
        )
        .await
        .expect(403);
        app.get(&format!("/api/v1/scoring-schemes/{id}"), Some(&token))
            .await
            .expect(200);
    }
    let resident = app.resident("o-schemes").await;
    app.get("/api/v1/scoring-schemes?year=abc", Some(&resident))
        .await
        .expect(403);
    app.get("/api/v1/scoring-schemes", None).await.expect(401);
    let other = other_county(&app).await;
    app.get(&format!("/api/v1/scoring-schemes/{id}"), Some(&other.token))
        .await
        .expect(404);
    let theirs = app
        .get("/api/v1/scoring-schemes?year=2021", Some(&other.token))
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["items"], json!([]));
}
