//! What the main requests cost in statements (a count, never a timing): the budgets of
//! ARCHITECTURE.md's "Cost of a request", checked on both backends.

use liaison_tests::{on_every_backend, spawn_app, Backend};
use reqwest::Method;
use serde_json::json;

on_every_backend!(
    a_case_is_raised_in_at_most_eight_statements,
    a_case_is_read_in_at_most_three_statements,
    a_queue_page_costs_at_most_two_statements,
);

async fn a_case_is_raised_in_at_most_eight_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    // The costly path: deputies on duty to weigh against each other, a webhook to tell, a
    // photo to claim, and an idempotency key to remember the answer by.
    let station_admin = app.login(&demo.station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;
    let mut deputies = Vec::new();
    for name in ["钱多多", "孙立立"] {
        let body = json!({"name": name, "level": "county", "station_ids": [1]});
        let created = app
            .post("/api/v1/deputies", Some(&county_admin), body)
            .await
            .expect(201);
        deputies.push(created.id());
    }
    app.on_duty(&station_admin, &deputies).await;
    app.post(
        "/api/v1/webhooks",
        Some(&county_admin),
        json!({"url": "https://hooks.example.org/liaison", "events": ["submitted"]}),
    )
    .await
    .expect(201);
    let resident = app.resident("cost-raiser").await;
    // The first case warms this node's reference data; the second is what every later one costs.
    app.raise(&resident).await;
    let photo = app.upload_photo(&resident).await;
    let body = json!({
        "station_id": 1,
        "category_id": app.first_category().await,
        "title": "路灯不亮",
        "content": "村口的路灯坏了一周",
        "attachment_ids": [photo],
    });
    let request = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&resident)
        .header("Idempotency-Key", "cost-1")
        .json(&body)
        .send();
    let (reply, sent) = app
        .cost(Method::POST, "/api/v1/cases", async {
            liaison_tests::read(request.await.unwrap()).await
        })
        .await;
    let reply = reply.expect(201);
    assert!(reply.body["assignee_id"].is_i64(), "{}", reply.body);
    assert!(sent <= 8, "raising a case sent {sent} statements");
}

async fn a_case_is_read_in_at_most_three_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("cost-reader").await;
    let case = app.raise(&resident).await;
    let path = format!("/api/v1/cases/{case}");
    for token in [resident, app.login(&demo.station_admin).await] {
        let (reply, sent) = app
            .cost(
                Method::GET,
                "/api/v1/cases/{id}",
                app.get(&path, Some(&token)),
            )
            .await;
        let reply = reply.expect(200);
        assert!(!reply.body["events"].as_array().unwrap().is_empty());
        assert!(sent <= 3, "reading a case sent {sent} statements");
    }
}

async fn a_queue_page_costs_at_most_two_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let station_admin = app.login(&demo.station_admin).await;
    for query in [
        "",
        "?status=submitted",
        "?overdue=true",
        "?sort=deadline&limit=5",
        "?q=路灯",
    ] {
        let (reply, sent) = app
            .cost(
                Method::GET,
                "/api/v1/cases",
                app.get(&format!("/api/v1/cases{query}"), Some(&station_admin)),
            )
            .await;
        reply.expect(200);
        assert!(sent <= 2, "the queue{query} sent {sent} statements");
    }
}
