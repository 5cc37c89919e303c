//! A case's life over HTTP: raising it, every step, ratings, races, moderation, photos.

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, Reply, TestApp};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

on_every_backend!(
    a_resident_raises_a_case_by_scanning_and_it_reaches_the_deputy_on_duty,
    with_nobody_on_duty_the_case_waits_in_the_station_queue,
    a_case_goes_from_scan_to_a_satisfied_rating,
    unsatisfied_sends_the_case_back_and_too_many_rounds_reach_the_county,
    bad_submissions_are_refused_and_store_nothing,
    an_idempotency_key_replays_the_first_answer,
    two_deputies_accepting_at_once_one_wins,
    concurrent_submits_get_distinct_numbers,
    ratings_only_by_the_author_once_and_after_resolving,
    station_admins_reassign_within_the_station_and_press_cases,
    a_case_resolved_and_never_rated_closes_without_a_rating,
    local_word_list_refuses_risky_text_and_flags_doubtful_text,
    photos_are_attached_once_by_their_uploader_only,
);

/// The demo organisation with the handles these tests act through.
struct World {
    app: TestApp,
    admin: String,
    county_admin: String,
    deputy: String,
    deputy_id: i64,
    handler: String,
    department_id: i64,
    category_id: i64,
}

async fn world(app: TestApp) -> World {
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let handler = app.login(&demo.handler).await;
    let department_id = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    let categories = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body;
    let category_id = categories["items"][0]["id"].as_i64().unwrap();
    World {
        app,
        admin,
        county_admin,
        deputy,
        deputy_id,
        handler,
        department_id,
        category_id,
    }
}

impl World {
    /// Puts exactly `deputies` on duty at station 1 for the day around now.
    async fn on_duty(&self, deputies: &[i64]) {
        let now = Utc::now();
        let shifts: Vec<Value> = deputies
            .iter()
            .map(|id| json!({"deputy_id": id, "starts_at": now - Duration::hours(1), "ends_at": now + Duration::hours(1)}))
            .collect();
        let body = json!({"from": now - Duration::hours(12), "to": now + Duration::hours(12), "shifts": shifts});
        self.app
            .put("/api/v1/stations/1/roster", Some(&self.admin), body)
            .await
            .expect(200);
    }

    fn case_body(&self, title: &str) -> Value {
        json!({
            "station_id": 1,
            "category_id": self.category_id,
            "title": title,
            "content": "路灯坏了一个星期，晚上很黑。",
            "location": "人民路88号",
            "contact_phone": "13912345678",
        })
    }

    async fn raise(&self, resident: &str, title: &str) -> i64 {
        self.app
            .post("/api/v1/cases", Some(resident), self.case_body(title))
            .await
            .expect(201)
            .id()
    }

    async fn step(&self, token: &str, id: i64, action: &str, body: Value) -> Reply {
        self.app
            .post(&format!("/api/v1/cases/{id}/{action}"), Some(token), body)
            .await
    }

    async fn case(&self, token: &str, id: i64) -> Value {
        self.app
            .get(&format!("/api/v1/cases/{id}"), Some(token))
            .await
            .expect(200)
            .body
    }

    async fn count(&self) -> usize {
        let page = self
            .app
            .get("/api/v1/cases?limit=100", Some(&self.county_admin))
            .await
            .expect(200);
        page.body["items"].as_array().unwrap().len()
    }
}

fn kinds(case: &Value) -> Vec<String> {
    case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_resident_raises_a_case_by_scanning_and_it_reaches_the_deputy_on_duty(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[w.deputy_id]).await;
    let code = w
        .app
        .get("/api/v1/stations/1/code", Some(&w.admin))
        .await
        .expect(200)
        .body;
    let resident = w.app.resident("o-scan").await;
    let mut body = w.case_body("人民路路灯不亮");
    body["scene"] = code["scene"].clone();
    body.as_object_mut().unwrap().remove("station_id");
    let before = Utc::now();
    let raised = w
        .app
        .post("/api/v1/cases", Some(&resident), body)
        .await
        .expect(201)
        .body;

    let number = raised["number"].as_str().unwrap();
    let day = (Utc::now() + Duration::hours(8))
        .format("%Y%m%d")
        .to_string();
    assert!(number.starts_with(&format!("XP-{day}-")), "{number}");
    assert_eq!(number.len(), "XP-20261122-0001".len());
    assert_eq!(raised["status"], "submitted");
    assert_eq!(raised["station_id"], 1);
    assert_eq!(raised["assignee_id"], w.deputy_id);
    let category = w.app.get("/api/v1/categories?county_id=1", None).await.body["items"][0].clone();
    let respond_by: chrono::DateTime<Utc> = raised["respond_by"].as_str().unwrap().parse().unwrap();
    let hours = category["respond_within_hours"].as_i64().unwrap();
    assert!(
        respond_by >= before + Duration::hours(hours)
            && respond_by <= Utc::now() + Duration::hours(hours)
    );

    // It is in the deputy's own queue, and the resident follows it.
    let mine = w
        .app
        .get("/api/v1/cases?scope=mine", Some(&w.deputy))
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"][0]["id"], raised["id"]);
    let seen = w.case(&resident, raised["id"].as_i64().unwrap()).await;
    assert_eq!(kinds(&seen), ["submitted"]);
    assert_eq!(
        seen["contact_phone"], "139****5678",
        "masked even for its author"
    );
}

async fn with_nobody_on_duty_the_case_waits_in_the_station_queue(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[]).await;
    let resident = w.app.resident("o-queue").await;
    let raised = w
        .app
        .post("/api/v1/cases", Some(&resident), w.case_body("排水沟堵塞"))
        .await
        .expect(201)
        .body;
    assert_eq!(raised["assignee_id"], Value::Null);
    // Any deputy of the station may take it from the queue.
    let id = raised["id"].as_i64().unwrap();
    let taken = w
        .step(&w.deputy, id, "accept", json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(taken["assignee_id"], w.deputy_id);
}

async fn a_case_goes_from_scan_to_a_satisfied_rating(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[w.deputy_id]).await;
    let resident = w.app.resident("o-life").await;
    let id = w.raise(&resident, "路灯不亮").await;

    w.step(&w.deputy, id, "accept", json!({})).await.expect(200);
    w.step(
        &w.deputy,
        id,
        "reply",
        json!({"content": "已收到，明天去现场。"}),
    )
    .await
    .expect(200);
    // A resident may not hand a case on: that answer comes before any check of the department.
    w.step(&resident, id, "assign", json!({"department_id": 9999}))
        .await
        .expect(403);
    let unknown = w
        .step(&w.deputy, id, "assign", json!({"department_id": 9999}))
        .await
        .expect(422);
    assert_eq!(unknown.fields(), ["department_id"]);
    let deadline = Utc::now() + Duration::days(5);
    let assigned = w
        .step(
            &w.deputy,
            id,
            "assign",
            json!({"department_id": w.department_id, "resolve_by": deadline, "note": "请核查"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(assigned["status"], "assigned");
    assert_eq!(assigned["department_id"], w.department_id);
    // The department sees it now and reports back.
    let handled = w
        .step(&w.handler, id, "handle", json!({"content": "已更换灯泡。"}))
        .await
        .expect(200)
        .body;
    assert_eq!(handled["status"], "handled");
    w.step(
        &w.deputy,
        id,
        "note",
        json!({"content": "群众电话回访满意"}),
    )
    .await
    .expect(200);
    let resolved = w
        .step(
            &w.deputy,
            id,
            "resolve",
            json!({"outcome": "implemented", "summary": "路灯已修复。"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(resolved["status"], "resolved");
    let rated = w
        .step(
            &resident,
            id,
            "rate",
            json!({"rating": "satisfied", "comment": "很及时"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rated["status"], "closed");
    assert_eq!(rated["rating"], "satisfied");
    assert_eq!(rated["rating_comment"], "很及时");

    let staff_view = w.case(&w.admin, id).await;
    assert_eq!(
        kinds(&staff_view),
        [
            "submitted",
            "accepted",
            "replied",
            "assigned",
            "handled",
            "noted",
            "resolved",
            "rated",
            "closed"
        ]
    );
    let resident_view = w.case(&resident, id).await;
    assert_eq!(
        kinds(&resident_view),
        [
            "submitted",
            "accepted",
            "replied",
            "assigned",
            "handled",
            "resolved",
            "rated",
            "closed"
        ],
        "the internal note stays internal"
    );
    let reply = &resident_view["events"][2];
    assert_eq!(reply["text"], "已收到，明天去现场。");
    assert_eq!(reply["actor_role"], "deputy");
    assert!(!reply["actor_name"].as_str().unwrap().is_empty());
    // Nothing more can happen to a closed case but notes.
    let late = w
        .step(&w.deputy, id, "reply", json!({"content": "x"}))
        .await
        .expect(409);
    assert_eq!(late.code(), "case.invalid_transition");
}

async fn unsatisfied_sends_the_case_back_and_too_many_rounds_reach_the_county(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.cases.reopen_limit = 1).await;
    let w = world(app).await;
    w.on_duty(&[w.deputy_id]).await;
    let resident = w.app.resident("o-unhappy").await;
    let id = w.raise(&resident, "水压低").await;
    w.step(&w.deputy, id, "accept", json!({})).await.expect(200);

    for round in 1..=2 {
        w.step(
            &w.deputy,
            id,
            "resolve",
            json!({"outcome": "implemented", "summary": "已调整"}),
        )
        .await
        .expect(200);
        let before = Utc::now();
        let reopened = w
            .step(
                &resident,
                id,
                "rate",
                json!({"rating": "unsatisfied", "comment": "还是没水"}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(
            reopened["status"], "reopened",
            "重新交办: the re-assignment queue"
        );
        assert_eq!(reopened["reopen_count"], round);
        let resolve_by: chrono::DateTime<Utc> =
            reopened["resolve_by"].as_str().unwrap().parse().unwrap();
        assert!(resolve_by > before + Duration::days(1), "a fresh deadline");
        assert_eq!(reopened["escalated"], round > 1, "round {round}");
        // The county gives the next round back to the deputy.
        w.step(
            &w.county_admin,
            id,
            "reassign",
            json!({"deputy_id": w.deputy_id, "instructions": "请再核实水压"}),
        )
        .await
        .expect(200);
    }
    let staff_view = w.case(&w.county_admin, id).await;
    assert!(kinds(&staff_view).contains(&"escalated".to_owned()));
    assert!(!kinds(&w.case(&resident, id).await).contains(&"escalated".to_owned()));
}

async fn bad_submissions_are_refused_and_store_nothing(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let resident = w.app.resident("o-bad").await;
    let code = w
        .app
        .get("/api/v1/stations/1/code", Some(&w.admin))
        .await
        .expect(200)
        .body;
    let with = |changes: Value| {
        let mut body = w.case_body("标题");
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(json!({"title": ""})), "title"),
        (with(json!({"title": "长".repeat(101)})), "title"),
        (with(json!({"content": "字".repeat(2001)})), "content"),
        (with(json!({"location": "地".repeat(201)})), "location"),
        (with(json!({"contact_phone": "12345"})), "contact_phone"),
        (with(json!({"category_id": 9999})), "category_id"),
        (with(json!({"station_id": 9999})), "station_id"),
        (
            with(json!({"scene": code["scene"], "station_id": 2})),
            "station_id",
        ),
        (with(json!({"scene": "1.forgedsignature000"})), "scene"),
        (
            with(json!({"attachment_ids": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})),
            "attachment_ids",
        ),
    ];
    for (body, field) in cases {
        let reply = w
            .app
            .post("/api/v1/cases", Some(&resident), body)
            .await
            .expect(422);
        assert!(
            reply.fields().contains(&field.to_owned()),
            "{field}: {}",
            reply.body
        );
    }
    // An inactive category takes no new case.
    sea_orm::ConnectionTrait::execute_unprepared(
        w.app.db(),
        &format!(
            "UPDATE categories SET active = false WHERE id = {}",
            w.category_id
        ),
    )
    .await
    .unwrap();
    // Written past the application, which would otherwise trust its cached catalogue for up
    // to a minute: tell it, as a change through the API does.
    w.app
        .state
        .reference
        .changed(liaison_infra::store::reference::Kind::Organisation)
        .await;
    let inactive = w
        .app
        .post("/api/v1/cases", Some(&resident), w.case_body("x"))
        .await
        .expect(422);
    assert_eq!(inactive.body["errors"][0]["code"], "inactive");
    // Staff do not raise cases; nobody without a token does.
    w.app
        .post("/api/v1/cases", Some(&w.admin), w.case_body("x"))
        .await
        .expect(403);
    w.app
        .post("/api/v1/cases", None, w.case_body("x"))
        .await
        .expect(401);
    assert_eq!(w.count().await, 0);
}

async fn an_idempotency_key_replays_the_first_answer(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let resident = w.app.resident("o-retry").await;
    let send = |body: Value, key: &'static str| {
        w.app
            .client
            .post(w.app.url("/api/v1/cases"))
            .bearer_auth(&resident)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = liaison_tests::read(send(w.case_body("重复提交"), "key-1").await.unwrap())
        .await
        .expect(201);
    let again = liaison_tests::read(send(w.case_body("重复提交"), "key-1").await.unwrap())
        .await
        .expect(201);
    assert_eq!(first.body, again.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let other = liaison_tests::read(send(w.case_body("另一个"), "key-1").await.unwrap())
        .await
        .expect(422);
    assert_eq!(other.fields(), ["Idempotency-Key"]);
    assert_eq!(w.count().await, 1);
    // Another resident's key space is their own.
    let neighbour = w.app.resident("o-neighbour").await;
    let theirs = w
        .app
        .client
        .post(w.app.url("/api/v1/cases"))
        .bearer_auth(&neighbour)
        .header("Idempotency-Key", "key-1")
        .json(&w.case_body("重复提交"))
        .send()
        .await
        .unwrap();
    let theirs = liaison_tests::read(theirs).await.expect(201);
    assert_ne!(theirs.body["id"], first.body["id"]);
}

async fn two_deputies_accepting_at_once_one_wins(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[]).await;
    // A second deputy of station 1 with an account of their own.
    let deputies = w
        .app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body;
    let colleague_id = deputies
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|id| *id != w.deputy_id)
        .unwrap();
    w.app
        .post(
            "/api/v1/users",
            Some(&w.county_admin),
            json!({"role": "deputy", "name": "同站代表", "phone": "13700000077", "password": liaison_tests::DEMO_PASSWORD, "deputy_id": colleague_id}),
        )
        .await
        .expect(201);
    let colleague = w.app.login("13700000077").await;
    let resident = w.app.resident("o-race").await;
    for round in 0..5 {
        let id = w.raise(&resident, &format!("抢单{round}")).await;
        let path = format!("/api/v1/cases/{id}/accept");
        let (a, b) = tokio::join!(
            w.app.post(&path, Some(&w.deputy), json!({})),
            w.app.post(&path, Some(&colleague), json!({}))
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        // The loser either lost the write or found the case already taken: 409 either way.
        assert_eq!(statuses, [200, 409], "round {round}: {} {}", a.body, b.body);
        let case = w.case(&w.admin, id).await;
        assert_eq!(kinds(&case).iter().filter(|k| *k == "accepted").count(), 1);
    }
}

async fn concurrent_submits_get_distinct_numbers(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let residents = [
        w.app.resident("o-n1").await,
        w.app.resident("o-n2").await,
        w.app.resident("o-n3").await,
        w.app.resident("o-n4").await,
    ];
    let sends = residents
        .iter()
        .flat_map(|r| (0..3).map(move |i| (r, i)))
        .map(|(r, i)| {
            let (app, body) = (&w.app, w.case_body(&format!("并发{i}")));
            async move { app.post("/api/v1/cases", Some(r), body).await }
        });
    let replies = futures_util::future::join_all(sends).await;
    let mut numbers: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status.as_u16(), 201, "{}", r.body);
            r.body["number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 12);
    let sequences: Vec<u32> = numbers
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(sequences, (1..=12).collect::<Vec<u32>>());
}

async fn ratings_only_by_the_author_once_and_after_resolving(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[w.deputy_id]).await;
    let resident = w.app.resident("o-rate").await;
    let stranger = w.app.resident("o-stranger").await;
    let id = w.raise(&resident, "评价").await;
    let satisfied = json!({"rating": "satisfied"});
    assert_eq!(
        w.step(&resident, id, "rate", satisfied.clone())
            .await
            .expect(409)
            .code(),
        "case.invalid_transition"
    );
    w.step(&w.deputy, id, "accept", json!({})).await.expect(200);
    w.step(
        &w.deputy,
        id,
        "resolve",
        json!({"outcome": "implemented", "summary": "好了"}),
    )
    .await
    .expect(200);
    w.step(&stranger, id, "rate", satisfied.clone())
        .await
        .expect(404);
    w.step(&w.admin, id, "rate", satisfied.clone())
        .await
        .expect(403);
    assert_eq!(
        w.step(&resident, id, "rate", json!({"rating": "great"}))
            .await
            .expect(422)
            .fields(),
        ["rating"]
    );
    assert_eq!(
        w.case(&resident, id).await["status"],
        "resolved",
        "refusals change nothing"
    );
    w.step(&resident, id, "rate", satisfied.clone())
        .await
        .expect(200);
    w.step(&resident, id, "rate", satisfied).await.expect(409);
}

async fn station_admins_reassign_within_the_station_and_press_cases(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[w.deputy_id]).await;
    let resident = w.app.resident("o-move").await;
    let id = w.raise(&resident, "转办").await;
    let here = w.app.get("/api/v1/stations/1/deputies", None).await.body;
    let other_here = here
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|d| *d != w.deputy_id)
        .unwrap();
    let moved = w
        .step(&w.admin, id, "reassign", json!({"deputy_id": other_here}))
        .await
        .expect(200)
        .body;
    assert_eq!(moved["assignee_id"], other_here);
    // Not to a deputy of another station, and not by the deputy.
    let there = w.app.get("/api/v1/stations/3/deputies", None).await.body;
    let elsewhere = there
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|d| {
            !here
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"].as_i64() == Some(*d))
        })
        .unwrap();
    assert_eq!(
        w.step(&w.admin, id, "reassign", json!({"deputy_id": elsewhere}))
            .await
            .expect(422)
            .fields(),
        ["deputy_id"]
    );
    w.step(&w.deputy, id, "reassign", json!({"deputy_id": w.deputy_id}))
        .await
        .expect(403);
    // The deputy it left cannot act on it any more.
    w.step(&w.deputy, id, "accept", json!({})).await.expect(403);
    w.step(&w.admin, id, "urge", json!({"note": "请今天答复"}))
        .await
        .expect(200);
    w.step(&w.deputy, id, "urge", json!({"note": "x"}))
        .await
        .expect(403);
    let urged = w.case(&w.admin, id).await;
    assert!(kinds(&urged).contains(&"urged".to_owned()));
}

async fn a_case_resolved_and_never_rated_closes_without_a_rating(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    w.on_duty(&[w.deputy_id]).await;
    let resident = w.app.resident("o-silent").await;
    let id = w.raise(&resident, "无人评价").await;
    w.step(&w.deputy, id, "accept", json!({})).await.expect(200);
    w.step(
        &w.deputy,
        id,
        "resolve",
        json!({"outcome": "implemented", "summary": "已办结"}),
    )
    .await
    .expect(200);
    let closed = liaison_api::cases::actions::close_unrated(
        &w.app.state.cases(),
        Utc::now() + Duration::days(1),
    )
    .await
    .unwrap();
    assert_eq!(closed, 0, "not yet due");
    let closed = liaison_api::cases::actions::close_unrated(
        &w.app.state.cases(),
        Utc::now() + Duration::days(8),
    )
    .await
    .unwrap();
    assert_eq!(closed, 1);
    let case = w.case(&resident, id).await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["rating"], Value::Null, "never a made-up rating");
    assert_eq!(
        case["events"].as_array().unwrap().last().unwrap()["actor_role"],
        "system"
    );
}

async fn local_word_list_refuses_risky_text_and_flags_doubtful_text(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.moderation.risky_words = vec!["赌博".to_owned()];
        s.moderation.review_words = vec!["曝光".to_owned()];
    })
    .await;
    let w = world(app).await;
    let resident = w.app.resident("o-words").await;
    let mut risky = w.case_body("有人组织赌 博");
    risky["content"] = json!("每晚都在");
    let refused = w
        .app
        .post("/api/v1/cases", Some(&resident), risky)
        .await
        .expect(422);
    assert_eq!(refused.code(), "case.content_rejected");
    assert_eq!(w.count().await, 0, "a refused case stores nothing");
    let doubtful = w.raise(&resident, "要向媒体曝光").await;
    assert_eq!(w.case(&w.admin, doubtful).await["flagged"], true);
    assert_eq!(w.case(&resident, doubtful).await["flagged"], false);
}

#[tokio::test]
async fn wechat_content_checks_refuse_risky_text_and_never_block_when_down() {
    let wechat = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"openid": "o-wx", "session_key": "k"})),
        )
        .mount(&wechat)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": 7200})),
        )
        .mount(&wechat)
        .await;
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.wechat.appid = Some("wx1".to_owned());
        s.wechat.secret = Some(secrecy::SecretString::from("secret"));
        s.wechat.api_base = wechat.uri();
    })
    .await;
    let w = world(app).await;
    let login = w
        .app
        .post("/api/v1/auth/wechat", None, json!({"code": "c"}))
        .await
        .expect(200);
    let resident = login.body["access_token"].as_str().unwrap().to_owned();

    let risky =
        Mock::given(method("POST"))
            .and(path("/wxa/msg_sec_check"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"errcode": 0, "result": {"suggest": "risky", "label": 20002}}),
            ))
            .expect(1..)
            .mount_as_scoped(&wechat)
            .await;
    let refused = w
        .app
        .post("/api/v1/cases", Some(&resident), w.case_body("正常标题"))
        .await
        .expect(422);
    assert_eq!(refused.code(), "case.content_rejected");
    drop(risky);

    let _down = Mock::given(method("POST"))
        .and(path("/wxa/msg_sec_check"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": -1, "errmsg": "system busy"})),
        )
        .expect(1..)
        .mount_as_scoped(&wechat)
        .await;
    w.app
        .post("/api/v1/cases", Some(&resident), w.case_body("正常标题"))
        .await
        .expect(201);
    assert_eq!(w.count().await, 1);
}

/// A real PNG: the station's printable code.
async fn photo(app: &TestApp, admin: &str) -> Vec<u8> {
    app.get("/api/v1/stations/1/code.png", Some(admin))
        .await
        .expect(200)
        .bytes
}

async fn upload(app: &TestApp, token: &str, png: &[u8]) -> i64 {
    let part = reqwest::multipart::Part::bytes(png.to_vec())
        .file_name("p.png")
        .mime_str("image/png")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = app
        .client
        .post(app.url("/api/v1/attachments"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    liaison_tests::read(response).await.expect(201).id()
}

async fn photos_are_attached_once_by_their_uploader_only(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let resident = w.app.resident("o-photo").await;
    let neighbour = w.app.resident("o-photo-2").await;
    let png = photo(&w.app, &w.admin).await;
    let mine = upload(&w.app, &resident, &png).await;
    let theirs = upload(&w.app, &neighbour, &png).await;

    let mut body = w.case_body("有照片");
    body["attachment_ids"] = json!([theirs]);
    let refused = w
        .app
        .post("/api/v1/cases", Some(&resident), body.clone())
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["attachment_ids"]);
    assert_eq!(w.count().await, 0, "nothing stored, the photo not taken");

    body["attachment_ids"] = json!([mine]);
    let id = w
        .app
        .post("/api/v1/cases", Some(&resident), body.clone())
        .await
        .expect(201)
        .id();
    let case = w.case(&w.admin, id).await;
    assert_eq!(case["attachments"][0]["id"], mine);
    // Staff who see the case see the photo; the neighbour does not.
    let url = format!("/api/v1/attachments/{mine}");
    assert_eq!(w.app.get(&url, Some(&w.admin)).await.expect(200).bytes, png);
    w.app.get(&url, Some(&neighbour)).await.expect(404);
    // A photo belongs to one case only.
    let again = w
        .app
        .post("/api/v1/cases", Some(&resident), body)
        .await
        .expect(422);
    assert_eq!(again.fields(), ["attachment_ids"]);
}

#[tokio::test]
async fn the_demo_has_cases_in_every_state_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let demo = app.seed_demo().await;
    let raised = liaison_api::demo::seed_cases(&app.state).await.unwrap();
    assert!(raised >= 7);
    assert_eq!(
        liaison_api::demo::seed_cases(&app.state).await.unwrap(),
        0,
        "seeded once"
    );
    let admin = app.login(&demo.county_admin).await;
    let page = app
        .get("/api/v1/cases?limit=100", Some(&admin))
        .await
        .expect(200)
        .body;
    let mut statuses: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    assert_eq!(
        statuses,
        [
            "accepted",
            "assigned",
            "closed",
            "declined",
            "handled",
            "reopened",
            "resolved",
            "submitted"
        ]
    );
    // One case was re-assigned from the queue: round 2 is under way, its department rated.
    let reassigned = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reopen_count"] == 1 && c["status"] == "assigned")
        .expect("a re-assigned demo case");
    let detail = app
        .get(&format!("/api/v1/cases/{}", reassigned["id"]), Some(&admin))
        .await
        .expect(200)
        .body;
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["kind"], &last["round"]),
        (&json!("assigned"), &json!(2))
    );
    // The demo deputy who can log in has cases of their own in several states to work.
    let deputy = app.login(&demo.deputy).await;
    let mine = app
        .get("/api/v1/cases?scope=assigned&limit=100", Some(&deputy))
        .await
        .expect(200)
        .body;
    let mut states: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    states.sort_unstable();
    states.dedup();
    assert!(states.len() >= 4, "{states:?}");
    assert!(states.contains(&"accepted"), "{states:?}");
}

on_every_backend!(a_resident_raises_a_bounded_number_of_cases);

/// Past the hourly limit a resident gets 429 with Retry-After, while a retry of a case raised
/// before it still answers its first answer; other residents are not held back.
async fn a_resident_raises_a_bounded_number_of_cases(backend: Backend) {
    let app = liaison_tests::spawn_app_with(backend, |s| s.cases.per_resident_per_hour = 3).await;
    app.seed_demo().await;
    let category = app.first_category().await;
    let resident = app.resident("o-eager").await;
    let body = |n: usize| json!({"station_id": 1, "category_id": category, "title": "路灯不亮", "content": format!("第{n}次")});
    let keyed = |n: usize| {
        app.client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&resident)
            .header("Idempotency-Key", format!("eager-{n}"))
            .json(&body(n))
    };
    let mut first = None;
    for n in 0..3 {
        let reply = liaison_tests::read(keyed(n).send().await.unwrap())
            .await
            .expect(201);
        first.get_or_insert(reply.id());
    }
    let refused = liaison_tests::read(keyed(3).send().await.unwrap())
        .await
        .expect(429);
    assert_eq!(refused.code(), "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    let replayed = liaison_tests::read(keyed(0).send().await.unwrap())
        .await
        .expect(201);
    assert_eq!(replayed.id(), first.unwrap());
    assert_eq!(replayed.headers["idempotent-replayed"], "true");
    let other = app.resident("o-patient").await;
    app.post("/api/v1/cases", Some(&other), body(9))
        .await
        .expect(201);
}
