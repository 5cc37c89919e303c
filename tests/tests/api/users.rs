//! Staff accounts: who may create which, what each is tied to, and what is refused.

use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp, DEMO_PASSWORD};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    a_county_admin_creates_every_kind_of_staff_account,
    a_taken_phone_is_a_conflict_and_adds_no_account,
    a_deputy_has_one_account_at_most,
    invalid_account_fields_are_named,
    each_role_needs_what_it_is_tied_to,
    unknown_or_foreign_ties_are_refused,
    a_station_admin_creates_accounts_only_for_its_own_station,
    residents_deputies_and_handlers_create_no_accounts,
);

/// How many accounts there are, or hold `phone`: a refused write must leave both as they were.
async fn accounts(app: &TestApp, phone: Option<&str>) -> i64 {
    let filter = phone
        .map(|p| {
            assert!(p.bytes().all(|b| b.is_ascii_digit()));
            format!(" WHERE phone = '{p}'")
        })
        .unwrap_or_default();
    let db = app.db();
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM users{filter}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

fn account(role: &str, phone: &str) -> Value {
    json!({"role": role, "name": "新同事", "phone": phone, "password": DEMO_PASSWORD})
}

/// The demo's stations, as the station admins' own scopes say: (station admin's, the other's).
async fn demo_stations(app: &TestApp, demo: &Demo) -> (i64, i64) {
    let station = |me: Value| me["scopes"]["station_ids"][0].as_i64().unwrap();
    (
        station(app.me(&app.login(&demo.station_admin).await).await),
        station(app.me(&app.login(&demo.other_station_admin).await).await),
    )
}

/// The id of the demo deputy named `name`.
async fn deputy_named(app: &TestApp, name: &str) -> i64 {
    let page = app
        .get("/api/v1/deputies?limit=100", None)
        .await
        .expect(200);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("no deputy is named {name}"))
}

async fn department_named(app: &TestApp, name: &str) -> i64 {
    let page = app
        .get("/api/v1/departments?limit=100", None)
        .await
        .expect(200);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("no department is named {name}"))
}

async fn a_county_admin_creates_every_kind_of_staff_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let county = app.me(&admin).await["scopes"]["county_id"].clone();
    let (ours, theirs) = demo_stations(&app, &demo).await;
    let department = department_named(&app, "县水利局").await;
    // 王秀英 sits at the first station only and has no account yet.
    let deputy = deputy_named(&app, "王秀英").await;

    let mut station_admin = account("station_admin", "13900000011");
    station_admin["station_ids"] = json!([theirs, ours, ours]);
    let mut handler = account("handler", "13900000012");
    handler["department_id"] = json!(department);
    let mut deputy_account = account("deputy", "13900000013");
    deputy_account["deputy_id"] = json!(deputy);
    let county_admin = account("county_admin", "13900000014");

    let mut low = [ours, theirs];
    low.sort_unstable();
    let expected = [
        (station_admin, json!(low), Value::Null, Value::Null),
        (handler, json!([]), json!(department), Value::Null),
        (deputy_account, json!([ours]), Value::Null, json!(deputy)),
        (county_admin, json!([]), Value::Null, Value::Null),
    ];
    for (body, station_ids, department_id, deputy_id) in expected {
        let phone = body["phone"].as_str().unwrap().to_owned();
        let created = app
            .post("/api/v1/users", Some(&admin), body.clone())
            .await
            .expect(201);
        assert_eq!(created.body["role"], body["role"]);
        assert_eq!(created.body["name"], "新同事");
        assert_eq!(
            created.body["phone"],
            format!("{}****{}", &phone[..3], &phone[7..]),
            "the phone is masked"
        );
        assert!(!created.body.to_string().contains(&phone));
        assert!(created.body.get("password").is_none());
        assert!(created.body.get("password_hash").is_none());
        assert_eq!(created.body["county_id"], county);
        assert_eq!(created.body["station_ids"], station_ids);
        assert_eq!(created.body["department_id"], department_id);
        assert_eq!(created.body["deputy_id"], deputy_id);

        // The new account logs in and covers what it was given.
        let me = app.me(&app.login(&phone).await).await;
        assert_eq!(me["id"], created.body["id"]);
        assert_eq!(me["role"], body["role"]);
        assert_eq!(me["scopes"]["county_id"], county);
        let mut covered: Vec<i64> = me["scopes"]["station_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_i64().unwrap())
            .collect();
        covered.sort_unstable();
        assert_eq!(json!(covered), station_ids);
        assert_eq!(me["scopes"]["department_id"], department_id);
        assert_eq!(me["scopes"]["deputy_id"], deputy_id);
    }
    assert_eq!(accounts(&app, None).await, 6 + 4);
}

async fn a_taken_phone_is_a_conflict_and_adds_no_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let before = accounts(&app, None).await;

    // The same number written the way people copy it is the same number.
    let formatted = format!(
        "+86 {}-{}-{}",
        &demo.handler[..3],
        &demo.handler[3..7],
        &demo.handler[7..]
    );
    for phone in [demo.handler.clone(), formatted] {
        let taken = app
            .post(
                "/api/v1/users",
                Some(&admin),
                account("county_admin", &phone),
            )
            .await
            .expect(409);
        assert_eq!(taken.code(), "user.phone_taken");
        assert_eq!(taken.fields(), ["phone"]);
        assert!(!taken.body.to_string().contains(&demo.handler));
    }
    assert_eq!(accounts(&app, Some(&demo.handler)).await, 1);
    assert_eq!(accounts(&app, None).await, before);
    // The holder of the number still logs in as before.
    assert_eq!(
        app.me(&app.login(&demo.handler).await).await["role"],
        "handler"
    );
}

async fn a_deputy_has_one_account_at_most(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let deputy = app.me(&app.login(&demo.deputy).await).await["scopes"]["deputy_id"].clone();
    assert!(deputy.is_i64());
    let before = accounts(&app, None).await;

    let mut body = account("deputy", "13900000021");
    body["deputy_id"] = deputy;
    let reply = app
        .post("/api/v1/users", Some(&admin), body)
        .await
        .expect(409);
    assert_eq!(reply.code(), "user.deputy_has_account");
    assert_eq!(reply.fields(), ["deputy_id"]);
    assert_eq!(accounts(&app, Some("13900000021")).await, 0);
    assert_eq!(accounts(&app, None).await, before);
}

async fn invalid_account_fields_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let before = accounts(&app, None).await;

    let with = |field: &str, value: Value| {
        let mut body = account("county_admin", "13900000031");
        body[field] = value;
        body
    };
    let cases = [
        (with("phone", json!("12345")), vec!["phone"]),
        (with("phone", json!("12800000031")), vec!["phone"]),
        (with("phone", json!(13900000031u64)), vec!["phone"]),
        (with("password", json!("short")), vec!["password"]),
        (with("password", json!("x".repeat(129))), vec!["password"]),
        (with("name", json!("名".repeat(65))), vec!["name"]),
        (with("name", json!(" ")), vec!["name"]),
        (with("role", json!("resident")), vec!["role"]),
        (with("role", json!("mayor")), vec!["role"]),
        (with("station_ids", json!("1")), vec!["station_ids"]),
        (with("deputy_id", json!("first")), vec!["deputy_id"]),
        (
            json!({"role": "county_admin", "name": "新同事", "password": DEMO_PASSWORD}),
            vec!["phone"],
        ),
        (
            json!({"role": "county_admin", "name": "新同事", "phone": "13900000031"}),
            vec!["password"],
        ),
        (
            json!({"role": "judge", "name": "", "phone": "1", "password": "x"}),
            vec!["role", "name", "phone", "password"],
        ),
    ];
    for (body, fields) in cases {
        let reply = app
            .post("/api/v1/users", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), fields, "{body}");
    }
    let malformed = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"role\": \"handler\",")
        .send()
        .await
        .unwrap();
    assert_eq!(
        liaison_tests::read(malformed).await.expect(400).code(),
        "malformed_json"
    );
    assert_eq!(accounts(&app, None).await, before);
}

async fn each_role_needs_what_it_is_tied_to(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let before = accounts(&app, None).await;

    let mut empty_stations = account("station_admin", "13900000041");
    empty_stations["station_ids"] = json!([]);
    for (body, field) in [
        (account("station_admin", "13900000041"), "station_ids"),
        (empty_stations, "station_ids"),
        (account("handler", "13900000041"), "department_id"),
        (account("deputy", "13900000041"), "deputy_id"),
    ] {
        let reply = app
            .post("/api/v1/users", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), [field], "{body}");
        assert_eq!(reply.body["errors"][0]["code"], "required");
    }
    assert_eq!(accounts(&app, None).await, before);
}

async fn unknown_or_foreign_ties_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let (ours, _) = demo_stations(&app, &demo).await;
    let other = other_county(&app).await;
    let their_station = other.station(&app).await;
    let their_department = app
        .post(
            "/api/v1/departments",
            Some(&other.token),
            json!({"name": "上蔡县民政局"}),
        )
        .await
        .expect(201)
        .id();
    let their_deputy = app
        .post(
            "/api/v1/deputies",
            Some(&other.token),
            json!({"name": "蔡代表", "level": "county", "station_ids": [their_station]}),
        )
        .await
        .expect(201)
        .id();
    let before = accounts(&app, None).await;

    let tied = |role: &str, field: &str, value: Value| {
        let mut body = account(role, "13900000051");
        body[field] = value;
        body
    };
    let cases = [
        (
            tied("station_admin", "station_ids", json!([999999])),
            "station_ids",
        ),
        (
            tied("station_admin", "station_ids", json!([ours, their_station])),
            "station_ids",
        ),
        (
            tied("handler", "department_id", json!(999999)),
            "department_id",
        ),
        (
            tied("handler", "department_id", json!(their_department)),
            "department_id",
        ),
        (tied("deputy", "deputy_id", json!(999999)), "deputy_id"),
        (
            tied("deputy", "deputy_id", json!(their_deputy)),
            "deputy_id",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .post("/api/v1/users", Some(&admin), body.clone())
            .await
            .expect(422);
        assert_eq!(reply.fields(), [field], "{body}");
        assert_eq!(reply.body["errors"][0]["code"], "unknown");
    }
    assert_eq!(accounts(&app, None).await, before);

    // The other county's admin creates accounts for its own county only.
    let mut theirs = tied("deputy", "deputy_id", json!(their_deputy));
    theirs["phone"] = json!("13900000052");
    let created = app
        .post("/api/v1/users", Some(&other.token), theirs)
        .await
        .expect(201);
    assert_eq!(created.body["county_id"], other.id);
    let mut ours_from_there = account("station_admin", "13900000053");
    ours_from_there["station_ids"] = json!([ours]);
    app.post("/api/v1/users", Some(&other.token), ours_from_there)
        .await
        .expect(422);
    assert_eq!(accounts(&app, Some("13900000053")).await, 0);
}

async fn a_station_admin_creates_accounts_only_for_its_own_station(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let station_admin = app.login(&demo.station_admin).await;
    let (ours, theirs) = demo_stations(&app, &demo).await;
    let department = department_named(&app, "县住建局").await;
    // 王秀英 sits at our station only, 张丽华 at the other only, 李建国 at both.
    let here = deputy_named(&app, "王秀英").await;
    let elsewhere = deputy_named(&app, "张丽华").await;
    let both = deputy_named(&app, "李建国").await;
    let before = accounts(&app, None).await;

    let with = |role: &str, phone: &str, field: &str, value: Value| {
        let mut body = account(role, phone);
        body[field] = value;
        body
    };
    let refused = [
        with("deputy", "13900000061", "deputy_id", json!(elsewhere)),
        // The account would read and note the other station's cases too.
        with("deputy", "13900000061", "deputy_id", json!(both)),
        with("handler", "13900000061", "department_id", json!(department)),
        account("county_admin", "13900000061"),
        with(
            "station_admin",
            "13900000061",
            "station_ids",
            json!([theirs]),
        ),
        with(
            "station_admin",
            "13900000061",
            "station_ids",
            json!([ours, theirs]),
        ),
    ];
    for body in refused {
        let reply = app
            .post("/api/v1/users", Some(&station_admin), body.clone())
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden", "{body}");
    }
    assert_eq!(accounts(&app, None).await, before);

    let allowed = [
        with("deputy", "13900000062", "deputy_id", json!(here)),
        with("station_admin", "13900000064", "station_ids", json!([ours])),
    ];
    for body in allowed {
        let created = app
            .post("/api/v1/users", Some(&station_admin), body.clone())
            .await
            .expect(201);
        assert_eq!(created.body["role"], body["role"]);
        let phone = body["phone"].as_str().unwrap();
        assert_eq!(app.me(&app.login(phone).await).await["role"], body["role"]);
    }
    assert_eq!(accounts(&app, None).await, before + 2);

    // The county admin, whose county holds both stations, may tie 李建国 to an account.
    let county_admin = app.login(&demo.county_admin).await;
    app.post(
        "/api/v1/users",
        Some(&county_admin),
        with("deputy", "13900000063", "deputy_id", json!(both)),
    )
    .await
    .expect(201);
}

async fn residents_deputies_and_handlers_create_no_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let (ours, _) = demo_stations(&app, &demo).await;
    let deputy = deputy_named(&app, "王秀英").await;

    let mut as_deputy = account("deputy", "13900000071");
    as_deputy["deputy_id"] = json!(deputy);
    let mut as_station_admin = account("station_admin", "13900000071");
    as_station_admin["station_ids"] = json!([ours]);
    let callers = [
        app.resident("o-account-maker").await,
        app.login(&demo.deputy).await,
        app.login(&demo.handler).await,
    ];
    let before = accounts(&app, None).await;
    for token in &callers {
        for body in [&as_deputy, &as_station_admin] {
            let reply = app
                .post("/api/v1/users", Some(token), body.clone())
                .await
                .expect(403);
            assert_eq!(reply.code(), "forbidden");
        }
    }
    let anonymous = app
        .post("/api/v1/users", None, as_deputy.clone())
        .await
        .expect(401);
    assert_eq!(anonymous.code(), "auth.missing_token");
    assert_eq!(accounts(&app, None).await, before);
}
