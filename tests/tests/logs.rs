//! The logs keep secrets and tell the story. This binary is a process of its own, so it can
//! install the log subscriber itself and read every line the server writes.
//!
//! The scenario puts a phone, a password, an openid, access and refresh tokens and a forged
//! client address into bodies, queries and headers; not one of them may reach a log line,
//! while every request leaves one access line naming its route, status and actor.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use liaison_api::settings::Settings;
use liaison_tests::{spawn_app, Backend, TestApp, DEMO_PASSWORD};
use serde_json::{json, Value};

/// Every byte the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|_| json!({"raw": line})))
            .collect()
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

const PHONE: &str = "13812345678";
const WRONG_PASSWORD: &str = "Wrong-Secret-77";
const OPENID: &str = "o-SECRET-openid-4242";
const FORGED_IP: &str = "10.9.8.7";

#[tokio::test]
async fn no_secret_reaches_a_log_line() {
    let captured = Captured::default();
    let mut settings = Settings::default();
    // Debug for our own crates: what an operator chasing a bug would turn on.
    settings.log.filter = "liaison_api=debug,liaison_infra=debug,info".to_owned();
    liaison_api::telemetry::init_json_to(&settings, captured.clone());

    let mut backends = vec![Backend::Sqlite];
    backends.extend(Backend::postgres());
    let mut secrets = vec![
        PHONE.to_owned(),
        WRONG_PASSWORD.to_owned(),
        DEMO_PASSWORD.to_owned(),
        OPENID.to_owned(),
        FORGED_IP.to_owned(),
    ];
    for backend in backends {
        let app = spawn_app(backend).await;
        secrets.extend(scenario(&app).await);
    }

    let lines = captured.lines();
    let text = captured.text();
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a log line holds {secret:?}:\n{}",
            text.lines()
                .filter(|l| l.contains(secret.as_str()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // The story is told: one access line per request, with its route pattern, and the actor
    // once authenticated.
    let access: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request")
        .collect();
    assert!(access.len() >= 10, "{} access lines", access.len());
    let queue = access
        .iter()
        .find(|l| l["span"]["route"] == "/api/v1/cases" && l["span"]["method"] == "GET")
        .unwrap_or_else(|| panic!("no access line for the queue:\n{text}"));
    assert_eq!(queue["fields"]["status"], 200);
    assert_eq!(queue["span"]["role"], "resident");
    assert!(queue["span"]["actor_id"].is_i64(), "{queue}");
    assert!(queue["span"]["request_id"].is_string(), "{queue}");
    assert!(queue["fields"]["latency_ms"].is_f64(), "{queue}");
    assert!(
        !text.contains('\u{1b}'),
        "no terminal colour codes in a file"
    );
}

/// Runs the requests that carry secrets; answers the secrets the server made (tokens).
async fn scenario(app: &TestApp) -> Vec<String> {
    let demo = app.seed_demo().await;
    // Staff: a wrong password, then the right one; the phone in the body both times.
    app.post(
        "/api/v1/auth/password",
        None,
        json!({"phone": demo.station_admin, "password": WRONG_PASSWORD}),
    )
    .await
    .expect(401);
    let staff = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": demo.station_admin, "password": DEMO_PASSWORD}),
        )
        .await
        .expect(200);
    let staff_access = staff.body["access_token"].as_str().unwrap().to_owned();

    // A resident, whose openid is in the body, raises a case with a phone to call back.
    let login = app
        .post("/api/v1/auth/dev", None, json!({"openid": OPENID}))
        .await
        .expect(200);
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let category = app.first_category().await;
    app.post(
        "/api/v1/cases",
        Some(&access),
        json!({"station_id": 1, "category_id": category, "title": "路灯不亮",
               "content": format!("请打{PHONE}联系我"), "contact_phone": PHONE}),
    )
    .await
    .expect(201);

    // Secrets in the query string and in headers.
    app.get(&format!("/api/v1/cases?q={PHONE}"), Some(&access))
        .await
        .expect(200);
    app.get(&format!("/api/v1/me?access_token={access}"), None)
        .await
        .expect(401);
    let forged = app
        .client
        .get(app.url("/api/v1/regions"))
        .header("x-forwarded-for", FORGED_IP)
        .header("x-request-id", PHONE)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 200);
    app.get("/api/v1/me", Some(&format!("{staff_access}x")))
        .await
        .expect(401);

    // A refresh, then the same refresh token again: the reuse ends the session.
    let rotated = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await
        .expect(200);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": refresh}),
    )
    .await
    .expect(401);
    let rotated_refresh = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    vec![
        access,
        refresh,
        staff_access,
        rotated_refresh,
        demo.station_admin,
    ]
}
