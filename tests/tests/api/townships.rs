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
    a_township_admin_hears_of_its_stations_reopened_and_escalated_cases,
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

/// The kinds of the notifications of case `case_id` in the caller's inbox, oldest first.
async fn told(app: &TestApp, token: &str, case_id: i64) -> Vec<String> {
    let page = app
        .get("/api/v1/notifications?limit=100", Some(token))
        .await
        .expect(200)
        .body;
    let mut kinds: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["case_id"] == case_id)
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.reverse();
    kinds
}

async fn a_township_admin_hears_of_its_stations_reopened_and_escalated_cases(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let township = app.login(&demo.township_admin).await;
    let deputy_id = app.me(&app.login(&demo.deputy).await).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    // The demo's deputy sits at station 2, in 出山镇, as well, and is on duty there now.
    app.patch(
        &format!("/api/v1/deputies/{deputy_id}"),
        Some(&county),
        json!({"station_ids": [1, 2]}),
    )
    .await
    .expect(200);
    let now = chrono::Utc::now();
    let hour = chrono::Duration::hours(1);
    let shift = json!({"deputy_id": deputy_id, "starts_at": now - hour, "ends_at": now + hour});
    let (from, to) = (now - hour * 12, now + hour * 12);
    // Off station 1's roster first: one deputy holds one shift at a time.
    let station_admin = app.login(&demo.station_admin).await;
    let none = json!({"from": from, "to": to, "shifts": []});
    app.put("/api/v1/stations/1/roster", Some(&station_admin), none)
        .await
        .expect(200);
    let week = json!({"from": from, "to": to, "shifts": [shift]});
    app.put("/api/v1/stations/2/roster", Some(&township), week)
        .await
        .expect(200);
    let deputy = app.login(&demo.deputy).await;
    let resident = app.resident("township-reopen").await;
    let step = |token: String, id: i64, action: &'static str, body: Value| {
        let app = &app;
        async move {
            app.post(&format!("/api/v1/cases/{id}/{action}"), Some(&token), body)
                .await
                .expect(200)
        }
    };
    let resolve_and_reject = |id: i64| {
        let (deputy, resident) = (deputy.clone(), resident.clone());
        async move {
            let resolved = json!({"summary": "已处理", "outcome": "implemented"});
            step(deputy, id, "resolve", resolved).await;
            let unsatisfied = json!({"rating": "unsatisfied"});
            step(resident, id, "rate", unsatisfied).await;
        }
    };

    // While the county keeps the re-assignment queue, a reopen is the county's news only.
    let first = app.raise_at(&resident, 2).await;
    step(deputy.clone(), first, "accept", json!({})).await;
    resolve_and_reject(first).await;
    assert!(told(&app, &county, first)
        .await
        .contains(&"reopened".to_owned()));
    assert!(!told(&app, &township, first)
        .await
        .contains(&"reopened".to_owned()));

    // Where the county lets townships re-assign, the township admin hears of it too; and of
    // the escalation the rounds past the limit bring, which the county hears of either way.
    app.patch(
        "/api/v1/regions/1",
        Some(&county),
        json!({"reassign_by": "township"}),
    )
    .await
    .expect(200);
    let case = app.raise_at(&resident, 2).await;
    step(deputy.clone(), case, "accept", json!({})).await;
    for _ in 0..3 {
        resolve_and_reject(case).await;
        let again = json!({"deputy_id": deputy_id, "instructions": "请再跑一趟"});
        step(township.clone(), case, "reassign", again).await;
    }
    let heard = told(&app, &township, case).await;
    assert_eq!(
        heard.iter().filter(|k| *k == "reopened").count(),
        3,
        "{heard:?}"
    );
    assert!(heard.contains(&"escalated".to_owned()), "{heard:?}");
    assert!(told(&app, &county, case)
        .await
        .contains(&"escalated".to_owned()));
    // A township's news stays in it: station 1's admin, of 柏城街道, hears none of this.
    assert!(told(&app, &station_admin, case).await.is_empty());
}
