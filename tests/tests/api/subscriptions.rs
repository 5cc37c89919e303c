//! WeChat subscribe messages: residents record grants, steps of their cases send one message
//! per grant through the outbox, and WeChat's refusals and outages are handled, against a local
//! mock of WeChat's API.

use std::collections::BTreeMap;

use liaison_api::settings::{Settings, TemplateSettings};
use liaison_tests::{on_every_backend, spawn_app_with, Backend, Demo, TestApp};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

use crate::wechat::use_wechat;

on_every_backend!(
    grants_add_up_per_template,
    unknown_templates_and_empty_lists_are_422_by_index,
    only_residents_record_grants,
    a_step_sends_one_message_per_grant_cut_to_wechats_limits,
    without_a_grant_no_message_is_written,
    wechat_saying_no_grant_skips_the_message_and_spends_the_grant,
);

pub const PROGRESS: &str = "tmpl-progress-0001";
pub const RESOLVED: &str = "tmpl-resolved-0001";

/// WeChat at `server`, with a progress and a resolved template.
pub fn use_templates(settings: &mut Settings, server: &MockServer) {
    use_wechat(settings, server);
    let fields = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    settings.wechat.templates = BTreeMap::from([
        (
            "progress".to_owned(),
            TemplateSettings {
                id: PROGRESS.to_owned(),
                page: Some("pages/case/detail?id={case_id}".to_owned()),
                fields: fields(&[
                    ("character_string1", "number"),
                    ("thing2", "title"),
                    ("phrase3", "status"),
                    ("time4", "time"),
                ]),
            },
        ),
        (
            "resolved".to_owned(),
            TemplateSettings {
                id: RESOLVED.to_owned(),
                page: None,
                fields: fields(&[("character_string1", "number"), ("thing2", "title")]),
            },
        ),
    ]);
}

/// A stable token for every node, however often asked.
pub async fn mount_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "TOKEN-1", "expires_in": 7200})),
        )
        .mount(server)
        .await;
}

/// WeChat's subscribe-message endpoint.
pub fn subscribe_endpoint() -> MockBuilder {
    Mock::given(method("POST")).and(path("/cgi-bin/message/subscribe/send"))
}

/// The subscribe-message endpoint answering `errcode`.
pub fn subscribe_send(errcode: i64) -> Mock {
    subscribe_endpoint().respond_with(
        ResponseTemplate::new(200).set_body_json(json!({"errcode": errcode, "errmsg": "x"})),
    )
}

pub async fn app_with_templates(
    backend: Backend,
    server: &MockServer,
    customize: impl FnOnce(&mut Settings),
) -> TestApp {
    mount_token(server).await;
    spawn_app_with(backend, |settings| {
        use_templates(settings, server);
        customize(settings);
    })
    .await
}

pub async fn grant(app: &TestApp, resident: &str, ids: &[&str]) -> Value {
    app.post(
        "/api/v1/subscriptions",
        Some(resident),
        json!({"template_ids": ids}),
    )
    .await
    .expect(200)
    .body
}

/// The county's deliveries in `status`, as its admin sees them.
pub async fn deliveries(app: &TestApp, county_admin: &str, status: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/deliveries?status={status}&limit=100"),
        Some(county_admin),
    )
    .await
    .expect(200)
    .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// A case raised by `resident` and accepted by the deputy on duty.
pub async fn accepted_case(app: &TestApp, demo: &Demo, resident: &str) -> i64 {
    let deputy = app.deputy_on_duty(demo).await.deputy;
    let id = app.raise(resident).await;
    app.post(
        &format!("/api/v1/cases/{id}/accept"),
        Some(&deputy),
        json!({}),
    )
    .await
    .expect(200);
    id
}

async fn grants_add_up_per_template(backend: Backend) {
    let server = MockServer::start().await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let resident = app.resident("o-grants-1").await;
    let first = grant(&app, &resident, &[PROGRESS, RESOLVED]).await;
    assert_eq!(
        first["grants"],
        json!([
            {"template_id": PROGRESS, "remaining": 1},
            {"template_id": RESOLVED, "remaining": 1},
        ])
    );
    let again = grant(&app, &resident, &[PROGRESS, PROGRESS]).await;
    assert_eq!(
        again["grants"],
        json!([{"template_id": PROGRESS, "remaining": 2}]),
        "one accept is one grant, however often the id is listed"
    );
    let other = app.resident("o-grants-2").await;
    let theirs = grant(&app, &other, &[PROGRESS]).await;
    assert_eq!(
        theirs["grants"][0]["remaining"], 1,
        "grants are per resident"
    );
}

async fn unknown_templates_and_empty_lists_are_422_by_index(backend: Backend) {
    let server = MockServer::start().await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let resident = app.resident("o-grants-3").await;
    let reply = app
        .post(
            "/api/v1/subscriptions",
            Some(&resident),
            json!({"template_ids": [PROGRESS, "not-a-template", "another"]}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["template_ids[1]", "template_ids[2]"]);
    let reply = app
        .post(
            "/api/v1/subscriptions",
            Some(&resident),
            json!({"template_ids": []}),
        )
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["template_ids"]);
    // Nothing of the refused request was kept.
    let kept = grant(&app, &resident, &[PROGRESS]).await;
    assert_eq!(kept["grants"][0]["remaining"], 1);
}

async fn only_residents_record_grants(backend: Backend) {
    let server = MockServer::start().await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let body = json!({"template_ids": [PROGRESS]});
    for phone in [&demo.deputy, &demo.station_admin, &demo.county_admin] {
        let staff = app.login(phone).await;
        let reply = app
            .post("/api/v1/subscriptions", Some(&staff), body.clone())
            .await;
        assert_eq!(reply.status, 403, "{phone}");
    }
    app.post("/api/v1/subscriptions", None, body)
        .await
        .expect(401);
}

async fn a_step_sends_one_message_per_grant_cut_to_wechats_limits(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(0).expect(1).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-sub-1").await;
    grant(&app, &resident, &[PROGRESS]).await;

    let id = accepted_case(&app, &demo, &resident).await;
    let deputy = app.login(&demo.deputy).await;
    app.post(
        &format!("/api/v1/cases/{id}/reply"),
        Some(&deputy),
        json!({"content": "已联系供电所，明天修。"}),
    )
    .await
    .expect(200);
    // Accepted and replied each wrote a message; the one grant pays for one of them.
    assert_eq!(deliveries(&app, &county_admin, "pending").await.len(), 2);
    assert_eq!(app.dispatch().await, 2);
    assert_eq!(deliveries(&app, &county_admin, "delivered").await.len(), 1);
    let skipped = deliveries(&app, &county_admin, "skipped").await;
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["last_error"], "no grant left");
    assert!(
        skipped[0].get("payload").is_none(),
        "the openid stays in the database"
    );

    let sent: Value = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/cgi-bin/message/subscribe/send")
        .unwrap()
        .body_json()
        .unwrap();
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&resident))
        .await
        .expect(200)
        .body;
    assert_eq!(sent["touser"], "o-sub-1");
    assert_eq!(sent["template_id"], PROGRESS);
    assert_eq!(sent["page"], format!("pages/case/detail?id={id}"));
    assert_eq!(sent["miniprogram_state"], "formal");
    assert_eq!(sent["data"]["character_string1"]["value"], case["number"]);
    assert_eq!(sent["data"]["thing2"]["value"], "路灯不亮");
    let status = sent["data"]["phrase3"]["value"].as_str().unwrap();
    assert!(status.chars().count() <= 5, "{status}");
    let time = sent["data"]["time4"]["value"].as_str().unwrap();
    assert_eq!(time.len(), "2026-11-23 14:05".len(), "{time}");
}

async fn without_a_grant_no_message_is_written(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(0).expect(0).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-sub-2").await;
    accepted_case(&app, &demo, &resident).await;
    assert_eq!(app.dispatch().await, 0);
    for status in ["pending", "delivered", "skipped", "dead"] {
        assert!(deliveries(&app, &county_admin, status).await.is_empty());
    }
}

async fn wechat_saying_no_grant_skips_the_message_and_spends_the_grant(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(43101).expect(1).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-sub-3").await;
    grant(&app, &resident, &[PROGRESS, PROGRESS]).await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;
    assert_eq!(app.dispatch().await, 1);
    let skipped = deliveries(&app, &county_admin, "skipped").await;
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["attempts"], 1, "43101 is final: no retry");
    // WeChat's word beats our count: the grants are gone, so a new one makes one.
    let after = grant(&app, &resident, &[PROGRESS]).await;
    assert_eq!(after["grants"][0]["remaining"], 1);
}
