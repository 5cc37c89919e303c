//! `liaison seed --cases N`, the benchmark's seeder: the cases it writes are whole cases of the
//! county, seen through the same API as raised ones: in the queue, counted by the figures, each
//! with a timeline, and a second run adds to the first without reusing a number.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::Value;

on_every_backend!(seeded_cases_are_cases_of_the_county_and_a_second_run_adds_to_the_first);

/// Every case the county admin oversees, page by page.
async fn every_case(app: &TestApp, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(&format!("/api/v1/cases?limit=100{cursor}"), Some(token))
            .await
            .expect(200);
        items.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return items,
        }
    }
}

async fn seeded_cases_are_cases_of_the_county_and_a_second_run_adds_to_the_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = Utc::now();
    let seeded = liaison_api::seed::seed(app.db(), &app.settings, 240, now)
        .await
        .unwrap();
    assert_eq!(seeded.cases, 240);
    assert!(
        seeded.events > seeded.cases,
        "each case has its raising and more"
    );
    assert!(seeded.residents >= 1);

    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let cases = every_case(&app, &county).await;
    assert_eq!(cases.len(), 240);
    let statuses: BTreeSet<&str> = cases
        .iter()
        .map(|case| case["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.len() >= 4,
        "spread over the lifecycle: {statuses:?}"
    );
    let stations: BTreeSet<i64> = cases
        .iter()
        .map(|case| case["station_id"].as_i64().unwrap())
        .collect();
    assert!(
        stations.len() > 4,
        "beyond the demo's stations: {stations:?}"
    );

    // A year of cases, all counted by the figures of that year.
    let from = (now - Duration::days(365)).date_naive();
    let to = now.date_naive();
    let figures = app
        .get(&format!("/api/v1/stats?from={from}&to={to}"), Some(&county))
        .await
        .expect(200);
    assert_eq!(figures.body["total"]["received"], 240, "{}", figures.body);
    assert!(figures.body["total"]["resolved"].as_u64().unwrap() > 0);

    let oldest = cases.iter().map(|case| case["id"].as_i64().unwrap()).min();
    let oldest = app
        .get(&format!("/api/v1/cases/{}", oldest.unwrap()), Some(&county))
        .await
        .expect(200);
    let events = oldest.body["events"].as_array().unwrap();
    assert_eq!(events[0]["kind"], "submitted", "{}", oldest.body);
    assert!(
        events.len() > 1,
        "a year old, it has moved on: {}",
        oldest.body
    );

    liaison_api::seed::seed(app.db(), &app.settings, 10, now)
        .await
        .unwrap();
    let cases = every_case(&app, &county).await;
    assert_eq!(cases.len(), 250);
    let numbers: BTreeSet<&str> = cases
        .iter()
        .map(|case| case["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 250, "no number given twice");
}
