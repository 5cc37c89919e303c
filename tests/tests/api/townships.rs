//! Township admins: made by a county admin for one township, they run every station in it
//! (and in its villages) as a county admin runs the county, and nothing outside it.

use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp, DEMO_PASSWORD};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    a_county_admin_makes_a_township_admin_for_a_township_of_its_county,
    a_township_admin_reaches_every_case_of_its_township_and_no_other,
    a_township_admin_places_and_runs_stations_in_its_township_only,
    a_township_admin_opens_station_accounts_but_no_township_handler_or_county_ones,
    a_station_placed_in_the_township_reaches_the_admin_s_token_at_once,
);

/// The id of the demo region named `name`.
async fn region_named(app: &TestApp, name: &str) -> i64 {
    let page = app
        .get("/api/v1/regions?county_id=1&limit=100", None)
        .await
        .expect(200);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("the demo has no region {name}"))["id"]
        .as_i64()
        .unwrap()
}

fn township_admin(phone: &str, region_id: Value) -> Value {
    json!({"role": "township_admin", "name": "乡镇人大", "phone": phone,
           "password": DEMO_PASSWORD, "region_id": region_id})
}

async fn users(app: &TestApp) -> usize {
    use sea_orm::{EntityTrait, PaginatorTrait};
    liaison_infra::entities::users::Entity::find()
        .count(app.db())
        .await
        .unwrap() as usize
}

async fn a_county_admin_makes_a_township_admin_for_a_township_of_its_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let township = region_named(&app, "专探乡").await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&county),
            township_admin("13900000101", json!(township)),
        )
        .await
        .expect(201);
    assert_eq!(created.body["role"], "township_admin");
    assert_eq!(created.body["region_id"], township);
    // 专探乡 holds one station, in its village 专探村.
    let me = app.me(&app.login("13900000101").await).await;
    assert_eq!(me["role"], "township_admin");
    assert_eq!(me["scopes"]["region_id"], township);
    assert_eq!(me["scopes"]["station_ids"], json!([3]));

    // A village, the county, a region of another county, none at all: each named, none made.
    let village = region_named(&app, "专探村").await;
    let other = other_county(&app).await;
    let before = users(&app).await;
    for (region_id, code) in [
        (json!(village), "unknown"),
        (json!(1), "unknown"),
        (json!(other.id), "unknown"),
        (Value::Null, "required"),
    ] {
        let refused = app
            .post(
                "/api/v1/users",
                Some(&county),
                township_admin("13900000102", region_id.clone()),
            )
            .await
            .expect(422);
        assert_eq!(refused.fields(), ["region_id"], "{region_id}");
        assert!(refused.body.to_string().contains(code), "{}", refused.body);
    }
    // Station admins and township admins make none.
    for maker in [&demo.station_admin, &demo.township_admin] {
        let token = app.login(maker).await;
        app.post(
            "/api/v1/users",
            Some(&token),
            township_admin("13900000103", json!(township)),
        )
        .await
        .expect(403);
    }
    assert_eq!(users(&app).await, before);
}

async fn a_township_admin_reaches_every_case_of_its_township_and_no_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("township-resident").await;
    // Station 2 lies in 出山镇; station 1 in 柏城街道.
    let ours = app.raise_at(&resident, 2).await;
    let theirs = app.raise_at(&resident, 1).await;
    let admin = app.login(&demo.township_admin).await;

    let queue = app
        .get("/api/v1/cases?limit=100", Some(&admin))
        .await
        .expect(200);
    let ids: Vec<i64> = queue.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [ours]);
    app.get(&format!("/api/v1/cases/{ours}"), Some(&admin))
        .await
        .expect(200);
    app.get(&format!("/api/v1/cases/{theirs}"), Some(&admin))
        .await
        .expect(404);
    // It urges a case of its township, and touches no other.
    let urge = json!({"note": "请尽快处理"});
    app.post(
        &format!("/api/v1/cases/{ours}/urge"),
        Some(&admin),
        urge.clone(),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/cases/{theirs}/urge"), Some(&admin), urge)
        .await
        .expect(404);
    // The roster of its station is its to write; another station's is not.
    let now = chrono::Utc::now();
    let week = json!({"from": now, "to": now + chrono::Duration::days(7), "shifts": []});
    app.put("/api/v1/stations/2/roster", Some(&admin), week.clone())
        .await
        .expect(200);
    app.put("/api/v1/stations/1/roster", Some(&admin), week)
        .await
        .expect(403);
}

async fn a_township_admin_places_and_runs_stations_in_its_township_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.township_admin).await;
    let village = region_named(&app, "出山村").await;
    let elsewhere = region_named(&app, "西关社区").await;
    let station = |region_id: i64| {
        json!({"name": "出山村代表联络点", "kind": "point", "region_id": region_id,
               "address": "出山村村委会"})
    };
    let placed = app
        .post("/api/v1/stations", Some(&admin), station(village))
        .await
        .expect(201);
    let placed_id = placed.id();
    app.post("/api/v1/stations", Some(&admin), station(elsewhere))
        .await
        .expect(403);

    let rename = json!({"opening_hours": "每周二 8:00-12:00"});
    app.patch("/api/v1/stations/2", Some(&admin), rename.clone())
        .await
        .expect(200);
    app.patch("/api/v1/stations/1", Some(&admin), rename)
        .await
        .expect(403);
    // Moving its station out of the township is placing it elsewhere.
    app.patch(
        &format!("/api/v1/stations/{placed_id}"),
        Some(&admin),
        json!({"region_id": elsewhere}),
    )
    .await
    .expect(403);
    let kept = app
        .get(&format!("/api/v1/stations/{placed_id}"), None)
        .await
        .expect(200);
    assert_eq!(kept.body["region_id"], village);
}

async fn a_township_admin_opens_station_accounts_but_no_township_handler_or_county_ones(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let demo: Demo = app.seed_demo().await;
    let admin = app.login(&demo.township_admin).await;
    let account = |role: &str, phone: &str, extra: Value| {
        let mut body =
            json!({"role": role, "name": "新同事", "phone": phone, "password": DEMO_PASSWORD});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    app.post(
        "/api/v1/users",
        Some(&admin),
        account("station_admin", "13900000111", json!({"station_ids": [2]})),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/users",
        Some(&admin),
        account("station_admin", "13900000112", json!({"station_ids": [1]})),
    )
    .await
    .expect(403);
    app.post(
        "/api/v1/users",
        Some(&admin),
        account("handler", "13900000113", json!({"department_id": 1})),
    )
    .await
    .expect(403);
    app.post(
        "/api/v1/users",
        Some(&admin),
        account("county_admin", "13900000114", json!({})),
    )
    .await
    .expect(403);
}

async fn a_station_placed_in_the_township_reaches_the_admin_s_token_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.township_admin).await;
    let county = app.login(&demo.county_admin).await;
    let village = region_named(&app, "棠溪村").await;
    let placed = app
        .post(
            "/api/v1/stations",
            Some(&county),
            json!({"name": "棠溪村代表联络点", "kind": "point", "region_id": village,
                   "address": "棠溪村村委会"}),
        )
        .await
        .expect(201)
        .id();
    // The token signed before the station existed reaches it now.
    let now = chrono::Utc::now();
    let week = json!({"from": now, "to": now + chrono::Duration::days(7), "shifts": []});
    app.put(
        &format!("/api/v1/stations/{placed}/roster"),
        Some(&admin),
        week,
    )
    .await
    .expect(200);
    let me = app.me(&admin).await;
    assert_eq!(me["scopes"]["station_ids"], json!([2, placed]));
}
