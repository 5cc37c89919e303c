//! The inbox: who is told of each step, and reading it.

use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, OnDuty};
use serde_json::{json, Value};

on_every_backend!(
    a_new_case_reaches_its_deputy_or_with_nobody_on_duty_the_station_admins,
    the_resident_hears_of_the_work_and_never_of_the_office,
    departments_hear_of_cases_handed_to_them_and_the_county_of_escalations,
    an_inbox_is_read_one_by_one_or_all_at_once_and_is_private,
);

async fn a_new_case_reaches_its_deputy_or_with_nobody_on_duty_the_station_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let other_admin = app.login(&demo.other_station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let resident = app.resident("o-inbox-1").await;

    app.on_duty(&admin, &[]).await;
    let queued = app.raise(&resident).await;
    assert_eq!(
        app.inbox(&admin).await,
        ["submitted"],
        "the station admins take a queued case"
    );
    assert!(app.inbox(&deputy).await.is_empty());
    assert!(
        app.inbox(&other_admin).await.is_empty(),
        "another station's admin is not told"
    );
    let told = app.get("/api/v1/notifications", Some(&admin)).await.body;
    assert_eq!(told["items"][0]["case_id"], queued);
    assert!(told["items"][0]["title"]
        .as_str()
        .unwrap()
        .ends_with("新诉求"));

    app.on_duty(&admin, &[deputy_id]).await;
    app.raise(&resident).await;
    assert_eq!(
        app.inbox(&deputy).await,
        ["submitted"],
        "the deputy on duty gets it"
    );
    assert_eq!(
        app.inbox(&admin).await,
        ["submitted"],
        "no second note to the admins"
    );
    assert!(
        app.inbox(&resident).await.is_empty(),
        "nobody is told what they did"
    );
}

async fn the_resident_hears_of_the_work_and_never_of_the_office(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let OnDuty { admin, deputy, .. } = app.deputy_on_duty(&demo).await;
    let resident = app.resident("o-inbox-2").await;
    let id = app.raise(&resident).await;
    let step = |action: &'static str, body: Value| {
        let (app, deputy) = (&app, deputy.clone());
        async move {
            app.post(&format!("/api/v1/cases/{id}/{action}"), Some(&deputy), body)
                .await
                .expect(200)
        }
    };
    step("accept", json!({})).await;
    step("note", json!({"content": "内部备注"})).await;
    step("reply", json!({"content": "在办"})).await;
    app.post(
        &format!("/api/v1/cases/{id}/urge"),
        Some(&admin),
        json!({"note": "快"}),
    )
    .await
    .expect(200);
    step(
        "resolve",
        json!({"outcome": "implemented", "summary": "好了"}),
    )
    .await;
    assert_eq!(
        app.inbox(&resident).await,
        ["accepted", "replied", "resolved"]
    );
    assert_eq!(
        app.inbox(&deputy).await,
        ["submitted", "urged"],
        "urged by the admin, not told of own steps"
    );
    app.post(
        &format!("/api/v1/cases/{id}/rate"),
        Some(&resident),
        json!({"rating": "satisfied"}),
    )
    .await
    .expect(200);
    // Rating closed it: the resident is not told what they did themselves.
    assert_eq!(
        app.inbox(&resident).await,
        ["accepted", "replied", "resolved"]
    );
    assert_eq!(app.inbox(&deputy).await, ["submitted", "urged", "rated"]);
}

async fn departments_hear_of_cases_handed_to_them_and_the_county_of_escalations(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.cases.reopen_limit = 0).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;
    let handler = app.login(&demo.handler).await;
    let department = app.me(&handler).await["scopes"]["department_id"].clone();
    app.on_duty(&admin, &[]).await;
    let resident = app.resident("o-inbox-3").await;
    let id = app.raise(&resident).await;
    let act = |token: &str, action: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{action}");
        let (app, token) = (&app, token.to_owned());
        async move { app.post(&path, Some(&token), body).await.expect(200) }
    };
    act(&admin, "accept", json!({})).await;
    act(&admin, "assign", json!({"department_id": department})).await;
    assert_eq!(app.inbox(&handler).await, ["assigned"]);
    act(&handler, "handle", json!({"content": "已处理"})).await;
    act(
        &admin,
        "resolve",
        json!({"outcome": "implemented", "summary": "好了"}),
    )
    .await;
    assert!(app.inbox(&county_admin).await.is_empty());
    act(&resident, "rate", json!({"rating": "unsatisfied"})).await;
    // The county keeps the re-assignment queue, and hears of the escalation too.
    assert_eq!(app.inbox(&county_admin).await, ["reopened", "escalated"]);
    assert!(app.inbox(&admin).await.contains(&"reopened".to_owned()));
}

async fn an_inbox_is_read_one_by_one_or_all_at_once_and_is_private(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    app.on_duty(&admin, &[]).await;
    let resident = app.resident("o-inbox-4").await;
    for _ in 0..3 {
        app.raise(&resident).await;
    }
    let all = app
        .get("/api/v1/notifications", Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(all["unread_count"], 3);
    let first = all["items"][0]["id"].as_i64().unwrap();
    // Someone else's notification is not found, and stays unread.
    app.post(
        &format!("/api/v1/notifications/{first}/read"),
        Some(&resident),
        json!({}),
    )
    .await
    .expect(404);
    app.post(
        &format!("/api/v1/notifications/{first}/read"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(204);
    let after = app
        .get("/api/v1/notifications?unread=true", Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(after["unread_count"], 2);
    assert_eq!(after["items"].as_array().unwrap().len(), 2);
    let read = app
        .get("/api/v1/notifications?unread=false", Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(read["items"][0]["id"], first);
    assert_eq!(read["items"][0]["read"], true);
    let marked = app
        .post("/api/v1/notifications/read-all", Some(&admin), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(marked["marked"], 2);
    assert_eq!(
        app.get("/api/v1/notifications", Some(&admin)).await.body["unread_count"],
        0
    );
    // Pages walk newest first.
    let page = app
        .get("/api/v1/notifications?limit=2", Some(&admin))
        .await
        .expect(200)
        .body;
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/notifications?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["items"][0]["id"].as_i64() < page["items"][1]["id"].as_i64());
    app.get("/api/v1/notifications", None).await.expect(401);
}
