//! Duty rosters: reading a window of shifts, and replacing the shifts of a period, which only
//! the admins of the station may do and only with shifts that make sense.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    the_default_window_shows_the_next_week_of_demo_shifts_with_names,
    a_station_admin_replaces_the_shifts_of_a_period_and_keeps_the_rest,
    a_county_admin_replaces_a_period_too_even_with_no_shifts,
    a_shift_must_end_after_it_starts,
    a_shift_must_lie_in_its_period,
    a_shift_must_name_a_deputy_of_the_station,
    a_shift_naming_neither_deputy_nor_group_is_refused,
    a_deputy_cannot_hold_overlapping_shifts_in_one_write,
    a_deputy_cannot_hold_overlapping_shifts_at_two_stations,
    a_shift_kept_from_before_the_period_counts_for_overlaps,
    every_invalid_shift_is_reported_at_once,
    a_period_must_run_forwards_and_not_too_long,
    only_admins_of_the_station_write_its_roster,
    unknown_stations_have_no_roster,
);

/// Midnight UTC `days` from today. The demo has a shift at 01:00–09:00 UTC every day from
/// today or tomorrow (today in Beijing) for 14 days, so days 2 to 12 always have one.
/// Today is fixed once per run, so a test running across midnight keeps its days.
pub fn day(days: i64) -> DateTime<Utc> {
    static TODAY: OnceLock<DateTime<Utc>> = OnceLock::new();
    let today = TODAY.get_or_init(|| {
        Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
    });
    *today + Duration::days(days)
}

/// `hours` after midnight UTC `days` from today.
fn at(days: i64, hours: i64) -> DateTime<Utc> {
    day(days) + Duration::hours(hours)
}

pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("not a timestamp: {value}"))
        .with_timezone(&Utc)
}

pub fn shift(deputy_id: i64, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Value {
    json!({"deputy_id": deputy_id, "starts_at": stamp(starts_at), "ends_at": stamp(ends_at)})
}

/// A shift of deputy group `group_id` alone, naming no deputy.
pub fn group_shift(group_id: i64, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Value {
    json!({"group_id": group_id, "starts_at": stamp(starts_at), "ends_at": stamp(ends_at)})
}

/// The id of the deputy named `name` among those of `station_id`.
pub async fn deputy_at(app: &TestApp, station_id: i64, name: &str) -> i64 {
    let deputies = app
        .get(&format!("/api/v1/stations/{station_id}/deputies"), None)
        .await
        .expect(200)
        .body;
    deputies
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("{name} does not sit at station {station_id}: {deputies}"))["id"]
        .as_i64()
        .unwrap()
}

/// Replaces the shifts of station `station_id` over `[from, to)`.
pub async fn put_roster(
    app: &TestApp,
    token: Option<&str>,
    station_id: i64,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    shifts: Vec<Value>,
) -> liaison_tests::Reply {
    app.put(
        &format!("/api/v1/stations/{station_id}/roster"),
        token,
        json!({"from": stamp(from), "to": stamp(to), "shifts": shifts}),
    )
    .await
}

/// The shifts of `station_id` overlapping `[from, to)`, as the public reads them.
pub async fn shifts(
    app: &TestApp,
    station_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Value {
    let roster = app
        .get(
            &format!(
                "/api/v1/stations/{station_id}/roster?from={}&to={}",
                stamp(from),
                stamp(to)
            ),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(roster["station_id"], station_id);
    roster["shifts"].clone()
}

/// The roster of station 1 around the days the tests write: what must not change on refusal.
async fn snapshot(app: &TestApp) -> Value {
    shifts(app, 1, day(1), day(7)).await
}

fn field_codes(reply: &liaison_tests::Reply) -> Vec<(String, String)> {
    reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

async fn the_default_window_shows_the_next_week_of_demo_shifts_with_names(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let before = Utc::now();
    let roster = app
        .get("/api/v1/stations/1/roster", None)
        .await
        .expect(200)
        .body;
    let after = Utc::now();
    assert_eq!(roster["station_id"], 1);
    let from = time(&roster["from"]);
    assert!(
        before - Duration::seconds(1) <= from && from <= after,
        "{roster}"
    );
    assert_eq!(time(&roster["to"]) - from, Duration::days(7));

    let deputies = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body;
    let list = roster["shifts"].as_array().unwrap();
    // One shift a day; the one of today may still be running or already over.
    assert!((7..=8).contains(&list.len()), "{roster}");
    let mut previous = None;
    for shift in list {
        let starts_at = time(&shift["starts_at"]);
        let ends_at = time(&shift["ends_at"]);
        assert_eq!(ends_at - starts_at, Duration::hours(8), "{shift}");
        assert_eq!(starts_at.format("%H:%M").to_string(), "01:00", "{shift}");
        assert!(
            ends_at > from && starts_at < from + Duration::days(7),
            "{shift}"
        );
        assert!(previous < Some(starts_at), "in order: {roster}");
        previous = Some(starts_at);
        let deputy = deputies
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == shift["deputy_id"])
            .unwrap_or_else(|| panic!("{shift} names no deputy of the station"));
        assert_eq!(shift["deputy_name"], deputy["name"]);
        assert!(shift["id"].as_i64().is_some());
    }

    // A window of its own choosing.
    let two_days = shifts(&app, 1, day(3), day(5)).await;
    assert_eq!(two_days.as_array().unwrap().len(), 2);
    assert_eq!(time(&two_days[0]["starts_at"]), at(3, 1));
    assert_eq!(time(&two_days[1]["starts_at"]), at(4, 1));
    // Shifts overlapping the window count, not only those starting in it.
    let inside = shifts(&app, 1, at(3, 4), at(3, 5)).await;
    assert_eq!(inside.as_array().unwrap().len(), 1);
    assert_eq!(time(&inside[0]["starts_at"]), at(3, 1));
}

async fn a_station_admin_replaces_the_shifts_of_a_period_and_keeps_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let liu = deputy_at(&app, 1, "刘桂兰").await;
    let old = shifts(&app, 1, day(2), day(6)).await;
    assert_eq!(old.as_array().unwrap().len(), 4, "{old}");

    let written = put_roster(
        &app,
        Some(&token),
        1,
        (day(3), day(5)),
        vec![
            shift(liu, at(3, 2), at(3, 6)),
            shift(wang, at(3, 2), at(3, 4)),
            // Back to back is not an overlap.
            shift(wang, at(4, 4), at(4, 5)),
            shift(wang, at(4, 5), at(4, 6)),
        ],
    )
    .await
    .expect(200)
    .body;
    assert_eq!(written["station_id"], 1);
    assert_eq!(time(&written["from"]), day(3));
    assert_eq!(time(&written["to"]), day(5));
    let stored: Vec<(Value, Value, DateTime<Utc>, DateTime<Utc>)> = written["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["deputy_id"].clone(),
                s["deputy_name"].clone(),
                time(&s["starts_at"]),
                time(&s["ends_at"]),
            )
        })
        .collect();
    assert_eq!(
        stored,
        [
            (json!(liu), json!("刘桂兰"), at(3, 2), at(3, 6)),
            (json!(wang), json!("王秀英"), at(3, 2), at(3, 4)),
            (json!(wang), json!("王秀英"), at(4, 4), at(4, 5)),
            (json!(wang), json!("王秀英"), at(4, 5), at(4, 6)),
        ]
    );

    let now = shifts(&app, 1, day(2), day(6)).await;
    let list = now.as_array().unwrap();
    assert_eq!(list.len(), 6, "{now}");
    // The shifts before and after the period are the very same rows; those inside are gone.
    assert_eq!(list[0], old[0]);
    assert_eq!(list[5], old[3]);
    assert_eq!(
        &list[1..5],
        written["shifts"].as_array().unwrap().as_slice()
    );
    for gone in [&old[1], &old[2]] {
        assert!(!list.iter().any(|s| s["id"] == gone["id"]), "{gone} kept");
    }
}

async fn a_county_admin_replaces_a_period_too_even_with_no_shifts(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    let old = shifts(&app, 2, day(2), day(5)).await;
    assert_eq!(old.as_array().unwrap().len(), 3, "{old}");

    let written = put_roster(&app, Some(&token), 2, (day(3), day(4)), vec![])
        .await
        .expect(200);
    assert_eq!(written.body["shifts"], json!([]));
    let now = shifts(&app, 2, day(2), day(5)).await;
    assert_eq!(now, json!([old[0], old[2]]));

    let zhang = deputy_at(&app, 2, "张丽华").await;
    let written = put_roster(
        &app,
        Some(&token),
        2,
        (day(3), day(4)),
        vec![shift(zhang, at(3, 1), at(3, 9))],
    )
    .await
    .expect(200);
    assert_eq!(written.body["shifts"][0]["deputy_name"], "张丽华");
    let now = shifts(&app, 2, day(3), day(4)).await;
    assert_eq!(now, written.body["shifts"]);
}

/// Writes `shifts` for station 1 over days 3 and 4 as its station admin and expects a 422
/// naming exactly `expected`; the roster must be as it was.
async fn refused(app: &TestApp, token: &str, shifts: Vec<Value>, expected: &[(&str, &str)]) {
    let before = snapshot(app).await;
    let reply = put_roster(app, Some(token), 1, (day(3), day(5)), shifts)
        .await
        .expect(422);
    assert_eq!(reply.code(), "validation_failed", "{}", reply.body);
    assert_eq!(field_codes(&reply), pairs(expected));
    assert_eq!(snapshot(app).await, before);
}

async fn a_shift_must_end_after_it_starts(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    refused(
        &app,
        &token,
        vec![shift(wang, at(3, 4), at(3, 3))],
        &[("shifts[0].ends_at", "before_start")],
    )
    .await;
    refused(
        &app,
        &token,
        vec![
            shift(wang, at(3, 2), at(3, 3)),
            shift(wang, at(4, 4), at(4, 4)),
        ],
        &[("shifts[1].ends_at", "before_start")],
    )
    .await;
}

async fn a_shift_must_lie_in_its_period(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let liu = deputy_at(&app, 1, "刘桂兰").await;
    refused(
        &app,
        &token,
        vec![
            shift(wang, at(3, 2), at(3, 4)),
            shift(liu, at(5, 1), at(5, 2)),
        ],
        &[("shifts[1].starts_at", "outside_period")],
    )
    .await;
    // Straddling either end is outside too.
    refused(
        &app,
        &token,
        vec![shift(liu, at(2, 23), at(3, 1))],
        &[("shifts[0].starts_at", "outside_period")],
    )
    .await;
    refused(
        &app,
        &token,
        vec![shift(liu, at(4, 23), at(5, 1))],
        &[("shifts[0].starts_at", "outside_period")],
    )
    .await;
    // Exactly the period is inside.
    put_roster(
        &app,
        Some(&token),
        1,
        (day(3), day(5)),
        vec![shift(liu, day(3), day(5))],
    )
    .await
    .expect(200);
}

async fn a_shift_must_name_a_deputy_of_the_station(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    // 张丽华 sits at station 2 only.
    let zhang = deputy_at(&app, 2, "张丽华").await;
    refused(
        &app,
        &token,
        vec![
            shift(wang, at(3, 2), at(3, 4)),
            shift(zhang, at(3, 2), at(3, 4)),
        ],
        &[("shifts[1].deputy_id", "not_at_station")],
    )
    .await;
    refused(
        &app,
        &token,
        vec![shift(9999, at(3, 2), at(3, 4))],
        &[("shifts[0].deputy_id", "not_at_station")],
    )
    .await;
}

async fn a_shift_naming_neither_deputy_nor_group_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let nobody = json!({"starts_at": stamp(at(3, 5)), "ends_at": stamp(at(3, 6))});
    let null_deputy = json!({
        "deputy_id": null, "group_id": null,
        "starts_at": stamp(at(4, 5)), "ends_at": stamp(at(4, 6)),
    });
    refused(
        &app,
        &token,
        vec![shift(wang, at(3, 2), at(3, 4)), nobody, null_deputy],
        &[
            ("shifts[1]", "nobody_on_duty"),
            ("shifts[2]", "nobody_on_duty"),
        ],
    )
    .await;
}

async fn a_deputy_cannot_hold_overlapping_shifts_in_one_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let liu = deputy_at(&app, 1, "刘桂兰").await;
    refused(
        &app,
        &token,
        vec![
            shift(wang, at(3, 2), at(3, 4)),
            shift(liu, at(3, 2), at(3, 4)),
            shift(wang, at(3, 3), at(3, 5)),
        ],
        &[("shifts[2].starts_at", "overlapping_shift")],
    )
    .await;
    // One shift inside another.
    refused(
        &app,
        &token,
        vec![
            shift(liu, at(4, 1), at(4, 9)),
            shift(liu, at(4, 2), at(4, 3)),
        ],
        &[("shifts[1].starts_at", "overlapping_shift")],
    )
    .await;
}

async fn a_deputy_cannot_hold_overlapping_shifts_at_two_stations(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let token = app.login(&demo.station_admin).await;
    // 李建国 sits at stations 1 and 2.
    let li = deputy_at(&app, 1, "李建国").await;
    assert_eq!(li, deputy_at(&app, 2, "李建国").await);
    put_roster(
        &app,
        Some(&county_admin),
        2,
        (at(3, 10), at(3, 14)),
        vec![shift(li, at(3, 10), at(3, 12))],
    )
    .await
    .expect(200);

    refused(
        &app,
        &token,
        vec![shift(li, at(3, 11), at(3, 13))],
        &[("shifts[0].starts_at", "overlapping_shift")],
    )
    .await;
    // Station 2 may not take him back over station 1's shift either.
    let station_1 = put_roster(
        &app,
        Some(&token),
        1,
        (day(3), day(5)),
        vec![shift(li, at(3, 12), at(3, 13))],
    )
    .await
    .expect(200);
    assert_eq!(station_1.body["shifts"][0]["deputy_name"], "李建国");
    let before = shifts(&app, 2, day(3), day(4)).await;
    let clash = put_roster(
        &app,
        Some(&county_admin),
        2,
        (at(3, 10), at(3, 14)),
        vec![
            shift(li, at(3, 10), at(3, 12)),
            shift(li, at(3, 12), at(3, 14)),
        ],
    )
    .await
    .expect(422);
    assert_eq!(
        field_codes(&clash),
        pairs(&[("shifts[1].starts_at", "overlapping_shift")])
    );
    assert_eq!(shifts(&app, 2, day(3), day(4)).await, before);
}

async fn a_shift_kept_from_before_the_period_counts_for_overlaps(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    // The demo shift of day 3 runs 01:00–09:00 and starts before a period from 05:00, so
    // the write keeps it: its deputy cannot take a second shift at 06:00.
    let kept = shifts(&app, 1, at(3, 5), at(3, 12)).await;
    assert_eq!(kept.as_array().unwrap().len(), 1, "{kept}");
    let deputy = kept[0]["deputy_id"].as_i64().unwrap();
    let before = snapshot(&app).await;
    let reply = put_roster(
        &app,
        Some(&token),
        1,
        (at(3, 5), at(3, 12)),
        vec![shift(deputy, at(3, 6), at(3, 8))],
    )
    .await
    .expect(422);
    assert_eq!(
        field_codes(&reply),
        pairs(&[("shifts[0].starts_at", "overlapping_shift")])
    );
    assert_eq!(snapshot(&app).await, before);

    // Once the kept shift has ended, the same deputy may sit again.
    put_roster(
        &app,
        Some(&token),
        1,
        (at(3, 5), at(3, 12)),
        vec![shift(deputy, at(3, 9), at(3, 11))],
    )
    .await
    .expect(200);
    let now = shifts(&app, 1, at(3, 0), at(3, 12)).await;
    assert_eq!(now.as_array().unwrap().len(), 2, "{now}");
    assert_eq!(now[0], kept[0]);
}

async fn every_invalid_shift_is_reported_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let zhang = deputy_at(&app, 2, "张丽华").await;
    refused(
        &app,
        &token,
        vec![
            shift(wang, at(3, 2), at(3, 4)),
            shift(zhang, at(3, 5), at(3, 4)),
            shift(wang, at(3, 3), at(3, 5)),
            shift(wang, at(6, 1), at(6, 2)),
        ],
        &[
            ("shifts[1].ends_at", "before_start"),
            ("shifts[1].deputy_id", "not_at_station"),
            ("shifts[2].starts_at", "overlapping_shift"),
            ("shifts[3].starts_at", "outside_period"),
        ],
    )
    .await;
}

async fn a_period_must_run_forwards_and_not_too_long(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let before = snapshot(&app).await;
    for (from, to, code) in [
        (day(5), day(3), "before_from"),
        (day(3), day(3), "before_from"),
        (day(1), day(94), "period_too_long"),
    ] {
        let reply = put_roster(&app, Some(&token), 1, (from, to), vec![])
            .await
            .expect(422);
        assert_eq!(field_codes(&reply), pairs(&[("to", code)]));
    }
    assert_eq!(snapshot(&app).await, before);

    // Reading a window backwards is refused the same way; a malformed time is a bad request.
    let backwards = app
        .get(
            &format!(
                "/api/v1/stations/1/roster?from={}&to={}",
                stamp(day(5)),
                stamp(day(3))
            ),
            None,
        )
        .await
        .expect(422);
    assert_eq!(backwards.fields(), ["to"]);
    let garbled = app
        .get("/api/v1/stations/1/roster?from=tomorrow", None)
        .await;
    assert!(
        matches!(garbled.status.as_u16(), 400 | 422),
        "{}",
        garbled.body
    );
    assert_eq!(garbled.content_type(), "application/problem+json");
}

async fn only_admins_of_the_station_write_its_roster(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let write = || vec![shift(wang, at(3, 2), at(3, 4))];
    let before = snapshot(&app).await;

    let other = app.login(&demo.other_station_admin).await;
    let resident = app.resident("o-resident-roster").await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    for token in [&other, &resident, &deputy, &handler] {
        let reply = put_roster(&app, Some(token), 1, (day(3), day(5)), write())
            .await
            .expect(403);
        assert_eq!(reply.code(), "forbidden");
    }
    // Even an empty write, which would wipe the period, is refused.
    put_roster(&app, Some(&other), 1, (day(3), day(5)), vec![])
        .await
        .expect(403);
    put_roster(&app, None, 1, (day(3), day(5)), write())
        .await
        .expect(401);
    assert_eq!(snapshot(&app).await, before);

    // The other station admin does run station 2.
    let zhang = deputy_at(&app, 2, "张丽华").await;
    put_roster(
        &app,
        Some(&other),
        2,
        (day(3), day(5)),
        vec![shift(zhang, at(3, 2), at(3, 4))],
    )
    .await
    .expect(200);
}

async fn unknown_stations_have_no_roster(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let station_admin = app.login(&demo.station_admin).await;
    assert_eq!(
        app.get("/api/v1/stations/999/roster", None)
            .await
            .expect(404)
            .code(),
        "not_found"
    );
    for token in [&county_admin, &station_admin] {
        put_roster(&app, Some(token), 999, (day(3), day(5)), vec![])
            .await
            .expect(404);
    }
}
