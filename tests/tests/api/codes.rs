//! Station codes: the signed scene, the printable image (WeChat's mini-program code when WeChat
//! is configured, a plain QR code otherwise), and what a scan of the code shows.

use chrono::{Duration, Utc};
use liaison_domain::scene::SceneKind;
use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, TestApp};
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::roster::{deputy_at, put_roster, shift, shifts};
use crate::wechat::{use_wechat, APPID, SECRET};

on_every_backend!(
    admins_in_scope_get_the_signed_scene_and_links,
    others_cannot_get_a_station_code,
    without_wechat_the_printable_code_is_a_png_qr_code,
    with_wechat_the_printable_code_comes_from_getwxacodeunlimit,
    wechats_rate_limit_on_codes_answers_429,
    a_failing_wechat_answers_503_for_codes,
    a_scan_shows_the_station_its_deputies_who_is_on_duty_now_and_the_categories,
    forged_altered_and_unknown_scenes_answer_404,
    a_deputy_who_left_the_station_is_not_on_duty_there,
);

const BASE_URL: &str = "https://liaison.example.cn";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];

/// Characters WeChat allows in a `scene`.
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c)
}

async fn code_of(app: &TestApp, token: &str, station_id: i64) -> Value {
    app.get(&format!("/api/v1/stations/{station_id}/code"), Some(token))
        .await
        .expect(200)
        .body
}

async fn scene_of(app: &TestApp, token: &str, station_id: i64) -> String {
    code_of(app, token, station_id).await["scene"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The scene for `station_id` as the server signs it, for stations it would not describe.
fn signed(app: &TestApp, station_id: i64) -> String {
    let key = app.settings.stations.scene_secret.expose_secret();
    liaison_domain::scene::sign(SceneKind::Station, station_id, key.as_bytes())
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], PNG_SIGNATURE, "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

async fn admins_in_scope_get_the_signed_scene_and_links(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.public_base_url = format!("{BASE_URL}/")).await;
    let demo = app.seed_demo().await;
    let station_admin = app.login(&demo.station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;

    let code = code_of(&app, &station_admin, 1).await;
    let scene = code["scene"].as_str().unwrap();
    assert!(!scene.is_empty() && scene.len() <= 32, "{scene}");
    assert!(scene.chars().all(allowed), "{scene}");
    assert_eq!(code["url"], format!("{BASE_URL}/s/{scene}"));
    assert_eq!(
        code["image_url"],
        format!("{BASE_URL}/api/v1/stations/1/code.png")
    );
    // The same station always prints the same code, whoever asks.
    assert_eq!(code_of(&app, &county_admin, 1).await, code);

    let mut scenes = vec![scene.to_owned()];
    for station_id in 2..=4 {
        let other = code_of(&app, &county_admin, station_id).await;
        let other_scene = other["scene"].as_str().unwrap().to_owned();
        assert!(other_scene.len() <= 32 && other_scene.chars().all(allowed));
        assert_eq!(
            other["image_url"],
            format!("{BASE_URL}/api/v1/stations/{station_id}/code.png")
        );
        assert!(!scenes.contains(&other_scene), "{other_scene} repeats");
        scenes.push(other_scene);
    }
    let other_admin = app.login(&demo.other_station_admin).await;
    assert_eq!(scene_of(&app, &other_admin, 2).await, scenes[1]);

    // The largest id still fits WeChat's limit.
    let largest = signed(&app, i64::MAX);
    assert!(
        largest.len() <= 32 && largest.chars().all(allowed),
        "{largest}"
    );
}

async fn others_cannot_get_a_station_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let other_admin = app.login(&demo.other_station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let handler = app.login(&demo.handler).await;
    let resident = app.resident("o-resident-codes").await;
    for token in [&other_admin, &deputy, &handler, &resident] {
        for path in ["/api/v1/stations/1/code", "/api/v1/stations/1/code.png"] {
            let reply = app.get(path, Some(token)).await.expect(403);
            assert_eq!(reply.code(), "forbidden");
            assert!(reply.body["scene"].is_null());
        }
    }
    for path in ["/api/v1/stations/1/code", "/api/v1/stations/1/code.png"] {
        app.get(path, None).await.expect(401);
    }
    let county_admin = app.login(&demo.county_admin).await;
    for path in ["/api/v1/stations/999/code", "/api/v1/stations/999/code.png"] {
        app.get(path, Some(&county_admin)).await.expect(404);
    }
}

async fn without_wechat_the_printable_code_is_a_png_qr_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    assert!(app.state.wechat.is_none());
    let image = app
        .get("/api/v1/stations/1/code.png", Some(&token))
        .await
        .expect(200);
    assert_eq!(image.content_type(), "image/png");
    let (width, height) = png_size(&image.bytes);
    assert!(width >= 430 && width == height, "{width}x{height}");
    // The same link makes the same picture; another station's link another one.
    let again = app
        .get("/api/v1/stations/1/code.png", Some(&token))
        .await
        .expect(200);
    assert_eq!(again.bytes, image.bytes);
    let county_admin = app.login(&demo.county_admin).await;
    let other = app
        .get("/api/v1/stations/2/code.png", Some(&county_admin))
        .await
        .expect(200);
    png_size(&other.bytes);
    assert_ne!(other.bytes, image.bytes);
}

/// A WeChat mock that hands out the access token `ACCESS-1`, expecting `token_calls` calls.
async fn wechat_with_token(token_calls: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .and(body_partial_json(json!({
            "grant_type": "client_credential",
            "appid": APPID,
            "secret": SECRET,
            "force_refresh": false,
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "ACCESS-1", "expires_in": 7200})),
        )
        .expect(token_calls)
        .mount(&server)
        .await;
    server
}

fn getwxacodeunlimit() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/wxa/getwxacodeunlimit"))
        .and(query_param("access_token", "ACCESS-1"))
}

async fn with_wechat_the_printable_code_comes_from_getwxacodeunlimit(backend: Backend) {
    let server = wechat_with_token(1).await;
    getwxacodeunlimit()
        .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
        .expect(2)
        .mount(&server)
        .await;
    let app = spawn_app_with(backend, |s| use_wechat(s, &server)).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let scene = scene_of(&app, &token, 1).await;

    for _ in 0..2 {
        let image = app
            .get("/api/v1/stations/1/code.png", Some(&token))
            .await
            .expect(200);
        assert_eq!(image.content_type(), "image/jpeg");
        assert_eq!(image.bytes, JPEG);
    }
    // The access token was fetched once and reused; the code asked for names the scene.
    let requests = server.received_requests().await.unwrap();
    let codes: Vec<Value> = requests
        .iter()
        .filter(|r| r.url.path() == "/wxa/getwxacodeunlimit")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(codes.len(), 2);
    for body in &codes {
        assert_eq!(body["scene"], scene, "{body}");
        assert_eq!(body["page"], app.settings.wechat.code_page.as_str());
        assert_eq!(body["env_version"], "release");
    }
    // A station admin still gets only its own station's code.
    let other = app.login(&demo.other_station_admin).await;
    app.get("/api/v1/stations/1/code.png", Some(&other))
        .await
        .expect(403);
}

async fn wechats_rate_limit_on_codes_answers_429(backend: Backend) {
    let server = wechat_with_token(1).await;
    getwxacodeunlimit()
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"errcode": 45009, "errmsg": "reach max api daily quota limit"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let app = spawn_app_with(backend, |s| use_wechat(s, &server)).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let reply = app
        .get("/api/v1/stations/1/code.png", Some(&token))
        .await
        .expect(429);
    assert_eq!(reply.code(), "rate_limited");
    let retry_after: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
}

async fn a_failing_wechat_answers_503_for_codes(backend: Backend) {
    let server = wechat_with_token(1).await;
    getwxacodeunlimit()
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let app = spawn_app_with(backend, |s| use_wechat(s, &server)).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    let reply = app
        .get("/api/v1/stations/1/code.png", Some(&token))
        .await
        .expect(503);
    assert_eq!(reply.code(), "wechat.unavailable");
    assert!(reply.headers.contains_key("retry-after"));
    // The scene itself needs no WeChat.
    code_of(&app, &token, 1).await;
}

async fn a_scan_shows_the_station_its_deputies_who_is_on_duty_now_and_the_categories(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.station_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let liu = deputy_at(&app, 1, "刘桂兰").await;
    let now = Utc::now();
    // The day around now, so no demo shift is left running.
    put_roster(
        &app,
        Some(&token),
        1,
        (now - Duration::days(1), now + Duration::days(1)),
        vec![
            shift(wang, now - Duration::hours(1), now + Duration::hours(1)),
            shift(liu, now + Duration::hours(2), now + Duration::hours(3)),
        ],
    )
    .await
    .expect(200);
    let scene = scene_of(&app, &token, 1).await;

    let card = app
        .get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200)
        .body;
    let station = app.get("/api/v1/stations/1", None).await.expect(200).body;
    assert_eq!(card["station"], station);
    assert_eq!(
        names(&card["deputies"]),
        ["王秀英", "李建国", "刘桂兰", "杨卫东"]
    );
    assert_eq!(names(&card["on_duty"]), ["王秀英"]);
    assert_eq!(card["on_duty"][0]["id"], wang);
    assert_eq!(
        names(&card["categories"]),
        [
            "道路交通",
            "住房城建",
            "农田水利",
            "教育",
            "医疗卫生",
            "养老救助",
            "就业社保"
        ]
    );
    assert!(card["categories"][0]["department_id"].is_number());

    // Another station's scene shows that station, with its own people.
    let county_admin = app.login(&demo.county_admin).await;
    let scene_3 = scene_of(&app, &county_admin, 3).await;
    let card_3 = app
        .get(&format!("/api/v1/scan/{scene_3}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(card_3["station"]["id"], 3);
    assert_eq!(
        names(&card_3["deputies"]),
        ["陈志强", "黄永刚", "吴海涛", "马振华"]
    );
    assert!(!names(&card_3["on_duty"]).contains(&"王秀英".to_owned()));

    // Nobody on duty, nobody listed.
    put_roster(
        &app,
        Some(&token),
        1,
        (now - Duration::days(1), now + Duration::days(1)),
        vec![shift(
            liu,
            now + Duration::hours(2),
            now + Duration::hours(3),
        )],
    )
    .await
    .expect(200);
    let card = app
        .get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(card["on_duty"], json!([]));
}

async fn forged_altered_and_unknown_scenes_answer_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    let scene = scene_of(&app, &token, 1).await;
    app.get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200);

    let (id, signature) = scene.split_once('.').unwrap();
    assert_eq!(id, "1");
    let mut altered = scene.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let other_key = liaison_domain::scene::sign(SceneKind::Station, 1, b"not the server's key");
    let forged = [
        // The signature changed in one character.
        altered,
        // The signature of station 1 on station 2's id.
        format!("2.{signature}"),
        // The same id spelled another way.
        format!("01.{signature}"),
        // Signed with another key.
        other_key,
        // A well-signed scene of a station that does not exist.
        signed(&app, 999),
        // Garbage of every shape.
        "garbage".to_owned(),
        "1".to_owned(),
        format!("1.{signature}x"),
        signature.to_owned(),
        "a".repeat(40),
    ];
    for scene in &forged {
        let reply = app
            .get(&format!("/api/v1/scan/{scene}"), None)
            .await
            .expect(404);
        assert_eq!(reply.code(), "not_found", "{scene}");
        assert!(reply.body["station"].is_null());
    }
    // No scene at all is no route.
    app.get("/api/v1/scan/", None).await.expect(404);
}

async fn a_deputy_who_left_the_station_is_not_on_duty_there(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let wang = deputy_at(&app, 1, "王秀英").await;
    let now = Utc::now();
    put_roster(
        &app,
        Some(&county_admin),
        1,
        (now - Duration::days(1), now + Duration::days(1)),
        vec![shift(
            wang,
            now - Duration::hours(1),
            now + Duration::hours(1),
        )],
    )
    .await
    .expect(200);
    let scene = scene_of(&app, &county_admin, 1).await;
    let card = app
        .get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(names(&card["on_duty"]), ["王秀英"]);

    // 王秀英 moves to 杨庄村; her shift at station 1 stays on the books.
    let moved = app
        .patch(
            &format!("/api/v1/deputies/{wang}"),
            Some(&county_admin),
            json!({"station_ids": [4]}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["station_ids"], json!([4]));
    let roster = shifts(&app, 1, now - Duration::hours(2), now + Duration::hours(2)).await;
    assert_eq!(roster.as_array().unwrap().len(), 1, "{roster}");
    assert_eq!(roster[0]["deputy_id"], wang);

    let card = app
        .get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(card["on_duty"], json!([]));
    assert!(!names(&card["deputies"]).contains(&"王秀英".to_owned()));
    // Nor is she on duty at her new station, where she holds no shift.
    let scene_4 = scene_of(&app, &county_admin, 4).await;
    let card_4 = app
        .get(&format!("/api/v1/scan/{scene_4}"), None)
        .await
        .expect(200)
        .body;
    assert!(names(&card_4["deputies"]).contains(&"王秀英".to_owned()));
    assert!(!names(&card_4["on_duty"]).contains(&"王秀英".to_owned()));
}
