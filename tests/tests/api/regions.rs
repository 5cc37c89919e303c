//! The region tree: read by anyone, grown and renamed by the county admin of that county only.
//! Also home to the helpers the other organisation tests share: ids of the demo county and a
//! second county with its own admin.

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp, DEMO_PASSWORD};
use serde_json::{json, Value};

on_every_backend!(
    regions_are_filtered_by_county_parent_and_level,
    region_pages_walk_every_region_once,
    a_region_is_read_by_id_and_an_unknown_one_is_404,
    a_county_admin_adds_townships_and_villages,
    a_parent_must_exist_and_be_of_the_level_above,
    counties_are_not_created_over_http,
    invalid_region_fields_are_named_and_change_nothing,
    a_taken_code_or_sibling_name_is_a_conflict,
    a_county_admin_renames_and_recodes_a_region,
    only_the_county_admin_of_that_county_writes_regions,
);

/// A county other than the demo's, with its admin logged in.
pub(crate) struct OtherCounty {
    pub id: i64,
    pub phone: &'static str,
    pub token: String,
}

/// Creates 上蔡县 (code SC) and its county admin, the way `liaison admin create` does.
pub(crate) async fn other_county(app: &TestApp) -> OtherCounty {
    let phone = "13900000088";
    let created = liaison_api::admin::create_county_admin(
        app.db(),
        phone,
        DEMO_PASSWORD,
        "上蔡县",
        Some("SC"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    OtherCounty {
        id: created.county_id,
        phone,
        token: app.login(phone).await,
    }
}

impl OtherCounty {
    /// A township and a station in it, created over the API by this county's admin.
    pub async fn station(&self, app: &TestApp) -> i64 {
        let township = app
            .post(
                "/api/v1/regions",
                Some(&self.token),
                json!({"name": "蔡沟镇", "level": "township", "parent_id": self.id, "code": "SCCG"}),
            )
            .await
            .expect(201)
            .id();
        app.post(
            "/api/v1/stations",
            Some(&self.token),
            json!({"name": "蔡沟镇人大代表联络站", "kind": "station", "region_id": township, "address": "上蔡县蔡沟镇政府院内"}),
        )
        .await
        .expect(201)
        .id()
    }
}

/// The region with this code, read over the API.
pub(crate) async fn region(app: &TestApp, code: &str) -> Value {
    all_regions(app)
        .await
        .into_iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no region has code {code}"))
}

/// The demo county's id.
pub(crate) async fn demo_county(app: &TestApp) -> i64 {
    region(app, "XP").await["id"].as_i64().unwrap()
}

/// Every region, in one page (the tests stay well under the maximum).
async fn all_regions(app: &TestApp) -> Vec<Value> {
    let page = app.get("/api/v1/regions?limit=100", None).await.expect(200);
    assert_eq!(page.body["next_cursor"], Value::Null);
    page.body["items"].as_array().unwrap().clone()
}

fn names(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

async fn regions_are_filtered_by_county_parent_and_level(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let other = other_county(&app).await;
    let county = demo_county(&app).await;

    let in_county = app
        .get(&format!("/api/v1/regions?county_id={county}"), None)
        .await
        .expect(200);
    let items = in_county.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 11, "the county, 4 townships, 6 villages");
    assert!(items.iter().all(|r| r["county_id"] == county));
    assert_eq!(items[0]["level"], "county");
    assert_eq!(items[0]["parent_id"], Value::Null);

    let townships = app
        .get("/api/v1/regions?level=township", None)
        .await
        .expect(200);
    let codes: Vec<&str> = townships.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["XPBC", "XPCS", "XPZT", "XPYZ"]);

    let chushan = region(&app, "XPCS").await;
    assert_eq!(chushan["parent_id"], county);
    let villages = app
        .get(
            &format!("/api/v1/regions?parent_id={}", chushan["id"]),
            None,
        )
        .await
        .expect(200);
    assert_eq!(names(&villages.body["items"]), ["出山村", "棠溪村"]);

    let theirs = app
        .get(
            &format!("/api/v1/regions?county_id={}&level=county", other.id),
            None,
        )
        .await
        .expect(200);
    assert_eq!(names(&theirs.body["items"]), ["上蔡县"]);
    let villages_here = app
        .get(
            &format!("/api/v1/regions?county_id={county}&level=village"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(villages_here.body["items"].as_array().unwrap().len(), 6);

    let unknown = app
        .get("/api/v1/regions?level=province", None)
        .await
        .expect(422);
    assert_eq!(unknown.fields(), ["level"]);
}

async fn region_pages_walk_every_region_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let everything: Vec<i64> = all_regions(&app)
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(everything.len(), 11);

    let mut walked = Vec::new();
    let mut pages = 0;
    let mut path = "/api/v1/regions?limit=3".to_owned();
    loop {
        let page = app.get(&path, None).await.expect(200);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        walked.extend(items.iter().map(|r| r["id"].as_i64().unwrap()));
        pages += 1;
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/regions?limit=3&cursor={cursor}"),
            None => break,
        }
        assert!(pages < 10, "the cursor never ends");
    }
    assert_eq!(pages, 4);
    assert_eq!(walked, everything, "every region once, in order");

    // A filter holds across pages: 6 villages in pages of 2, and the last says so.
    let mut villages = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..3 {
        let path = match &cursor {
            Some(c) => format!("/api/v1/regions?level=village&limit=2&cursor={c}"),
            None => "/api/v1/regions?level=village&limit=2".to_owned(),
        };
        let page = app.get(&path, None).await.expect(200);
        villages.extend(page.body["items"].as_array().unwrap().clone());
        cursor = page.body["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(cursor, None);
    assert_eq!(villages.len(), 6);
    assert!(villages.iter().all(|v| v["level"] == "village"));
}

async fn a_region_is_read_by_id_and_an_unknown_one_is_404(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let county = demo_county(&app).await;
    let township = region(&app, "XPBC").await;
    let read = app
        .get(&format!("/api/v1/regions/{}", township["id"]), None)
        .await
        .expect(200);
    assert_eq!(read.body, township);
    assert_eq!(read.body["name"], "柏城街道");
    assert_eq!(read.body["level"], "township");
    assert_eq!(read.body["parent_id"], county);
    assert_eq!(read.body["county_id"], county);

    let missing = app.get("/api/v1/regions/999999", None).await.expect(404);
    assert_eq!(missing.code(), "not_found");
}

async fn a_county_admin_adds_townships_and_villages(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;

    let township = app
        .post(
            "/api/v1/regions",
            Some(&admin),
            json!({"name": "  二郎乡 ", "level": "township", "parent_id": county, "code": "xpel"}),
        )
        .await
        .expect(201);
    assert_eq!(township.body["name"], "二郎乡", "names are trimmed");
    assert_eq!(township.body["code"], "XPEL", "codes are stored upper-case");
    assert_eq!(township.body["level"], "township");
    assert_eq!(township.body["parent_id"], county);
    assert_eq!(township.body["county_id"], county);

    let village = app
        .post(
            "/api/v1/regions",
            Some(&admin),
            json!({"name": "二郎村", "level": "village", "parent_id": township.id()}),
        )
        .await
        .expect(201);
    assert_eq!(village.body["parent_id"], township.id());
    assert_eq!(village.body["county_id"], county);
    assert_eq!(village.body["code"], Value::Null);

    let read = app
        .get(&format!("/api/v1/regions/{}", village.id()), None)
        .await
        .expect(200);
    assert_eq!(read.body, village.body);
    let under = app
        .get(
            &format!("/api/v1/regions?parent_id={}", township.id()),
            None,
        )
        .await
        .expect(200);
    assert_eq!(names(&under.body["items"]), ["二郎村"]);
}

async fn a_parent_must_exist_and_be_of_the_level_above(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;
    let township = region(&app, "XPBC").await["id"].as_i64().unwrap();
    let village = region_named(&app, "西关社区").await;
    let before = all_regions(&app).await;

    let refused = [
        (
            json!({"level": "village", "parent_id": county}),
            "wrong_level",
        ),
        (
            json!({"level": "township", "parent_id": township}),
            "wrong_level",
        ),
        (
            json!({"level": "village", "parent_id": village}),
            "wrong_level",
        ),
        (json!({"level": "township", "parent_id": 999999}), "unknown"),
        (json!({"level": "village"}), "required"),
    ];
    for (mut body, code) in refused {
        body["name"] = json!("新地方");
        let reply = app
            .post("/api/v1/regions", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["parent_id"], "{body}");
        assert_eq!(reply.body["errors"][0]["code"], code, "{body}");
    }
    assert_eq!(all_regions(&app).await, before);
}

async fn region_named(app: &TestApp, name: &str) -> i64 {
    all_regions(app)
        .await
        .iter()
        .find(|r| r["name"] == name)
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("no region is named {name}"))
}

async fn counties_are_not_created_over_http(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;
    let before = all_regions(&app).await;

    let root = app
        .post(
            "/api/v1/regions",
            Some(&admin),
            json!({"name": "遂平县", "level": "county", "code": "SP"}),
        )
        .await
        .expect(403);
    assert_eq!(root.code(), "forbidden");
    let nested = app
        .post(
            "/api/v1/regions",
            Some(&admin),
            json!({"name": "遂平县", "level": "county", "parent_id": county}),
        )
        .await
        .expect(422);
    assert_eq!(nested.fields(), ["parent_id"]);
    assert_eq!(all_regions(&app).await, before);
}

async fn invalid_region_fields_are_named_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;
    let township = region(&app, "XPBC").await["id"].as_i64().unwrap();
    let before = all_regions(&app).await;

    let long_name = "乡".repeat(65);
    let cases = [
        (
            json!({"name": long_name, "level": "township", "parent_id": county}),
            vec!["name"],
        ),
        (
            json!({"name": "  ", "level": "township", "parent_id": county}),
            vec!["name"],
        ),
        (
            json!({"name": "新乡", "level": "province", "parent_id": county}),
            vec!["level"],
        ),
        (
            json!({"name": "新乡", "level": "township", "parent_id": county, "code": "1X"}),
            vec!["code"],
        ),
        (
            json!({"name": long_name, "level": "township", "parent_id": county, "code": "X"}),
            vec!["name", "code"],
        ),
        (
            json!({"level": "township", "parent_id": county}),
            vec!["name"],
        ),
        (
            json!({"name": "新乡", "level": "township", "parent_id": "one"}),
            vec!["parent_id"],
        ),
        (json!({"name": 7, "level": "township"}), vec!["name"]),
    ];
    for (body, fields) in cases {
        let reply = app
            .post("/api/v1/regions", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), fields, "{body}");
    }

    let patches = [
        (json!({"name": long_name}), "name"),
        (json!({"code": "西平"}), "code"),
        (json!({"name": ["a"]}), "name"),
    ];
    for (body, field) in patches {
        let reply = app
            .patch(
                &format!("/api/v1/regions/{township}"),
                Some(&admin),
                body.clone(),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), [field], "{body}");
    }

    let malformed = app
        .client
        .post(app.url("/api/v1/regions"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": \"新乡\", ")
        .send()
        .await
        .unwrap();
    let malformed = liaison_tests::read(malformed).await.expect(400);
    assert_eq!(malformed.code(), "malformed_json");
    assert_eq!(all_regions(&app).await, before);
}

async fn a_taken_code_or_sibling_name_is_a_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;
    let township = region(&app, "XPBC").await;
    let before = all_regions(&app).await;

    // Lower case is the same code once stored.
    let code = app
        .post(
            "/api/v1/regions",
            Some(&admin),
            json!({"name": "二郎乡", "level": "township", "parent_id": county, "code": "xpcs"}),
        )
        .await
        .expect(409);
    assert_eq!(code.code(), "region.code_taken");
    assert_eq!(code.fields(), ["code"]);

    let sibling = app
        .post(
            "/api/v1/regions",
            Some(&admin),
            json!({"name": "出山镇", "level": "township", "parent_id": county}),
        )
        .await
        .expect(409);
    assert_eq!(sibling.code(), "region.name_taken");
    assert_eq!(sibling.fields(), ["name"]);

    let recode = app
        .patch(
            &format!("/api/v1/regions/{}", township["id"]),
            Some(&admin),
            json!({"code": "XP"}),
        )
        .await
        .expect(409);
    assert_eq!(recode.fields(), ["code"]);
    let rename = app
        .patch(
            &format!("/api/v1/regions/{}", township["id"]),
            Some(&admin),
            json!({"name": "专探乡"}),
        )
        .await
        .expect(409);
    assert_eq!(rename.fields(), ["name"]);
    assert_eq!(all_regions(&app).await, before);

    // The same village name under another township is no conflict.
    let chushan = region(&app, "XPCS").await;
    app.post(
        "/api/v1/regions",
        Some(&admin),
        json!({"name": "西关社区", "level": "village", "parent_id": chushan["id"]}),
    )
    .await
    .expect(201);
}

async fn a_county_admin_renames_and_recodes_a_region(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = demo_county(&app).await;
    let township = region(&app, "XPZT").await;
    let path = format!("/api/v1/regions/{}", township["id"]);

    let renamed = app
        .patch(&path, Some(&admin), json!({"name": "专探街道"}))
        .await
        .expect(200);
    assert_eq!(renamed.body["name"], "专探街道");
    assert_eq!(renamed.body["code"], "XPZT", "an absent code is kept");

    let recoded = app
        .patch(&path, Some(&admin), json!({"code": "xpzj"}))
        .await
        .expect(200);
    assert_eq!(recoded.body["code"], "XPZJ");
    assert_eq!(recoded.body["name"], "专探街道");
    let uncoded = app
        .patch(&path, Some(&admin), json!({"code": null}))
        .await
        .expect(200);
    assert_eq!(uncoded.body["code"], Value::Null);
    assert_eq!(app.get(&path, None).await.expect(200).body, uncoded.body);

    // A county keeps its code: every case number starts with it.
    let county_path = format!("/api/v1/regions/{county}");
    let dropped = app
        .patch(&county_path, Some(&admin), json!({"code": null}))
        .await
        .expect(422);
    assert_eq!(dropped.fields(), ["code"]);
    let county_now = app.get(&county_path, None).await.expect(200);
    assert_eq!(county_now.body["code"], "XP");
    let renamed_county = app
        .patch(
            &county_path,
            Some(&admin),
            json!({"name": "西平县（测试）"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed_county.body["code"], "XP");

    let missing = app
        .patch(
            "/api/v1/regions/999999",
            Some(&admin),
            json!({"name": "无"}),
        )
        .await
        .expect(404);
    assert_eq!(missing.code(), "not_found");
}

async fn only_the_county_admin_of_that_county_writes_regions(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let other = other_county(&app).await;
    let county = demo_county(&app).await;
    let township = region(&app, "XPBC").await["id"].as_i64().unwrap();
    let before = all_regions(&app).await;

    let mut callers = vec![app.resident("o-region-writer").await];
    for phone in [&demo.deputy, &demo.handler, &demo.station_admin] {
        callers.push(app.login(phone).await);
    }
    callers.push(other.token.clone());
    let new_township = json!({"name": "二郎乡", "level": "township", "parent_id": county});
    let new_village = json!({"name": "新村", "level": "village", "parent_id": township});
    for token in &callers {
        for body in [&new_township, &new_village] {
            let reply = app
                .post("/api/v1/regions", Some(token), body.clone())
                .await
                .expect(403);
            assert_eq!(reply.code(), "forbidden");
        }
        for path in [
            format!("/api/v1/regions/{township}"),
            format!("/api/v1/regions/{county}"),
        ] {
            app.patch(&path, Some(token), json!({"name": "改名"}))
                .await
                .expect(403);
        }
    }

    let anonymous = app
        .post("/api/v1/regions", None, new_township.clone())
        .await
        .expect(401);
    assert_eq!(anonymous.code(), "auth.missing_token");
    app.patch(
        &format!("/api/v1/regions/{township}"),
        None,
        json!({"name": "改名"}),
    )
    .await
    .expect(401);

    assert_eq!(all_regions(&app).await, before);
}
