//! Rounds of work in the console, in headless Chromium: the resolve form's outcome, the
//! deputy's rating of the department, the re-assignment queue and its form; and who is not
//! offered them (the deputy does not re-assign, the handler does not rate).

use chrono::{Duration, Utc};
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::json;

use crate::browser::{log_in, name};

on_every_backend!(a_case_goes_round_again_through_the_re_assignment_queue);

async fn a_case_goes_round_again_through_the_re_assignment_queue(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let duty = app.deputy_on_duty(&demo).await;
    let handler = app.login(&demo.handler).await;
    let department = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    let resident = app.resident("console-rounds").await;
    let id = app.raise(&resident).await;
    let step = |token: &str, action: &str, body: serde_json::Value| {
        let path = format!("/api/v1/cases/{id}/{action}");
        let (app, token) = (&app, token.to_owned());
        async move { app.post(&path, Some(&token), body).await.expect(200) }
    };
    step(&duty.deputy, "accept", json!({})).await;
    step(&duty.deputy, "assign", json!({"department_id": department})).await;
    step(&handler, "handle", json!({"content": "已更换灯泡"})).await;
    let case_page = format!("/console/cases/{id}");

    // The deputy resolves with an outcome: a plan needs its date, kept with what was typed.
    log_in(&browser, &app, &demo.deputy, &case_page).await;
    browser
        .fill("#resolve-summary", "已列入明年路灯改造计划")
        .await;
    browser.select("#resolve-outcome", "planned").await;
    browser.click("#step-resolve button[type='submit']").await;
    assert!(browser.text("#step-resolve").await.contains("请填写此项"));
    assert_eq!(browser.value("#resolve-outcome").await, "planned");
    browser
        .shoot(&format!("case-outcome-error-{}", name(&backend)))
        .await;
    let on = (Utc::now() + Duration::days(90)).date_naive().to_string();
    browser.set_value("#resolve-planned_on", &on).await;
    browser.click("#step-resolve button[type='submit']").await;
    assert!(browser.text("#case-status").await.contains("已办结"));
    assert!(browser.text("#timeline").await.contains("列入计划"));
    assert!(browser.text("#timeline").await.contains(&on));

    // The deputy rates the department, once.
    browser
        .select("#rate_department-rating", "basically_satisfied")
        .await;
    browser
        .shoot(&format!("case-rate-department-{}", name(&backend)))
        .await;
    browser
        .click("#step-rate_department button[type='submit']")
        .await;
    assert!(!browser.has("#step-rate_department").await, "rated once");
    browser.click("form.logout button").await;

    // The resident is not satisfied: the case waits in the re-assignment queue.
    step(&resident, "rate", json!({"rating": "unsatisfied"})).await;

    // The deputy and the station's admin see it wait, and are not offered to re-assign it.
    for phone in [&demo.deputy, &demo.station_admin] {
        log_in(&browser, &app, phone, &case_page).await;
        assert!(browser.text("#case-status").await.contains("待重新交办"));
        assert!(!browser.has("#step-reassign").await, "{phone}");
        browser.click("form.logout button").await;
    }

    // The county admin finds it in the queue's tab and hands it to the department again.
    log_in(&browser, &app, &demo.county_admin, "/console/cases").await;
    browser.click("#tab-reassignment").await;
    assert!(browser.has(&format!("tr[data-case-id='{id}']")).await);
    browser
        .shoot(&format!("queue-reassignment-{}", name(&backend)))
        .await;
    browser.goto(&app.url(&case_page)).await;
    browser
        .select("#reassign-department_id", &department.to_string())
        .await;
    browser.click("#step-reassign button[type='submit']").await;
    assert!(
        browser.text("#step-reassign").await.contains("请填写此项"),
        "a new deadline"
    );
    let by = (Utc::now() + Duration::days(7)).date_naive().to_string();
    browser.set_value("#reassign-resolve_by", &by).await;
    browser.click("#step-reassign button[type='submit']").await;
    assert!(browser.text("#case-status").await.contains("已交办"));
    assert!(browser.text("#timeline").await.contains("轮次 2"));
    browser
        .shoot(&format!("case-reassigned-{}", name(&backend)))
        .await;
    browser.click("form.logout button").await;

    // The handler works the second round, and is never offered to rate anyone.
    log_in(&browser, &app, &demo.handler, &case_page).await;
    assert!(browser.has("#step-handle").await);
    assert!(!browser.has("#step-rate_department").await);
    browser.close().await;
}
