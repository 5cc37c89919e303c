//! Live updates: `GET /api/v1/stream`, server-sent events of the case changes in scope.

use std::time::Duration;

use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, TestApp};
use serde_json::{json, Value};
use tokio::time::timeout;

on_every_backend!(
    a_deputy_hears_the_steps_of_cases_at_their_station_and_another_station_does_not,
    only_staff_with_a_token_may_listen,
    a_quiet_stream_sends_heartbeats,
    streams_end_when_the_server_stops,
    a_change_made_on_one_node_reaches_listeners_on_another,
);

/// How long a test waits for a frame before it fails: no test can hang on a stream.
const PATIENCE: Duration = Duration::from_secs(10);

/// An open event stream, read frame by frame.
struct Events {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl Events {
    async fn open(app: &TestApp, token: &str) -> Self {
        let response = app
            .client
            .get(app.url("/api/v1/stream"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(header("content-type"), "text/event-stream");
        assert_eq!(header("cache-control"), "no-cache");
        assert_eq!(header("x-accel-buffering"), "no");
        Self {
            response,
            buffer: Vec::new(),
        }
    }

    /// The next frame (up to its blank line), or `None` once the server ended the stream.
    async fn next(&mut self) -> Option<String> {
        timeout(PATIENCE, async {
            loop {
                if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                    let frame: Vec<u8> = self.buffer.drain(..end + 2).collect();
                    return Some(String::from_utf8(frame).unwrap());
                }
                match self.response.chunk().await.unwrap() {
                    Some(chunk) => self.buffer.extend_from_slice(&chunk),
                    None => return None,
                }
            }
        })
        .await
        .expect("no frame in time")
    }

    /// The data of the next `case` event, past any heartbeat.
    async fn next_case(&mut self) -> Value {
        loop {
            let frame = self.next().await.expect("the stream ended");
            if let Some(data) = frame.strip_prefix("event: case\ndata: ") {
                return serde_json::from_str(data.trim_end()).unwrap();
            }
            assert_eq!(frame, ": heartbeat\n\n", "an unexpected frame");
        }
    }
}

async fn a_deputy_hears_the_steps_of_cases_at_their_station_and_another_station_does_not(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy = app.deputy_on_duty(&demo).await.deputy;
    let other_admin = app.login(&demo.other_station_admin).await;
    let mut deputys = Events::open(&app, &deputy).await;
    let mut others = Events::open(&app, &other_admin).await;

    let resident = app.resident("o-stream-1").await;
    let here = app.raise_at(&resident, 1).await;
    app.post(
        &format!("/api/v1/cases/{here}/accept"),
        Some(&deputy),
        json!({}),
    )
    .await
    .expect(200);
    let there = app.raise_at(&resident, 2).await;

    let submitted = deputys.next_case().await;
    assert_eq!(submitted["case_id"], here);
    assert_eq!(submitted["events"], json!(["submitted"]));
    assert!(submitted["number"].as_str().unwrap().starts_with("XP-"));
    assert!(submitted["at"].as_str().is_some());
    let mut fields: Vec<&String> = submitted.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        ["at", "case_id", "events", "number", "status"],
        "never the scope or the resident"
    );
    let accepted = deputys.next_case().await;
    assert_eq!(accepted["case_id"], here);
    assert_eq!(accepted["events"], json!(["accepted"]));
    assert_eq!(accepted["status"], "accepted");

    // The other station's admin hears of the case at their station, and never of the first.
    let heard = others.next_case().await;
    assert_eq!(
        heard["case_id"], there,
        "another station's case is not heard"
    );
}

async fn only_staff_with_a_token_may_listen(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let resident = app.resident("o-stream-2").await;
    let refused = app.get("/api/v1/stream", Some(&resident)).await.expect(403);
    assert_eq!(refused.code(), "forbidden");
    let anonymous = app.get("/api/v1/stream", None).await.expect(401);
    assert_eq!(anonymous.code(), "auth.missing_token");
}

async fn a_quiet_stream_sends_heartbeats(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.live.heartbeat_seconds = 1).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let mut events = Events::open(&app, &admin).await;
    assert_eq!(events.next().await.as_deref(), Some(": heartbeat\n\n"));
    assert_eq!(events.next().await.as_deref(), Some(": heartbeat\n\n"));
}

async fn streams_end_when_the_server_stops(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let mut events = Events::open(&app, &admin).await;
    app.state.shutdown.cancel();
    assert_eq!(events.next().await, None, "the stream ended");
}

async fn a_change_made_on_one_node_reaches_listeners_on_another(backend: Backend) {
    if matches!(backend, Backend::Sqlite) {
        // Without Redis news stays in its process: there is one node only.
        return;
    }
    let one = spawn_app(backend.clone()).await;
    let two = spawn_app_with(backend, |s| {
        s.database.url = one.settings.database.url.clone();
        s.redis.key_prefix = one.settings.redis.key_prefix.clone();
    })
    .await;
    let demo = one.seed_demo().await;
    let admin = two.login(&demo.station_admin).await;
    let mut on_two = Events::open(&two, &admin).await;
    let admin_on_one = one.login(&demo.station_admin).await;
    let mut on_one = Events::open(&one, &admin_on_one).await;

    let resident = one.resident("o-stream-3").await;
    let id = one.raise_at(&resident, 1).await;
    assert_eq!(on_two.next_case().await["case_id"], id);
    assert_eq!(
        on_one.next_case().await["case_id"],
        id,
        "and on the node that made it"
    );
}
