//! The department appraisal over HTTP (issue 12, part 5): rounds handed to departments in a
//! period, worked through the API, with figures worked out by hand; the ranking and its marks;
//! who may read it; bad periods.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use liaison_infra::entities::case_events;
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp, DEMO_PASSWORD};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

on_every_backend!(
    departments_are_ranked_over_the_rounds_handed_to_them_in_the_period,
    the_appraisal_is_the_county_and_township_admins_and_periods_are_checked,
);

struct World {
    app: TestApp,
    county_admin: String,
    township_admin: String,
    deputy: String,
    handler: String,
    /// The demo handler's department, and the others by name.
    ours: i64,
    departments: Vec<(i64, String)>,
}

async fn world(backend: Backend) -> World {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;
    let township_admin = app.login(&demo.township_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let handler = app.login(&demo.handler).await;
    let ours = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    app.on_duty(&admin, &[deputy_id]).await;
    let listed = app
        .get("/api/v1/departments?limit=100", None)
        .await
        .expect(200)
        .body;
    let departments = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_i64().unwrap(),
                d["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    World {
        app,
        county_admin,
        township_admin,
        deputy,
        handler,
        ours,
        departments,
    }
}

impl World {
    async fn step(&self, token: &str, id: i64, action: &str, body: Value) {
        self.app
            .post(&format!("/api/v1/cases/{id}/{action}"), Some(token), body)
            .await
            .expect(200);
    }

    /// A case raised by a resident of its own, accepted and handed to `department`.
    async fn assigned(&self, n: usize, department: i64) -> (i64, String) {
        let resident = self.app.resident(&format!("o-appraisal-{n}")).await;
        let id = self.app.raise(&resident).await;
        self.step(&self.deputy, id, "accept", json!({})).await;
        self.step(
            &self.deputy,
            id,
            "assign",
            json!({"department_id": department}),
        )
        .await;
        (id, resident)
    }

    /// A case handed to `department`, reported back on by `handler`, resolved, rated by the
    /// deputy (`deputies`, anonymously) and then by the resident.
    async fn worked(
        &self,
        n: usize,
        department: i64,
        handler: &str,
        deputies: Option<&str>,
        resident_rating: &str,
    ) -> i64 {
        let (id, resident) = self.assigned(n, department).await;
        self.step(handler, id, "handle", json!({"content": "已办理"}))
            .await;
        self.resolve_and_rate(id, &resident, deputies, resident_rating)
            .await;
        id
    }

    async fn resolve_and_rate(
        &self,
        id: i64,
        resident: &str,
        deputies: Option<&str>,
        resident_rating: &str,
    ) {
        self.step(
            &self.deputy,
            id,
            "resolve",
            json!({"summary": "已办结", "outcome": "implemented"}),
        )
        .await;
        if let Some(rating) = deputies {
            self.step(
                &self.deputy,
                id,
                "department-rating",
                json!({"rating": rating}),
            )
            .await;
        }
        self.step(resident, id, "rate", json!({"rating": resident_rating}))
            .await;
    }

    async fn appraisal(&self, token: &str, query: &str) -> Value {
        self.app
            .get(
                &format!("/api/v1/departments/appraisal{query}"),
                Some(token),
            )
            .await
            .expect(200)
            .body
    }

    fn other(&self, n: usize) -> i64 {
        self.departments
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| *id != self.ours)
            .nth(n)
            .unwrap()
    }
}

/// Last year's March, well before anything the demo or the test does today.
fn march() -> (i32, DateTime<Utc>) {
    let year = Utc::now().year() - 1;
    let at = |day: u32| {
        Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(year, 3, day)
                .unwrap()
                .and_hms_opt(4, 0, 0)
                .unwrap(),
        )
    };
    (year, at(10))
}

/// Moves the first round's assignments of `cases` to `at`, as if made then.
async fn backdate(app: &TestApp, cases: &[i64], at: DateTime<Utc>) {
    case_events::Entity::update_many()
        .col_expr(case_events::Column::CreatedAt, Expr::value(at))
        .filter(case_events::Column::CaseId.is_in(cases.to_vec()))
        .filter(case_events::Column::Kind.eq("assigned"))
        .filter(case_events::Column::Round.eq(1))
        .exec(app.db())
        .await
        .unwrap();
}

fn line(appraisal: &Value, id: i64) -> &Value {
    appraisal["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["department_id"] == id)
        .unwrap_or_else(|| panic!("department {id} missing from {appraisal}"))
}

async fn departments_are_ranked_over_the_rounds_handed_to_them_in_the_period(backend: Backend) {
    let w = world(backend).await;
    let water = w.other(0);
    let idle = w.other(1);
    w.app
        .post(
            "/api/v1/users",
            Some(&w.county_admin),
            json!({"role": "handler", "name": "测评经办人", "phone": "13900000071", "password": DEMO_PASSWORD, "department_id": water}),
        )
        .await
        .expect(201);
    let water_handler = w.app.login("13900000071").await;

    // Ours: three rounds, two reported back on by the deadline, one late and reopened.
    let a1 = w
        .worked(1, w.ours, &w.handler, Some("satisfied"), "satisfied")
        .await;
    let a2 = w
        .worked(2, w.ours, &w.handler, Some("unsatisfied"), "unsatisfied")
        .await;
    let a3 = w
        .worked(
            3,
            w.ours,
            &w.handler,
            Some("basically_satisfied"),
            "basically_satisfied",
        )
        .await;
    // Water: one round, on time, satisfied all round.
    let b1 = w
        .worked(4, water, &water_handler, Some("satisfied"), "satisfied")
        .await;
    // Idle: handed a round it never reported back on; the deputy finished it alone, so the
    // resident's rating is not the department's.
    let (c1, resident) = w.assigned(5, idle).await;
    w.resolve_and_rate(c1, &resident, None, "satisfied").await;
    // The four others: one round each, not reported back on.
    let mut rest = Vec::new();
    for n in 2..6 {
        rest.push(w.assigned(n + 4, w.other(n)).await.0);
    }
    let (year, at) = march();
    let mut march_cases = vec![a1, a2, a3, b1, c1];
    march_cases.extend(&rest);
    backdate(&w.app, &march_cases, at).await;
    // a2 was reported back on after its deadline.
    case_events::Entity::update_many()
        .col_expr(
            case_events::Column::ResolveBy,
            Expr::value(at + chrono::Duration::days(1)),
        )
        .filter(case_events::Column::CaseId.eq(a2))
        .filter(case_events::Column::Kind.eq("assigned"))
        .exec(w.app.db())
        .await
        .unwrap();
    // Its second round goes to water today: outside March.
    w.step(
        &w.county_admin,
        a2,
        "reassign",
        json!({"department_id": water, "resolve_by": Utc::now() + chrono::Duration::days(5)}),
    )
    .await;

    let appraisal = w
        .appraisal(&w.county_admin, &format!("?year={year}&month=3"))
        .await;
    assert_eq!(appraisal["from"], format!("{year}-03-01"));
    assert_eq!(appraisal["to"], format!("{year}-03-31"));
    let ours = line(&appraisal, w.ours);
    assert_eq!(ours["assigned"], 3);
    assert_eq!(ours["handled_on_time"], 2);
    assert_eq!(ours["on_time_rate"], 66.7);
    assert_eq!(ours["reopened"], 1);
    assert_eq!(ours["resident_rated"], 3);
    assert_eq!(ours["satisfaction_rate"], 66.7);
    assert_eq!(
        ours["deputy_ratings"],
        json!({"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1})
    );
    assert_eq!(ours["deputies_score"], 53.3);
    // (66.7 × 40 + 53.3 × 30 + 66.7 × 30) / 100
    assert_eq!(ours["score"], 62.7);
    let water_line = line(&appraisal, water);
    assert_eq!(
        (
            &water_line["assigned"],
            &water_line["handled_on_time"],
            &water_line["score"]
        ),
        (&json!(1), &json!(1), &json!(100.0))
    );
    let idle_line = line(&appraisal, idle);
    assert_eq!(idle_line["assigned"], 1);
    assert_eq!(idle_line["handled_on_time"], 0);
    assert_eq!(
        idle_line["resident_rated"], 0,
        "it did not handle the round"
    );
    assert_eq!(idle_line["satisfaction_rate"], Value::Null);
    assert_eq!(idle_line["deputies_score"], Value::Null);
    assert_eq!(idle_line["score"], 0.0);

    // Water, ours, then the five at 0 by name; top five, the last two bottom (seven ranked).
    let mut zero: Vec<(i64, String)> = w
        .departments
        .iter()
        .filter(|(id, _)| *id != w.ours && *id != water)
        .cloned()
        .collect();
    zero.sort_by(|a, b| a.1.cmp(&b.1));
    let order: Vec<i64> = [water, w.ours]
        .into_iter()
        .chain(zero.iter().map(|(id, _)| *id))
        .collect();
    let ranked: Vec<(i64, Value, Value)> = appraisal["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["department_id"].as_i64().unwrap(),
                d["rank"].clone(),
                d["mark"].clone(),
            )
        })
        .collect();
    let expected: Vec<(i64, Value, Value)> = order
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mark = match i {
                0..=4 => json!("top"),
                _ => json!("bottom"),
            };
            (*id, json!(i + 1), mark)
        })
        .collect();
    assert_eq!(ranked, expected);
    // Anonymous: nothing names a deputy.
    let text = appraisal.to_string();
    assert!(
        !text.contains("deputy_id") && !text.contains("rater"),
        "{text}"
    );

    // This year so far: only the second round handed to water today, not reported back on.
    let now = w.appraisal(&w.county_admin, "").await;
    let water_now = line(&now, water);
    assert_eq!(water_now["assigned"], 1);
    assert_eq!(water_now["handled_on_time"], 0);
    assert_eq!(water_now["rank"], 1);
    assert_eq!(line(&now, w.ours)["assigned"], 0);
    assert_eq!(line(&now, w.ours)["rank"], Value::Null);

    // The township admin oversees the second station only, where none of these were raised.
    let township = w
        .appraisal(&w.township_admin, &format!("?year={year}&month=3"))
        .await;
    for department in township["departments"].as_array().unwrap() {
        assert_eq!(department["assigned"], 0, "{department}");
        assert_eq!(department["rank"], Value::Null);
    }
    assert_eq!(
        township["departments"].as_array().unwrap().len(),
        w.departments.len()
    );
}

async fn the_appraisal_is_the_county_and_township_admins_and_periods_are_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-appraisal-who").await;
    for phone in [&demo.deputy, &demo.handler, &demo.station_admin] {
        let token = app.login(phone).await;
        app.get("/api/v1/departments/appraisal", Some(&token))
            .await
            .expect(403);
        // Refused before the period is read.
        app.get("/api/v1/departments/appraisal?month=13", Some(&token))
            .await
            .expect(403);
    }
    app.get("/api/v1/departments/appraisal", Some(&resident))
        .await
        .expect(403);
    app.get("/api/v1/departments/appraisal", None)
        .await
        .expect(401);
    let county = app.login(&demo.county_admin).await;
    for (query, field) in [
        ("?year=2026&month=13", "month"),
        ("?quarter=2", "quarter"),
        ("?from=2026-05-01&to=2026-04-01", "to"),
        ("?from=2026-05-01&year=2026", "from"),
    ] {
        let wrong = app
            .get(
                &format!("/api/v1/departments/appraisal{query}"),
                Some(&county),
            )
            .await
            .expect(422);
        assert_eq!(wrong.fields(), [field], "{query}");
    }
    let fine = app
        .get(
            "/api/v1/departments/appraisal?year=2026&quarter=2",
            Some(&county),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(fine["from"], "2026-04-01");
    assert_eq!(fine["to"], "2026-06-30");
    assert!(fine["departments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["assigned"] == 0 && d["rank"].is_null()));
}
