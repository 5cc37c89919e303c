//! The figures (`GET /api/v1/stats`) against a fixture of cases whose figures were worked out
//! by hand: four cases driven through the API, then moved back to 2025 step by step.

use chrono::{DateTime, Utc};
use liaison_infra::store::cases::figures::rollup::{self, Rolled};
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

on_every_backend!(
    every_figure_of_2025_is_the_one_worked_out_by_hand,
    the_figures_group_by_station_township_department_channel_and_month,
    figures_are_scoped_to_the_caller_and_bad_asks_are_named,
    the_rollup_answers_what_the_cases_answer,
);

/// A time in 2025 in UTC, `"03-10 01:00"`.
fn at(when: &str) -> DateTime<Utc> {
    format!("2025-{}:00Z", when.replace(' ', "T"))
        .parse()
        .unwrap()
}

async fn set(app: &TestApp, table: &str, column: &str, id: i64, when: DateTime<Utc>) {
    let statement = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), when)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let db = app.db();
    let done = db
        .execute(db.get_database_backend().build(&statement))
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{table}.{column} of {id}");
}

/// Moves case `id`'s `kind` step (exactly one) to `when`.
async fn set_step(app: &TestApp, id: i64, kind: &str, when: DateTime<Utc>) {
    let statement = Query::update()
        .table(Alias::new("case_events"))
        .value(Alias::new("created_at"), when)
        .and_where(Expr::col(Alias::new("case_id")).eq(id))
        .and_where(Expr::col(Alias::new("kind")).eq(kind))
        .to_owned();
    let db = app.db();
    let done = db
        .execute(db.get_database_backend().build(&statement))
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{kind} of {id}");
}

struct Fixture {
    app: TestApp,
    county: String,
    station_admin: String,
    other_station_admin: String,
    deputy: String,
    handler: String,
    department_id: i64,
}

/// Beijing 09:00 is 01:00 UTC. The cases:
/// - A, station 1: raised 03-10 09:00, accepted 10:00, resolved (implemented) 03-15 09:00,
///   rated satisfied 03-16; respond_by 03-11, resolve_by 04-09, closed 03-16.
/// - B, station 1: raised 03-20 09:00, never answered; respond_by 03-21, resolve_by 04-19.
/// - C, station 2: raised 04-02 09:00, accepted 11:00, handed to 县住建局, resolved
///   (explained) 04-10 09:00, rated unsatisfied 04-11 (reopened); respond_by 04-03,
///   resolve_by 05-11.
/// - D, station 1: raised 2024-12-30 09:00, accepted 2025-01-02 09:00, resolved (implemented)
///   01-05 09:00, not rated; respond_by 2024-12-31, resolve_by 01-29.
/// - A reception at station 1 on 06-01 with 12 visitors.
async fn fixture(backend: Backend) -> (Fixture, [i64; 4]) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let station_admin = app.login(&demo.station_admin).await;
    let other_station_admin = app.login(&demo.other_station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let handler = app.login(&demo.handler).await;
    let department_id = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    app.on_duty(&station_admin, &[deputy_id]).await;
    let resident = app.resident("stats-resident").await;
    let step = |token: &str, id: i64, action: &str, body: Value| {
        let (app, token, action) = (&app, token.to_owned(), action.to_owned());
        async move {
            app.post(&format!("/api/v1/cases/{id}/{action}"), Some(&token), body)
                .await
                .expect(200);
        }
    };
    let resolve = |outcome: &str| json!({"summary": "已处理", "outcome": outcome});

    let a = app.raise_at(&resident, 1).await;
    step(&deputy, a, "accept", json!({})).await;
    step(&deputy, a, "resolve", resolve("implemented")).await;
    step(&resident, a, "rate", json!({"rating": "satisfied"})).await;
    let b = app.raise_at(&resident, 1).await;
    let c = app.raise_at(&resident, 2).await;
    step(&other_station_admin, c, "accept", json!({})).await;
    step(
        &other_station_admin,
        c,
        "assign",
        json!({"department_id": department_id}),
    )
    .await;
    step(&handler, c, "handle", json!({"content": "已现场查看"})).await;
    step(&other_station_admin, c, "resolve", resolve("explained")).await;
    step(&resident, c, "rate", json!({"rating": "unsatisfied"})).await;
    let d = app.raise_at(&resident, 1).await;
    step(&deputy, d, "accept", json!({})).await;
    step(&deputy, d, "resolve", resolve("implemented")).await;

    let raised = |id, when: DateTime<Utc>| {
        let app = &app;
        async move {
            set(app, "cases", "created_at", id, when).await;
            set_step(app, id, "submitted", when).await;
        }
    };
    raised(a, at("03-10 01:00")).await;
    set_step(&app, a, "accepted", at("03-10 02:00")).await;
    set(&app, "cases", "first_response_at", a, at("03-10 02:00")).await;
    set_step(&app, a, "resolved", at("03-15 01:00")).await;
    set(&app, "cases", "resolved_at", a, at("03-15 01:00")).await;
    set_step(&app, a, "rated", at("03-16 01:00")).await;
    set_step(&app, a, "closed", at("03-16 01:00")).await;
    set(&app, "cases", "closed_at", a, at("03-16 01:00")).await;
    set(&app, "cases", "respond_by", a, at("03-11 01:00")).await;
    set(&app, "cases", "resolve_by", a, at("04-09 01:00")).await;

    raised(b, at("03-20 01:00")).await;
    set(&app, "cases", "respond_by", b, at("03-21 01:00")).await;
    set(&app, "cases", "resolve_by", b, at("04-19 01:00")).await;

    raised(c, at("04-02 01:00")).await;
    set_step(&app, c, "accepted", at("04-02 03:00")).await;
    set(&app, "cases", "first_response_at", c, at("04-02 03:00")).await;
    set_step(&app, c, "assigned", at("04-03 01:00")).await;
    set_step(&app, c, "handled", at("04-08 01:00")).await;
    set_step(&app, c, "resolved", at("04-10 01:00")).await;
    set_step(&app, c, "rated", at("04-11 01:00")).await;
    set_step(&app, c, "reopened", at("04-11 01:00")).await;
    set(&app, "cases", "respond_by", c, at("04-03 01:00")).await;
    set(&app, "cases", "resolve_by", c, at("05-11 01:00")).await;

    raised(d, "2024-12-30T01:00:00Z".parse().unwrap()).await;
    set_step(&app, d, "accepted", at("01-02 01:00")).await;
    set(&app, "cases", "first_response_at", d, at("01-02 01:00")).await;
    set_step(&app, d, "resolved", at("01-05 01:00")).await;
    set(&app, "cases", "resolved_at", d, at("01-05 01:00")).await;
    set(
        &app,
        "cases",
        "respond_by",
        d,
        "2024-12-31T01:00:00Z".parse().unwrap(),
    )
    .await;
    set(&app, "cases", "resolve_by", d, at("01-29 01:00")).await;

    app.post(
        "/api/v1/receptions",
        Some(&station_admin),
        json!({"station_id": 1, "kind": "market_day", "held_at": at("06-01 01:00"), "visitors": 12}),
    )
    .await
    .expect(201);
    let fixture = Fixture {
        app,
        county,
        station_admin,
        other_station_admin,
        deputy,
        handler,
        department_id,
    };
    (fixture, [a, b, c, d])
}

impl Fixture {
    async fn stats(&self, token: &str, query: &str) -> Value {
        self.app
            .get(&format!("/api/v1/stats?{query}"), Some(token))
            .await
            .expect(200)
            .body
    }
}

fn group<'a>(stats: &'a Value, key: &str) -> &'a Value {
    stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"].as_str() == Some(key))
        .unwrap_or_else(|| panic!("no group {key} in {stats}"))
}

async fn every_figure_of_2025_is_the_one_worked_out_by_hand(backend: Backend) {
    let (f, _) = fixture(backend).await;
    let stats = f.stats(&f.county, "year=2025").await;
    assert_eq!(stats["from"], "2025-01-01");
    assert_eq!(stats["to"], "2025-12-31");
    assert_eq!(
        stats["total"],
        json!({
            // A, B, C (D was raised in 2024).
            "received": 3,
            // A, C, D; C handed on once; A, C, D resolved, C reopened.
            "accepted": 3, "declined": 0, "assigned": 1, "resolved": 3,
            "resolved_by_outcome": {"implemented": 2, "explained": 1, "planned": 0, "not_feasible": 0},
            "reopened": 1,
            // B unanswered and C reopened are past their deadlines now.
            "overdue_now": 2,
            "rated": 2,
            // Due to answer in 2025: A (in time), B (never), C (in time).
            "response_rate": 0.6667,
            // Due or closed in 2025: A and D resolved, B and C (reopened) not.
            "resolution_rate": 0.5,
            // A satisfied, C unsatisfied.
            "satisfaction_rate": 0.5,
            // First answers after 1 h (A), 2 h (C), 72 h (D).
            "median_first_response_hours": 2.0,
            // Resolutions after 120 h (A), 192 h (C), 144 h (D), reported to two figures
            // as 120, 190 and 140.
            "median_resolution_hours": 140.0,
            "receptions": 1, "visitors": 12,
        })
    );
    // A deadline still ahead is judged once it comes: today's case is on neither side.
    let today = f.app.resident("stats-today").await;
    f.app.raise(&today).await;
    let this_year = f.stats(&f.county, "").await;
    assert_eq!(this_year["total"]["received"], 1);
    assert_eq!(this_year["total"]["response_rate"], Value::Null);
    assert_eq!(this_year["total"]["resolution_rate"], Value::Null);
    // The year before holds only D's raising and its deadline to answer.
    let before = f.stats(&f.county, "year=2024").await;
    assert_eq!(before["total"]["received"], 1);
    assert_eq!(before["total"]["accepted"], 0);
    assert_eq!(
        before["total"]["response_rate"], 0.0,
        "D was due on 12-31, answered in 2025"
    );
    // A quarter: January to March.
    let q1 = f.stats(&f.county, "year=2025&quarter=1").await;
    assert_eq!(q1["total"]["received"], 2);
    assert_eq!(q1["total"]["resolved"], 2, "A and D");
    assert_eq!(q1["total"]["rated"], 1);
    // Days: 2025-04-01 to 2025-04-30.
    let april = f.stats(&f.county, "from=2025-04-01&to=2025-04-30").await;
    assert_eq!(april["total"]["received"], 1);
    assert_eq!(april["total"]["reopened"], 1);
    assert_eq!(april["total"]["satisfaction_rate"], 0.0);
}

async fn the_figures_group_by_station_township_department_channel_and_month(backend: Backend) {
    let (f, _) = fixture(backend).await;
    let by_station = f.stats(&f.county, "year=2025&group_by=station").await;
    assert_eq!(by_station["group_by"], "station");
    let one = &group(&by_station, "1")["figures"];
    assert_eq!(one["received"], 2);
    assert_eq!(one["accepted"], 2);
    assert_eq!(one["resolved_by_outcome"]["implemented"], 2);
    assert_eq!(one["overdue_now"], 1);
    assert_eq!(one["response_rate"], 0.5);
    assert_eq!(one["resolution_rate"], 0.6667);
    assert_eq!(one["satisfaction_rate"], 1.0);
    assert_eq!(one["median_first_response_hours"], 36.5);
    assert_eq!(one["median_resolution_hours"], 130.0, "120 (A) and 140 (D)");
    assert_eq!(one["receptions"], 1);
    let two = &group(&by_station, "2")["figures"];
    assert_eq!(two["received"], 1);
    assert_eq!(two["assigned"], 1);
    assert_eq!(two["response_rate"], 1.0);
    assert_eq!(two["resolution_rate"], 0.0);
    assert_eq!(
        two["median_resolution_hours"], 190.0,
        "C's 192 h to two figures"
    );
    assert_eq!(two["receptions"], 0, "none held there");
    let station_two = f.app.get("/api/v1/stations/2", None).await.expect(200).body;
    assert_eq!(group(&by_station, "2")["name"], station_two["name"]);
    // The groups add up to the whole.
    let whole = f.stats(&f.county, "year=2025").await;
    for figure in ["received", "accepted", "resolved", "overdue_now", "rated"] {
        let sum: i64 = by_station["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["figures"][figure].as_i64().unwrap())
            .sum();
        assert_eq!(sum, whole["total"][figure].as_i64().unwrap(), "{figure}");
    }

    let by_township = f.stats(&f.county, "year=2025&group_by=township").await;
    let chushan = by_township["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "出山镇")
        .unwrap();
    assert_eq!(chushan["figures"]["received"], 1);

    let by_department = f.stats(&f.county, "year=2025&group_by=department").await;
    let works = group(&by_department, &f.department_id.to_string());
    assert_eq!(works["figures"]["assigned"], 1);
    assert_eq!(
        works["figures"]["receptions"],
        Value::Null,
        "departments hold none"
    );
    let none = by_department["groups"].as_array().unwrap().last().unwrap();
    assert_eq!(none["key"], Value::Null);
    assert_eq!(none["name"], "（无）");
    assert_eq!(
        none["figures"]["received"], 2,
        "A and B were never handed on"
    );

    let by_channel = f.stats(&f.county, "year=2025&group_by=channel").await;
    assert_eq!(by_channel["groups"].as_array().unwrap().len(), 1);
    assert_eq!(group(&by_channel, "mini_program")["name"], "小程序");

    let by_month = f.stats(&f.county, "year=2025&by_month=true").await;
    let month = |name: &str| {
        by_month["months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["month"] == name)
            .map(|m| m["figures"].clone())
            .unwrap_or_else(|| panic!("no month {name} in {by_month}"))
    };
    assert_eq!(month("2025-01")["accepted"], 1);
    assert_eq!(month("2025-01")["median_resolution_hours"], 140.0);
    assert_eq!(month("2025-03")["received"], 2);
    assert_eq!(month("2025-03")["response_rate"], 0.5, "A in time, B not");
    assert_eq!(month("2025-04")["received"], 1);
    assert_eq!(
        month("2025-04")["resolution_rate"],
        0.0,
        "B's deadline, B open; A is judged where it closed, in March"
    );
    assert_eq!(
        month("2025-03")["resolution_rate"],
        1.0,
        "A closed resolved"
    );
    assert_eq!(month("2025-06")["receptions"], 1);
    let station_months = f
        .stats(&f.county, "year=2025&group_by=station&by_month=true")
        .await;
    assert!(!group(&station_months, "2")["months"]
        .as_array()
        .unwrap()
        .is_empty());
}

async fn figures_are_scoped_to_the_caller_and_bad_asks_are_named(backend: Backend) {
    let (f, _) = fixture(backend).await;
    // A station admin counts its station; another station's figures are not found.
    let own = f.stats(&f.station_admin, "year=2025").await;
    assert_eq!(own["total"]["received"], 2);
    f.app
        .get(
            "/api/v1/stats?year=2025&station_id=2",
            Some(&f.station_admin),
        )
        .await
        .expect(404);
    let two = f
        .stats(&f.other_station_admin, "year=2025&station_id=2")
        .await;
    assert_eq!(two["total"]["received"], 1);
    // A deputy counts their own cases: A, B and D went to them.
    let mine = f.stats(&f.deputy, "year=2025").await;
    assert_eq!(mine["total"]["received"], 2);
    assert_eq!(mine["total"]["accepted"], 2);
    // Residents and departments have none; refused whatever they ask.
    let resident = f.app.resident("stats-nobody").await;
    for token in [&resident, &f.handler] {
        for query in ["", "group_by=month", "year=2025&month=13"] {
            f.app
                .get(&format!("/api/v1/stats?{query}"), Some(token))
                .await
                .expect(403);
        }
    }
    f.app.get("/api/v1/stats", None).await.expect(401);
    for (query, field) in [
        ("group_by=month", "group_by"),
        ("from=2025-05-01&to=2025-04-01", "to"),
        ("from=2019-01-01&to=2025-12-31", "to"),
        ("year=2025&from=2025-01-01", "from"),
        ("year=2025&quarter=5", "quarter"),
        ("month=3", "month"),
    ] {
        let refused = f
            .app
            .get(&format!("/api/v1/stats?{query}"), Some(&f.county))
            .await
            .expect(422);
        assert_eq!(refused.fields(), [field], "{query}");
    }
}

/// Rolls the figures up as the worker does, until there is nothing left to roll.
async fn roll_up(app: &TestApp) -> Rolled {
    let mut total = Rolled::default();
    loop {
        let rolled = rollup::roll(app.db(), Utc::now()).await.unwrap();
        if rolled == Rolled::default() {
            return total;
        }
        total.new += rolled.new;
        total.again += rolled.again;
        total.months += rolled.months;
    }
}

/// What the rollup is held to: every grouping, part of a year, other callers.
fn asks(f: &Fixture) -> Vec<(String, String)> {
    let mut asks = Vec::new();
    for query in [
        "year=2025",
        "year=2025&by_month=true",
        "year=2025&group_by=station&by_month=true",
        "year=2025&group_by=township",
        "year=2025&group_by=category&by_month=true",
        "year=2025&group_by=channel",
        "year=2025&group_by=department",
        "year=2025&group_by=deputy",
        "from=2025-03-12&to=2025-04-15",
        "year=2024",
        "",
    ] {
        asks.push((f.county.clone(), query.to_owned()));
    }
    asks.push((
        f.station_admin.clone(),
        "year=2025&by_month=true".to_owned(),
    ));
    asks.push((
        f.other_station_admin.clone(),
        "year=2025&station_id=2".to_owned(),
    ));
    asks.push((f.deputy.clone(), "year=2025".to_owned()));
    asks
}

async fn answers(f: &Fixture) -> Vec<(String, Value)> {
    let mut answers = Vec::new();
    for (token, query) in asks(f) {
        let answer = f.stats(&token, &query).await;
        answers.push((query, answer));
    }
    answers
}

async fn the_rollup_answers_what_the_cases_answer(backend: Backend) {
    let (f, [_, b, _, _]) = fixture(backend).await;
    // Nothing rolled up yet: every day is counted from the cases.
    let from_cases = answers(&f).await;
    let rolled = roll_up(&f.app).await;
    assert!(
        rolled.new > 365,
        "from D's day in 2024 to yesterday: {rolled:?}"
    );
    let figure_rows = f
        .app
        .db()
        .query_one(sea_orm::Statement::from_string(
            f.app.db().get_database_backend(),
            "SELECT COUNT(*) AS n FROM figure_days",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert!(
        figure_rows >= 4,
        "the fixture's days are rolled up: {figure_rows}"
    );
    assert!(
        rolled.months >= 12,
        "every month from December 2024 to the last is built: {rolled:?}"
    );
    for ((query, expected), (_, found)) in from_cases.iter().zip(answers(&f).await.iter()) {
        assert_eq!(found, expected, "{query}");
    }

    // Resolving B today restates 04-19, where B is judged: the figures count that day from
    // the cases until it is rolled up again, and never show the stale day.
    f.app
        .post(
            &format!("/api/v1/cases/{b}/accept"),
            Some(&f.deputy),
            json!({}),
        )
        .await
        .expect(200);
    f.app
        .post(
            &format!("/api/v1/cases/{b}/resolve"),
            Some(&f.deputy),
            json!({"summary": "已处理", "outcome": "implemented"}),
        )
        .await
        .expect(200);
    let restated = f.stats(&f.county, "year=2025").await;
    assert_eq!(
        restated["total"]["resolution_rate"], 0.75,
        "A, B and D of four"
    );
    let april = f.stats(&f.county, "from=2025-04-01&to=2025-04-30").await;
    assert_eq!(april["total"]["resolution_rate"], 1.0, "B, resolved now");
    let rolled = roll_up(&f.app).await;
    assert_eq!(rolled.again, 1, "{rolled:?}");
    assert_eq!(f.stats(&f.county, "year=2025").await, restated);

    // A restated day is counted from the cases but for its durations, which the rollup
    // keeps: with A's resolution day restated, nothing is counted twice.
    let db = f.app.db();
    let restate = Query::insert()
        .into_table(Alias::new("figure_restated_days"))
        .columns([Alias::new("day"), Alias::new("stamp")])
        .values_panic([
            chrono::NaiveDate::from_ymd_opt(2025, 3, 15).unwrap().into(),
            1.into(),
        ])
        .to_owned();
    db.execute(db.get_database_backend().build(&restate))
        .await
        .unwrap();
    assert_eq!(f.stats(&f.county, "year=2025").await, restated);
    let by_day = f.stats(&f.county, "from=2025-03-01&to=2025-03-30").await;
    assert_eq!(
        by_day["total"]["median_resolution_hours"], 120.0,
        "A's, once"
    );
    assert_eq!(by_day["total"]["resolved"], 1);

    // The medians of whole months built come from the months: with March's daily durations
    // gone (A's), the year's are unchanged, and only a part of March read by the day shows it.
    let statement = Query::delete()
        .from_table(Alias::new("figure_durations"))
        .and_where(Expr::col(Alias::new("day")).between(
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
        ))
        .to_owned();
    let gone = db
        .execute(db.get_database_backend().build(&statement))
        .await
        .unwrap();
    assert!(gone.rows_affected() >= 2, "A's first answer and resolution");
    let year = f.stats(&f.county, "year=2025").await;
    assert_eq!(year["total"], restated["total"]);
    let march = f.stats(&f.county, "from=2025-03-01&to=2025-03-31").await;
    assert_eq!(march["total"]["median_resolution_hours"], 120.0, "A's");
    let part = f.stats(&f.county, "from=2025-03-01&to=2025-03-30").await;
    assert_eq!(
        part["total"]["median_resolution_hours"],
        Value::Null,
        "read by the day, from the rows deleted"
    );
}
