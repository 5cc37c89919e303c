//! Deputies' own codes (代表码): who gets one printed, what a scan of it shows, where a case
//! raised from it goes, and the deputy's public page.

use chrono::{Duration, Utc};
use liaison_domain::scene::SceneKind;
use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

on_every_backend!(
    the_deputy_and_the_admins_of_their_stations_get_the_deputys_code,
    others_cannot_get_a_deputys_code,
    a_scan_of_a_deputys_code_shows_the_deputy_at_their_first_station,
    a_case_raised_from_a_deputys_code_goes_to_that_deputy_whoever_is_on_duty,
    the_deputys_page_shows_the_deputy_and_their_station_only_for_a_deputys_code,
);

/// The demo, its deputy's token and id (a deputy at station 1).
async fn demo_deputy(app: &TestApp) -> (Demo, String, i64) {
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    (demo, deputy, deputy_id)
}

async fn code_of(app: &TestApp, token: &str, deputy_id: i64) -> Value {
    app.get(&format!("/api/v1/deputies/{deputy_id}/code"), Some(token))
        .await
        .expect(200)
        .body
}

fn signed(app: &TestApp, kind: SceneKind, id: i64, key: Option<&[u8]>) -> String {
    let secret = app
        .settings
        .stations
        .scene_secret
        .expose_secret()
        .to_owned();
    liaison_domain::scene::sign(kind, id, key.unwrap_or(secret.as_bytes()))
}

async fn the_deputy_and_the_admins_of_their_stations_get_the_deputys_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, deputy, deputy_id) = demo_deputy(&app).await;
    let code = code_of(&app, &deputy, deputy_id).await;
    let scene = code["scene"].as_str().unwrap();
    assert!(scene.len() <= 32, "{scene}");
    assert!(code["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/d/{scene}")));
    assert!(code["image_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v1/deputies/{deputy_id}/code.png")));
    // Not the code of the station with the same id.
    assert_ne!(scene, signed(&app, SceneKind::Station, deputy_id, None));

    let station_admin = app.login(&demo.station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;
    for token in [&station_admin, &county_admin] {
        assert_eq!(code_of(&app, token, deputy_id).await, code);
    }
    let image = app
        .get(
            &format!("/api/v1/deputies/{deputy_id}/code.png"),
            Some(&deputy),
        )
        .await
        .expect(200);
    assert_eq!(image.content_type(), "image/png");
    assert_eq!(&image.bytes[..4], b"\x89PNG");
}

async fn others_cannot_get_a_deputys_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, deputy, deputy_id) = demo_deputy(&app).await;
    // The demo's second station admin runs station 2, where this deputy does not sit.
    let other_admin = app.login(&demo.other_station_admin).await;
    let handler = app.login(&demo.handler).await;
    let resident = app.resident("o-deputy-codes").await;
    let another_deputy = app
        .get("/api/v1/stations/2/deputies", None)
        .await
        .expect(200)
        .body[0]["id"]
        .as_i64()
        .unwrap();
    assert_ne!(another_deputy, deputy_id);
    for suffix in ["code", "code.png"] {
        let own = format!("/api/v1/deputies/{deputy_id}/{suffix}");
        for token in [&other_admin, &handler, &resident] {
            let reply = app.get(&own, Some(token)).await.expect(403);
            assert!(reply.body["scene"].is_null());
        }
        // A deputy has their own code, not a colleague's.
        let theirs = format!("/api/v1/deputies/{another_deputy}/{suffix}");
        app.get(&theirs, Some(&deputy)).await.expect(403);
        app.get(&own, None).await.expect(401);
        app.get(&format!("/api/v1/deputies/999/{suffix}"), Some(&deputy))
            .await
            .expect(404);
    }
}

async fn a_scan_of_a_deputys_code_shows_the_deputy_at_their_first_station(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, deputy, deputy_id) = demo_deputy(&app).await;
    let county_admin = app.login(&demo.county_admin).await;
    // Listed highest first: the first station is the lowest id all the same.
    app.patch(
        &format!("/api/v1/deputies/{deputy_id}"),
        Some(&county_admin),
        json!({"station_ids": [4, 2]}),
    )
    .await
    .expect(200);
    let scene = code_of(&app, &deputy, deputy_id).await["scene"]
        .as_str()
        .unwrap()
        .to_owned();
    let card = app
        .get(&format!("/api/v1/scan/{scene}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(card["deputy"]["id"], deputy_id);
    let stations = card["deputy"]["station_ids"].as_array().unwrap().clone();
    assert_eq!(stations, [json!(2), json!(4)]);
    assert_eq!(
        card["station"]["id"], 2,
        "the lowest of the deputy's stations"
    );
    assert!(!card["categories"].as_array().unwrap().is_empty());

    let station_card = app
        .get(
            &format!("/api/v1/scan/{}", signed(&app, SceneKind::Station, 1, None)),
            None,
        )
        .await
        .expect(200)
        .body;
    assert!(station_card["deputy"].is_null());

    let forged = signed(
        &app,
        SceneKind::Deputy,
        deputy_id,
        Some(b"not the server's key"),
    );
    let swapped = scene.replacen('-', ".", 1);
    let nobody = signed(&app, SceneKind::Deputy, 999, None);
    for scene in [forged, swapped, nobody] {
        app.get(&format!("/api/v1/scan/{scene}"), None)
            .await
            .expect(404);
    }
}

async fn a_case_raised_from_a_deputys_code_goes_to_that_deputy_whoever_is_on_duty(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (demo, deputy, deputy_id) = demo_deputy(&app).await;
    let admin = app.login(&demo.station_admin).await;
    let colleague = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|id| *id != deputy_id)
        .unwrap();
    app.on_duty(&admin, &[colleague]).await;
    let scene = code_of(&app, &deputy, deputy_id).await["scene"]
        .as_str()
        .unwrap()
        .to_owned();
    let category = app.first_category().await;
    let resident = app.resident("o-to-a-deputy").await;
    let body = |extra: Value| {
        let mut body = json!({"scene": scene, "category_id": category, "title": "路灯不亮", "content": "一周了"});
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let raised = app
        .post("/api/v1/cases", Some(&resident), body(json!({})))
        .await
        .expect(201)
        .body;
    assert_eq!(
        raised["assignee_id"], deputy_id,
        "not the colleague on duty"
    );
    assert_eq!(raised["station_id"], 1);
    let respond_by: chrono::DateTime<Utc> = raised["respond_by"].as_str().unwrap().parse().unwrap();
    assert!(respond_by > Utc::now() + Duration::hours(1));
    // The deputy sees it as theirs.
    let mine = app
        .get("/api/v1/cases?scope=assigned", Some(&deputy))
        .await
        .expect(200)
        .body;
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == raised["id"]));

    // The station's own code still reaches whoever is on duty.
    let station_scene = signed(&app, SceneKind::Station, 1, None);
    let by_station = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            json!({"scene": station_scene, "category_id": category, "title": "井盖缺失", "content": "很危险"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(by_station["assignee_id"], colleague);

    // A station_id other than the deputy's first station does not match the code.
    let mismatch = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            body(json!({"station_id": 4})),
        )
        .await
        .expect(422);
    assert_eq!(mismatch.fields(), ["station_id"]);
    let forged = signed(
        &app,
        SceneKind::Deputy,
        deputy_id,
        Some(b"not the server's key"),
    );
    let refused = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            body(json!({"scene": forged})),
        )
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["scene"]);
}

async fn the_deputys_page_shows_the_deputy_and_their_station_only_for_a_deputys_code(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (_, deputy, deputy_id) = demo_deputy(&app).await;
    let scene = code_of(&app, &deputy, deputy_id).await["scene"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = app.get(&format!("/d/{scene}"), None).await.expect(200);
    assert!(page.content_type().starts_with("text/html"));
    let html = String::from_utf8(page.bytes).unwrap();
    let me = app
        .get(&format!("/api/v1/deputies/{deputy_id}"), None)
        .await
        .expect(200)
        .body;
    assert!(html.contains(me["name"].as_str().unwrap()), "{html}");
    assert!(html.contains("data-station-id=\"1\""), "{html}");
    // A station's page is for station codes, a deputy's for deputies' codes.
    app.get(&format!("/s/{scene}"), None).await.expect(404);
    let station_scene = signed(&app, SceneKind::Station, 1, None);
    app.get(&format!("/d/{station_scene}"), None)
        .await
        .expect(404);
    let forged = signed(&app, SceneKind::Deputy, deputy_id, Some(b"another key"));
    app.get(&format!("/d/{forged}"), None).await.expect(404);
}
