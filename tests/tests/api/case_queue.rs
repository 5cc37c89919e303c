//! The case queue and what each role sees of a case: exactly its scope in `GET /cases`, 404
//! (never 403) for anything outside it, filters, keyset pages sorted two ways, and a timeline
//! with internal events, anonymous authors and contact phones shown only to those who need them.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use liaison_tests::{on_every_backend, spawn_app_with, Backend, Reply, TestApp, DEMO_PASSWORD};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::regions::other_county;
use crate::roster::deputy_at;

on_every_backend!(
    each_resident_lists_exactly_the_cases_they_raised,
    a_deputy_lists_the_cases_of_the_stations_they_sit_at,
    a_handler_lists_only_the_cases_handed_to_its_department,
    a_station_admin_lists_only_the_cases_of_its_stations,
    a_county_admin_lists_its_own_county_and_never_another,
    a_hidden_case_answers_exactly_like_an_absent_one,
    steps_on_cases_outside_the_scope_answer_404_never_403,
    scope_mine_narrows_a_deputy_to_the_cases_assigned_to_them,
    status_and_station_filters_narrow_within_the_scope,
    q_matches_title_content_and_number_within_the_scope,
    q_finds_one_character_two_character_words_and_case_numbers,
    unknown_or_incomplete_filters_answer_422,
    overdue_selects_cases_past_a_deadline_and_not_yet_there,
    the_light_filter_sorts_open_cases_into_green_yellow_and_red,
    newest_first_pages_walk_every_case_once,
    deadline_pages_walk_every_case_once_nearest_first_ties_by_id,
    bad_cursors_and_limits_answer_422,
    internal_events_reach_staff_in_scope_and_never_the_resident,
    an_anonymous_residents_identity_is_hidden_from_deputies_and_handlers,
    the_full_contact_phone_reaches_only_the_assigned_deputy_and_admins,
    flagged_is_staff_business_and_always_false_for_residents,
);

const PHONE: &str = "13912345678";
const MASKED: &str = "139****5678";
/// What the moderation word list flags for review in these tests.
const REVIEW_WORD: &str = "拆迁";
/// An id no case has.
const ABSENT: i64 = 999_999;

/// The cases every test starts from.
#[derive(Debug, Clone, Copy)]
struct Cases {
    /// Resident A at station 1, reached 刘桂兰 (on duty).
    a1: i64,
    /// Resident A at station 2, waits in the station queue; its text is flagged for review.
    a2: i64,
    /// Resident B at station 1, anonymous with a contact phone, reached 刘桂兰, then handed to
    /// 县住建局.
    b1: i64,
    /// Resident B at station 1, reached 刘桂兰, then moved to her colleague 王秀英.
    b2: i64,
    /// Resident A at the other county's station.
    c: i64,
}

impl Cases {
    fn all(&self) -> [i64; 5] {
        [self.a1, self.a2, self.b1, self.b2, self.c]
    }
}

/// The demo county, a second county, two residents, a token per role, and the cases above.
struct World {
    app: TestApp,
    s1: i64,
    s2: i64,
    resident_a: String,
    resident_a_id: i64,
    resident_b: String,
    resident_b_id: i64,
    /// 刘桂兰, the demo's deputy account, sitting at station 1.
    deputy: String,
    deputy_id: i64,
    /// 王秀英, another deputy of station 1, with an account made for these tests.
    colleague: String,
    colleague_id: i64,
    station_admin: String,
    other_station_admin: String,
    /// Handler of 县住建局.
    handler: String,
    /// Handler of 县水利局, made for these tests.
    other_handler: String,
    county_admin: String,
    other_county_admin: String,
    housing: i64,
    water: i64,
    /// Category name → id, in the demo county.
    categories: Vec<(String, i64)>,
    cases: Cases,
}

async fn world(backend: Backend) -> World {
    let app = spawn_app_with(backend, |settings| {
        settings.moderation.review_words = vec![REVIEW_WORD.to_owned()];
    })
    .await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let station_admin = app.login(&demo.station_admin).await;
    let other_station_admin = app.login(&demo.other_station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    let station_of = |me: Value| me["scopes"]["station_ids"][0].as_i64().unwrap();
    let s1 = station_of(app.me(&station_admin).await);
    let s2 = station_of(app.me(&other_station_admin).await);
    let county = app.me(&county_admin).await["scopes"]["county_id"]
        .as_i64()
        .unwrap();
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    assert_eq!(deputy_at(&app, s1, "刘桂兰").await, deputy_id);
    let housing = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    let water = department_named(&app, "县水利局").await;

    let colleague_id = deputy_at(&app, s1, "王秀英").await;
    app.post(
        "/api/v1/users",
        Some(&county_admin),
        json!({"role": "deputy", "name": "王秀英", "phone": "13900000061", "password": DEMO_PASSWORD, "deputy_id": colleague_id}),
    )
    .await
    .expect(201);
    let colleague = app.login("13900000061").await;
    app.post(
        "/api/v1/users",
        Some(&county_admin),
        json!({"role": "handler", "name": "水利局经办人", "phone": "13900000062", "password": DEMO_PASSWORD, "department_id": water}),
    )
    .await
    .expect(201);
    let other_handler = app.login("13900000062").await;

    // Station 1: only 刘桂兰 on duty now; station 2: nobody.
    let now = Utc::now();
    let period = |shifts: Vec<Value>| json!({"from": stamp(now - Duration::hours(12)), "to": stamp(now + Duration::hours(12)), "shifts": shifts});
    app.put(
        &format!("/api/v1/stations/{s1}/roster"),
        Some(&station_admin),
        period(vec![
            json!({"deputy_id": deputy_id, "starts_at": stamp(now - Duration::hours(1)), "ends_at": stamp(now + Duration::hours(2))}),
        ]),
    )
    .await
    .expect(200);
    app.put(
        &format!("/api/v1/stations/{s2}/roster"),
        Some(&other_station_admin),
        period(vec![]),
    )
    .await
    .expect(200);

    // The other county: a station, a department and a category of its own.
    let other = other_county(&app).await;
    let other_station = other.station(&app).await;
    let other_department = app
        .post(
            "/api/v1/departments",
            Some(&other.token),
            json!({"name": "上蔡县住建局"}),
        )
        .await
        .expect(201)
        .id();
    let other_category = app
        .post(
            "/api/v1/categories",
            Some(&other.token),
            json!({"name": "住房城建", "department_id": other_department, "respond_within_hours": 48, "resolve_within_days": 30}),
        )
        .await
        .expect(201)
        .id();

    let categories: Vec<(String, i64)> = app
        .get(
            &format!("/api/v1/categories?county_id={county}&limit=100"),
            None,
        )
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect();
    let housing_category = category_in(&categories, "住房城建");

    let resident_a = app.resident("o-queue-resident-a").await;
    let resident_b = app.resident("o-queue-resident-b").await;
    let resident_a_id = app.me(&resident_a).await["id"].as_i64().unwrap();
    let resident_b_id = app.me(&resident_b).await["id"].as_i64().unwrap();

    let raise = |token: &str, body: Value| {
        let app = &app;
        let token = token.to_owned();
        async move {
            app.post("/api/v1/cases", Some(&token), body)
                .await
                .expect(201)
        }
    };
    let a1 = raise(
        &resident_a,
        json!({"station_id": s1, "category_id": housing_category, "title": "楼道灯坏了", "content": "三单元的楼道灯坏了两周，晚上上下楼很危险。"}),
    )
    .await;
    assert_eq!(a1.body["assignee_id"], deputy_id, "{}", a1.body);
    let a2 = raise(
        &resident_a,
        json!({"station_id": s2, "category_id": housing_category, "title": "小区门口积水", "content": format!("{REVIEW_WORD}以后小区门口一下雨就积水。")}),
    )
    .await;
    assert_eq!(a2.body["assignee_id"], Value::Null, "{}", a2.body);
    let b1 = raise(
        &resident_b,
        json!({"station_id": s1, "category_id": housing_category, "title": "危房改造进度", "content": "老房子墙体开裂，申请的危房改造一直没有消息。", "anonymous": true, "contact_phone": PHONE}),
    )
    .await;
    assert_eq!(b1.body["assignee_id"], deputy_id, "{}", b1.body);
    let b2 = raise(
        &resident_b,
        json!({"station_id": s1, "category_id": housing_category, "title": "路面塌陷", "content": "菜市场东侧人行道塌陷出一个大坑。"}),
    )
    .await;
    assert_eq!(b2.body["assignee_id"], deputy_id, "{}", b2.body);
    let c = raise(
        &resident_a,
        json!({"station_id": other_station, "category_id": other_category, "title": "蔡沟镇路灯", "content": "回老家发现镇上路灯不亮。"}),
    )
    .await;

    let cases = Cases {
        a1: a1.id(),
        a2: a2.id(),
        b1: b1.id(),
        b2: b2.id(),
        c: c.id(),
    };
    let world = World {
        app,
        s1,
        s2,
        resident_a,
        resident_a_id,
        resident_b,
        resident_b_id,
        deputy,
        deputy_id,
        colleague,
        colleague_id,
        station_admin,
        other_station_admin,
        handler,
        other_handler,
        county_admin,
        other_county_admin: other.token,
        housing,
        water,
        categories,
        cases,
    };
    let assigned = world
        .step(
            &world.station_admin,
            cases.b1,
            "assign",
            json!({"department_id": housing}),
        )
        .await
        .expect(200);
    assert_eq!(assigned.body["status"], "assigned");
    let moved = world
        .step(
            &world.station_admin,
            cases.b2,
            "reassign",
            json!({"deputy_id": colleague_id}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["assignee_id"], colleague_id);
    world
}

impl World {
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

    /// The queue in one page (the tests stay well under the maximum), in the order given.
    async fn items(&self, token: &str, query: &str) -> Vec<Value> {
        let page = self
            .app
            .get(&format!("/api/v1/cases?limit=100&{query}"), Some(token))
            .await
            .expect(200);
        assert_eq!(page.body["next_cursor"], Value::Null, "{}", page.body);
        page.body["items"].as_array().unwrap().clone()
    }

    /// The ids the queue answers `query` with.
    async fn queue(&self, token: &str, query: &str) -> BTreeSet<i64> {
        let items = self.items(token, query).await;
        let ids: Vec<i64> = items.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        let set: BTreeSet<i64> = ids.iter().copied().collect();
        assert_eq!(set.len(), ids.len(), "a case listed twice: {ids:?}");
        set
    }

    /// The caller's whole queue is `expected`; every other case of the world answers 404, the
    /// same 404 as a case that does not exist, and every case in `expected` opens.
    async fn sees_exactly(&self, token: &str, expected: &[i64]) {
        assert_eq!(self.queue(token, "").await, set(expected));
        let absent = self
            .app
            .get(&format!("/api/v1/cases/{ABSENT}"), Some(token))
            .await
            .expect(404);
        for id in self.cases.all() {
            let reply = self
                .app
                .get(&format!("/api/v1/cases/{id}"), Some(token))
                .await;
            if expected.contains(&id) {
                assert_eq!(reply.expect(200).body["id"], id);
            } else {
                let hidden = reply.expect(404);
                assert_eq!(
                    hidden.body, absent.body,
                    "case {id} is told from an absent one"
                );
                assert_eq!(hidden.code(), "not_found");
            }
        }
    }

    fn category(&self, name: &str) -> i64 {
        category_in(&self.categories, name)
    }

    /// Raises a case at station 1 as resident A in the category named `category`.
    async fn raise_at_s1(&self, category: &str, title: &str) -> i64 {
        self.app
            .post(
                "/api/v1/cases",
                Some(&self.resident_a),
                json!({"station_id": self.s1, "category_id": self.category(category), "title": title, "content": "分页用的诉求。"}),
            )
            .await
            .expect(201)
            .id()
    }

    /// Sets a deadline column of a case directly: waiting for one to pass is not an option.
    async fn set_deadline(&self, id: i64, column: &str, at: DateTime<Utc>) {
        let statement = Query::update()
            .table(Alias::new("cases"))
            .value(Alias::new(column), at)
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        let db = self.app.db();
        let result = db
            .execute(db.get_database_backend().build(&statement))
            .await
            .unwrap();
        assert_eq!(result.rows_affected(), 1);
    }
}

fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("not a timestamp: {value}"))
        .with_timezone(&Utc)
}

fn category_in(categories: &[(String, i64)], name: &str) -> i64 {
    categories
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no category is named {name}"))
        .1
}

async fn department_named(app: &TestApp, name: &str) -> i64 {
    app.get("/api/v1/departments?limit=100", None)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("no department is named {name}"))
}

/// `(kind, internal)` of each event of a case, oldest first.
fn timeline(case: &Value) -> Vec<(String, bool)> {
    case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["internal"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn events(expected: &[(&str, bool)]) -> Vec<(String, bool)> {
    expected
        .iter()
        .map(|(kind, internal)| ((*kind).to_owned(), *internal))
        .collect()
}

/// Walks the queue page by page with `query`, answering the ids in the order given and the
/// number of pages.
async fn walk(app: &TestApp, token: &str, query: &str, limit: usize) -> (Vec<i64>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("/api/v1/cases?{query}&limit={limit}"),
            Some(c) => format!("/api/v1/cases?{query}&limit={limit}&cursor={c}"),
        };
        let page = app.get(&path, Some(token)).await.expect(200).body;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit, "{page}");
        pages += 1;
        assert!(pages <= 50, "the walk does not end");
        for item in items {
            let id = item["id"].as_i64().unwrap();
            assert!(
                !ids.contains(&id),
                "{query}, limit {limit}: case {id} again on page {pages} after {ids:?}, cursor {cursor:?}"
            );
            ids.push(id);
        }
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(items.len(), limit, "a short page with a next cursor");
                cursor = Some(next.to_owned());
            }
            None => break,
        }
    }
    (ids, pages)
}

async fn each_resident_lists_exactly_the_cases_they_raised(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    // A's cases lie in two stations and two counties; B's never show to A, nor A's to B.
    w.sees_exactly(&w.resident_a, &[c.a1, c.a2, c.c]).await;
    w.sees_exactly(&w.resident_b, &[c.b1, c.b2]).await;
    // A resident who raised nothing sees nothing.
    let newcomer = w.app.resident("o-queue-newcomer").await;
    w.sees_exactly(&newcomer, &[]).await;
}

async fn a_deputy_lists_the_cases_of_the_stations_they_sit_at(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    // Every case of station 1, whoever it is assigned to; nothing of station 2 or elsewhere.
    w.sees_exactly(&w.deputy, &[c.a1, c.b1, c.b2]).await;
    w.sees_exactly(&w.colleague, &[c.a1, c.b1, c.b2]).await;
    // 陈志强 sits at stations 2 and 3, not 1: his account sees station 2's case only.
    let chen = deputy_at(&w.app, w.s2, "陈志强").await;
    w.app
        .post(
            "/api/v1/users",
            Some(&w.county_admin),
            json!({"role": "deputy", "name": "陈志强", "phone": "13900000063", "password": DEMO_PASSWORD, "deputy_id": chen}),
        )
        .await
        .expect(201);
    let chen = w.app.login("13900000063").await;
    w.sees_exactly(&chen, &[c.a2]).await;
}

async fn a_handler_lists_only_the_cases_handed_to_its_department(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    w.sees_exactly(&w.handler, &[c.b1]).await;
    w.sees_exactly(&w.other_handler, &[]).await;
    // Handing a case to 县水利局 shows it there and nowhere else among departments.
    w.step(
        &w.county_admin,
        c.a2,
        "assign",
        json!({"department_id": w.water}),
    )
    .await
    .expect(200);
    w.sees_exactly(&w.other_handler, &[c.a2]).await;
    w.sees_exactly(&w.handler, &[c.b1]).await;
    // Handed on from 县住建局 to 县水利局: the first department loses sight of it.
    w.step(
        &w.station_admin,
        c.b1,
        "assign",
        json!({"department_id": w.water}),
    )
    .await
    .expect(200);
    w.sees_exactly(&w.handler, &[]).await;
    w.sees_exactly(&w.other_handler, &[c.a2, c.b1]).await;
}

async fn a_station_admin_lists_only_the_cases_of_its_stations(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    w.sees_exactly(&w.station_admin, &[c.a1, c.b1, c.b2]).await;
    w.sees_exactly(&w.other_station_admin, &[c.a2]).await;
}

async fn a_county_admin_lists_its_own_county_and_never_another(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    w.sees_exactly(&w.county_admin, &[c.a1, c.a2, c.b1, c.b2])
        .await;
    w.sees_exactly(&w.other_county_admin, &[c.c]).await;
}

async fn a_hidden_case_answers_exactly_like_an_absent_one(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    // Across roles too: the 404 says nothing about who asked or what was there.
    let absent = w
        .app
        .get(&format!("/api/v1/cases/{ABSENT}"), Some(&w.resident_b))
        .await
        .expect(404);
    for (token, hidden) in [
        (&w.resident_b, c.a1),
        (&w.resident_a, c.b1),
        (&w.deputy, c.a2),
        (&w.handler, c.a1),
        (&w.other_handler, c.b1),
        (&w.station_admin, c.a2),
        (&w.other_station_admin, c.b1),
        (&w.county_admin, c.c),
        (&w.other_county_admin, c.a1),
    ] {
        let reply = w
            .app
            .get(&format!("/api/v1/cases/{hidden}"), Some(token))
            .await
            .expect(404);
        assert_eq!(reply.body, absent.body, "case {hidden}");
    }
}

async fn steps_on_cases_outside_the_scope_answer_404_never_403(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let before = w.case(&w.county_admin, c.a1).await["events"].clone();
    let tries: Vec<(&String, i64, &str, Value)> = vec![
        (&w.resident_b, c.a1, "rate", json!({"rating": "satisfied"})),
        (&w.deputy, c.a2, "accept", json!({})),
        (&w.deputy, c.a2, "note", json!({"content": "看一下"})),
        (
            &w.colleague,
            c.a2,
            "decline",
            json!({"reason": "不归我们管"}),
        ),
        (&w.handler, c.a1, "handle", json!({"content": "已处理"})),
        (
            &w.other_handler,
            c.b1,
            "reply",
            json!({"content": "已回复"}),
        ),
        (&w.other_station_admin, c.a1, "accept", json!({})),
        (
            &w.other_station_admin,
            c.b1,
            "urge",
            json!({"note": "抓紧"}),
        ),
        (
            &w.station_admin,
            c.a2,
            "assign",
            json!({"department_id": w.housing}),
        ),
        (&w.county_admin, c.c, "urge", json!({"note": "抓紧"})),
        (
            &w.other_county_admin,
            c.a1,
            "note",
            json!({"content": "看一下"}),
        ),
        (
            &w.other_county_admin,
            c.a1,
            "reassign",
            json!({"deputy_id": w.colleague_id}),
        ),
    ];
    for (token, id, action, body) in tries {
        let absent = w
            .step(token, ABSENT, action, body.clone())
            .await
            .expect(404);
        let hidden = w.step(token, id, action, body).await;
        assert_eq!(
            hidden.status.as_u16(),
            404,
            "{action} on case {id}: {}",
            hidden.body
        );
        assert_eq!(hidden.body, absent.body, "{action} on case {id}");
    }
    // Nothing happened to the case.
    assert_eq!(
        w.case(&w.county_admin, c.a1).await["events"],
        before,
        "a refused step left a trace"
    );
    // In scope but not this role's step: 403, which is only said about visible cases.
    let refused = w
        .step(&w.handler, c.b1, "accept", json!({}))
        .await
        .expect(403);
    assert_eq!(refused.code(), "forbidden");
}

async fn scope_mine_narrows_a_deputy_to_the_cases_assigned_to_them(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    for scope in ["mine", "assigned"] {
        let query = format!("scope={scope}");
        assert_eq!(w.queue(&w.deputy, &query).await, set(&[c.a1, c.b1]));
        assert_eq!(w.queue(&w.colleague, &query).await, set(&[c.b2]));
        // For the other roles, their own cases are all they see.
        assert_eq!(
            w.queue(&w.resident_a, &query).await,
            set(&[c.a1, c.a2, c.c])
        );
        assert_eq!(w.queue(&w.handler, &query).await, set(&[c.b1]));
        assert_eq!(
            w.queue(&w.station_admin, &query).await,
            set(&[c.a1, c.b1, c.b2])
        );
    }
    // Each item of a deputy's own queue is theirs.
    for item in w.items(&w.deputy, "scope=mine").await {
        assert_eq!(item["assignee_id"], w.deputy_id);
    }
    // scope=station with a station: the whole station as far as the caller sees it.
    let station = format!("scope=station&station_id={}", w.s1);
    assert_eq!(w.queue(&w.deputy, &station).await, set(&[c.a1, c.b1, c.b2]));
    assert_eq!(
        w.queue(&w.deputy, &format!("scope=station&station_id={}", w.s2))
            .await,
        set(&[])
    );
    // A case reassigned away leaves "mine" at once.
    w.step(
        &w.station_admin,
        c.a1,
        "reassign",
        json!({"deputy_id": w.colleague_id}),
    )
    .await
    .expect(200);
    assert_eq!(w.queue(&w.deputy, "scope=mine").await, set(&[c.b1]));
    assert_eq!(
        w.queue(&w.colleague, "scope=mine").await,
        set(&[c.a1, c.b2])
    );
}

async fn status_and_station_filters_narrow_within_the_scope(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let admin = &w.county_admin;
    assert_eq!(
        w.queue(admin, "status=submitted").await,
        set(&[c.a1, c.a2, c.b2])
    );
    assert_eq!(w.queue(admin, "status=assigned").await, set(&[c.b1]));
    assert_eq!(w.queue(admin, "status=closed").await, set(&[]));
    let s1 = format!("station_id={}", w.s1);
    let s2 = format!("station_id={}", w.s2);
    assert_eq!(w.queue(admin, &s1).await, set(&[c.a1, c.b1, c.b2]));
    assert_eq!(w.queue(admin, &s2).await, set(&[c.a2]));
    assert_eq!(
        w.queue(admin, &format!("{s1}&status=submitted")).await,
        set(&[c.a1, c.b2])
    );
    // A filter never widens the scope: another station, or another county's, is empty.
    assert_eq!(w.queue(&w.resident_a, &s1).await, set(&[c.a1]));
    assert_eq!(w.queue(&w.station_admin, &s2).await, set(&[]));
    assert_eq!(w.queue(&w.other_county_admin, &s1).await, set(&[]));
    assert_eq!(w.queue(&w.handler, "status=submitted").await, set(&[]));
    // Every item answers the filter it was asked with.
    for item in w.items(admin, &format!("{s1}&status=submitted")).await {
        assert_eq!(item["status"], "submitted");
        assert_eq!(item["station_id"], w.s1);
    }
    // A declined case shows under its new status only.
    w.step(
        &w.station_admin,
        c.b2,
        "decline",
        json!({"reason": "属于信访事项，请到县信访局反映"}),
    )
    .await
    .expect(200);
    assert_eq!(w.queue(admin, "status=declined").await, set(&[c.b2]));
    assert_eq!(w.queue(admin, "status=submitted").await, set(&[c.a1, c.a2]));
}

async fn q_matches_title_content_and_number_within_the_scope(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let admin = &w.county_admin;
    let q = |words: &str| format!("q={}", url_encoded(words));
    // Title, content.
    assert_eq!(w.queue(admin, &q("楼道灯")).await, set(&[c.a1]));
    assert_eq!(w.queue(admin, &q("菜市场")).await, set(&[c.b2]));
    // Number, whole and in part.
    let number = w.case(admin, c.a2).await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(w.queue(admin, &q(&number)).await, set(&[c.a2]));
    assert!(number.starts_with("XP-"), "{number}");
    assert_eq!(
        w.queue(admin, &q("XP-")).await,
        set(&[c.a1, c.a2, c.b1, c.b2])
    );
    // Blank words filter nothing; words nobody wrote find nothing.
    assert_eq!(
        w.queue(admin, &q("  ")).await,
        set(&[c.a1, c.a2, c.b1, c.b2])
    );
    assert_eq!(w.queue(admin, &q("飞机场")).await, set(&[]));
    // Only within the scope: B does not find A's case, A finds the other county's.
    assert_eq!(w.queue(&w.resident_b, &q("楼道灯")).await, set(&[]));
    assert_eq!(w.queue(&w.resident_a, &q("路灯")).await, set(&[c.c]));
    assert_eq!(w.queue(admin, &q("路灯")).await, set(&[]));
    // Combined with other filters.
    assert_eq!(
        w.queue(admin, &format!("{}&station_id={}", q("积水"), w.s1))
            .await,
        set(&[])
    );
}

/// Bigram search: a one-character word, two-character words, words that span bigrams, and
/// case numbers in part, all the same on every backend.
async fn q_finds_one_character_two_character_words_and_case_numbers(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let admin = &w.county_admin;
    let q = |words: &str| format!("q={}", url_encoded(words));
    // One character, wherever it stands in a word.
    assert_eq!(w.queue(admin, &q("灯")).await, set(&[c.a1]));
    assert_eq!(w.queue(admin, &q("坑")).await, set(&[c.b2]));
    assert_eq!(w.queue(&w.resident_a, &q("灯")).await, set(&[c.a1, c.c]));
    // Two characters, in the title or only in the content.
    assert_eq!(w.queue(admin, &q("积水")).await, set(&[c.a2]));
    assert_eq!(w.queue(admin, &q("塌陷")).await, set(&[c.b2]));
    assert_eq!(w.queue(admin, &q("开裂")).await, set(&[c.b1]));
    // Both characters, but never side by side.
    assert_eq!(w.queue(admin, &q("楼灯")).await, set(&[]));
    // Several words: every one must occur.
    assert_eq!(w.queue(admin, &q("楼道灯 三单元")).await, set(&[c.a1]));
    assert_eq!(w.queue(admin, &q("楼道灯，积水")).await, set(&[]));
    // Case numbers: the county letters in any case and width, the day, the sequence alone.
    let number = w.case(admin, c.b1).await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let parts: Vec<&str> = number.split('-').collect();
    let all = set(&[c.a1, c.a2, c.b1, c.b2]);
    assert_eq!(w.queue(admin, &q("xp")).await, all);
    assert_eq!(w.queue(admin, &q("ＸＰ－")).await, all);
    assert_eq!(w.queue(admin, &q(&format!("XP-{}", parts[1]))).await, all);
    assert_eq!(w.queue(admin, &q(parts[2])).await, set(&[c.b1]));
    assert_eq!(
        w.queue(admin, &q(&format!("{number} 危房"))).await,
        set(&[c.b1])
    );
    assert_eq!(
        w.queue(admin, &q(&format!("{number} 积水"))).await,
        set(&[])
    );
    // Punctuation alone asks for nothing, like blank words.
    assert_eq!(w.queue(admin, &q("，。！")).await, all);
    // The deadline order pages searches too.
    let by_deadline = w.items(admin, &format!("{}&sort=deadline", q("XP"))).await;
    assert_eq!(by_deadline.len(), 4);
}

async fn unknown_or_incomplete_filters_answer_422(backend: Backend) {
    let w = world(backend).await;
    for (query, field) in [
        ("scope=station", "station_id"),
        ("scope=everything", "scope"),
        ("scope=", "scope"),
        ("sort=oldest", "sort"),
        ("status=open", "status"),
        ("status=", "status"),
        ("light=amber", "light"),
    ] {
        for token in [&w.county_admin, &w.resident_a, &w.deputy] {
            let reply = w
                .app
                .get(&format!("/api/v1/cases?{query}"), Some(token))
                .await
                .expect(422);
            assert_eq!(reply.fields(), [field], "{query}");
        }
    }
    // Known values of each are accepted.
    for query in [
        "scope=mine",
        "scope=assigned",
        "sort=newest",
        "sort=deadline",
        "status=resolved",
        "overdue=false",
        "light=green",
    ] {
        w.app
            .get(&format!("/api/v1/cases?{query}"), Some(&w.county_admin))
            .await
            .expect(200);
    }
    // Values of the wrong type are a malformed request.
    for query in ["overdue=maybe", "station_id=abc", "limit=-1"] {
        let reply = w
            .app
            .get(&format!("/api/v1/cases?{query}"), Some(&w.county_admin))
            .await
            .expect(400);
        assert_eq!(reply.code(), "invalid_query", "{query}");
    }
    // The queue is for callers with a token.
    w.app.get("/api/v1/cases", None).await.expect(401);
}

async fn overdue_selects_cases_past_a_deadline_and_not_yet_there(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let past = Utc::now() - Duration::hours(1);
    // a1: unanswered past respond_by. b1: answered (handed on) but past resolve_by.
    w.set_deadline(c.a1, "respond_by", past).await;
    w.set_deadline(c.b1, "resolve_by", past).await;
    // b2: past respond_by too, but answered in time: not overdue.
    w.step(&w.colleague, c.b2, "accept", json!({}))
        .await
        .expect(200);
    w.set_deadline(c.b2, "respond_by", past).await;

    let admin = &w.county_admin;
    assert_eq!(w.queue(admin, "overdue=true").await, set(&[c.a1, c.b1]));
    assert_eq!(w.queue(admin, "overdue=false").await, set(&[c.a2, c.b2]));
    for item in w.items(admin, "").await {
        let id = item["id"].as_i64().unwrap();
        assert_eq!(item["overdue"], id == c.a1 || id == c.b1, "case {id}");
    }
    assert_eq!(w.case(admin, c.a1).await["overdue"], true);
    assert_eq!(w.case(admin, c.b2).await["overdue"], false);
    // Within the scope.
    assert_eq!(w.queue(&w.resident_a, "overdue=true").await, set(&[c.a1]));
    assert_eq!(
        w.queue(&w.resident_a, "overdue=false").await,
        set(&[c.a2, c.c])
    );
    assert_eq!(w.queue(&w.handler, "overdue=true").await, set(&[c.b1]));
    assert_eq!(
        w.queue(&w.other_station_admin, "overdue=true").await,
        set(&[])
    );
    assert_eq!(
        w.queue(&w.deputy, "overdue=true&scope=mine").await,
        set(&[c.a1, c.b1])
    );
    // Once resolved, a case past resolve_by is no longer overdue: it got there.
    w.step(
        &w.station_admin,
        c.b1,
        "resolve",
        json!({"outcome": "implemented", "summary": "已列入今年危房改造计划"}),
    )
    .await
    .expect(200);
    assert_eq!(w.queue(admin, "overdue=true").await, set(&[c.a1]));
    assert_eq!(
        w.queue(admin, "overdue=false").await,
        set(&[c.a2, c.b1, c.b2])
    );
    // Answering the unanswered one ends its lateness too (its resolve_by is far off).
    w.step(&w.deputy, c.a1, "accept", json!({}))
        .await
        .expect(200);
    assert_eq!(w.queue(admin, "overdue=true").await, set(&[]));
}

async fn the_light_filter_sorts_open_cases_into_green_yellow_and_red(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    // a1: past respond_by unanswered, red. b1: answered (handed on), an hour before resolve_by,
    // which is past 80 % of any category's days: yellow. a2 and b2: just raised, green.
    w.set_deadline(c.a1, "respond_by", Utc::now() - Duration::hours(1))
        .await;
    w.set_deadline(c.b1, "resolve_by", Utc::now() + Duration::hours(1))
        .await;
    let admin = &w.county_admin;
    assert_eq!(w.queue(admin, "light=red").await, set(&[c.a1]));
    assert_eq!(w.queue(admin, "light=yellow").await, set(&[c.b1]));
    assert_eq!(w.queue(admin, "light=green").await, set(&[c.a2, c.b2]));
    for item in w.items(admin, "").await {
        let id = item["id"].as_i64().unwrap();
        let expected = match id {
            _ if id == c.a1 => "red",
            _ if id == c.b1 => "yellow",
            _ => "green",
        };
        assert_eq!(item["light"], expected, "case {id}");
    }
    assert_eq!(w.case(admin, c.b1).await["light"], "yellow");
    // Within the scope, and with the other filters.
    assert_eq!(w.queue(&w.handler, "light=yellow").await, set(&[c.b1]));
    assert_eq!(w.queue(&w.other_station_admin, "light=red").await, set(&[]));
    assert_eq!(
        w.queue(admin, "light=green&station_id=2").await,
        set(&[c.a2])
    );
    // A resolved case has no light, and no light filter lists it.
    w.step(
        &w.station_admin,
        c.b1,
        "resolve",
        json!({"outcome": "implemented", "summary": "已修复"}),
    )
    .await
    .expect(200);
    assert_eq!(w.case(admin, c.b1).await["light"], Value::Null);
    for light in ["green", "yellow", "red"] {
        let listed = w.queue(admin, &format!("light={light}")).await;
        assert!(!listed.contains(&c.b1), "{light}");
    }
}

/// Six more cases at station 1 in categories with different deadlines, two of them handed
/// on with the same deadline: ten in the county, whose deadline order is not their id order.
async fn many_cases(w: &World) -> Vec<i64> {
    let mut extra = Vec::new();
    for (category, title) in [
        ("养老救助", "低保申请"),
        ("道路交通", "红绿灯太短"),
        ("医疗卫生", "卫生室缺药"),
        ("住房城建", "物业不作为"),
        ("教育", "校车接送"),
        ("农田水利", "灌渠堵塞"),
    ] {
        extra.push(w.raise_at_s1(category, title).await);
    }
    let same = Utc::now() + Duration::days(20);
    let same = stamp(same);
    for id in [extra[3], extra[1]] {
        w.step(
            &w.station_admin,
            id,
            "assign",
            json!({"department_id": w.water, "resolve_by": same}),
        )
        .await
        .expect(200);
    }
    let c = w.cases;
    let mut all = vec![c.a1, c.a2, c.b1, c.b2];
    all.extend(extra);
    all
}

async fn newest_first_pages_walk_every_case_once(backend: Backend) {
    let w = world(backend).await;
    let all = many_cases(&w).await;
    let mut newest = all.clone();
    newest.sort_unstable_by(|a, b| b.cmp(a));
    for query in ["", "sort=newest"] {
        let (ids, pages) = walk(&w.app, &w.county_admin, query, 2).await;
        assert_eq!(ids, newest, "{query}");
        assert_eq!(pages, 5);
        let (ids, pages) = walk(&w.app, &w.county_admin, query, 3).await;
        assert_eq!(ids, newest, "{query}");
        assert_eq!(pages, 4);
    }
    // Filters hold across pages.
    let (ids, _) = walk(
        &w.app,
        &w.county_admin,
        &format!("station_id={}&status=submitted", w.s1),
        2,
    )
    .await;
    let c = w.cases;
    let expected: Vec<i64> = newest
        .iter()
        .copied()
        .filter(|id| ![c.a2, c.b1, all[5], all[7]].contains(id))
        .collect();
    assert_eq!(ids, expected);
    // The resident's own walk: A raised all but B's two, and one in the other county.
    let (ids, _) = walk(&w.app, &w.resident_a, "", 2).await;
    let mut own: Vec<i64> = all
        .iter()
        .copied()
        .filter(|id| ![c.b1, c.b2].contains(id))
        .chain([c.c])
        .collect();
    own.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, own);
}

async fn deadline_pages_walk_every_case_once_nearest_first_ties_by_id(backend: Backend) {
    let w = world(backend).await;
    let all = many_cases(&w).await;
    // The expected order, from each case's own resolve_by.
    let items = w.items(&w.county_admin, "").await;
    assert_eq!(items.len(), all.len());
    let mut expected: Vec<(DateTime<Utc>, i64)> = items
        .iter()
        .map(|c| (time(&c["resolve_by"]), c["id"].as_i64().unwrap()))
        .collect();
    expected.sort();
    let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
    // The world is built so that this differs from id order, and has a tie.
    let mut by_id = all.clone();
    by_id.sort_unstable();
    assert_ne!(expected, by_id);
    let tie = items
        .iter()
        .filter(|c| [all[5], all[7]].contains(&c["id"].as_i64().unwrap()))
        .map(|c| time(&c["resolve_by"]))
        .collect::<Vec<_>>();
    assert_eq!(tie[0], tie[1]);
    // The nearest deadline is the 7-day category's.
    assert_eq!(expected[0], all[4]);

    let (single, _) = walk(&w.app, &w.county_admin, "sort=deadline", 100).await;
    assert_eq!(single, expected);
    for limit in [1, 2, 3] {
        let (ids, pages) = walk(&w.app, &w.county_admin, "sort=deadline", limit).await;
        assert_eq!(ids, expected, "limit {limit}");
        assert_eq!(pages, all.len().div_ceil(limit), "limit {limit}");
    }
    // With a filter, the same order restricted to it.
    let (ids, _) = walk(&w.app, &w.station_admin, "sort=deadline&status=assigned", 1).await;
    let assigned: Vec<i64> = expected
        .iter()
        .copied()
        .filter(|id| [w.cases.b1, all[5], all[7]].contains(id))
        .collect();
    assert_eq!(ids, assigned);
}

async fn bad_cursors_and_limits_answer_422(backend: Backend) {
    let w = world(backend).await;
    let admin = &w.county_admin;
    for query in ["limit=0", "limit=101"] {
        let reply = w
            .app
            .get(&format!("/api/v1/cases?{query}"), Some(admin))
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["limit"], "{query}");
    }
    let full = w
        .app
        .get("/api/v1/cases?limit=100", Some(admin))
        .await
        .expect(200);
    assert_eq!(full.body["items"].as_array().unwrap().len(), 4);
    // Garbage, "n:x", "id:1" (another list's kind), "%%", and "d:1:2" (a deadline key in the
    // newest order).
    for cursor in ["not-a-cursor", "bjp4", "aWQ6MQ", "%25%25", "ZDoxOjI"] {
        let reply = w
            .app
            .get(
                &format!("/api/v1/cases?limit=2&cursor={cursor}"),
                Some(admin),
            )
            .await
            .expect(422);
        assert_eq!(reply.fields(), ["cursor"], "{cursor}");
    }
    // A cursor from one order means nothing in the other.
    let newest = w
        .app
        .get("/api/v1/cases?limit=1", Some(admin))
        .await
        .expect(200);
    let newest_cursor = newest.body["next_cursor"].as_str().unwrap().to_owned();
    let reply = w
        .app
        .get(
            &format!("/api/v1/cases?limit=1&sort=deadline&cursor={newest_cursor}"),
            Some(admin),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["cursor"]);
    let deadline = w
        .app
        .get("/api/v1/cases?limit=1&sort=deadline", Some(admin))
        .await
        .expect(200);
    let deadline_cursor = deadline.body["next_cursor"].as_str().unwrap().to_owned();
    let reply = w
        .app
        .get(
            &format!("/api/v1/cases?limit=1&cursor={deadline_cursor}"),
            Some(admin),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["cursor"]);
    // The right cursor in the right order works.
    w.app
        .get(
            &format!("/api/v1/cases?limit=1&sort=deadline&cursor={deadline_cursor}"),
            Some(admin),
        )
        .await
        .expect(200);
}

async fn internal_events_reach_staff_in_scope_and_never_the_resident(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let note = "已电话联系住建局，下周现场查看";
    let urge = "请住建局本周内给出答复";
    w.step(&w.deputy, c.b1, "note", json!({"content": note}))
        .await
        .expect(200);
    w.step(&w.county_admin, c.b1, "urge", json!({"note": urge}))
        .await
        .expect(200);

    let staff_view = events(&[
        ("submitted", false),
        ("assigned", false),
        ("noted", true),
        ("urged", true),
    ]);
    for token in [
        &w.deputy,
        &w.colleague,
        &w.handler,
        &w.station_admin,
        &w.county_admin,
    ] {
        let case = w.case(token, c.b1).await;
        assert_eq!(timeline(&case), staff_view);
        let texts: Vec<&Value> = case["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["text"])
            .collect();
        assert_eq!(texts[2], note);
        assert_eq!(texts[3], urge);
    }
    let resident = w.case(&w.resident_b, c.b1).await;
    assert_eq!(
        timeline(&resident),
        events(&[("submitted", false), ("assigned", false)])
    );
    let text = resident.to_string();
    assert!(!text.contains(note) && !text.contains(urge), "{text}");

    // Reassigning is internal too: b2 was moved from 刘桂兰 to 王秀英.
    assert_eq!(
        timeline(&w.case(&w.station_admin, c.b2).await),
        events(&[("submitted", false), ("reassigned", true)])
    );
    assert_eq!(
        timeline(&w.case(&w.resident_b, c.b2).await),
        events(&[("submitted", false)])
    );
    // The resident sees the public steps as they come, still without the internal ones.
    w.step(
        &w.handler,
        c.b1,
        "handle",
        json!({"content": "已安排技术人员鉴定"}),
    )
    .await
    .expect(200);
    assert_eq!(
        timeline(&w.case(&w.resident_b, c.b1).await),
        events(&[
            ("submitted", false),
            ("assigned", false),
            ("handled", false)
        ])
    );
}

async fn an_anonymous_residents_identity_is_hidden_from_deputies_and_handlers(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let author = json!({"id": w.resident_b_id, "name": "微信用户"});
    // The author and the admins in scope know who raised it.
    for token in [&w.resident_b, &w.station_admin, &w.county_admin] {
        let case = w.case(token, c.b1).await;
        assert_eq!(case["anonymous"], true);
        assert_eq!(case["resident"], author);
        assert_eq!(case["events"][0]["kind"], "submitted");
        assert_eq!(case["events"][0]["actor_name"], "微信用户");
    }
    // Deputies, the assigned one included, and the department do not.
    for token in [&w.deputy, &w.colleague, &w.handler] {
        let case = w.case(token, c.b1).await;
        assert_eq!(case["anonymous"], true);
        assert_eq!(case["resident"], Value::Null);
        assert_eq!(case["events"][0]["kind"], "submitted");
        assert_eq!(case["events"][0]["actor_name"], "匿名群众");
        assert_eq!(case["events"][0]["actor_role"], "resident");
        let text = case.to_string();
        assert!(!text.contains("微信用户"), "{text}");
    }
    // In their queues the case shows as anonymous, with nothing of the author.
    for token in [&w.deputy, &w.handler] {
        let item = w
            .items(token, "")
            .await
            .into_iter()
            .find(|i| i["id"] == c.b1)
            .unwrap();
        assert_eq!(item["anonymous"], true);
        assert!(item.get("resident").is_none(), "{item}");
        assert!(item.get("resident_id").is_none(), "{item}");
    }
    // A case that is not anonymous shows its author to the deputy.
    let open = w.case(&w.deputy, c.a1).await;
    assert_eq!(open["anonymous"], false);
    assert_eq!(
        open["resident"],
        json!({"id": w.resident_a_id, "name": "微信用户"})
    );
    assert_eq!(open["events"][0]["actor_name"], "微信用户");
}

async fn the_full_contact_phone_reaches_only_the_assigned_deputy_and_admins(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    let phone_as = |token: &str| {
        let w = &w;
        let token = token.to_owned();
        async move { w.case(&token, c.b1).await["contact_phone"].clone() }
    };
    // b1 is with 刘桂兰.
    assert_eq!(phone_as(&w.deputy).await, PHONE);
    assert_eq!(phone_as(&w.station_admin).await, PHONE);
    assert_eq!(phone_as(&w.county_admin).await, PHONE);
    assert_eq!(phone_as(&w.handler).await, MASKED);
    assert_eq!(phone_as(&w.colleague).await, MASKED);
    assert_eq!(phone_as(&w.resident_b).await, MASKED);
    for token in [&w.handler, &w.colleague, &w.resident_b] {
        let text = w.case(token, c.b1).await.to_string();
        assert!(!text.contains(PHONE), "{text}");
    }
    // The queue never carries the phone, not even masked.
    for token in [&w.deputy, &w.county_admin, &w.resident_b] {
        for item in w.items(token, "").await {
            assert!(item.get("contact_phone").is_none(), "{item}");
        }
    }
    // Moved to 王秀英: the full number follows the assignment.
    w.step(
        &w.station_admin,
        c.b1,
        "reassign",
        json!({"deputy_id": w.colleague_id}),
    )
    .await
    .expect(200);
    assert_eq!(phone_as(&w.colleague).await, PHONE);
    assert_eq!(phone_as(&w.deputy).await, MASKED);
    assert_eq!(phone_as(&w.station_admin).await, PHONE);
    assert_eq!(phone_as(&w.handler).await, MASKED);
    // A case raised without a phone has none for anyone.
    assert_eq!(w.case(&w.deputy, c.a1).await["contact_phone"], Value::Null);
    assert_eq!(
        w.case(&w.resident_a, c.a1).await["contact_phone"],
        Value::Null
    );
    // The number is stored sealed, not in clear.
    let db = w.app.db();
    let row = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT contact_phone FROM cases WHERE id = {}", c.b1),
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get("", "contact_phone").unwrap();
    assert!(!stored.is_empty());
    assert!(!stored.contains(PHONE), "stored in clear");
}

async fn flagged_is_staff_business_and_always_false_for_residents(backend: Backend) {
    let w = world(backend).await;
    let c = w.cases;
    // a2's text holds a word the list flags for review.
    for token in [&w.other_station_admin, &w.county_admin] {
        for item in w.items(token, "").await {
            let id = item["id"].as_i64().unwrap();
            assert_eq!(item["flagged"], id == c.a2, "case {id}");
        }
        assert_eq!(w.case(token, c.a2).await["flagged"], true);
    }
    // Its author sees a plain case, in the queue and opened.
    for item in w.items(&w.resident_a, "").await {
        assert_eq!(item["flagged"], false, "{item}");
    }
    assert_eq!(w.case(&w.resident_a, c.a2).await["flagged"], false);
    // Unflagged cases stay so for staff.
    assert_eq!(w.case(&w.station_admin, c.a1).await["flagged"], false);
}

/// Percent-encodes a query value.
fn url_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
