//! Receptions (接待活动) and reception days (接待日): recorded and read by a station's staff;
//! the schedule is public and its next day shows on the scan card.

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

use crate::roster::stamp;

on_every_backend!(
    a_deputy_records_a_reception_and_its_staff_read_and_change_it,
    a_reception_lists_the_cases_raised_in_it,
    bad_receptions_are_refused_whole_and_change_nothing,
    others_may_not_record_or_read_a_stations_receptions,
    a_station_admin_sets_the_reception_days_and_anyone_reads_the_next,
    bad_reception_days_are_refused_and_others_may_not_set_them,
);

async fn deputy_of(app: &TestApp, token: &str) -> i64 {
    app.me(token).await["scopes"]["deputy_id"].as_i64().unwrap()
}

fn market_day(deputy_id: i64) -> Value {
    json!({
        "station_id": 1,
        "kind": "market_day",
        "held_at": stamp(Utc::now() - Duration::days(1)),
        "visitors": 37,
        "officials": [{"name": "王建国", "body": "县交通运输局"}],
        "deputy_ids": [deputy_id],
    })
}

async fn count(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/receptions?limit=100", Some(token))
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn a_deputy_records_a_reception_and_its_staff_read_and_change_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = deputy_of(&app, &deputy).await;
    let created = app
        .post("/api/v1/receptions", Some(&deputy), market_day(deputy_id))
        .await
        .expect(201);
    let id = created.id();
    assert_eq!(
        created.headers["location"].to_str().unwrap(),
        format!("/api/v1/receptions/{id}")
    );
    assert_eq!(created.body["kind"], "market_day");
    assert_eq!(created.body["visitors"], 37);
    assert_eq!(created.body["officials"][0]["body"], "县交通运输局");
    assert_eq!(created.body["deputy_ids"], json!([deputy_id]));

    let admin = app.login(&demo.station_admin).await;
    let county = app.login(&demo.county_admin).await;
    for token in [&deputy, &admin, &county] {
        let read = app
            .get(&format!("/api/v1/receptions/{id}"), Some(token))
            .await
            .expect(200)
            .body;
        assert_eq!(read["visitors"], 37);
        assert_eq!(read["cases"], json!([]));
    }

    // Filters: station, kind and time.
    let page = |query: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.get(&format!("/api/v1/receptions?{query}"), Some(&admin))
                .await
                .expect(200)
                .body["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    // The demo holds a market day a week ago at station 1 too.
    let since = stamp(Utc::now() - Duration::days(2));
    assert_eq!(page("station_id=1".into()).await, 2);
    assert_eq!(page(format!("kind=market_day&from={since}")).await, 1);
    assert_eq!(page("kind=meeting".into()).await, 0);
    assert_eq!(page(format!("to={since}")).await, 1);
    let recent = stamp(Utc::now() - Duration::hours(1));
    assert_eq!(page(format!("from={recent}")).await, 0);
    app.get("/api/v1/receptions?kind=party", Some(&admin))
        .await
        .expect(422);

    let changed = app
        .patch(
            &format!("/api/v1/receptions/{id}"),
            Some(&admin),
            json!({"kind": "reception_day", "visitors": 40, "officials": []}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(changed["kind"], "reception_day");
    assert_eq!(changed["visitors"], 40);
    assert_eq!(changed["officials"], json!([]));
    assert_eq!(changed["deputy_ids"], json!([deputy_id]));
}

async fn a_reception_lists_the_cases_raised_in_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let reception = app
        .post(
            "/api/v1/receptions",
            Some(&admin),
            json!({"station_id": 1, "kind": "duty", "held_at": stamp(Utc::now())}),
        )
        .await
        .expect(201)
        .id();
    let category = app.first_category().await;
    let visitor_case = |station_id: i64, reception: i64| {
        json!({"station_id": station_id, "category_id": category, "title": "路灯不亮",
               "content": "村口的路灯坏了", "channel": "market_day", "reception_id": reception})
    };
    let case = app
        .post("/api/v1/cases", Some(&admin), visitor_case(1, reception))
        .await
        .expect(201)
        .id();
    let seen = app
        .get(&format!("/api/v1/cases/{case}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(seen.body["reception_id"], reception);

    // A reception at another station, or none at all, is the field's error and raises nothing;
    // so is a resident naming one, whose case no reception ever holds.
    let county = app.login(&demo.county_admin).await;
    let elsewhere = app
        .post(
            "/api/v1/receptions",
            Some(&county),
            json!({"station_id": 2, "kind": "duty", "held_at": stamp(Utc::now())}),
        )
        .await
        .expect(201)
        .id();
    for wrong in [elsewhere, 999_999] {
        let refused = app
            .post("/api/v1/cases", Some(&admin), visitor_case(1, wrong))
            .await
            .expect(422);
        assert_eq!(refused.fields(), ["reception_id"]);
    }
    let resident = app.resident("reception-visitor").await;
    let mut own = visitor_case(1, reception);
    own.as_object_mut().unwrap().remove("channel");
    let refused = app
        .post("/api/v1/cases", Some(&resident), own)
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["reception_id"]);

    let read = app
        .get(&format!("/api/v1/receptions/{reception}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["cases"].as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read["cases"][0]["id"], case);
    assert_eq!(read["cases"][0]["title"], "路灯不亮");
    assert_eq!(read["cases"][0]["status"], "submitted");
}

async fn bad_receptions_are_refused_whole_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let before = count(&app, &admin).await;
    let reply = app
        .post(
            "/api/v1/receptions",
            Some(&admin),
            json!({
                "station_id": 1,
                "kind": "party",
                "held_at": stamp(Utc::now()),
                "visitors": -1,
                "officials": [{"name": "王建国", "body": ""}],
                "deputy_ids": [999999],
            }),
        )
        .await
        .expect(422);
    assert_eq!(
        reply.fields(),
        ["kind", "visitors", "officials[0].body", "deputy_ids"]
    );
    let reply = app
        .post(
            "/api/v1/receptions",
            Some(&admin),
            json!({"station_id": 999999, "kind": "duty", "held_at": stamp(Utc::now())}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["station_id"]);
    assert_eq!(count(&app, &admin).await, before);

    let id = app
        .post(
            "/api/v1/receptions",
            Some(&admin),
            json!({"station_id": 1, "kind": "duty", "held_at": stamp(Utc::now()), "visitors": 3}),
        )
        .await
        .expect(201)
        .id();
    app.patch(
        &format!("/api/v1/receptions/{id}"),
        Some(&admin),
        json!({"visitors": -5}),
    )
    .await
    .expect(422);
    let read = app
        .get(&format!("/api/v1/receptions/{id}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["visitors"], 3);
}

async fn others_may_not_record_or_read_a_stations_receptions(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let before = count(&app, &admin).await;
    let id = app
        .post(
            "/api/v1/receptions",
            Some(&admin),
            json!({"station_id": 1, "kind": "meeting", "held_at": stamp(Utc::now())}),
        )
        .await
        .expect(201)
        .id();
    let other = app.login(&demo.other_station_admin).await;
    let handler = app.login(&demo.handler).await;
    let resident = app.resident("curious").await;
    let body = json!({"station_id": 1, "kind": "duty", "held_at": stamp(Utc::now())});
    app.post("/api/v1/receptions", Some(&other), body.clone())
        .await
        .expect(403);
    app.get(&format!("/api/v1/receptions/{id}"), Some(&other))
        .await
        .expect(404);
    app.patch(
        &format!("/api/v1/receptions/{id}"),
        Some(&other),
        json!({"visitors": 9}),
    )
    .await
    .expect(404);
    app.get("/api/v1/receptions?station_id=1", Some(&other))
        .await
        .expect(403);
    assert_eq!(count(&app, &other).await, 0);
    for token in [&handler, &resident] {
        app.post("/api/v1/receptions", Some(token), body.clone())
            .await
            .expect(403);
        app.get("/api/v1/receptions", Some(token)).await.expect(403);
        app.get(&format!("/api/v1/receptions/{id}"), Some(token))
            .await
            .expect(404);
    }
    app.get("/api/v1/receptions", None).await.expect(401);
    assert_eq!(count(&app, &admin).await, before + 1);
    let read = app
        .get(&format!("/api/v1/receptions/{id}"), Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["visitors"], 0);
}

async fn a_station_admin_sets_the_reception_days_and_anyone_reads_the_next(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let tomorrow = (Utc::now() + Duration::days(2)).date_naive();
    let written = app
        .put(
            "/api/v1/stations/2/reception-days",
            Some(&app.login(&demo.county_admin).await),
            json!({"days": [{"date": tomorrow.to_string(), "starts": "09:00", "ends": "11:30"}]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(written["days"][0]["starts"], "09:00");
    let written = app
        .put(
            "/api/v1/stations/1/reception-days",
            Some(&admin),
            json!({"days": [
                {"weekday": "tuesday", "starts": "08:00", "ends": "12:00"},
                {"date": tomorrow.to_string(), "starts": "14:00", "ends": "16:00"},
            ]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(written["days"].as_array().unwrap().len(), 2);
    assert_eq!(written["days"][0]["weekday"], "tuesday");
    assert_eq!(written["days"][1]["date"], tomorrow.to_string());
    let read = app
        .get("/api/v1/stations/1/reception-days", None)
        .await
        .expect(200)
        .body;
    assert_eq!(read["days"], written["days"]);
    let next = read["next"]["starts_at"].as_str().unwrap().to_owned();
    let next = chrono::DateTime::parse_from_rfc3339(&next).unwrap();
    assert!(
        next.with_timezone(&Utc) <= Utc::now() + Duration::days(7),
        "{read}"
    );

    // The scan card shows the same next day.
    let code = app
        .get("/api/v1/stations/1/code", Some(&admin))
        .await
        .expect(200)
        .body;
    let scene = code["scene"].as_str().unwrap();
    let card = app
        .get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(card["next_reception_day"], read["next"]);

    // An empty schedule removes every day.
    app.put(
        "/api/v1/stations/1/reception-days",
        Some(&admin),
        json!({"days": []}),
    )
    .await
    .expect(200);
    let read = app
        .get("/api/v1/stations/1/reception-days", None)
        .await
        .expect(200)
        .body;
    assert_eq!(read["days"], json!([]));
    assert_eq!(read["next"], Value::Null);
}

async fn bad_reception_days_are_refused_and_others_may_not_set_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let good = json!({"days": [{"weekday": "friday", "starts": "08:00", "ends": "12:00"}]});
    app.put(
        "/api/v1/stations/1/reception-days",
        Some(&admin),
        good.clone(),
    )
    .await
    .expect(200);
    let reply = app
        .put(
            "/api/v1/stations/1/reception-days",
            Some(&admin),
            json!({"days": [
                {"weekday": "someday", "starts": "8 o'clock", "ends": "12:00"},
                {"starts": "08:00", "ends": "12:00"},
                {"weekday": "monday", "starts": "12:00", "ends": "08:00"},
            ]}),
        )
        .await
        .expect(422);
    assert_eq!(
        reply.fields(),
        ["days[0].weekday", "days[0].starts", "days[1].date"]
    );
    let reply = app
        .put(
            "/api/v1/stations/1/reception-days",
            Some(&admin),
            json!({"days": [{"weekday": "monday", "starts": "12:00", "ends": "08:00"}]}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["days[0].ends"]);
    let other = app.login(&demo.other_station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    let empty = json!({"days": []});
    app.put(
        "/api/v1/stations/1/reception-days",
        Some(&other),
        empty.clone(),
    )
    .await
    .expect(403);
    for token in [&deputy, &handler] {
        app.put(
            "/api/v1/stations/1/reception-days",
            Some(token),
            empty.clone(),
        )
        .await
        .expect(403);
    }
    app.put("/api/v1/stations/1/reception-days", None, empty.clone())
        .await
        .expect(401);
    app.put(
        "/api/v1/stations/999999/reception-days",
        Some(&admin),
        empty,
    )
    .await
    .expect(404);
    app.get("/api/v1/stations/999999/reception-days", None)
        .await
        .expect(404);
    let read = app
        .get("/api/v1/stations/1/reception-days", None)
        .await
        .expect(200)
        .body;
    assert_eq!(read["days"][0]["weekday"], "friday");
}
