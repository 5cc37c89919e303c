//! The public board (公示) of a station: figures per month of the period on the county's
//! clock, the results residents agreed to publish (and nothing about who raised them), the
//! deputies' work summary, 404 for an unknown station and 422 for a bad period.

use chrono::{DateTime, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

on_every_backend!(
    the_board_counts_each_month_and_publishes_only_what_residents_agreed_to,
    an_unknown_station_has_no_board_and_a_bad_period_is_422,
    the_board_page_shows_the_figures_in_tables,
);

const PHONE: &str = "13812345678";
const LOCATION: &str = "幸福小区3栋门口";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Sets `column` of the rows of `table` where `key` is `id` (and, for events, of `kind`).
async fn backdate(
    app: &TestApp,
    table: &str,
    column: &str,
    at: DateTime<Utc>,
    key: &str,
    id: i64,
    kind: Option<&str>,
) {
    let mut statement = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), at)
        .and_where(Expr::col(Alias::new(key)).eq(id))
        .to_owned();
    if let Some(kind) = kind {
        statement.and_where(Expr::col(Alias::new("kind")).eq(kind));
    }
    let db = app.db();
    let result = db
        .execute(db.get_database_backend().build(&statement))
        .await
        .unwrap();
    assert!(result.rows_affected() >= 1, "{table}.{column} of {id}");
}

struct Fixture {
    app: TestApp,
    admin: String,
    deputy: String,
    deputy_id: i64,
    handler: String,
    department_id: i64,
    resident: String,
}

async fn fixture(backend: Backend) -> Fixture {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let handler = app.login(&demo.handler).await;
    let department_id = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    app.on_duty(&admin, &[deputy_id]).await;
    let resident = app.resident("board-resident").await;
    Fixture {
        app,
        admin,
        deputy,
        deputy_id,
        handler,
        department_id,
        resident,
    }
}

impl Fixture {
    async fn step(&self, token: &str, id: i64, action: &str, body: Value) {
        self.app
            .post(&format!("/api/v1/cases/{id}/{action}"), Some(token), body)
            .await
            .expect(200);
    }

    /// A case raised at station 1 with the resident's phone and location, taken to its
    /// resolution; answers its id.
    async fn resolved(&self, title: &str, publishable: bool, summary: &str) -> i64 {
        let category = self.app.first_category().await;
        let body = json!({"station_id": 1, "category_id": category, "title": title,
                          "content": "一周了", "location": LOCATION, "contact_phone": PHONE,
                          "publishable": publishable});
        let id = self
            .app
            .post("/api/v1/cases", Some(&self.resident), body)
            .await
            .expect(201)
            .id();
        self.step(&self.deputy, id, "accept", json!({})).await;
        self.step(
            &self.deputy,
            id,
            "assign",
            json!({"department_id": self.department_id}),
        )
        .await;
        self.step(&self.handler, id, "handle", json!({"content": "已处理"}))
            .await;
        self.step(
            &self.deputy,
            id,
            "resolve",
            json!({"summary": summary, "outcome": "implemented"}),
        )
        .await;
        id
    }

    async fn rate(&self, id: i64, rating: &str, when: &str) {
        self.step(&self.resident, id, "rate", json!({"rating": rating}))
            .await;
        backdate(
            &self.app,
            "case_events",
            "created_at",
            at(when),
            "case_id",
            id,
            Some("rated"),
        )
        .await;
    }

    /// Moves the case's raising, acceptance and resolution to the times given.
    async fn dates(&self, id: i64, raised: &str, resolved: &str) {
        let app = &self.app;
        backdate(app, "cases", "created_at", at(raised), "id", id, None).await;
        backdate(
            app,
            "case_events",
            "created_at",
            at(raised),
            "case_id",
            id,
            Some("accepted"),
        )
        .await;
        backdate(app, "cases", "resolved_at", at(resolved), "id", id, None).await;
        backdate(
            app,
            "case_events",
            "created_at",
            at(resolved),
            "case_id",
            id,
            Some("resolved"),
        )
        .await;
    }
}

async fn the_board_counts_each_month_and_publishes_only_what_residents_agreed_to(backend: Backend) {
    let f = fixture(backend).await;
    // A: raised in March, resolved in April, rated satisfied in April; published.
    let a = f.resolved("路灯不亮", true, "已更换灯泡").await;
    f.dates(a, "2025-03-10T04:00:00Z", "2025-04-05T04:00:00Z")
        .await;
    f.rate(a, "satisfied", "2025-04-08T04:00:00Z").await;
    // B: raised and resolved in March, rated basically satisfied; its resident said no.
    let b = f.resolved("垃圾没人清", false, "已清运").await;
    f.dates(b, "2025-03-20T04:00:00Z", "2025-03-28T04:00:00Z")
        .await;
    f.rate(b, "basically_satisfied", "2025-03-30T04:00:00Z")
        .await;
    // C: raised in April, rated unsatisfied in April: back in the queue, unresolved, unpublished.
    let c = f.resolved("水管漏水", true, "已修").await;
    f.dates(c, "2025-04-02T04:00:00Z", "2025-04-10T04:00:00Z")
        .await;
    f.rate(c, "unsatisfied", "2025-04-20T04:00:00Z").await;
    // D: raised in 2024, resolved at 01:00 on 1 February in Beijing (still January in UTC).
    let d = f.resolved("道路坑洼", true, "已填补").await;
    f.dates(d, "2024-12-30T04:00:00Z", "2025-01-31T17:00:00Z")
        .await;

    // The deputy's registers: a training verified in 2025 counts, a proposal not yet
    // verified does not, nor a report-back verified but dated in 2024.
    for (body, verified) in [
        (
            json!({"kind": "activity", "date": "2025-05-01", "title": "履职培训",
                   "activity_kind": "training"}),
            true,
        ),
        (
            json!({"kind": "proposal", "date": "2025-06-01", "title": "关于路灯的建议",
                   "proposal_kind": "suggestion"}),
            false,
        ),
        (
            json!({"kind": "report_back", "date": "2024-12-31", "title": "述职",
                   "attendees": 30}),
            true,
        ),
    ] {
        let path = format!("/api/v1/deputies/{}/registers", f.deputy_id);
        let id = f
            .app
            .post(&path, Some(&f.deputy), body)
            .await
            .expect(201)
            .id();
        if verified {
            let verify = format!("/api/v1/register-entries/{id}/verify");
            f.app
                .post(&verify, Some(&f.admin), json!({}))
                .await
                .expect(200);
        }
    }

    let reply = f
        .app
        .get("/api/v1/stations/1/board?year=2025", None)
        .await
        .expect(200);
    let board = &reply.body;
    assert_eq!(board["from"], "2025-01-01");
    assert_eq!(board["to"], "2025-12-31");
    let months = board["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let figures: Vec<(String, u64, u64, u64, Option<f64>)> = months
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["received"].as_u64().unwrap(),
                m["resolved"].as_u64().unwrap(),
                m["rated"].as_u64().unwrap(),
                m["satisfaction_rate"].as_f64(),
            )
        })
        .collect();
    let month = |i: usize| figures[i].clone();
    assert_eq!(month(0), ("2025-01-01".into(), 0, 0, 0, None));
    assert_eq!(month(1), ("2025-02-01".into(), 0, 1, 0, None));
    assert_eq!(month(2), ("2025-03-01".into(), 2, 1, 1, Some(1.0)));
    assert_eq!(month(3), ("2025-04-01".into(), 1, 1, 2, Some(0.5)));
    for i in 4..12 {
        assert_eq!((month(i).1, month(i).2, month(i).3), (0, 0, 0), "month {i}");
    }

    let published = board["published"].as_array().unwrap();
    let numbers: Vec<&str> = published
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        ["路灯不亮", "道路坑洼"],
        "newest first, only the agreed and resolved"
    );
    assert_eq!(published[0]["outcome"], "implemented");
    assert_eq!(published[0]["summary"], "已更换灯泡");
    assert_eq!(published[0]["resolved_on"], "2025-04-05");
    assert_eq!(published[1]["resolved_on"], "2025-02-01");
    let keys: Vec<&String> = published[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["number", "outcome", "resolved_on", "summary", "title"]
    );

    let deputy = board["deputies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["deputy_id"] == f.deputy_id)
        .expect("the demo deputy serves at station 1");
    assert_eq!(
        deputy["accepted"], 3,
        "A, B and C accepted in 2025; D in 2024"
    );
    assert!(deputy["level"].is_string() && deputy["name"].is_string());
    let registers = ["activities", "proposals", "report_backs"].map(|k| deputy[k].clone());
    assert_eq!(registers, [json!(1), json!(0), json!(0)], "{deputy}");

    // Nothing points to the resident: no phone, no location, no account.
    let text = board.to_string();
    let resident_id = f.app.me(&f.resident).await["id"].clone();
    assert!(!text.contains(PHONE) && !text.contains("5678"), "{text}");
    assert!(!text.contains(LOCATION), "{text}");
    assert!(!text.contains("resident"), "{text}");
    assert!(!text.contains(&format!("\"id\":{resident_id}")), "{text}");

    // The publishable choice shows in the case detail, and defaults to no.
    let detail = f
        .app
        .get(&format!("/api/v1/cases/{a}"), Some(&f.resident))
        .await
        .expect(200);
    assert_eq!(detail.body["publishable"], true);
    let plain = f.app.raise(&f.resident).await;
    let detail = f
        .app
        .get(&format!("/api/v1/cases/{plain}"), Some(&f.deputy))
        .await
        .expect(200);
    assert_eq!(detail.body["publishable"], false);
}

async fn an_unknown_station_has_no_board_and_a_bad_period_is_422(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    app.get("/api/v1/stations/999999/board", None)
        .await
        .expect(404);
    let bad = app
        .get("/api/v1/stations/1/board?year=2025&month=13", None)
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["month"]);
    let bad = app
        .get(
            "/api/v1/stations/1/board?from=2025-03-01&to=2025-02-01",
            None,
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["to"]);
    // The default is this year so far: its months up to this one.
    let board = app.get("/api/v1/stations/1/board", None).await.expect(200);
    let today = liaison_domain::clock::local_day(Utc::now());
    let months = board.body["months"].as_array().unwrap();
    use chrono::Datelike;
    assert_eq!(months.len(), today.month() as usize);
    app.get("/s/999999/board", None).await.expect(404);
}

async fn the_board_page_shows_the_figures_in_tables(backend: Backend) {
    let f = fixture(backend).await;
    let a = f.resolved("路灯不亮", true, "已更换灯泡").await;
    f.dates(a, "2025-03-10T04:00:00Z", "2025-03-15T04:00:00Z")
        .await;
    f.rate(a, "satisfied", "2025-03-16T04:00:00Z").await;
    let page = f
        .app
        .get("/s/1/board?year=2025&month=3", None)
        .await
        .expect(200);
    let html = String::from_utf8(page.bytes).unwrap();
    assert!(
        html.contains("<td>2025-03</td><td>1</td><td>1</td><td>1</td><td>100.0%</td>"),
        "{html}"
    );
    assert!(
        html.contains("已更换灯泡") && html.contains("已落实"),
        "{html}"
    );
    assert!(!html.contains(PHONE) && !html.contains(LOCATION));
}
