//! Deputy groups (代表小组): a station's admins name groups of its deputies; a shift naming a
//! group puts every member on duty; a group still on the roster ahead is not deleted.

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

use crate::roster::{group_shift, put_roster, shift};

on_every_backend!(
    a_station_admin_creates_renames_changes_and_deletes_a_group,
    group_members_sit_at_the_station_and_names_are_unique,
    a_group_named_by_a_shift_ahead_is_not_deleted,
    others_may_not_touch_a_stations_groups,
    every_member_of_a_shifts_group_is_on_duty_for_new_cases,
    a_group_only_shift_is_read_back_and_routes_new_cases_to_its_members,
    a_group_with_a_past_group_only_shift_is_not_deleted,
);

/// The ids of the deputies who sit at station 1.
async fn station_deputies(app: &TestApp) -> Vec<i64> {
    let deputies = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body;
    deputies
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

async fn groups(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/stations/1/groups", Some(token))
        .await
        .expect(200)
        .body
}

async fn a_station_admin_creates_renames_changes_and_deletes_a_group(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let here = station_deputies(&app).await;
    let created = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": " 第一代表小组 ", "deputy_ids": [here[1], here[0], here[1]]}),
        )
        .await
        .expect(201);
    let id = created.id();
    assert_eq!(
        created.headers["location"].to_str().unwrap(),
        format!("/api/v1/groups/{id}")
    );
    assert_eq!(created.body["name"], "第一代表小组");
    assert_eq!(created.body["station_id"], 1);
    let listed = groups(&app, &admin).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let mut members: Vec<i64> = listed[0]["deputy_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_i64().unwrap())
        .collect();
    members.sort_unstable();
    let mut expected = vec![here[0], here[1]];
    expected.sort_unstable();
    assert_eq!(members, expected);

    let renamed = app
        .patch(
            &format!("/api/v1/groups/{id}"),
            Some(&admin),
            json!({"name": "二组", "deputy_ids": [here[2]]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(renamed["name"], "二组");
    assert_eq!(renamed["deputy_ids"], json!([here[2]]));
    assert_eq!(groups(&app, &admin).await[0]["name"], "二组");

    // The county admin runs it too.
    let county = app.login(&demo.county_admin).await;
    app.request(
        Method::DELETE,
        &format!("/api/v1/groups/{id}"),
        Some(&county),
        None,
    )
    .await
    .expect(204);
    assert_eq!(groups(&app, &admin).await, json!([]));
    app.request(
        Method::DELETE,
        &format!("/api/v1/groups/{id}"),
        Some(&county),
        None,
    )
    .await
    .expect(404);
}

async fn group_members_sit_at_the_station_and_names_are_unique(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let reply = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组", "deputy_ids": [999999]}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["deputy_ids"]);
    let reply = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": ""}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["name"]);
    assert_eq!(groups(&app, &admin).await, json!([]));

    app.post(
        "/api/v1/stations/1/groups",
        Some(&admin),
        json!({"name": "一组"}),
    )
    .await
    .expect(201);
    let taken = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组"}),
        )
        .await
        .expect(409);
    assert_eq!(taken.fields(), ["name"]);
    assert_eq!(groups(&app, &admin).await.as_array().unwrap().len(), 1);
}

async fn a_group_named_by_a_shift_ahead_is_not_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let here = station_deputies(&app).await;
    let id = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组", "deputy_ids": [here[1]]}),
        )
        .await
        .expect(201)
        .id();
    let now = Utc::now();
    let period = (now - Duration::hours(12), now + Duration::hours(12));
    let mut grouped = shift(here[0], now + Duration::hours(1), now + Duration::hours(3));
    grouped["group_id"] = json!(id);
    put_roster(&app, Some(&admin), 1, period, vec![grouped])
        .await
        .expect(200);
    let reply = app
        .request(
            Method::DELETE,
            &format!("/api/v1/groups/{id}"),
            Some(&admin),
            None,
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "group.in_use");
    assert_eq!(groups(&app, &admin).await.as_array().unwrap().len(), 1);

    // A group of another station is refused on a shift.
    let mut foreign = shift(here[0], now + Duration::hours(1), now + Duration::hours(3));
    foreign["group_id"] = json!(999999);
    let reply = put_roster(&app, Some(&admin), 1, period, vec![foreign])
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["shifts[0].group_id"]);

    // Once no shift ahead names it, it goes.
    put_roster(&app, Some(&admin), 1, period, vec![])
        .await
        .expect(200);
    app.request(
        Method::DELETE,
        &format!("/api/v1/groups/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
}

async fn others_may_not_touch_a_stations_groups(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let id = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组"}),
        )
        .await
        .expect(201)
        .id();
    let other = app.login(&demo.other_station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    app.get("/api/v1/stations/1/groups", Some(&other))
        .await
        .expect(403);
    app.post(
        "/api/v1/stations/1/groups",
        Some(&other),
        json!({"name": "二组"}),
    )
    .await
    .expect(403);
    // Another station's group is hidden.
    app.patch(
        &format!("/api/v1/groups/{id}"),
        Some(&other),
        json!({"name": "三组"}),
    )
    .await
    .expect(404);
    app.request(
        Method::DELETE,
        &format!("/api/v1/groups/{id}"),
        Some(&other),
        None,
    )
    .await
    .expect(404);
    for token in [&deputy, &handler] {
        app.get("/api/v1/stations/1/groups", Some(token))
            .await
            .expect(403);
        app.post(
            "/api/v1/stations/1/groups",
            Some(token),
            json!({"name": "二组"}),
        )
        .await
        .expect(403);
        app.patch(
            &format!("/api/v1/groups/{id}"),
            Some(token),
            json!({"name": "三组"}),
        )
        .await
        .expect(403);
    }
    app.get("/api/v1/stations/1/groups", None).await.expect(401);
    app.get("/api/v1/stations/999999/groups", Some(&admin))
        .await
        .expect(404);
    let listed = groups(&app, &admin).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "一组");
}

async fn every_member_of_a_shifts_group_is_on_duty_for_new_cases(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let member = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let on_shift = station_deputies(&app)
        .await
        .into_iter()
        .find(|id| *id != member)
        .unwrap();
    let now = Utc::now();
    let period = (now - Duration::hours(12), now + Duration::hours(12));
    let around_now = || shift(on_shift, now - Duration::hours(1), now + Duration::hours(1));
    // Alone on duty, the shift's deputy takes the first case.
    put_roster(&app, Some(&admin), 1, period, vec![around_now()])
        .await
        .expect(200);
    let resident = app.resident("group-routing").await;
    let first = app.raise(&resident).await;
    let read = app
        .get(&format!("/api/v1/cases/{first}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["assignee_id"], on_shift, "{read}");

    // The same shift naming a group: its member is on duty too, and less loaded.
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组", "deputy_ids": [member]}),
        )
        .await
        .expect(201)
        .id();
    let mut grouped = around_now();
    grouped["group_id"] = json!(group);
    put_roster(&app, Some(&admin), 1, period, vec![grouped])
        .await
        .expect(200);
    let second = app.raise(&resident).await;
    let read = app
        .get(&format!("/api/v1/cases/{second}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["assignee_id"], member, "{read}");
}

async fn a_group_only_shift_is_read_back_and_routes_new_cases_to_its_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let member = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组", "deputy_ids": [member]}),
        )
        .await
        .expect(201)
        .id();
    let now = Utc::now();
    // A day either side, so that the demo's shift of today (09:00 to 17:00) lies inside
    // whatever the hour the test runs at.
    let period = (now - Duration::hours(24), now + Duration::hours(24));
    // The group alone around now: the demo's own shift of the deputy is replaced by it.
    let written = put_roster(
        &app,
        Some(&admin),
        1,
        period,
        vec![group_shift(
            group,
            now - Duration::hours(1),
            now + Duration::hours(1),
        )],
    )
    .await
    .expect(200)
    .body;
    let read = crate::roster::shifts(&app, 1, period.0, period.1).await;
    let shifts = read.as_array().unwrap();
    let ours: Vec<&Value> = shifts
        .iter()
        .filter(|s| s["id"] == written["shifts"][0]["id"])
        .collect();
    assert_eq!(ours.len(), 1, "{read}");
    assert_eq!(ours[0]["deputy_id"], Value::Null);
    assert_eq!(ours[0]["deputy_name"], Value::Null);
    assert_eq!(ours[0]["group_id"], group);
    assert_eq!(ours[0]["group_name"], "一组");
    // Nobody else is on duty at station 1 now.
    assert!(
        shifts
            .iter()
            .all(|s| s["id"] == ours[0]["id"] || s["deputy_id"] != member),
        "{read}"
    );

    let resident = app.resident("group-only-routing").await;
    let case = app.raise(&resident).await;
    let read = app
        .get(&format!("/api/v1/cases/{case}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["assignee_id"], member, "{read}");
}

async fn a_group_with_a_past_group_only_shift_is_not_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let here = station_deputies(&app).await;
    let id = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组", "deputy_ids": [here[1]]}),
        )
        .await
        .expect(201)
        .id();
    let now = Utc::now();
    let period = (now - Duration::hours(12), now + Duration::hours(12));
    let past = group_shift(id, now - Duration::hours(5), now - Duration::hours(3));
    put_roster(&app, Some(&admin), 1, period, vec![past])
        .await
        .expect(200);
    // Its record would name nobody without the group.
    let reply = app
        .request(
            Method::DELETE,
            &format!("/api/v1/groups/{id}"),
            Some(&admin),
            None,
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "group.in_use");
    assert_eq!(groups(&app, &admin).await.as_array().unwrap().len(), 1);
}
