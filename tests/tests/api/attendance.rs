//! Duty check-in: each deputy a shift puts on duty (its deputy, or a member of the group it
//! names) checks in for themselves near the shift's time and out after; the roster shows each
//! one's shift held, late or missed.

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp, DEMO_PASSWORD};
use serde_json::{json, Value};

use crate::roster::{group_shift, put_roster, shift, stamp};

on_every_backend!(
    the_deputy_checks_in_and_out_of_a_shift_and_the_roster_shows_it,
    a_check_in_far_from_the_shift_is_refused_and_changes_nothing,
    check_out_needs_a_check_in_and_each_step_happens_once,
    only_a_deputy_the_shift_puts_on_duty_checks_in,
    a_past_shift_without_check_in_is_missed,
    a_member_of_a_group_only_shift_checks_in_near_its_time,
);

/// Logs in the demo's station admin and deputy; answers (demo, admin, deputy, deputy id).
async fn people(app: &TestApp) -> (Demo, String, String, i64) {
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    (demo, admin, deputy, deputy_id)
}

/// Makes the demo deputy's only shift at station 1 (around now) start `starts_in` from now and
/// last two hours; answers its id.
async fn one_shift(app: &TestApp, admin: &str, deputy_id: i64, starts_in: Duration) -> i64 {
    let now = Utc::now();
    let starts = now + starts_in;
    let period = (now - Duration::hours(12), now + Duration::hours(12));
    let reply = put_roster(
        app,
        Some(admin),
        1,
        period,
        vec![shift(deputy_id, starts, starts + Duration::hours(2))],
    )
    .await
    .expect(200);
    reply.body["shifts"][0]["id"].as_i64().unwrap()
}

async fn roster_shift(app: &TestApp, id: i64) -> Value {
    let now = Utc::now();
    let roster = app
        .get(
            &format!(
                "/api/v1/stations/1/roster?from={}&to={}",
                stamp(now - Duration::days(2)),
                stamp(now + Duration::days(1))
            ),
            None,
        )
        .await
        .expect(200)
        .body;
    roster["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no shift {id} in {roster}"))
}

/// Deputy `deputy_id`'s attendance on shift `id`, as the roster shows it.
async fn on_duty(app: &TestApp, id: i64, deputy_id: i64) -> Value {
    let shift = roster_shift(app, id).await;
    shift["on_duty"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["deputy_id"] == deputy_id)
        .cloned()
        .unwrap_or_else(|| panic!("deputy {deputy_id} is not on duty in {shift}"))
}

async fn the_deputy_checks_in_and_out_of_a_shift_and_the_roster_shows_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin, deputy, deputy_id) = people(&app).await;
    // Starts in ten minutes: early, within the window, so not late.
    let id = one_shift(&app, &admin, deputy_id, Duration::minutes(10)).await;
    assert_eq!(
        on_duty(&app, id, deputy_id).await["attendance"],
        Value::Null
    );

    let checked = app
        .post(
            &format!("/api/v1/shifts/{id}/check-in"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(checked["attendance"], "held", "{checked}");
    assert_eq!(checked["deputy_id"], deputy_id);
    assert!(checked["checked_in_at"].is_string());
    assert_eq!(checked["checked_out_at"], Value::Null);

    let out = app
        .post(
            &format!("/api/v1/shifts/{id}/check-out"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert!(out["checked_out_at"].is_string(), "{out}");

    let shown = on_duty(&app, id, deputy_id).await;
    assert_eq!(shown["attendance"], "held");
    assert_eq!(shown["checked_in_at"], checked["checked_in_at"]);
    assert_eq!(shown["checked_out_at"], out["checked_out_at"]);

    // Rewriting the week with the same shift keeps its check-in.
    let now = Utc::now();
    let same = roster_shift(&app, id).await;
    let starts = chrono::DateTime::parse_from_rfc3339(same["starts_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    put_roster(
        &app,
        Some(&admin),
        1,
        (now - Duration::hours(12), now + Duration::hours(12)),
        vec![shift(deputy_id, starts, starts + Duration::hours(2))],
    )
    .await
    .expect(200);
    assert_eq!(
        on_duty(&app, id, deputy_id).await["checked_in_at"],
        checked["checked_in_at"]
    );

    // A shift that started an hour ago: checking in now is late.
    let late = one_shift(&app, &admin, deputy_id, -Duration::hours(1)).await;
    let checked = app
        .post(
            &format!("/api/v1/shifts/{late}/check-in"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(checked["attendance"], "late");
    assert_eq!(on_duty(&app, late, deputy_id).await["attendance"], "late");
}

async fn a_check_in_far_from_the_shift_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin, deputy, deputy_id) = people(&app).await;
    let id = one_shift(&app, &admin, deputy_id, Duration::hours(3)).await;
    let reply = app
        .post(
            &format!("/api/v1/shifts/{id}/check-in"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["checked_in_at"]);
    assert_eq!(reply.body["errors"][0]["code"], "outside_window");
    assert_eq!(
        on_duty(&app, id, deputy_id).await["checked_in_at"],
        Value::Null
    );
}

async fn check_out_needs_a_check_in_and_each_step_happens_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin, deputy, deputy_id) = people(&app).await;
    let id = one_shift(&app, &admin, deputy_id, Duration::zero()).await;
    let out = format!("/api/v1/shifts/{id}/check-out");
    let reply = app.post(&out, Some(&deputy), json!({})).await.expect(422);
    assert_eq!(reply.body["errors"][0]["code"], "not_checked_in");
    let into = format!("/api/v1/shifts/{id}/check-in");
    let first = app.post(&into, Some(&deputy), json!({})).await.expect(200);
    let again = app.post(&into, Some(&deputy), json!({})).await.expect(422);
    assert_eq!(again.body["errors"][0]["code"], "already_checked_in");
    assert_eq!(
        on_duty(&app, id, deputy_id).await["checked_in_at"],
        first.body["checked_in_at"]
    );
    app.post(&out, Some(&deputy), json!({})).await.expect(200);
    let twice = app.post(&out, Some(&deputy), json!({})).await.expect(422);
    assert_eq!(twice.body["errors"][0]["code"], "already_checked_out");
}

async fn only_a_deputy_the_shift_puts_on_duty_checks_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    // A shift of another deputy of the station.
    let deputies = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body;
    let other = deputies
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|id| *id != deputy_id)
        .unwrap();
    let id = one_shift(&app, &admin, other, Duration::zero()).await;
    let path = format!("/api/v1/shifts/{id}/check-in");
    // Another deputy's shift is not theirs to know of.
    app.post(&path, Some(&deputy), json!({})).await.expect(404);
    // Staff who are not deputies check in to nothing.
    app.post(&path, Some(&admin), json!({})).await.expect(403);
    let handler = app.login(&demo.handler).await;
    app.post(&path, Some(&handler), json!({})).await.expect(403);
    app.post(&path, None, json!({})).await.expect(401);
    app.post("/api/v1/shifts/999999/check-in", Some(&deputy), json!({}))
        .await
        .expect(404);
    assert_eq!(on_duty(&app, id, other).await["checked_in_at"], Value::Null);

    // Named in the shift's group, the deputy is on duty and checks in.
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "第一小组", "deputy_ids": [deputy_id]}),
        )
        .await
        .expect(201)
        .id();
    let now = Utc::now();
    let mut grouped = shift(other, now, now + Duration::hours(2));
    grouped["group_id"] = json!(group);
    let roster = put_roster(
        &app,
        Some(&admin),
        1,
        (now - Duration::hours(12), now + Duration::hours(12)),
        vec![grouped],
    )
    .await
    .expect(200)
    .body;
    assert_eq!(roster["shifts"][0]["group_name"], "第一小组");
    let id = roster["shifts"][0]["id"].as_i64().unwrap();
    let checked = app
        .post(
            &format!("/api/v1/shifts/{id}/check-in"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(checked["deputy_id"], deputy_id);
}

async fn a_past_shift_without_check_in_is_missed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin, _, deputy_id) = people(&app).await;
    let id = one_shift(&app, &admin, deputy_id, -Duration::hours(5)).await;
    assert_eq!(on_duty(&app, id, deputy_id).await["attendance"], "missed");
}

async fn a_member_of_a_group_only_shift_checks_in_near_its_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, admin, deputy, deputy_id) = people(&app).await;
    let other = crate::roster::deputy_at(&app, 1, "王秀英").await;
    assert_ne!(other, deputy_id);
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "第一小组", "deputy_ids": [deputy_id, other]}),
        )
        .await
        .expect(201)
        .id();
    let now = Utc::now();
    let period = (now - Duration::hours(12), now + Duration::hours(12));
    // Three group-only shifts: one over, one starting now, one far ahead.
    let roster = put_roster(
        &app,
        Some(&admin),
        1,
        period,
        vec![
            group_shift(group, now - Duration::hours(5), now - Duration::hours(3)),
            group_shift(group, now, now + Duration::hours(2)),
            group_shift(group, now + Duration::hours(6), now + Duration::hours(8)),
        ],
    )
    .await
    .expect(200)
    .body;
    let [past, near, far] = [0, 1, 2].map(|i| roster["shifts"][i]["id"].as_i64().unwrap());
    // Over without a check-in: each member missed it.
    for member in [deputy_id, other] {
        assert_eq!(on_duty(&app, past, member).await["attendance"], "missed");
    }
    // Far from its time: refused, nothing recorded.
    let reply = app
        .post(
            &format!("/api/v1/shifts/{far}/check-in"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["checked_in_at"]);
    assert_eq!(
        on_duty(&app, far, deputy_id).await["checked_in_at"],
        Value::Null
    );

    let checked = app
        .post(
            &format!("/api/v1/shifts/{near}/check-in"),
            Some(&deputy),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(checked["deputy_id"], deputy_id, "{checked}");
    assert_eq!(checked["attendance"], "held");
    // The member who checked in held it; the other has yet to check in for themselves.
    assert_eq!(on_duty(&app, near, deputy_id).await["attendance"], "held");
    let waiting = on_duty(&app, near, other).await;
    assert_eq!(waiting["attendance"], Value::Null, "{waiting}");
    assert_eq!(waiting["checked_in_at"], Value::Null);
    assert_eq!(roster_shift(&app, near).await["deputy_id"], Value::Null);
    // ... and does, beside the first: one check-in each.
    let county_admin = app.login(&demo.county_admin).await;
    app.post(
        "/api/v1/users",
        Some(&county_admin),
        json!({"role": "deputy", "name": "王秀英", "phone": "13900000071", "password": DEMO_PASSWORD, "deputy_id": other}),
    )
    .await
    .expect(201);
    let colleague = app.login("13900000071").await;
    let theirs = app
        .post(
            &format!("/api/v1/shifts/{near}/check-in"),
            Some(&colleague),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["deputy_id"], other, "{theirs}");
    assert_eq!(on_duty(&app, near, other).await["attendance"], "held");
    assert_eq!(
        on_duty(&app, near, deputy_id).await["checked_in_at"],
        checked["checked_in_at"]
    );

    // Staff are on no shift, whatever group it names.
    app.post(
        &format!("/api/v1/shifts/{near}/check-out"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(403);
}
