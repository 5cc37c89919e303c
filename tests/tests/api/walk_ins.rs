//! Cases staff record for visitors (来访, 赶集日, 走访, 电话, 座谈, 来信): who may record one
//! where, the receipt, the visitor's claim, and the rating staff record when nobody claims it.

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    a_station_admin_records_a_visitor_s_case_with_a_receipt,
    staff_record_only_at_stations_in_scope_and_residents_only_their_own,
    a_visitor_claims_their_case_once_and_follows_it,
    forged_or_altered_claim_codes_name_no_case,
    staff_record_the_rating_of_an_unclaimed_case,
    a_retried_walk_in_answers_the_first_receipt,
);

async fn walk_in(app: &TestApp, station_id: i64, extra: Value) -> Value {
    let category = app.first_category().await;
    let mut body = json!({"station_id": station_id, "category_id": category, "title": "低保申请进度",
                          "content": "上月提交的申请一直没有消息", "channel": "walk_in"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

async fn count_cases(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    liaison_infra::entities::cases::Entity::find()
        .count(app.db())
        .await
        .unwrap()
}

async fn a_station_admin_records_a_visitor_s_case_with_a_receipt(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    // Nobody on duty, whatever the hour: the case waits in the station queue, so the deputy
    // below reads it as a colleague of the station, not as the deputy it reached.
    app.on_duty(&admin, &[]).await;
    let body = walk_in(
        &app,
        1,
        json!({"visitor_name": "王大爷", "visitor_phone": "13912345678"}),
    )
    .await;
    let created = app
        .post("/api/v1/cases", Some(&admin), body)
        .await
        .expect(201);
    assert_eq!(created.body["channel"], "walk_in");
    let code = created.body["receipt"]["claim_code"].as_str().unwrap();
    assert!(!code.is_empty());
    let id = created.id();
    assert!(created.body["receipt"]["slip_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/console/cases/{id}/receipt")));

    // The admin reads the visitor's name and phone whole; a handler never sees the case.
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(case.body["visitor_name"], "王大爷");
    assert_eq!(case.body["contact_phone"], "13912345678");
    assert_eq!(case.body["receipt"]["claim_code"], code);
    assert!(
        case.body["resident"].is_null(),
        "the recorder is not the resident"
    );
    assert_eq!(case.body["events"][0]["actor_role"], "station_admin");
    // A deputy of the station sees the case, the name and phone masked.
    let deputy = app.login(&demo.deputy).await;
    let seen = app
        .get(&format!("/api/v1/cases/{id}"), Some(&deputy))
        .await
        .expect(200);
    assert_eq!(seen.body["visitor_name"], "王**");
    assert_eq!(seen.body["contact_phone"], "139****5678");
    // Sealed at rest: neither is in the row as written.
    let row = liaison_infra::store::cases::find(app.db(), id)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.visitor_name.unwrap().contains("王大爷"));
    assert!(!row.contact_phone.unwrap().contains("13912345678"));
}

async fn staff_record_only_at_stations_in_scope_and_residents_only_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let before = count_cases(&app).await;
    let admin = app.login(&demo.station_admin).await;
    let township = app.login(&demo.township_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    let resident = app.resident("walk-in-resident").await;
    app.on_duty(&admin, &[]).await;
    let refusals = [
        // Station 2 is not this admin's: as if it were not there.
        (&admin, 2, json!({}), 404),
        // A township admin outside its township, likewise.
        (&township, 1, json!({}), 404),
        // A deputy off duty at their station records nothing there.
        (&deputy, 1, json!({}), 404),
        // Handlers record none; residents raise their own only, staff none of a resident's kind.
        (&handler, 1, json!({}), 403),
        (&resident, 1, json!({}), 403),
        (&admin, 1, json!({"channel": "mini_program"}), 403),
    ];
    for (token, station, extra, status) in refusals {
        let body = walk_in(&app, station, extra.clone()).await;
        app.post("/api/v1/cases", Some(token), body)
            .await
            .expect(status);
    }
    // An unknown channel, a resident's contact phone on a visitor's case: named.
    let unknown = walk_in(&app, 1, json!({"channel": "fax"})).await;
    let refused = app
        .post("/api/v1/cases", Some(&admin), unknown)
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["channel"]);
    let mixed = walk_in(&app, 1, json!({"contact_phone": "13912345678"})).await;
    let refused = app
        .post("/api/v1/cases", Some(&admin), mixed)
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["contact_phone"]);
    assert_eq!(count_cases(&app).await, before);

    // On duty, the deputy records the case, and it is theirs.
    let on_duty = app.deputy_on_duty(&demo).await;
    let created = app
        .post(
            "/api/v1/cases",
            Some(&on_duty.deputy),
            walk_in(&app, 1, json!({"channel": "market_day"})).await,
        )
        .await
        .expect(201);
    assert_eq!(created.body["assignee_id"], on_duty.deputy_id);
    assert_eq!(created.body["channel"], "market_day");
}

async fn a_visitor_claims_their_case_once_and_follows_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let on_duty = app.deputy_on_duty(&demo).await;
    let created = app
        .post(
            "/api/v1/cases",
            Some(&on_duty.admin),
            walk_in(&app, 1, json!({})).await,
        )
        .await
        .expect(201);
    let id = created.id();
    let code = created.body["receipt"]["claim_code"].clone();
    let visitor = app.resident("walk-in-visitor").await;
    app.get(&format!("/api/v1/cases/{id}"), Some(&visitor))
        .await
        .expect(404);
    // Staff claim nothing.
    app.post(
        "/api/v1/cases/claim",
        Some(&on_duty.admin),
        json!({"claim_code": code}),
    )
    .await
    .expect(403);

    let claimed = app
        .post(
            "/api/v1/cases/claim",
            Some(&visitor),
            json!({"claim_code": code}),
        )
        .await
        .expect(200);
    assert_eq!(claimed.body["id"], id);
    assert!(claimed.body["claimed_at"].is_string());
    assert!(claimed.body["receipt"].is_null());
    let kinds: Vec<&str> = claimed.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submitted", "claimed"]);
    // The visitor now follows it: the queue lists it, and a step reaches their inbox.
    let mine = app
        .get("/api/v1/cases?limit=10", Some(&visitor))
        .await
        .expect(200);
    assert_eq!(mine.body["items"][0]["id"], id);
    app.post(
        &format!("/api/v1/cases/{id}/accept"),
        Some(&on_duty.deputy),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(app.inbox(&visitor).await, ["accepted"]);

    // Used already: by another resident, or again.
    let other = app.resident("walk-in-other").await;
    for token in [&other, &visitor] {
        let again = app
            .post(
                "/api/v1/cases/claim",
                Some(token),
                json!({"claim_code": code}),
            )
            .await
            .expect(409);
        assert_eq!(again.code(), "case.claimed");
    }
    app.get(&format!("/api/v1/cases/{id}"), Some(&other))
        .await
        .expect(404);
}

async fn forged_or_altered_claim_codes_name_no_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let created = app
        .post(
            "/api/v1/cases",
            Some(&admin),
            walk_in(&app, 1, json!({})).await,
        )
        .await
        .expect(201);
    let code = created.body["receipt"]["claim_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (id_part, signature) = code.split_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let altered = format!("{id_part}.{flipped}{}", &signature[1..]);
    // A station's own scene is signed with another key, and is no claim code.
    let scene = app.get("/api/v1/stations/1/code", Some(&admin)).await;
    let mut forged = vec![altered, "1.AAAAAAAAAAAAAAAAA".to_owned(), String::new()];
    if let Some(scene) = scene.body["scene"].as_str() {
        forged.push(scene.to_owned());
    }
    let resident = app.resident("walk-in-forger").await;
    for code in forged {
        app.post(
            "/api/v1/cases/claim",
            Some(&resident),
            json!({"claim_code": code}),
        )
        .await
        .expect(404);
    }
    let row = liaison_infra::store::cases::find(app.db(), created.id())
        .await
        .unwrap()
        .unwrap();
    assert!(row.claimed_at.is_none());
}

async fn staff_record_the_rating_of_an_unclaimed_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let on_duty = app.deputy_on_duty(&demo).await;
    let created = app
        .post(
            "/api/v1/cases",
            Some(&on_duty.deputy),
            walk_in(&app, 1, json!({"channel": "phone"})).await,
        )
        .await
        .expect(201);
    let id = created.id();
    let step = |action: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{action}");
        let token = on_duty.deputy.clone();
        let app = &app;
        async move { app.post(&path, Some(&token), body).await }
    };
    step("accept", json!({})).await.expect(200);
    step(
        "resolve",
        json!({"summary": "已电话答复", "outcome": "explained"}),
    )
    .await
    .expect(200);
    let rated = step(
        "rate",
        json!({"rating": "satisfied", "comment": "电话回访满意"}),
    )
    .await
    .expect(200);
    assert_eq!(rated.body["status"], "closed");
    assert_eq!(rated.body["rating_recorded_by_staff"], true);

    // A case a resident raised is rated by that resident only.
    let resident = app.resident("walk-in-rater").await;
    let own = app.raise_at(&resident, 1).await;
    for action in ["accept", "resolve"] {
        app.post(
            &format!("/api/v1/cases/{own}/{action}"),
            Some(&on_duty.deputy),
            json!({"summary": "已处理", "outcome": "implemented"}),
        )
        .await
        .expect(200);
    }
    app.post(
        &format!("/api/v1/cases/{own}/rate"),
        Some(&on_duty.deputy),
        json!({"rating": "satisfied"}),
    )
    .await
    .expect(403);
}

async fn a_retried_walk_in_answers_the_first_receipt(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let body = walk_in(&app, 1, json!({"channel": "letter"})).await;
    let send = || {
        app.client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&admin)
            .header("Idempotency-Key", "letter-2026-12-01-1")
            .json(&body)
            .send()
    };
    let first = liaison_tests::read(send().await.unwrap()).await.expect(201);
    let again = liaison_tests::read(send().await.unwrap()).await.expect(201);
    assert_eq!(first.body, again.body);
    assert!(first.body["receipt"]["claim_code"].is_string());
}
