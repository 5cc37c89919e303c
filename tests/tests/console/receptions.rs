//! Receptions and reception days in the console: a deputy records a reception and changes it;
//! a station's admin sets the reception days on the roster page; others may not.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    a_deputy_records_a_reception_and_changes_it,
    others_may_not_see_a_stations_receptions,
    the_roster_page_sets_the_reception_days,
);

async fn a_deputy_records_a_reception_and_changes_it(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    log_in(&browser, &app, &demo.deputy, "/console/receptions").await;
    assert_eq!(browser.path().await, "/console/receptions");
    // The demo's market day a week ago is listed.
    assert!(browser.text("#receptions").await.contains("赶集日"));
    browser.click("#new-reception").await;
    browser.select("#reception-station_id", "1").await;
    browser.select("#reception-kind", "reception_day").await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    browser.set_value("#reception-day", &today).await;
    browser.fill("#reception-time", "09:30").await;
    browser.fill("#reception-visitors", "-3").await;
    browser.fill("#reception-officials", "李明 县水利局").await;
    browser.click("#reception button[type='submit']").await;
    // Refused by the field, with what was typed kept.
    assert!(browser.has("#reception-visitors-error").await);
    assert_eq!(browser.value("#reception-time").await, "09:30");
    assert_eq!(browser.value("#reception-officials").await, "李明 县水利局");
    browser
        .shoot(&format!("reception-error-{}", name(&backend)))
        .await;
    browser.fill("#reception-visitors", "12").await;
    browser.click("#reception button[type='submit']").await;
    assert!(browser.text("#receptions-notice").await.contains("已保存"));
    assert!(browser.text("#receptions").await.contains("接待日"));
    browser
        .shoot(&format!("receptions-{}", name(&backend)))
        .await;

    let deputy = app.login(&demo.deputy).await;
    let list = app
        .get("/api/v1/receptions?kind=reception_day", Some(&deputy))
        .await
        .expect(200)
        .body;
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["visitors"], 12);
    assert_eq!(list["items"][0]["officials"][0]["body"], "县水利局");

    browser
        .click(&format!("tr[data-reception-id='{id}'] a"))
        .await;
    assert_eq!(browser.value("#reception-visitors").await, "12");
    browser.fill("#reception-visitors", "20").await;
    browser.click("#reception button[type='submit']").await;
    assert!(browser.text("#receptions-notice").await.contains("已保存"));
    let read = app
        .get(&format!("/api/v1/receptions/{id}"), Some(&deputy))
        .await
        .expect(200)
        .body;
    assert_eq!(read["visitors"], 20);
    browser.close().await;
}

async fn others_may_not_see_a_stations_receptions(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let id = app
        .get("/api/v1/receptions", Some(&admin))
        .await
        .expect(200)
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    // Another station's admin: the list holds none of station 1's, the reception is not found.
    log_in(
        &browser,
        &app,
        &demo.other_station_admin,
        "/console/receptions",
    )
    .await;
    assert!(!browser.has(&format!("tr[data-reception-id='{id}']")).await);
    browser
        .goto(&app.url(&format!("/console/receptions/{id}")))
        .await;
    assert!(browser.text("#error-message").await.contains("没有找到"));
    browser.goto(&app.url("/console")).await;
    browser.click("form.logout button").await;
    // A handler records none.
    log_in(&browser, &app, &demo.handler, "/console/receptions").await;
    assert!(browser.text("#error-message").await.contains("不能"));
    browser
        .shoot(&format!("receptions-forbidden-{}", name(&backend)))
        .await;
    browser.close().await;
}

async fn the_roster_page_sets_the_reception_days(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let page = visitor.get("/console/stations/1/roster").await;
    assert_eq!(page.status, 200, "{}", page.html);
    // The demo's market days, as lines to change.
    assert!(page.html.contains("周二 08:00-12:00"), "{}", page.html);
    let csrf = page.csrf();
    let bad = visitor
        .post(
            "/console/stations/1/reception-days",
            &[("csrf", &csrf), ("days", "周三 12:00-08:00")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("周三 12:00-08:00"));
    assert!(bad.html.contains("结束时间须晚于开始时间"));
    let saved = visitor
        .post(
            "/console/stations/1/reception-days",
            &[
                ("csrf", &csrf),
                ("days", "周三 08:00-11:00\n2030-01-02 09:00-10:00"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let days = app
        .get("/api/v1/stations/1/reception-days", None)
        .await
        .expect(200)
        .body;
    assert_eq!(days["days"][0]["weekday"], "wednesday");
    assert_eq!(days["days"][1]["date"], "2030-01-02");
    let page = visitor.get("/console/stations/1/roster").await;
    assert!(page.html.contains("id=\"next-reception-day\""));

    // A deputy of the station reads them without the form; another station's admin may not
    // change them.
    let mut deputy = Visitor::new(&app);
    deputy.log_in(&demo.deputy).await;
    let read = deputy.get("/console/stations/1/roster").await;
    assert!(read.html.contains("周三 08:00-11:00"));
    assert!(!read
        .html
        .contains("action=\"/console/stations/1/reception-days\""));
    let mut other = Visitor::new(&app);
    other.log_in(&demo.other_station_admin).await;
    let own = other.get("/console/stations/2/roster").await;
    let refused = other
        .post(
            "/console/stations/1/reception-days",
            &[("csrf", &own.csrf()), ("days", "")],
        )
        .await;
    assert_eq!(refused.status, 403);
    let days = app
        .get("/api/v1/stations/1/reception-days", None)
        .await
        .expect(200)
        .body;
    assert_eq!(days["days"].as_array().unwrap().len(), 2);
}
