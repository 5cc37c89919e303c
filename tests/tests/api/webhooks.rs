//! Webhooks: county admins manage their county's; each step of a case writes a message per
//! subscribed webhook in its transaction; one attempt POSTs it signed, bounded by a timeout.

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use liaison_api::outbox::{Failure, Outcome};
use liaison_api::webhooks::delivery::deliver;
use liaison_infra::entities::deliveries;
use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, Reply, TestApp};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::regions::other_county;

on_every_backend!(
    a_county_admin_lists_creates_changes_and_deletes_webhooks,
    only_county_admins_manage_webhooks,
    another_countys_webhook_is_not_found,
    bad_urls_and_events_are_refused_with_the_field_named,
    a_step_writes_a_message_for_each_subscribed_active_webhook,
    a_message_is_posted_signed_with_a_stable_delivery_id,
    a_failing_or_hanging_receiver_is_worth_another_attempt,
    a_switched_off_or_deleted_webhook_is_skipped,
);

const HOOKS: &str = "/api/v1/webhooks";

/// A receiver on the loopback: only reachable with private targets allowed.
async fn spawn_lenient(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| {
        s.webhooks.allow_private_targets = true;
        s.webhooks.timeout_ms = 500;
    })
    .await
}

async fn county_admin(app: &TestApp) -> String {
    let demo = app.seed_demo().await;
    app.login(&demo.county_admin).await
}

async fn create(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Reply {
    app.post(HOOKS, Some(token), json!({"url": url, "events": events}))
        .await
}

async fn delete(app: &TestApp, token: &str, id: i64) -> Reply {
    app.request(Method::DELETE, &format!("{HOOKS}/{id}"), Some(token), None)
        .await
}

/// Raises a case at the demo's first station as a new resident; answers its id.
async fn raise(app: &TestApp, openid: &str) -> i64 {
    let resident = app.resident(openid).await;
    let categories = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200);
    let body = json!({
        "station_id": 1,
        "category_id": categories.body["items"][0]["id"],
        "title": "人民路路灯不亮",
        "content": "路灯坏了一个星期，晚上很黑。",
        "location": "人民路88号",
        "contact_phone": "13912345678",
    });
    app.post("/api/v1/cases", Some(&resident), body)
        .await
        .expect(201)
        .id()
}

async fn messages_of(app: &TestApp, case_id: i64) -> Vec<deliveries::Model> {
    deliveries::Entity::find()
        .filter(deliveries::Column::CaseId.eq(case_id))
        .filter(deliveries::Column::Channel.eq("webhook"))
        .order_by_asc(deliveries::Column::Id)
        .all(app.db())
        .await
        .unwrap()
}

fn message_for(messages: &[deliveries::Model], webhook_id: i64) -> deliveries::Model {
    messages
        .iter()
        .find(|m| m.webhook_id == Some(webhook_id))
        .unwrap_or_else(|| panic!("no message for webhook {webhook_id}"))
        .clone()
}

fn hmac_hex(secret: &str, signed: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn a_county_admin_lists_creates_changes_and_deletes_webhooks(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = county_admin(&app).await;

    let created = create(
        &app,
        &admin,
        "HTTPS://12345.XiPing.invalid/liaison?channel=xp",
        &["submitted", "resolved", "submitted"],
    )
    .await
    .expect(201)
    .body;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created["url"],
        "https://12345.xiping.invalid/liaison?channel=xp"
    );
    assert_eq!(created["events"], json!(["submitted", "resolved"]));
    assert_eq!(created["active"], true);
    assert_eq!(created["county_id"], 1);
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));

    let second = create(&app, &admin, "https://93.184.216.34/hook", &["closed"])
        .await
        .expect(201)
        .body;
    assert_ne!(second["secret"], created["secret"]);

    let listed = app.get(HOOKS, Some(&admin)).await.expect(200).body;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], id);
    assert!(
        items.iter().all(|w| w.get("secret").is_none()),
        "the secret is shown once: {listed}"
    );
    assert!(!listed.to_string().contains(secret));
    let page = app
        .get(&format!("{HOOKS}?limit=1"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 1);
    assert!(page.body["next_cursor"].is_string());

    let changed = app
        .patch(
            &format!("{HOOKS}/{id}"),
            Some(&admin),
            json!({"events": ["escalated", "overdue"], "active": false}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(changed["events"], json!(["escalated", "overdue"]));
    assert_eq!(changed["active"], false);
    assert_eq!(
        changed["url"], created["url"],
        "what the patch leaves out stays"
    );
    assert!(changed.get("secret").is_none());
    let moved = app
        .patch(
            &format!("{HOOKS}/{id}"),
            Some(&admin),
            json!({"url": "https://hotline.xiping.invalid/in"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(moved["url"], "https://hotline.xiping.invalid/in");
    assert_eq!(moved["active"], false);

    let gone = delete(&app, &admin, id).await;
    assert_eq!(gone.status.as_u16(), 204);
    delete(&app, &admin, id).await.expect(404);
    let listed = app.get(HOOKS, Some(&admin)).await.expect(200).body;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

async fn only_county_admins_manage_webhooks(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let id = create(&app, &admin, "https://93.184.216.34/hook", &["submitted"])
        .await
        .expect(201)
        .id();

    let mut others = vec![app.resident("o-webhook").await];
    for phone in [&demo.station_admin, &demo.deputy, &demo.handler] {
        others.push(app.login(phone).await);
    }
    for token in &others {
        let path = format!("{HOOKS}/{id}");
        assert_eq!(
            app.get(HOOKS, Some(token)).await.expect(403).code(),
            "forbidden"
        );
        create(&app, token, "https://93.184.216.34/x", &["submitted"])
            .await
            .expect(403);
        app.patch(&path, Some(token), json!({"active": false}))
            .await
            .expect(403);
        delete(&app, token, id).await.expect(403);
    }
    app.get(HOOKS, None).await.expect(401);

    let listed = app.get(HOOKS, Some(&admin)).await.expect(200).body;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["active"], true, "nobody else changed it");
}

async fn another_countys_webhook_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = county_admin(&app).await;
    let ours = create(&app, &admin, "https://93.184.216.34/ours", &["submitted"])
        .await
        .expect(201)
        .id();
    let other = other_county(&app).await;
    let theirs = create(
        &app,
        &other.token,
        "https://93.184.216.34/theirs",
        &["closed"],
    )
    .await
    .expect(201)
    .body;
    assert_eq!(theirs["county_id"], other.id);

    let seen = app.get(HOOKS, Some(&other.token)).await.expect(200).body;
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    assert_eq!(seen["items"][0]["id"], theirs["id"]);

    let path = format!("{HOOKS}/{ours}");
    app.patch(&path, Some(&other.token), json!({"active": false}))
        .await
        .expect(404);
    delete(&app, &other.token, ours).await.expect(404);
    app.patch(
        &format!("{HOOKS}/999999"),
        Some(&admin),
        json!({"active": false}),
    )
    .await
    .expect(404);
    let ours_now = app.get(HOOKS, Some(&admin)).await.expect(200).body;
    assert_eq!(ours_now["items"][0]["active"], true);
}

async fn bad_urls_and_events_are_refused_with_the_field_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = county_admin(&app).await;

    for (url, code) in [
        ("ftp://93.184.216.34/hook", "unsupported_scheme"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("not a url", "invalid_url"),
        ("http://127.0.0.1/hook", "private_target"),
        ("http://localhost:8080/hook", "private_target"),
        ("http://10.0.0.1/hook", "private_target"),
        ("http://192.168.1.10/hook", "private_target"),
        ("http://169.254.169.254/latest/meta-data/", "private_target"),
        ("http://[::1]/hook", "private_target"),
    ] {
        let refused = create(&app, &admin, url, &["submitted"]).await.expect(422);
        assert_eq!(refused.fields(), ["url"], "{url}");
        assert_eq!(refused.body["errors"][0]["code"], code, "{url}");
        assert!(
            !refused.body.to_string().contains("etc/passwd"),
            "the URL is not echoed"
        );
    }

    let unknown = create(
        &app,
        &admin,
        "https://93.184.216.34/hook",
        &["submitted", "deleted", "resolved", "x"],
    )
    .await
    .expect(422);
    assert_eq!(unknown.fields(), ["events[1]", "events[3]"]);
    let empty = create(&app, &admin, "https://93.184.216.34/hook", &[])
        .await
        .expect(422);
    assert_eq!(empty.fields(), ["events"]);
    let both = create(&app, &admin, "http://10.0.0.1/", &[])
        .await
        .expect(422);
    assert_eq!(both.fields(), ["url", "events"], "every field at once");
    let long = format!("https://93.184.216.34/{}", "a".repeat(2100));
    assert_eq!(
        create(&app, &admin, &long, &["submitted"])
            .await
            .expect(422)
            .fields(),
        ["url"]
    );

    let id = create(&app, &admin, "https://93.184.216.34/hook", &["submitted"])
        .await
        .expect(201)
        .id();
    let path = format!("{HOOKS}/{id}");
    let patched = app
        .patch(
            &path,
            Some(&admin),
            json!({"url": "http://127.0.0.1:9/", "events": ["nope"]}),
        )
        .await
        .expect(422);
    assert_eq!(patched.fields(), ["url", "events[0]"]);
    app.patch(&path, Some(&admin), json!({"events": []}))
        .await
        .expect(422);

    let listed = app.get(HOOKS, Some(&admin)).await.expect(200).body;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "nothing refused was stored"
    );
    assert_eq!(listed["items"][0]["url"], "https://93.184.216.34/hook");
}

async fn a_step_writes_a_message_for_each_subscribed_active_webhook(backend: Backend) {
    let app = spawn_lenient(backend).await;
    let admin = county_admin(&app).await;
    let receiver = MockServer::start().await;
    let subscribed = create(&app, &admin, &receiver.uri(), &["submitted", "closed"])
        .await
        .expect(201)
        .id();
    let unsubscribed = create(&app, &admin, &receiver.uri(), &["resolved"])
        .await
        .expect(201)
        .id();
    let switched_off = app
        .post(
            HOOKS,
            Some(&admin),
            json!({"url": receiver.uri(), "events": ["submitted"], "active": false}),
        )
        .await
        .expect(201)
        .id();
    let other = other_county(&app).await;
    let elsewhere = create(&app, &other.token, &receiver.uri(), &["submitted"])
        .await
        .expect(201)
        .id();

    let case_id = raise(&app, "o-hooked").await;
    let messages = messages_of(&app, case_id).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message.webhook_id, Some(subscribed));
    for id in [unsubscribed, switched_off, elsewhere] {
        assert!(messages.iter().all(|m| m.webhook_id != Some(id)));
    }
    assert_eq!(message.event.as_str(), "submitted");
    assert_eq!(message.status.as_str(), "pending");
    assert_eq!(message.attempts, 0);
    assert_eq!(message.county_id, 1);
    assert_eq!(message.recipient_id, None);
    assert!(message.next_attempt_at <= chrono::Utc::now());

    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&admin))
        .await
        .expect(200)
        .body;
    let body: Value = serde_json::from_str(&message.payload).unwrap();
    assert_eq!(body["event"], "submitted");
    assert!(body["occurred_at"].is_string());
    let facts = &body["case"];
    for key in [
        "id",
        "number",
        "status",
        "title",
        "station_id",
        "category_id",
        "department_id",
    ] {
        assert_eq!(facts[key], case[key], "{key}");
    }
    for key in ["respond_by", "resolve_by"] {
        let ours: chrono::DateTime<chrono::Utc> = facts[key].as_str().unwrap().parse().unwrap();
        let api: chrono::DateTime<chrono::Utc> = case[key].as_str().unwrap().parse().unwrap();
        assert_eq!(ours, api, "{key}");
    }
    let mut keys: Vec<&str> = facts
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "category_id",
            "department_id",
            "id",
            "number",
            "resolve_by",
            "respond_by",
            "station_id",
            "status",
            "title"
        ],
        "nothing about the resident, nothing they wrote but the title"
    );
    for private in ["13912345678", "路灯坏了", "人民路88号", "o-hooked"] {
        assert!(!message.payload.contains(private), "{private} leaked");
    }
    assert!(
        receiver.received_requests().await.unwrap().is_empty(),
        "writing the message sends nothing"
    );
}

async fn a_message_is_posted_signed_with_a_stable_delivery_id(backend: Backend) {
    let app = spawn_lenient(backend).await;
    let admin = county_admin(&app).await;
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/liaison/events"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&receiver)
        .await;
    let url = format!("{}/liaison/events?token=receiver-own-token", receiver.uri());
    let created = create(&app, &admin, &url, &["submitted"])
        .await
        .expect(201)
        .body;
    let secret = created["secret"].as_str().unwrap().to_owned();

    let case_id = raise(&app, "o-signed").await;
    let message = message_for(
        &messages_of(&app, case_id).await,
        created["id"].as_i64().unwrap(),
    );
    assert_eq!(deliver(&app.state, &message).await, Ok(Outcome::Delivered));
    // A retry of the same message carries the same id, for the receiver to drop.
    assert_eq!(deliver(&app.state, &message).await, Ok(Outcome::Delivered));

    let requests = receiver.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap();
        assert_eq!(request.url.query(), Some("token=receiver-own-token"));
        assert_eq!(
            request.body,
            message.payload.as_bytes(),
            "the stored body, byte for byte"
        );
        assert_eq!(header("content-type"), "application/json");
        assert_eq!(header("x-liaison-event"), "submitted");
        assert_eq!(header("x-liaison-delivery"), message.id.to_string());
        let timestamp: i64 = header("x-liaison-timestamp").parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);
        let signed = format!("{timestamp}.{}", message.payload);
        assert_eq!(
            header("x-liaison-signature"),
            format!("sha256={}", hmac_hex(&secret, &signed)),
            "verifies with the secret shown at creation"
        );
        assert_ne!(
            header("x-liaison-signature"),
            format!("sha256={}", hmac_hex("another-secret", &signed))
        );
    }
}

async fn a_failing_or_hanging_receiver_is_worth_another_attempt(backend: Backend) {
    let app = spawn_lenient(backend).await;
    let admin = county_admin(&app).await;
    let receiver = MockServer::start().await;
    Mock::given(path("/fails"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&receiver)
        .await;
    Mock::given(path("/hangs"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&receiver)
        .await;
    let fails = create(
        &app,
        &admin,
        &format!("{}/fails?key=k1", receiver.uri()),
        &["submitted"],
    )
    .await
    .expect(201)
    .id();
    let hangs = create(
        &app,
        &admin,
        &format!("{}/hangs", receiver.uri()),
        &["submitted"],
    )
    .await
    .expect(201)
    .id();

    let case_id = raise(&app, "o-retry").await;
    let messages = messages_of(&app, case_id).await;

    let failed = deliver(&app.state, &message_for(&messages, fails)).await;
    let Err(Failure::Retry(reason)) = failed else {
        panic!("a 500 is worth retrying: {failed:?}");
    };
    assert!(reason.contains("500"), "{reason}");
    assert!(
        !reason.contains("k1") && !reason.contains("127.0.0.1"),
        "no URL: {reason}"
    );

    // The attempt gives up at the timeout (500 ms here), long before the receiver answers.
    let started = Instant::now();
    let hung = deliver(&app.state, &message_for(&messages, hangs)).await;
    assert!(
        matches!(hung, Err(Failure::Retry(_))),
        "a hanging receiver is worth retrying: {hung:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

async fn a_switched_off_or_deleted_webhook_is_skipped(backend: Backend) {
    let app = spawn_lenient(backend).await;
    let admin = county_admin(&app).await;
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&receiver)
        .await;
    let paused = create(&app, &admin, &receiver.uri(), &["submitted"])
        .await
        .expect(201)
        .id();
    let removed = create(&app, &admin, &receiver.uri(), &["submitted"])
        .await
        .expect(201)
        .id();
    let narrowed = create(&app, &admin, &receiver.uri(), &["submitted"])
        .await
        .expect(201)
        .id();
    let case_id = raise(&app, "o-skipped").await;
    let messages = messages_of(&app, case_id).await;
    assert_eq!(messages.len(), 3);

    app.patch(
        &format!("{HOOKS}/{paused}"),
        Some(&admin),
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("{HOOKS}/{narrowed}"),
        Some(&admin),
        json!({"events": ["closed"]}),
    )
    .await
    .expect(200);
    delete(&app, &admin, removed).await.expect(204);

    for id in [paused, removed, narrowed] {
        let outcome = deliver(&app.state, &message_for(&messages, id)).await;
        assert!(
            matches!(outcome, Ok(Outcome::Skipped(_))),
            "{id}: {outcome:?}"
        );
    }
    // A deleted webhook takes its messages with it.
    let left: Vec<Option<i64>> = messages_of(&app, case_id)
        .await
        .iter()
        .map(|m| m.webhook_id)
        .collect();
    assert_eq!(left, [Some(paused), Some(narrowed)]);
}
