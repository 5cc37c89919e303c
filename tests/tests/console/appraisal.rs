//! The department appraisal page in the browser: the county admin reaches it from the
//! departments page, reads the ranked table for this year and another period; a deputy gets
//! the refusal page.

use chrono::{Datelike, Utc};
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::json;

use crate::browser::{log_in, name};

on_every_backend!(the_county_admin_reads_the_department_appraisal_and_a_deputy_is_refused);

async fn the_county_admin_reads_the_department_appraisal_and_a_deputy_is_refused(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let handler = app.login(&demo.handler).await;
    let department = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    app.on_duty(&admin, &[deputy_id]).await;
    // One round this year: handed over, reported back on in time, rated satisfied by both.
    let resident = app.resident("console-appraisal").await;
    let id = app.raise(&resident).await;
    let steps = [
        (&deputy, "accept", json!({})),
        (&deputy, "assign", json!({"department_id": department})),
        (&handler, "handle", json!({"content": "已修复"})),
        (
            &deputy,
            "resolve",
            json!({"summary": "已修复", "outcome": "implemented"}),
        ),
        (&deputy, "department-rating", json!({"rating": "satisfied"})),
        (&resident, "rate", json!({"rating": "satisfied"})),
    ];
    for (token, step, body) in steps {
        app.post(&format!("/api/v1/cases/{id}/{step}"), Some(token), body)
            .await
            .expect(200);
    }

    log_in(&browser, &app, &demo.county_admin, "/console/departments").await;
    browser.click("#appraisal-link").await;
    assert_eq!(browser.path().await, "/console/departments/appraisal");
    let row = format!("#appraisal tr[data-department-id='{department}']");
    assert_eq!(browser.text(&format!("{row} .rank")).await, "1");
    assert_eq!(browser.text(&format!("{row} .assigned")).await, "1");
    assert_eq!(browser.text(&format!("{row} .on-time")).await, "1");
    assert_eq!(browser.text(&format!("{row} .score")).await, "100.0");
    assert_eq!(browser.text(&format!("{row} .mark")).await, "前五名");
    assert_eq!(browser.attr(&row, "data-mark").await, "top");
    // The others had no round: listed, unranked, unmarked.
    assert!(
        !browser
            .has("#appraisal tbody tr:nth-child(2)[data-mark]")
            .await
    );
    assert_eq!(
        browser.text("#appraisal tbody tr:nth-child(2) .rank").await,
        "未参与排名"
    );
    let year = Utc::now().year();
    assert!(browser
        .text("#appraisal-period")
        .await
        .contains(&format!("{year}-01-01 至")));
    browser
        .shoot(&format!("appraisal-{}", name(&backend)))
        .await;

    // Last year's first quarter: nothing handed over then.
    browser.select("#p-year", &(year - 1).to_string()).await;
    browser.select("#p-quarter", "1").await;
    browser.click("#period button[type='submit']").await;
    assert!(browser.text("#appraisal-period").await.contains(&format!(
        "{}-01-01 至 {}-03-31",
        year - 1,
        year - 1
    )));
    assert_eq!(browser.text(&format!("{row} .rank")).await, "未参与排名");
    assert!(!browser.has("#appraisal tr[data-mark]").await);
    // A quarter and a month at once comes back beside the month.
    browser.select("#p-month", "2").await;
    browser.click("#period button[type='submit']").await;
    assert!(browser.has("[data-field='month']").await);
    assert!(!browser.has("#appraisal").await);
    browser.close().await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    log_in(
        &browser,
        &app,
        &demo.deputy,
        "/console/departments/appraisal",
    )
    .await;
    assert!(browser.text("#error-message").await.contains("不能"));
    browser
        .shoot(&format!("appraisal-forbidden-{}", name(&backend)))
        .await;
    browser.close().await;
}
