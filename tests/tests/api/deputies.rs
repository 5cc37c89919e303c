//! Deputies: a public directory anyone reads; entered and moved by admins within their scope.

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    the_directory_is_public_and_filtered,
    a_deputy_is_read_by_id_and_an_unknown_one_is_404,
    a_county_admin_enters_a_deputy_at_any_station_of_its_county,
    a_station_admin_enters_deputies_only_at_its_own_stations,
    a_station_admin_moves_deputies_only_in_and_out_of_its_own_stations,
    stations_must_exist_and_lie_in_one_county,
    invalid_deputy_fields_are_named_and_change_nothing,
    patch_null_clears_a_field_and_absent_keeps_it,
    residents_deputies_handlers_and_other_counties_may_not_write_deputies,
);

/// The demo's four stations, looked up by name.
struct Stations {
    /// 柏城街道人大代表联络站, run by the demo's station admin.
    baicheng: i64,
    /// 出山镇人大代表之家, run by the other station admin.
    chushan: i64,
    /// 杨庄村人大代表联络点.
    yangzhuang: i64,
}

async fn stations(app: &TestApp) -> Stations {
    let page = app
        .get("/api/v1/stations?limit=100", None)
        .await
        .expect(200);
    let items = page.body["items"].as_array().unwrap();
    let id = |name: &str| {
        items
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["id"].as_i64())
            .unwrap_or_else(|| panic!("no station is named {name}"))
    };
    Stations {
        baicheng: id("柏城街道人大代表联络站"),
        chushan: id("出山镇人大代表之家"),
        yangzhuang: id("杨庄村人大代表联络点"),
    }
}

/// The whole directory, in one page.
async fn directory(app: &TestApp) -> Vec<Value> {
    let page = app
        .get("/api/v1/deputies?limit=100", None)
        .await
        .expect(200);
    assert_eq!(page.body["next_cursor"], Value::Null);
    page.body["items"].as_array().unwrap().clone()
}

async fn deputy_named(app: &TestApp, name: &str) -> Value {
    directory(app)
        .await
        .into_iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no deputy is named {name}"))
}

async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let page = app
        .get(&format!("/api/v1/deputies?{query}"), None)
        .await
        .expect(200);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_directory_is_public_and_filtered(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let at = stations(&app).await;
    let county = crate::regions::demo_county(&app).await;
    let other = other_county(&app).await;

    let everyone = directory(&app).await;
    assert_eq!(everyone.len(), 12);
    assert!(everyone.iter().all(|d| d["county_id"] == county));
    assert_eq!(
        listed(&app, &format!("station_id={}", at.baicheng)).await,
        ["王秀英", "李建国", "刘桂兰", "杨卫东"]
    );
    assert_eq!(
        listed(&app, "level=township&limit=100").await,
        ["周玉芳", "吴海涛", "孙淑珍", "马振华"]
    );
    assert_eq!(
        listed(&app, &format!("station_id={}&level=county", at.baicheng)).await,
        ["刘桂兰", "杨卫东"]
    );
    assert_eq!(listed(&app, &format!("county_id={county}")).await.len(), 12);
    assert!(listed(&app, &format!("county_id={}", other.id))
        .await
        .is_empty());
    assert!(listed(&app, "station_id=999999").await.is_empty());
    let bad = app
        .get("/api/v1/deputies?level=village", None)
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["level"]);

    // Pages of five walk all twelve once.
    let mut walked = Vec::new();
    let mut path = "/api/v1/deputies?limit=5".to_owned();
    loop {
        let page = app.get(&path, None).await.expect(200);
        walked.extend(page.body["items"].as_array().unwrap().clone());
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/deputies?limit=5&cursor={cursor}"),
            None => break,
        }
        assert!(walked.len() <= 12, "pages repeat deputies");
    }
    assert_eq!(walked, everyone);
}

async fn a_deputy_is_read_by_id_and_an_unknown_one_is_404(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let at = stations(&app).await;
    let listed = deputy_named(&app, "张丽华").await;

    let read = app
        .get(&format!("/api/v1/deputies/{}", listed["id"]), None)
        .await
        .expect(200);
    assert_eq!(read.body, listed);
    assert_eq!(read.body["level"], "city");
    assert_eq!(read.body["station_ids"], json!([at.chushan]));
    assert_eq!(read.body["office_hours"], "每周二 14:30-17:00");
    assert_eq!(read.body["public_contact"], "13800000111");

    let missing = app.get("/api/v1/deputies/999999", None).await.expect(404);
    assert_eq!(missing.code(), "not_found");
    app.get("/api/v1/deputies/zhang", None).await.expect(400);
}

async fn a_county_admin_enters_a_deputy_at_any_station_of_its_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let at = stations(&app).await;
    let county = crate::regions::demo_county(&app).await;

    let created = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            json!({
                "name": " 郑国强 ",
                "level": "county",
                "station_ids": [at.yangzhuang, at.chushan, at.chushan],
                "office_hours": "每周一 9:00-12:00",
                "public_contact": "请到联络站留言",
            }),
        )
        .await
        .expect(201);
    let mut expected_stations = [at.chushan, at.yangzhuang];
    expected_stations.sort_unstable();
    assert_eq!(created.body["name"], "郑国强");
    assert_eq!(created.body["county_id"], county);
    assert_eq!(created.body["level"], "county");
    assert_eq!(created.body["station_ids"], json!(expected_stations));
    assert_eq!(created.body["office_hours"], "每周一 9:00-12:00");
    assert_eq!(created.body["public_contact"], "请到联络站留言");
    assert_eq!(created.body["photo_url"], Value::Null);

    let read = app
        .get(&format!("/api/v1/deputies/{}", created.id()), None)
        .await
        .expect(200);
    assert_eq!(read.body, created.body);
    assert!(listed(&app, &format!("station_id={}", at.yangzhuang))
        .await
        .contains(&"郑国强".to_owned()));
    let at_station = app
        .get(&format!("/api/v1/stations/{}/deputies", at.chushan), None)
        .await
        .expect(200);
    assert!(at_station.body.to_string().contains("郑国强"));

    // A county admin may enter a deputy who sits nowhere yet.
    let unseated = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            json!({"name": "钱玉梅", "level": "national"}),
        )
        .await
        .expect(201);
    assert_eq!(unseated.body["station_ids"], json!([]));
    assert_eq!(unseated.body["county_id"], county);
    assert_eq!(directory(&app).await.len(), 14);
}

async fn a_station_admin_enters_deputies_only_at_its_own_stations(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let station_admin = app.login(&demo.station_admin).await;
    let at = stations(&app).await;
    let before = directory(&app).await;

    for station_ids in [
        json!([at.chushan]),
        json!([at.baicheng, at.chushan]),
        json!([]),
    ] {
        let reply = app
            .post(
                "/api/v1/deputies",
                Some(&station_admin),
                json!({"name": "郑国强", "level": "township", "station_ids": station_ids}),
            )
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden", "{station_ids}");
    }
    assert_eq!(directory(&app).await, before);

    let created = app
        .post(
            "/api/v1/deputies",
            Some(&station_admin),
            json!({"name": "郑国强", "level": "township", "station_ids": [at.baicheng]}),
        )
        .await
        .expect(201);
    assert_eq!(created.body["station_ids"], json!([at.baicheng]));
    assert_eq!(directory(&app).await.len(), before.len() + 1);
}

async fn a_station_admin_moves_deputies_only_in_and_out_of_its_own_stations(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let station_admin = app.login(&demo.station_admin).await;
    let at = stations(&app).await;
    // 王秀英 sits at our station only, 李建国 at ours and the other, 张丽华 at the other only.
    let ours = deputy_named(&app, "王秀英").await;
    let shared = deputy_named(&app, "李建国").await;
    let theirs = deputy_named(&app, "张丽华").await;
    let path = |deputy: &Value| format!("/api/v1/deputies/{}", deputy["id"]);

    let refused = [
        // Into a station that is not ours.
        (&ours, json!({"station_ids": [at.baicheng, at.chushan]})),
        // Out of a station that is not ours.
        (&shared, json!({"station_ids": [at.baicheng]})),
        // A deputy who sits nowhere we run, however small the change.
        (&theirs, json!({"office_hours": "每周六"})),
        (&theirs, json!({"station_ids": [at.chushan, at.baicheng]})),
    ];
    for (deputy, body) in refused {
        let reply = app
            .patch(&path(deputy), Some(&station_admin), body.clone())
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden", "{} {body}", deputy["name"]);
        let now = app.get(&path(deputy), None).await.expect(200);
        assert_eq!(&now.body, deputy, "unchanged after {body}");
    }

    let edited = app
        .patch(
            &path(&ours),
            Some(&station_admin),
            json!({"office_hours": "每周六 9:00-12:00"}),
        )
        .await
        .expect(200);
    assert_eq!(edited.body["office_hours"], "每周六 9:00-12:00");
    // Moving the shared deputy out of our own station leaves the other station alone.
    let moved = app
        .patch(
            &path(&shared),
            Some(&station_admin),
            json!({"station_ids": [at.chushan]}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["station_ids"], json!([at.chushan]));
    assert!(!listed(&app, &format!("station_id={}", at.baicheng))
        .await
        .contains(&"李建国".to_owned()));
    // Now that he no longer sits with us, he is no longer ours to edit, nor to bring back.
    app.patch(
        &path(&shared),
        Some(&station_admin),
        json!({"station_ids": [at.chushan, at.baicheng]}),
    )
    .await
    .expect(403);
    assert_eq!(
        app.get(&path(&shared), None).await.expect(200).body,
        moved.body
    );
}

async fn stations_must_exist_and_lie_in_one_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let at = stations(&app).await;
    let other = other_county(&app).await;
    let their_station = other.station(&app).await;
    let deputy = deputy_named(&app, "王秀英").await;
    let before = directory(&app).await;

    let new_deputy = |station_ids: Value| json!({"name": "郑国强", "level": "county", "station_ids": station_ids});
    for (token, station_ids, code) in [
        (
            &admin,
            json!([at.baicheng, their_station]),
            "mixed_counties",
        ),
        (
            &other.token,
            json!([at.baicheng, their_station]),
            "mixed_counties",
        ),
        (&admin, json!([999999]), "unknown"),
        (&admin, json!([at.baicheng, 999999]), "unknown"),
    ] {
        let reply = app
            .post(
                "/api/v1/deputies",
                Some(token),
                new_deputy(station_ids.clone()),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["station_ids"], "{station_ids}");
        assert_eq!(reply.body["errors"][0]["code"], code, "{station_ids}");
    }
    for (station_ids, code) in [
        (json!([their_station]), "other_county"),
        (json!([at.baicheng, their_station]), "mixed_counties"),
        (json!([999999]), "unknown"),
    ] {
        let reply = app
            .patch(
                &format!("/api/v1/deputies/{}", deputy["id"]),
                Some(&admin),
                json!({"station_ids": station_ids}),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["station_ids"], "{station_ids}");
        assert_eq!(reply.body["errors"][0]["code"], code, "{station_ids}");
    }
    assert_eq!(directory(&app).await, before);
}

async fn invalid_deputy_fields_are_named_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let deputy = deputy_named(&app, "王秀英").await;
    let before = directory(&app).await;

    let long = "字".repeat(201);
    let cases = [
        (json!({"name": "郑国强", "level": "village"}), vec!["level"]),
        (
            json!({"name": "郑".repeat(65), "level": "county"}),
            vec!["name"],
        ),
        (
            json!({"name": "郑国强", "level": "county", "office_hours": long}),
            vec!["office_hours"],
        ),
        (
            json!({"name": "郑国强", "level": "county", "public_contact": ""}),
            vec!["public_contact"],
        ),
        (
            json!({"name": "", "level": "mayor", "photo_url": long}),
            vec!["name", "level", "photo_url"],
        ),
        // A link a reader's browser would run, or one that is no link at all.
        (
            json!({"name": "郑国强", "level": "county", "photo_url": "javascript:alert(1)"}),
            vec!["photo_url"],
        ),
        (
            json!({"name": "郑国强", "level": "county", "photo_url": "data:text/html,<b>x</b>"}),
            vec!["photo_url"],
        ),
        (json!({"level": "county"}), vec!["name"]),
        (json!({"name": "郑国强"}), vec!["level"]),
        (
            json!({"name": "郑国强", "level": "county", "station_ids": "1"}),
            vec!["station_ids"],
        ),
        (
            json!({"name": "郑国强", "level": "county", "station_ids": [1, "two"]}),
            vec!["station_ids[1]"],
        ),
    ];
    for (body, fields) in cases {
        let reply = app
            .post("/api/v1/deputies", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), fields, "{body}");
    }
    let patches = [
        (json!({"level": "mayor"}), "level"),
        (json!({"name": " "}), "name"),
        (json!({"public_contact": long}), "public_contact"),
        (json!({"station_ids": [true]}), "station_ids[0]"),
    ];
    for (body, field) in patches {
        let reply = app
            .patch(
                &format!("/api/v1/deputies/{}", deputy["id"]),
                Some(&admin),
                body.clone(),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), [field], "{body}");
    }
    let missing = app
        .patch(
            "/api/v1/deputies/999999",
            Some(&admin),
            json!({"name": "无"}),
        )
        .await
        .expect(404);
    assert_eq!(missing.code(), "not_found");
    assert_eq!(directory(&app).await, before);
}

async fn patch_null_clears_a_field_and_absent_keeps_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let deputy = deputy_named(&app, "张丽华").await;
    let path = format!("/api/v1/deputies/{}", deputy["id"]);
    assert_eq!(deputy["public_contact"], "13800000111");

    let cleared = app
        .patch(&path, Some(&admin), json!({"public_contact": null}))
        .await
        .expect(200);
    assert_eq!(cleared.body["public_contact"], Value::Null);
    let mut expected = deputy.clone();
    expected["public_contact"] = Value::Null;
    assert_eq!(cleared.body, expected, "nothing else changed");

    let promoted = app
        .patch(
            &path,
            Some(&admin),
            json!({"level": "provincial", "photo_url": "https://example.cn/zhang.jpg"}),
        )
        .await
        .expect(200);
    expected["level"] = json!("provincial");
    expected["photo_url"] = json!("https://example.cn/zhang.jpg");
    assert_eq!(
        promoted.body, expected,
        "an absent public_contact stays cleared"
    );
    assert_eq!(app.get(&path, None).await.expect(200).body, expected);

    // An empty patch changes nothing.
    let same = app.patch(&path, Some(&admin), json!({})).await.expect(200);
    assert_eq!(same.body, expected);
}

async fn residents_deputies_handlers_and_other_counties_may_not_write_deputies(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let at = stations(&app).await;
    let other = other_county(&app).await;
    // The demo deputy sits at 柏城街道; sitting there does not make it its station to run.
    let deputy_token = app.login(&demo.deputy).await;
    let own_record = app.me(&deputy_token).await["scopes"]["deputy_id"].clone();
    let before = directory(&app).await;

    let callers = [
        app.resident("o-deputy-writer").await,
        deputy_token,
        app.login(&demo.handler).await,
        other.token.clone(),
    ];
    let new_deputy = json!({"name": "郑国强", "level": "county", "station_ids": [at.baicheng]});
    for token in &callers {
        let reply = app
            .post("/api/v1/deputies", Some(token), new_deputy.clone())
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden");
        for body in [json!({"name": "改名"}), json!({"public_contact": null})] {
            app.patch(&format!("/api/v1/deputies/{own_record}"), Some(token), body)
                .await
                .expect(403);
        }
    }
    let anonymous = app
        .post("/api/v1/deputies", None, new_deputy)
        .await
        .expect(401);
    assert_eq!(anonymous.code(), "auth.missing_token");
    app.patch(
        &format!("/api/v1/deputies/{own_record}"),
        None,
        json!({"name": "改名"}),
    )
    .await
    .expect(401);
    assert_eq!(directory(&app).await, before);
}
