//! The performance record and stars in the browser: the county admin publishes a scoring
//! scheme (a falling set of thresholds comes back beside its field, typed values kept), opens
//! a deputy's record and sees the breakdown and the stars, and the ranking; a station admin
//! has no form and is refused a publication; the cockpit shows the deputies' stars.

use chrono::{Datelike, Utc};
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::json;

use crate::browser::{log_in, name};

on_every_backend!(the_county_admin_publishes_a_scheme_and_reads_a_deputys_stars);

async fn the_county_admin_publishes_a_scheme_and_reads_a_deputys_stars(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let on_duty = app.deputy_on_duty(&demo).await;
    let deputy_id = on_duty.deputy_id;
    // At least one case accepted this year, so the record has something to score.
    let resident = app.resident("console-performance").await;
    let case = app.raise(&resident).await;
    app.post(
        &format!("/api/v1/cases/{case}/accept"),
        Some(&on_duty.deputy),
        json!({}),
    )
    .await
    .expect(200);
    let year = Utc::now().year().to_string();

    log_in(&browser, &app, &demo.county_admin, "/console/deputies").await;
    browser.click("#schemes-link").await;
    assert_eq!(browser.path().await, "/console/scoring-schemes");
    assert!(browser.has("#no-scheme").await);
    browser.fill("#scheme-year", &year).await;
    browser.fill("#scheme-cases_accepted", "5").await;
    browser.fill("#scheme-cases_resolved", "10").await;
    browser.fill("#scheme-thresholds", "50,40,30,20,10").await;
    browser.click("#scheme button[type='submit']").await;
    assert!(browser
        .text("#scheme-thresholds-error")
        .await
        .contains("逐级升高"));
    // Nothing typed is lost.
    assert_eq!(browser.value("#scheme-cases_accepted").await, "5");
    assert_eq!(browser.value("#scheme-thresholds").await, "50,40,30,20,10");
    browser
        .shoot(&format!("scoring-scheme-refused-{}", name(&backend)))
        .await;

    browser
        .fill("#scheme-thresholds", "5,100000,200000,300000,400000")
        .await;
    browser.click("#scheme button[type='submit']").await;
    assert!(
        browser
            .has("#scoring-schemes tr[data-version='1'][data-in-force]")
            .await
    );
    assert_eq!(
        browser
            .text("#scoring-schemes tr[data-version='1'] .thresholds")
            .await,
        "5, 100000, 200000, 300000, 400000"
    );
    browser
        .shoot(&format!("scoring-schemes-{}", name(&backend)))
        .await;

    browser
        .goto(&app.url(&format!("/console/deputies/{deputy_id}/performance")))
        .await;
    let accepted = "#breakdown tr[data-item='cases_accepted']";
    let count: i64 = browser
        .text(&format!("{accepted} .count"))
        .await
        .parse()
        .unwrap();
    assert!(count >= 1);
    assert_eq!(browser.text(&format!("{accepted} .weight")).await, "5");
    assert_eq!(
        browser.text(&format!("{accepted} .points")).await,
        (count * 5).to_string()
    );
    // Between 5 and 100000 points: one star of five.
    assert!(browser.text("#stars").await.contains("★☆☆☆☆"));
    browser
        .shoot(&format!("performance-record-{}", name(&backend)))
        .await;

    browser.click("#ranking-link").await;
    assert_eq!(
        browser.path().await,
        format!("/console/deputies/performance?year={year}")
    );
    let row = format!("#ranking tr[data-deputy-id='{deputy_id}']");
    assert!(browser.has(&row).await);
    assert_eq!(browser.text(&format!("{row} .stars")).await, "★☆☆☆☆");
    browser
        .shoot(&format!("performance-ranking-{}", name(&backend)))
        .await;

    browser.goto(&app.url("/console/cockpit")).await;
    assert!(browser.text("#cockpit-stars").await.contains("★☆☆☆☆"));
    browser.close().await;

    // A station admin reads the schemes but has no form, and a post of one is refused.
    let Some(browser) = Browser::start().await else {
        return;
    };
    log_in(
        &browser,
        &app,
        &demo.station_admin,
        "/console/scoring-schemes",
    )
    .await;
    assert!(browser.has("#scoring-schemes").await);
    assert!(!browser.has("#scheme").await);
    browser
        .run(
            "const f = document.createElement('form'); f.method = 'post'; \
             f.action = '/console/scoring-schemes'; \
             const c = document.createElement('input'); c.name = 'csrf'; \
             c.value = document.querySelector('input[name=csrf]').value; f.appendChild(c); \
             document.body.appendChild(f); f.submit();",
            vec![],
        )
        .await;
    assert!(browser.text("#error-message").await.contains("不能"));
    browser
        .shoot(&format!("scoring-scheme-forbidden-{}", name(&backend)))
        .await;
    browser.close().await;
}
