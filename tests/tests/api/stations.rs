//! Station cards: the public list and card, the deputies of a station, and who may create and
//! change stations (county admins of the county; station admins of their own stations only).

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    anyone_lists_stations_filtered_by_county_region_and_kind,
    station_lists_are_paged_by_cursor,
    anyone_reads_a_station_card_and_its_deputies,
    unknown_stations_answer_404,
    a_county_admin_creates_a_station_with_a_location,
    invalid_new_stations_name_the_field_and_create_nothing,
    a_station_admin_edits_its_own_station_and_no_other,
    residents_deputies_and_handlers_cannot_write_stations,
    writing_stations_needs_a_token,
    a_county_admin_of_another_county_cannot_touch_this_one,
    patching_null_clears_opening_hours_and_location,
    a_station_cannot_move_to_a_region_of_another_county,
);

/// The 4 demo stations, by id order: 柏城 (station), 出山 (home), 专探 (studio), 杨庄 (point).
const DEMO_STATIONS: usize = 4;

async fn station(app: &TestApp, id: i64) -> Value {
    app.get(&format!("/api/v1/stations/{id}"), None)
        .await
        .expect(200)
        .body
}

/// Every station, all pages.
async fn all_stations(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/stations?limit=100", None)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn ids(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {items}"))
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

fn new_station(region_id: i64) -> Value {
    json!({
        "name": "西关社区人大代表联络点",
        "kind": "point",
        "region_id": region_id,
        "address": "西平县柏城街道西关社区服务中心",
        "opening_hours": "每周三 9:00-12:00",
        "location": {"latitude": 33.3901, "longitude": 114.0102},
    })
}

/// The id of the demo region named `name`.
async fn region_named(app: &TestApp, name: &str) -> i64 {
    let regions = app
        .get("/api/v1/regions?limit=100", None)
        .await
        .expect(200)
        .body;
    regions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no region {name} in {regions}"))["id"]
        .as_i64()
        .unwrap()
}

async fn anyone_lists_stations_filtered_by_county_region_and_kind(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let other_county = crate::regions::other_county(&app).await.id;

    let all = app.get("/api/v1/stations", None).await.expect(200).body;
    assert_eq!(ids(&all["items"]), [1, 2, 3, 4]);
    assert_eq!(all["next_cursor"], Value::Null);
    let first = &all["items"][0];
    assert_eq!(first["name"], "柏城街道人大代表联络站");
    assert_eq!(first["kind"], "station");
    let county = first["county_id"].as_i64().unwrap();

    let in_county = app
        .get(&format!("/api/v1/stations?county_id={county}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&in_county.body["items"]), [1, 2, 3, 4]);
    let elsewhere = app
        .get(&format!("/api/v1/stations?county_id={other_county}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&elsewhere.body["items"]), Vec::<i64>::new());

    // 专探村人大代表工作室 lies in the village 专探村, below the township 专探乡.
    let township = region_named(&app, "专探乡").await;
    let below = app
        .get(&format!("/api/v1/stations?region_id={township}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&below.body["items"]), [3]);
    let village = region_named(&app, "专探村").await;
    let exact = app
        .get(&format!("/api/v1/stations?region_id={village}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&exact.body["items"]), [3]);
    // The county is above every station.
    let whole = app
        .get(&format!("/api/v1/stations?region_id={county}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&whole.body["items"]), [1, 2, 3, 4]);

    let homes = app
        .get("/api/v1/stations?kind=home", None)
        .await
        .expect(200);
    assert_eq!(ids(&homes.body["items"]), [2]);
    assert_eq!(homes.body["items"][0]["name"], "出山镇人大代表之家");
    let combined = app
        .get(
            &format!("/api/v1/stations?county_id={county}&kind=point"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(ids(&combined.body["items"]), [4]);

    let bad_kind = app
        .get("/api/v1/stations?kind=office", None)
        .await
        .expect(422);
    assert_eq!(bad_kind.fields(), ["kind"]);
}

async fn station_lists_are_paged_by_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let first = app.get("/api/v1/stations?limit=3", None).await.expect(200);
    assert_eq!(ids(&first.body["items"]), [1, 2, 3]);
    let cursor = first.body["next_cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("a next page follows: {}", first.body));
    let second = app
        .get(&format!("/api/v1/stations?limit=3&cursor={cursor}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&second.body["items"]), [4]);
    assert_eq!(second.body["next_cursor"], Value::Null);

    let exact = app.get("/api/v1/stations?limit=4", None).await.expect(200);
    assert_eq!(ids(&exact.body["items"]), [1, 2, 3, 4]);
    assert_eq!(exact.body["next_cursor"], Value::Null);

    for bad in ["limit=0", "limit=101"] {
        let reply = app
            .get(&format!("/api/v1/stations?{bad}"), None)
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["limit"], "{bad}");
    }
    let forged = app
        .get("/api/v1/stations?cursor=not-a-cursor", None)
        .await
        .expect(422);
    assert_eq!(forged.fields(), ["cursor"]);
}

async fn anyone_reads_a_station_card_and_its_deputies(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let card = station(&app, 1).await;
    assert_eq!(card["id"], 1);
    assert_eq!(card["name"], "柏城街道人大代表联络站");
    assert_eq!(card["kind"], "station");
    assert_eq!(card["address"], "西平县柏城街道人民路88号");
    assert_eq!(card["opening_hours"], "周一至周五 9:00-17:00");
    assert_eq!(card["location"]["latitude"], 33.3832);
    assert_eq!(card["location"]["longitude"], 114.0216);
    assert_eq!(card["region_id"], region_named(&app, "柏城街道").await);

    let deputies = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body;
    let names: Vec<&str> = deputies
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["王秀英", "李建国", "刘桂兰", "杨卫东"]);
    for deputy in deputies.as_array().unwrap() {
        let stations = deputy["station_ids"].as_array().unwrap();
        assert!(stations.contains(&json!(1)), "{deputy}");
    }
    // 李建国 sits at two stations, and says so.
    assert_eq!(deputies[1]["station_ids"], json!([1, 2]));

    let studio = app
        .get("/api/v1/stations/3/deputies", None)
        .await
        .expect(200)
        .body;
    let names: Vec<&str> = studio
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["陈志强", "黄永刚", "吴海涛", "马振华"]);
}

async fn unknown_stations_answer_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    for path in ["/api/v1/stations/999", "/api/v1/stations/999/deputies"] {
        assert_eq!(app.get(path, None).await.expect(404).code(), "not_found");
    }
    let patch = app
        .patch(
            "/api/v1/stations/999",
            Some(&county_admin),
            json!({"name": "不存在的联络站"}),
        )
        .await
        .expect(404);
    assert_eq!(patch.code(), "not_found");
    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS);
}

async fn a_county_admin_creates_a_station_with_a_location(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    let village = region_named(&app, "西关社区").await;
    let township = region_named(&app, "柏城街道").await;

    let created = app
        .post("/api/v1/stations", Some(&token), new_station(village))
        .await
        .expect(201);
    let id = created.id();
    assert_eq!(created.body["name"], "西关社区人大代表联络点");
    assert_eq!(created.body["kind"], "point");
    assert_eq!(created.body["region_id"], village);
    assert_eq!(
        created.body["county_id"],
        station(&app, 1).await["county_id"]
    );
    assert_eq!(created.body["opening_hours"], "每周三 9:00-12:00");
    assert_eq!(
        created.body["location"],
        json!({"latitude": 33.3901, "longitude": 114.0102})
    );
    assert_eq!(station(&app, id).await, created.body);
    // It is found below its township, and has no deputies yet.
    let below = app
        .get(&format!("/api/v1/stations?region_id={township}"), None)
        .await
        .expect(200);
    assert_eq!(ids(&below.body["items"]), [1, id]);
    let deputies = app
        .get(&format!("/api/v1/stations/{id}/deputies"), None)
        .await
        .expect(200);
    assert_eq!(deputies.body, json!([]));

    // Without a location or opening hours it is still a station.
    let bare = app
        .post(
            "/api/v1/stations",
            Some(&token),
            json!({"name": "出山村代表之家", "kind": "home", "region_id": region_named(&app, "出山村").await, "address": "出山村村委会"}),
        )
        .await
        .expect(201);
    assert_eq!(bare.body["location"], Value::Null);
    assert_eq!(bare.body["opening_hours"], Value::Null);
    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS + 2);
}

async fn invalid_new_stations_name_the_field_and_create_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    let village = region_named(&app, "西关社区").await;

    let mut bad_latitude = new_station(village);
    bad_latitude["location"]["latitude"] = json!(91.5);
    let reply = app
        .post("/api/v1/stations", Some(&token), bad_latitude)
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["location.latitude"]);

    let mut bad_both = new_station(village);
    bad_both["location"] = json!({"latitude": -90.5, "longitude": 180.5});
    let reply = app
        .post("/api/v1/stations", Some(&token), bad_both)
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["location.latitude", "location.longitude"]);

    let reply = app
        .post("/api/v1/stations", Some(&token), new_station(9999))
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["region_id"]);
    assert_eq!(reply.body["errors"][0]["code"], "unknown");

    let mut bad_kind = new_station(village);
    bad_kind["kind"] = json!("office");
    let reply = app
        .post("/api/v1/stations", Some(&token), bad_kind)
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["kind"]);

    let mut empty_name = new_station(village);
    empty_name["name"] = json!("   ");
    empty_name["kind"] = json!("office");
    let reply = app
        .post("/api/v1/stations", Some(&token), empty_name)
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["name", "kind"]);

    let mut missing = new_station(village);
    missing.as_object_mut().unwrap().remove("address");
    let reply = app
        .post("/api/v1/stations", Some(&token), missing)
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["address"]);

    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS);
}

async fn a_station_admin_edits_its_own_station_and_no_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    assert_eq!(app.me(&token).await["scopes"]["station_ids"], json!([1]));

    let patched = app
        .patch(
            "/api/v1/stations/1",
            Some(&token),
            json!({"name": "柏城街道人大代表联络总站", "opening_hours": "周一至周六 8:30-17:30"}),
        )
        .await
        .expect(200);
    assert_eq!(patched.body["name"], "柏城街道人大代表联络总站");
    assert_eq!(patched.body["opening_hours"], "周一至周六 8:30-17:30");
    // Fields left out keep their values.
    assert_eq!(patched.body["address"], "西平县柏城街道人民路88号");
    assert_eq!(patched.body["kind"], "station");
    assert_eq!(station(&app, 1).await, patched.body);

    let before = station(&app, 2).await;
    let refused = app
        .patch(
            "/api/v1/stations/2",
            Some(&token),
            json!({"name": "被改名的代表之家"}),
        )
        .await
        .expect(403);
    assert_eq!(refused.code(), "forbidden");
    assert_eq!(station(&app, 2).await, before);

    // Creating stations is the county's business, even in its own township.
    let township = region_named(&app, "柏城街道").await;
    let refused = app
        .post("/api/v1/stations", Some(&token), new_station(township))
        .await
        .expect(403);
    assert_eq!(refused.code(), "forbidden");
    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS);

    // The other station's admin is refused station 1 in turn.
    let other = app.login(&demo.other_station_admin).await;
    let before = station(&app, 1).await;
    app.patch("/api/v1/stations/1", Some(&other), json!({"kind": "home"}))
        .await
        .expect(403);
    assert_eq!(station(&app, 1).await, before);
}

async fn residents_deputies_and_handlers_cannot_write_stations(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let village = region_named(&app, "西关社区").await;
    let before = station(&app, 1).await;
    let tokens = [
        app.resident("o-resident-stations").await,
        // The deputy sits at station 1, yet does not run it.
        app.login(&demo.deputy).await,
        app.login(&demo.handler).await,
    ];
    for token in &tokens {
        let reply = app
            .post("/api/v1/stations", Some(token), new_station(village))
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden");
        let reply = app
            .patch(
                "/api/v1/stations/1",
                Some(token),
                json!({"name": "改名", "location": null}),
            )
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden");
    }
    assert_eq!(station(&app, 1).await, before);
    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS);
}

async fn writing_stations_needs_a_token(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let before = station(&app, 1).await;
    app.post("/api/v1/stations", None, new_station(1))
        .await
        .expect(401);
    app.patch("/api/v1/stations/1", None, json!({"name": "改名"}))
        .await
        .expect(401);
    app.patch(
        "/api/v1/stations/1",
        Some("not-a-token"),
        json!({"name": "改名"}),
    )
    .await
    .expect(401);
    assert_eq!(station(&app, 1).await, before);
    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS);
}

async fn a_county_admin_of_another_county_cannot_touch_this_one(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let crate::regions::OtherCounty {
        token: stranger,
        id: other_county,
        ..
    } = crate::regions::other_county(&app).await;
    let before = station(&app, 1).await;
    let refused = app
        .patch(
            "/api/v1/stations/1",
            Some(&stranger),
            json!({"name": "遂平县的联络站"}),
        )
        .await
        .expect(403);
    assert_eq!(refused.code(), "forbidden");
    assert_eq!(station(&app, 1).await, before);

    let village = region_named(&app, "西关社区").await;
    app.post("/api/v1/stations", Some(&stranger), new_station(village))
        .await
        .expect(403);
    assert_eq!(all_stations(&app).await.len(), DEMO_STATIONS);

    // In its own county it may.
    let own = app
        .post(
            "/api/v1/stations",
            Some(&stranger),
            new_station(other_county),
        )
        .await
        .expect(201);
    assert_eq!(own.body["county_id"], other_county);
}

async fn patching_null_clears_opening_hours_and_location(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    let cleared = app
        .patch(
            "/api/v1/stations/2",
            Some(&token),
            json!({"opening_hours": null}),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["opening_hours"], Value::Null);
    // Absent is not null: the location stays.
    assert_eq!(cleared.body["location"]["latitude"], 33.3510);
    assert_eq!(station(&app, 2).await["opening_hours"], Value::Null);

    let cleared = app
        .patch(
            "/api/v1/stations/2",
            Some(&token),
            json!({"location": null}),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["location"], Value::Null);
    assert_eq!(station(&app, 2).await["location"], Value::Null);

    let moved = app
        .patch(
            "/api/v1/stations/2",
            Some(&token),
            json!({"location": {"latitude": 33.36, "longitude": 113.87}}),
        )
        .await
        .expect(200);
    assert_eq!(
        moved.body["location"],
        json!({"latitude": 33.36, "longitude": 113.87})
    );

    let before = station(&app, 2).await;
    let refused = app
        .patch(
            "/api/v1/stations/2",
            Some(&token),
            json!({"location": {"latitude": 33.36, "longitude": 200.0}, "opening_hours": ""}),
        )
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["opening_hours", "location.longitude"]);
    assert_eq!(station(&app, 2).await, before);
}

async fn a_station_cannot_move_to_a_region_of_another_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let other_county = crate::regions::other_county(&app).await.id;
    let token = app.login(&demo.station_admin).await;
    let before = station(&app, 1).await;

    let refused = app
        .patch(
            "/api/v1/stations/1",
            Some(&token),
            json!({"region_id": other_county, "name": "搬走的联络站"}),
        )
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["region_id"]);
    assert_eq!(refused.body["errors"][0]["code"], "other_county");
    let unknown = app
        .patch(
            "/api/v1/stations/1",
            Some(&token),
            json!({"region_id": 9999}),
        )
        .await
        .expect(422);
    assert_eq!(unknown.fields(), ["region_id"]);
    assert_eq!(station(&app, 1).await, before);

    // Within the county it moves.
    let village = region_named(&app, "东关社区").await;
    let moved = app
        .patch(
            "/api/v1/stations/1",
            Some(&token),
            json!({"region_id": village}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["region_id"], village);
    assert_eq!(moved.body["county_id"], before["county_id"]);
}
