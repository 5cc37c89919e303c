//! The outbox dispatcher: leases, retries with backoff, dead letters and their retry, and two
//! dispatchers sharing the work without sending anything twice.

use std::time::Duration;

use chrono::Utc;
use liaison_api::outbox::dispatcher::Dispatcher;
use liaison_tests::{on_every_backend, Backend, TestApp};
use sea_orm::{ConnectionTrait, Statement, Value as SqlValue};
use serde_json::{json, Value};
use wiremock::{MockServer, ResponseTemplate};

use crate::regions::other_county;
use crate::subscriptions::{
    accepted_case, app_with_templates, deliveries, grant, subscribe_endpoint, subscribe_send,
    PROGRESS,
};

on_every_backend!(
    wechat_busy_then_back_the_message_waits_and_then_goes,
    a_hanging_wechat_is_cut_off_and_retried,
    failures_end_in_the_dead_letters_and_an_admin_retries_them,
    a_bad_template_goes_straight_to_the_dead_letters,
    metrics_count_attempts_and_the_backlog,
    dead_letters_are_for_county_admins_of_their_county,
    a_dead_nodes_claims_come_back_when_their_lease_ends,
    two_dispatchers_share_the_work_and_send_each_message_once,
);

async fn execute(app: &TestApp, sql: &str, values: Vec<SqlValue>) {
    let db = app.db();
    db.execute(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await
    .unwrap();
}

/// The SQL placeholder for the `n`th value on this backend.
fn arg(app: &TestApp, n: usize) -> String {
    match app.db().get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

async fn wechat_busy_then_back_the_message_waits_and_then_goes(backend: Backend) {
    let server = MockServer::start().await;
    // Busy twice (once as errcode -1, once as HTTP 503), then fine.
    subscribe_send(-1).up_to_n_times(1).mount(&server).await;
    subscribe_endpoint()
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    subscribe_send(0).expect(1).mount(&server).await;
    let app = app_with_templates(backend, &server, |s| s.outbox.base_backoff_ms = 60_000).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-outage-1").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;

    for attempts in [1, 2] {
        let started = Utc::now();
        app.dispatch().await;
        let pending = deliveries(&app, &county_admin, "pending").await;
        assert_eq!(pending.len(), 1, "the message waits while WeChat is busy");
        assert_eq!(pending[0]["attempts"], attempts);
        assert!(pending[0]["last_error"].as_str().unwrap().contains("busy"));
        let next: chrono::DateTime<Utc> = pending[0]["next_attempt_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let wait = next - started;
        assert!(
            wait >= chrono::Duration::seconds(30 * attempts),
            "backoff doubles, jitter keeps at least half: {wait}"
        );
        // Time passes.
        execute(
            &app,
            "UPDATE deliveries SET next_attempt_at = created_at",
            vec![],
        )
        .await;
    }
    app.dispatch().await;
    let delivered = deliveries(&app, &county_admin, "delivered").await;
    assert_eq!(delivered.len(), 1, "and goes once WeChat is back");
    assert_eq!(delivered[0]["attempts"], 3);
    assert_eq!(delivered[0]["last_error"], Value::Null);
    // Failed attempts gave the grant back: it paid for the one message that went.
    let left = grant(&app, &resident, &[PROGRESS]).await;
    assert_eq!(left["grants"][0]["remaining"], 1);
}

async fn a_hanging_wechat_is_cut_off_and_retried(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_endpoint()
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let app = app_with_templates(backend, &server, |s| {
        s.wechat.timeout_ms = 300;
        s.outbox.base_backoff_ms = 0;
    })
    .await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-outage-2").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;
    subscribe_send(0).mount(&server).await;
    app.dispatch().await;
    let delivered = deliveries(&app, &county_admin, "delivered").await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["attempts"], 2, "the hung attempt counted");
}

async fn failures_end_in_the_dead_letters_and_an_admin_retries_them(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(-1).up_to_n_times(3).mount(&server).await;
    let app = app_with_templates(backend, &server, |s| {
        s.outbox.base_backoff_ms = 0;
        s.outbox.max_attempts = 3;
    })
    .await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-dead-1").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;

    app.dispatch().await;
    let dead = app
        .get("/api/v1/deliveries", Some(&county_admin))
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(dead.len(), 1, "dead letters are the default list");
    assert_eq!(dead[0]["status"], "dead");
    assert_eq!(dead[0]["attempts"], 3);
    assert_eq!(dead[0]["channel"], "wechat");
    assert_eq!(dead[0]["event"], "accepted");
    assert!(dead[0]["last_error"].as_str().unwrap().contains("busy"));
    assert!(dead[0]["finished_at"].is_string());

    subscribe_send(0).expect(1).mount(&server).await;
    let id = dead[0]["id"].as_i64().unwrap();
    let retried = app
        .post(
            &format!("/api/v1/deliveries/{id}/retry"),
            Some(&county_admin),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(retried["status"], "pending");
    assert_eq!(retried["attempts"], 0);
    let again = app
        .post(
            &format!("/api/v1/deliveries/{id}/retry"),
            Some(&county_admin),
            json!({}),
        )
        .await
        .expect(409);
    assert_eq!(again.code(), "delivery.not_dead");
    app.dispatch().await;
    assert_eq!(deliveries(&app, &county_admin, "delivered").await.len(), 1);
    assert!(deliveries(&app, &county_admin, "dead").await.is_empty());
}

async fn a_bad_template_goes_straight_to_the_dead_letters(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(40037).expect(1).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-dead-2").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;
    app.dispatch().await;
    let dead = deliveries(&app, &county_admin, "dead").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        dead[0]["attempts"], 1,
        "retrying cannot fix a wrong template id"
    );
    assert!(dead[0]["last_error"].as_str().unwrap().contains("40037"));
}

async fn metrics_count_attempts_and_the_backlog(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(40037).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-metrics-1").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;
    let before = app.get("/metrics", None).await.expect(200);
    let before = String::from_utf8(before.bytes).unwrap();
    assert!(
        before.contains("liaison_outbox_messages{status=\"pending\"} 1"),
        "{before}"
    );
    app.dispatch().await;
    let after = app.get("/metrics", None).await.expect(200);
    let after = String::from_utf8(after.bytes).unwrap();
    for line in [
        "liaison_deliveries_total{channel=\"wechat\",outcome=\"dead\"} 1",
        "liaison_outbox_messages{status=\"pending\"} 0",
        "liaison_outbox_messages{status=\"dead\"} 1",
    ] {
        assert!(after.contains(line), "{line} in {after}");
    }
}

async fn dead_letters_are_for_county_admins_of_their_county(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(40037).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-dead-3").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;
    app.dispatch().await;
    let id = deliveries(&app, &county_admin, "dead").await[0]["id"]
        .as_i64()
        .unwrap();
    let retry = format!("/api/v1/deliveries/{id}/retry");

    for phone in [&demo.station_admin, &demo.deputy, &demo.handler] {
        let staff = app.login(phone).await;
        app.get("/api/v1/deliveries", Some(&staff))
            .await
            .expect(403);
        app.post(&retry, Some(&staff), json!({})).await.expect(403);
    }
    app.get("/api/v1/deliveries", Some(&resident))
        .await
        .expect(403);
    app.get("/api/v1/deliveries", None).await.expect(401);
    let other = other_county(&app).await;
    let theirs = app
        .get("/api/v1/deliveries", Some(&other.token))
        .await
        .expect(200);
    assert_eq!(theirs.body["items"], json!([]));
    app.post(&retry, Some(&other.token), json!({}))
        .await
        .expect(404);
    let reply = app
        .get("/api/v1/deliveries?status=lost", Some(&county_admin))
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["status"]);
    app.post(
        "/api/v1/deliveries/999999/retry",
        Some(&county_admin),
        json!({}),
    )
    .await
    .expect(404);
}

async fn a_dead_nodes_claims_come_back_when_their_lease_ends(backend: Backend) {
    let server = MockServer::start().await;
    subscribe_send(0).expect(1).mount(&server).await;
    let app = app_with_templates(backend, &server, |_| {}).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-lease-1").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;

    // Another node claimed it and died: its lease still runs, so nobody takes it over.
    let claim = format!(
        "UPDATE deliveries SET lease_owner = 'dead-node', lease_until = {}, attempts = 1",
        arg(&app, 1)
    );
    let later = Utc::now() + chrono::Duration::seconds(60);
    execute(&app, &claim, vec![later.into()]).await;
    assert_eq!(app.dispatch().await, 0);

    let expired = Utc::now() - chrono::Duration::seconds(1);
    execute(&app, &claim, vec![expired.into()]).await;
    assert_eq!(app.dispatch().await, 1, "the lease ran out: it comes back");
    let delivered = deliveries(&app, &county_admin, "delivered").await;
    assert_eq!(delivered[0]["attempts"], 2);
}

async fn two_dispatchers_share_the_work_and_send_each_message_once(backend: Backend) {
    const MESSAGES: usize = 60;
    let server = MockServer::start().await;
    subscribe_endpoint()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0}))
                .set_delay(Duration::from_millis(20)),
        )
        .expect(MESSAGES as u64)
        .mount(&server)
        .await;
    let app = app_with_templates(backend, &server, |s| {
        s.outbox.batch = 7;
        s.outbox.concurrency = 4;
    })
    .await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let resident = app.resident("o-pair-1").await;
    grant(&app, &resident, &[PROGRESS]).await;
    accepted_case(&app, &demo, &resident).await;
    // Copies of that one message, and a grant for each.
    let copy = "INSERT INTO deliveries (channel, county_id, case_id, recipient_id, webhook_id, \
        event, payload, status, attempts, next_attempt_at, created_at) \
        SELECT channel, county_id, case_id, recipient_id, webhook_id, event, payload, status, \
        attempts, next_attempt_at, created_at FROM deliveries \
        WHERE id = (SELECT MIN(id) FROM deliveries)";
    for _ in 1..MESSAGES {
        execute(&app, copy, vec![]).await;
    }
    let grants = format!(
        "UPDATE subscription_grants SET remaining = {}",
        arg(&app, 1)
    );
    execute(&app, &grants, vec![(MESSAGES as i32).into()]).await;

    let (a, b) = (
        Dispatcher::new(&app.settings.outbox),
        Dispatcher::new(&app.settings.outbox),
    );
    let state = &app.state;
    let drain = |dispatcher: Dispatcher| async move {
        let mut claimed = 0;
        loop {
            match dispatcher.dispatch_once(state).await.unwrap() {
                0 => return claimed,
                n => claimed += n,
            }
        }
    };
    let (by_a, by_b) = tokio::join!(drain(a), drain(b));
    assert_eq!(by_a + by_b, MESSAGES, "every message claimed once");
    let delivered = deliveries(&app, &county_admin, "delivered").await;
    assert_eq!(delivered.len(), MESSAGES);
    assert!(delivered.iter().all(|d| d["attempts"] == 1));
    // The mock's `expect` checks on drop that WeChat saw each message exactly once.
}

on_every_backend!(a_burst_of_submits_is_claimed_a_few_times_a_second);

/// Each commit wakes the dispatcher, but a running dispatcher gathers the wake-ups of one
/// `gather_ms` into one claim: the claims follow the clock, not the number of submits.
async fn a_burst_of_submits_is_claimed_a_few_times_a_second(backend: Backend) {
    const CASES: usize = 30;
    let sink = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&sink)
        .await;
    let app = liaison_tests::spawn_app_with(backend, |s| {
        s.webhooks.allow_private_targets = true;
        s.outbox.gather_ms = 200;
        // One resident raises the whole burst.
        s.cases.per_resident_per_hour = CASES as u64;
    })
    .await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    app.post(
        "/api/v1/webhooks",
        Some(&county_admin),
        json!({"url": format!("{}/hook", sink.uri()), "events": ["submitted"]}),
    )
    .await
    .expect(201);
    let resident = app.resident("o-burst").await;
    let dispatcher = Dispatcher::new(&app.settings.outbox);
    let state = app.state.clone();
    let running = tokio::spawn(async move { dispatcher.run(&state).await });

    let started = std::time::Instant::now();
    let claims_before = app.state.metrics.claims();
    for _ in 0..CASES {
        app.raise(&resident).await;
    }
    let mut delivered = 0;
    for _ in 0..500 {
        delivered = sink.received_requests().await.map_or(0, |r| r.len());
        if delivered >= CASES {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let claims = app.state.metrics.claims() - claims_before;
    let elapsed = started.elapsed();
    app.state.shutdown.cancel();
    running.await.unwrap();
    assert_eq!(delivered, CASES, "every message went out");
    // One claim per gathering interval, and one more at each end.
    let bound = elapsed.as_millis() / 200 + 2;
    assert!(
        u128::from(claims) <= bound,
        "{claims} claims in {elapsed:?} for {CASES} submits (at most {bound})"
    );
}
