//! The performance record and stars over HTTP (issue 12, part 4): a deputy's counts for a
//! year from a small fixture worked out by hand, the score item by item under the scheme in
//! force, stars, the ranking, and who may read what.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use liaison_infra::entities::{case_events, duty_shifts, receptions, shift_check_ins};
use liaison_infra::store::performance::{self, Over};
use liaison_infra::store::registers;
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(
    a_deputys_record_is_scored_item_by_item_under_the_scheme_in_force,
    the_record_and_the_registers_count_the_same_facts,
    deputies_are_ranked_in_the_county_and_their_township,
    a_record_is_for_the_deputy_and_the_admins_in_scope,
);

/// The fixture's year: long before anything the demo or the test does today.
const YEAR: i32 = 2021;

fn march(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &NaiveDate::from_ymd_opt(YEAR, 3, day)
            .unwrap()
            .and_hms_opt(hour, minute, 0)
            .unwrap(),
    )
}

struct Fixture {
    county: String,
    /// The demo township admin's phone.
    township_admin: String,
    deputy: String,
    deputy_id: i64,
}

async fn step(app: &TestApp, token: &str, id: i64, action: &str, body: Value) {
    app.post(&format!("/api/v1/cases/{id}/{action}"), Some(token), body)
        .await
        .expect(200);
}

/// The demo deputy in March 2021: one reception attended; three cases accepted, two of them
/// resolved, rated `satisfied` and `unsatisfied`; three shifts, held, late and missed.
async fn fixture(app: &TestApp) -> Fixture {
    let demo = app.seed_demo().await;
    let on_duty = app.deputy_on_duty(&demo).await;
    let (deputy, deputy_id) = (on_duty.deputy, on_duty.deputy_id);
    let reception = app
        .post(
            "/api/v1/receptions",
            Some(&deputy),
            json!({
                "station_id": 1,
                "kind": "market_day",
                "held_at": Utc::now() - Duration::days(1),
                "visitors": 12,
                "officials": [],
                "deputy_ids": [deputy_id],
            }),
        )
        .await
        .expect(201)
        .id();
    receptions::Entity::update_many()
        .col_expr(receptions::Column::HeldAt, Expr::value(march(10, 2, 0)))
        .filter(receptions::Column::Id.eq(reception))
        .exec(app.db())
        .await
        .unwrap();

    let mut cases = Vec::new();
    for (n, rating) in [(1, Some("satisfied")), (2, Some("unsatisfied")), (3, None)] {
        let resident = app.resident(&format!("o-performance-{n}")).await;
        let id = app.raise(&resident).await;
        step(app, &deputy, id, "accept", json!({})).await;
        if let Some(rating) = rating {
            step(
                app,
                &deputy,
                id,
                "resolve",
                json!({"summary": "已办结", "outcome": "implemented"}),
            )
            .await;
            step(app, &resident, id, "rate", json!({"rating": rating})).await;
        }
        cases.push(id);
    }
    case_events::Entity::update_many()
        .col_expr(case_events::Column::CreatedAt, Expr::value(march(11, 3, 0)))
        .filter(case_events::Column::CaseId.is_in(cases))
        .exec(app.db())
        .await
        .unwrap();

    // Three shifts of an hour at station 1: checked in on time, 20 minutes late (past the
    // 10-minute grace), and not at all.
    for (day, checked_in) in [(15, Some(0)), (16, Some(20)), (17, None)] {
        let starts_at = march(day, 1, 0);
        let shift = duty_shifts::ActiveModel {
            id: NotSet,
            station_id: Set(1),
            deputy_id: Set(Some(deputy_id)),
            starts_at: Set(starts_at),
            ends_at: Set(starts_at + Duration::hours(1)),
            group_id: Set(None),
        }
        .insert(app.db())
        .await
        .unwrap();
        if let Some(minutes) = checked_in {
            shift_check_ins::ActiveModel {
                shift_id: Set(shift.id),
                deputy_id: Set(deputy_id),
                checked_in_at: Set(starts_at + Duration::minutes(minutes)),
                checked_out_at: Set(None),
            }
            .insert(app.db())
            .await
            .unwrap();
        }
    }
    // The registers' entries of March: counted once an admin verified them, so the second
    // activity, never verified, is not; the two report-backs' scores average 85.5, which the
    // record reads as 86.
    let county = app.login(&demo.county_admin).await;
    let entries = [
        (
            json!({"kind": "activity", "activity_kind": "meeting", "title": "参加代表小组活动"}),
            true,
        ),
        (
            json!({"kind": "activity", "activity_kind": "training", "title": "参加履职培训"}),
            true,
        ),
        (
            json!({"kind": "activity", "activity_kind": "inspection", "title": "参加视察"}),
            false,
        ),
        (
            json!({"kind": "proposal", "proposal_kind": "suggestion", "title": "关于修缮村道的建议"}),
            true,
        ),
        (
            json!({"kind": "report_back", "attendees": 40, "score": 80, "title": "向选民述职"}),
            true,
        ),
        (
            json!({"kind": "report_back", "attendees": 30, "score": 91, "title": "再次述职"}),
            true,
        ),
    ];
    for (mut entry, verified) in entries {
        entry["date"] = json!(format!("{YEAR}-03-20"));
        let id = app
            .post(
                &format!("/api/v1/deputies/{deputy_id}/registers"),
                Some(&deputy),
                entry,
            )
            .await
            .expect(201)
            .id();
        if verified {
            app.post(
                &format!("/api/v1/register-entries/{id}/verify"),
                Some(&county),
                json!({}),
            )
            .await
            .expect(200);
        }
    }
    Fixture {
        county,
        township_admin: demo.township_admin.clone(),
        deputy,
        deputy_id,
    }
}

fn weights() -> Value {
    json!({
        "receptions_attended": 10,
        "cases_accepted": 2,
        "cases_resolved": 5,
        "shifts_held": 3,
        "shifts_late": 1,
        "shifts_missed": -8,
        "cases_satisfied": 4,
        "cases_unsatisfied": -2,
        "activities": 3,
    })
}

async fn publish(app: &TestApp, county: &str, thresholds: Value) -> i64 {
    app.post(
        "/api/v1/scoring-schemes",
        Some(county),
        json!({"year": YEAR, "weights": weights(), "thresholds": thresholds}),
    )
    .await
    .expect(201)
    .id()
}

async fn record(app: &TestApp, token: &str, deputy_id: i64) -> Value {
    app.get(
        &format!("/api/v1/deputies/{deputy_id}/performance?year={YEAR}"),
        Some(token),
    )
    .await
    .expect(200)
    .body
}

fn points(record: &Value, item: &str) -> (i64, i64, i64) {
    let line = record["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["item"] == item)
        .unwrap_or_else(|| panic!("{item} missing from {record}"));
    (
        line["count"].as_i64().unwrap(),
        line["weight"].as_i64().unwrap(),
        line["points"].as_i64().unwrap(),
    )
}

async fn a_deputys_record_is_scored_item_by_item_under_the_scheme_in_force(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = fixture(&app).await;

    // No scheme for the year: the counts alone.
    let bare = record(&app, &f.deputy, f.deputy_id).await;
    assert_eq!(bare["year"], YEAR);
    assert_eq!(
        bare["facts"],
        json!({
            "receptions_attended": 1,
            "cases_accepted": 3,
            "cases_resolved": 2,
            "shifts_held": 1,
            "shifts_late": 1,
            "shifts_missed": 1,
            "cases_satisfied": 1,
            "cases_basically_satisfied": 0,
            "cases_unsatisfied": 1,
            "activities": 1,
            "trainings": 1,
            "proposals_filed": 1,
            "report_back_score": 86,
        })
    );
    for absent in ["scheme", "breakdown", "score", "stars"] {
        assert_eq!(bare[absent], Value::Null, "{absent}");
    }

    let first = publish(&app, &f.county, json!([5, 10, 20, 40, 80])).await;
    let scored = record(&app, &f.deputy, f.deputy_id).await;
    assert_eq!(scored["scheme"], json!({"id": first, "version": 1}));
    assert_eq!(points(&scored, "receptions_attended"), (1, 10, 10));
    assert_eq!(points(&scored, "cases_accepted"), (3, 2, 6));
    assert_eq!(points(&scored, "cases_resolved"), (2, 5, 10));
    assert_eq!(points(&scored, "shifts_held"), (1, 3, 3));
    assert_eq!(points(&scored, "shifts_late"), (1, 1, 1));
    assert_eq!(points(&scored, "shifts_missed"), (1, -8, -8));
    assert_eq!(points(&scored, "cases_satisfied"), (1, 4, 4));
    assert_eq!(points(&scored, "cases_unsatisfied"), (1, -2, -2));
    assert_eq!(points(&scored, "activities"), (1, 3, 3));
    assert_eq!(points(&scored, "trainings"), (1, 0, 0));
    assert_eq!(points(&scored, "report_back_score"), (86, 0, 0));
    // 10 + 6 + 10 + 3 + 1 − 8 + 4 − 2 + 3
    assert_eq!(scored["score"], 27);
    assert_eq!(scored["stars"], 3, "27 reaches 5, 10 and 20");

    // A second version is in force at once; the first stays readable.
    let second = publish(&app, &f.county, json!([30, 40, 50, 60, 70])).await;
    let rescored = record(&app, &f.county, f.deputy_id).await;
    assert_eq!(rescored["scheme"], json!({"id": second, "version": 2}));
    assert_eq!(rescored["score"], 27);
    assert_eq!(rescored["stars"], 0);
    app.get(&format!("/api/v1/scoring-schemes/{first}"), Some(&f.county))
        .await
        .expect(200);

    // Another year counts nothing of March 2021.
    let later = app
        .get(
            &format!("/api/v1/deputies/{}/performance?year=2022", f.deputy_id),
            Some(&f.deputy),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(later["facts"]["cases_accepted"], 0);
    assert_eq!(later["scheme"], Value::Null);

    for query in ["?year=abc", "?year=1999", "?year=10000"] {
        let refused = app
            .get(
                &format!("/api/v1/deputies/{}/performance{query}", f.deputy_id),
                Some(&f.deputy),
            )
            .await
            .expect(422);
        assert_eq!(refused.fields(), ["year"], "{query}");
    }
    // No year, or a blank one, is this year.
    let blank = app
        .get(
            &format!("/api/v1/deputies/{}/performance?year=", f.deputy_id),
            Some(&f.deputy),
        )
        .await
        .expect(200)
        .body;
    let now = app
        .get(
            &format!("/api/v1/deputies/{}/performance", f.deputy_id),
            Some(&f.deputy),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        now["year"],
        liaison_domain::clock::local_day(Utc::now())
            .format("%Y")
            .to_string()
            .parse::<i64>()
            .unwrap()
    );
    assert_eq!(blank["year"], now["year"]);
}

/// The record counts receptions, accepted cases and shifts for every deputy at once; the
/// registers list them entry by entry for one: the two readings agree on the fixture.
async fn the_record_and_the_registers_count_the_same_facts(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = fixture(&app).await;
    let record = performance::facts(app.db(), Over::Deputy(f.deputy_id), YEAR, Utc::now())
        .await
        .unwrap()
        .remove(0)
        .facts;
    let registers = registers::counts(app.db(), f.deputy_id, YEAR)
        .await
        .unwrap();
    let same = |a: i64, b: u32| a == i64::from(b);
    assert!(same(
        record.receptions_attended,
        registers.receptions_attended
    ));
    assert!(same(record.cases_accepted, registers.cases_accepted));
    // The registers count a late shift as held, late; the record scores the two apart.
    assert!(same(
        record.shifts_held + record.shifts_late,
        registers.shifts_held
    ));
    assert!(same(record.shifts_late, registers.shifts_late));
    assert!(same(record.shifts_missed, registers.shifts_missed));
    assert_eq!(record.registers, (&registers).into());
    assert_eq!((record.cases_accepted, record.shifts_missed), (3, 1));
}

async fn deputies_are_ranked_in_the_county_and_their_township(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = fixture(&app).await;
    let ranking = |token: String, query: String| {
        let app = &app;
        async move {
            app.get(
                &format!("/api/v1/deputies/performance{query}"),
                Some(&token),
            )
            .await
            .expect(200)
            .body
        }
    };
    // Without a scheme: listed, nobody ranked.
    let bare = ranking(f.county.clone(), format!("?year={YEAR}")).await;
    assert_eq!(bare["scheme"], Value::Null);
    assert!(bare["deputies"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["rank_in_county"].is_null() && d["score"].is_null()));

    publish(&app, &f.county, json!([5, 10, 20, 40, 80])).await;
    let ranked = ranking(f.county.clone(), format!("?year={YEAR}")).await;
    let deputies = ranked["deputies"].as_array().unwrap();
    assert!(deputies.len() > 2, "the demo's deputies are all ranked");
    let ours = &deputies[0];
    assert_eq!(ours["deputy_id"], f.deputy_id);
    assert_eq!((&ours["score"], &ours["stars"]), (&json!(27), &json!(3)));
    assert_eq!(ours["rank_in_county"], 1);
    assert_eq!(ours["rank_in_township"], 1);
    // Everyone else scored nothing in 2021: they share second place, listed by name.
    let rest = &deputies[1..];
    assert!(rest
        .iter()
        .all(|d| d["rank_in_county"] == 2 && d["score"] == 0));
    let names: Vec<&str> = rest.iter().map(|d| d["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let township = ours["township_id"]
        .as_i64()
        .expect("station 1 lies in a township");
    let same: Vec<&Value> = rest
        .iter()
        .filter(|d| d["township_id"] == township)
        .collect();
    assert!(same.iter().all(|d| d["rank_in_township"] == 2));

    // Narrowed to our township: the same ranks.
    let narrowed = ranking(
        f.county.clone(),
        format!("?year={YEAR}&township_id={township}"),
    )
    .await;
    assert!(narrowed["deputies"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["township_id"] == township));
    assert_eq!(narrowed["deputies"][0]["rank_in_county"], 1);

    // The demo's township admin sees its own township only, and may not ask for another.
    let demo_township = app.login(&f.township_admin).await;
    let theirs = app.me(&demo_township).await["scopes"]["region_id"].clone();
    let seen = ranking(demo_township.clone(), format!("?year={YEAR}")).await;
    assert!(seen["deputies"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["township_id"] == theirs));
    if theirs != township {
        app.get(
            &format!("/api/v1/deputies/performance?year={YEAR}&township_id={township}"),
            Some(&demo_township),
        )
        .await
        .expect(404);
    }
}

async fn a_record_is_for_the_deputy_and_the_admins_in_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/deputies/{deputy_id}/performance");
    for phone in [&demo.county_admin, &demo.station_admin] {
        let token = app.login(phone).await;
        app.get(&path, Some(&token)).await.expect(200);
    }
    // Another deputy of the county reads their own only.
    let listed = app
        .get("/api/v1/deputies?limit=100", None)
        .await
        .expect(200)
        .body;
    let another = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|id| *id != deputy_id)
        .unwrap();
    app.get(
        &format!("/api/v1/deputies/{another}/performance"),
        Some(&deputy),
    )
    .await
    .expect(403);
    // Refused before the year is read.
    let handler = app.login(&demo.handler).await;
    app.get(&format!("{path}?year=abc"), Some(&handler))
        .await
        .expect(403);
    let other = other_county(&app).await;
    app.get(&path, Some(&other.token)).await.expect(403);
    app.get(
        "/api/v1/deputies/999999/performance",
        Some(&app.login(&demo.county_admin).await),
    )
    .await
    .expect(404);
    let resident = app.resident("o-performance-who").await;
    app.get(&path, Some(&resident)).await.expect(403);
    app.get(&path, None).await.expect(401);

    // The ranking is the county's and the townships' admins'.
    for phone in [&demo.station_admin, &demo.deputy, &demo.handler] {
        let token = app.login(phone).await;
        app.get("/api/v1/deputies/performance?year=abc", Some(&token))
            .await
            .expect(403);
    }
    let county = app.login(&demo.county_admin).await;
    let refused = app
        .get("/api/v1/deputies/performance?year=abc", Some(&county))
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["year"]);
    // Another county's admin ranks its own deputies, none of ours.
    let theirs = app
        .get("/api/v1/deputies/performance", Some(&other.token))
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["deputies"], json!([]));
}
