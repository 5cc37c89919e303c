//! Recording a visitor's case from the console, and the receipt it gives.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::json;

use crate::browser::{log_in, name};
use crate::{options, Visitor};

on_every_backend!(
    in_the_browser_a_station_admin_records_a_walk_in_and_prints_its_receipt,
    those_who_may_not_record_get_no_form_and_change_nothing,
);

async fn in_the_browser_a_station_admin_records_a_walk_in_and_prints_its_receipt(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let shoot = |page: &str| format!("{page}-{}", name(&backend));
    let category = app.first_category().await.to_string();

    log_in(&browser, &app, &demo.station_admin, "/console/cases").await;
    browser.click("#nav-record").await;
    browser.select("#record-channel", "market_day").await;
    browser.select("#record-station_id", "1").await;
    browser.select("#record-category_id", &category).await;
    browser
        .fill("#record-content", "赶集日摊位占道，车辆难以通行")
        .await;
    browser.fill("#record-visitor_name", "王大爷").await;
    browser.fill("#record-visitor_phone", "1391234").await;
    browser.click("#record button[type='submit']").await;
    assert!(
        browser.has("#record-title-error").await,
        "the title is required"
    );
    assert!(browser.has("#record-visitor_phone-error").await);
    assert_eq!(
        browser.value("#record-visitor_name").await,
        "王大爷",
        "kept"
    );
    browser.shoot(&shoot("record-error")).await;
    browser.fill("#record-title", "集市摊位占道").await;
    browser.fill("#record-visitor_phone", "13912345678").await;
    browser.click("#record button[type='submit']").await;

    browser.wait_for("#receipt").await;
    assert!(browser.path().await.ends_with("/receipt"));
    let number = browser.text("#receipt-number").await;
    assert!(number.starts_with("XP-"), "{number}");
    let code = browser.text("#claim-code").await;
    browser.shoot(&shoot("receipt")).await;

    // The case says how it came and for whom; the visitor claims it from the slip.
    browser.click("nav.poster-tools a").await;
    assert!(browser.text("#case-channel").await.contains("赶集日"));
    assert_eq!(browser.text("#case-visitor").await, "王大爷");
    browser.shoot(&shoot("case-walk-in")).await;
    let visitor = app.resident("console-walk-in").await;
    app.post(
        "/api/v1/cases/claim",
        Some(&visitor),
        json!({"claim_code": code.trim()}),
    )
    .await
    .expect(200);
    browser.goto(&browser_url(&app, &browser).await).await;
    assert!(browser.text("#case-channel").await.contains("认领"));
    assert!(
        !browser.has("#case-receipt").await,
        "a claimed case has no receipt"
    );

    // From the demo's market day, the form comes with its station and that reception chosen,
    // and the case recorded is among the reception's.
    let admin = app.login(&demo.station_admin).await;
    let market_day = app
        .get("/api/v1/receptions?kind=market_day", Some(&admin))
        .await
        .expect(200)
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    browser.goto(&app.url("/console/receptions")).await;
    browser
        .click(&format!("tr[data-reception-id='{market_day}'] a"))
        .await;
    browser.click("#record-case").await;
    assert_eq!(browser.value("#record-station_id").await, "1");
    assert_eq!(
        browser.value("#record-reception_id").await,
        market_day.to_string()
    );
    browser.select("#record-category_id", &category).await;
    browser.fill("#record-title", "集市公厕太少").await;
    browser
        .fill("#record-content", "赶集日人多，公厕不够用")
        .await;
    browser.click("#record button[type='submit']").await;
    browser.wait_for("#receipt").await;
    browser
        .goto(&app.url(&format!("/console/receptions/{market_day}")))
        .await;
    assert!(browser
        .text("#reception-cases")
        .await
        .contains("集市公厕太少"));
}

/// The page the browser is on, reloaded.
async fn browser_url(app: &liaison_tests::TestApp, browser: &Browser) -> String {
    app.url(&browser.path().await)
}

async fn those_who_may_not_record_get_no_form_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut handler = Visitor::new(&app);
    handler.log_in(&demo.handler).await;
    assert_eq!(handler.get("/console/cases/new").await.status, 403);
    assert!(!handler
        .get("/console/cases")
        .await
        .html
        .contains("nav-record"));

    // Station 1's admin is offered station 1 only, and posting station 2 finds no station.
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.other_station_admin).await;
    let form = admin.get("/console/cases/new").await;
    assert_eq!(form.status, 200);
    assert_eq!(
        options(&form.html, "station_id"),
        ["2"],
        "its own station only"
    );
    let csrf = form.csrf();
    let category = app.first_category().await.to_string();
    let posted = admin
        .post(
            "/console/cases/new",
            &[
                ("csrf", csrf.as_str()),
                ("channel", "walk_in"),
                ("station_id", "1"),
                ("category_id", category.as_str()),
                ("title", "别站的诉求"),
                ("content", "不应登记"),
            ],
        )
        .await;
    assert_eq!(posted.status, 404);
    let queue = app
        .get(
            "/api/v1/cases?limit=100",
            Some(&app.login(&demo.county_admin).await),
        )
        .await
        .expect(200);
    assert!(queue.body["items"].as_array().unwrap().is_empty());
}
