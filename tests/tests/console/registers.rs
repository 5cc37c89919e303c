//! The five registers (五簿) in the browser: a deputy adds an activity from their navigation
//! (a bad form comes back with the message and the typed values), their station's admin
//! verifies it, and the deputy can no longer edit it; another station's admin cannot open the
//! page; the printable page holds all five registers.

use chrono::Utc;
use liaison_domain::clock::local_day;
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};

use crate::browser::{log_in, name};

on_every_backend!(a_deputy_adds_an_activity_an_admin_verifies_it_and_it_no_longer_changes);

/// Opens the `<details>` `css` selects, as a reader's click on its summary would.
async fn open(browser: &Browser, css: &str) {
    browser
        .run(
            "document.querySelector(arguments[0]).open = true;",
            vec![serde_json::json!(css)],
        )
        .await;
}

async fn a_deputy_adds_an_activity_an_admin_verifies_it_and_it_no_longer_changes(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let page = format!("/console/deputies/{deputy_id}/registers");
    let today = local_day(Utc::now()).to_string();

    log_in(&browser, &app, &demo.deputy, "/console").await;
    browser.click("#nav-registers").await;
    assert_eq!(browser.path().await, page);
    for heading in [
        "年度述职登记簿",
        "代表接待选民登记簿",
        "代表履职情况登记簿",
        "代表参加活动登记簿",
        "代表提出议案、建议、批评和意见登记簿",
    ] {
        assert!(browser.text("main").await.contains(heading), "{heading}");
    }
    // Without a title the form comes back, the kind chosen still chosen.
    open(&browser, "#register-activity details.add").await;
    browser.set_value("#add-activity-date", &today).await;
    browser
        .select("#add-activity-activity_kind", "training")
        .await;
    browser.fill("#add-activity-detail", "县委党校,全天").await;
    browser.click("#add-activity button[type='submit']").await;
    assert!(browser.has("#add-activity [data-field='title']").await);
    assert_eq!(
        browser.value("#add-activity-activity_kind").await,
        "training"
    );
    assert_eq!(browser.value("#add-activity-detail").await, "县委党校,全天");
    browser
        .shoot(&format!("registers-invalid-{}", name(&backend)))
        .await;
    browser
        .fill("#add-activity-title", "参加县人大代表履职培训")
        .await;
    browser.click("#add-activity button[type='submit']").await;
    assert_eq!(browser.text("#registers-notice").await, "已添加。");
    let row = "#register-activity tr.entry[data-source='manual']";
    assert_eq!(
        browser.text(&format!("{row} .title")).await,
        "参加县人大代表履职培训"
    );
    assert_eq!(browser.text(&format!("{row} .state")).await, "未核实");
    assert!(browser.has(&format!("{row} details.edit")).await);
    // The deputy does not verify their own entry.
    assert!(!browser.has(&format!("{row} button.verify")).await);
    // Editing it: a field emptied in the form is cleared, not kept.
    let edit = format!("#edit-{}", browser.attr(row, "data-entry-id").await);
    open(&browser, &format!("{row} details.edit")).await;
    assert_eq!(
        browser.value(&format!("{edit}-detail")).await,
        "县委党校,全天"
    );
    browser.fill(&format!("{edit}-detail"), "").await;
    browser
        .click(&format!("{edit} button[type='submit']"))
        .await;
    assert_eq!(browser.text("#registers-notice").await, "已保存。");
    assert_eq!(browser.text(&format!("{row} td.detail")).await, "");
    browser
        .shoot(&format!("registers-deputy-{}", name(&backend)))
        .await;
    browser.close().await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    log_in(&browser, &app, &demo.station_admin, "/console/deputies").await;
    browser
        .click(&format!("a.deputy-registers[href='{page}']"))
        .await;
    assert_eq!(browser.path().await, page);
    browser.click(&format!("{row} button.verify")).await;
    assert_eq!(browser.text("#registers-notice").await, "已核实。");
    assert_eq!(browser.text(&format!("{row} .state")).await, "已核实");
    assert!(!browser.has(&format!("{row} button.verify")).await);
    browser
        .shoot(&format!("registers-verified-{}", name(&backend)))
        .await;
    // The printable page: no navigation, the five registers with headings.
    browser.click("#registers-print").await;
    assert!(browser.path().await.contains("/registers/print"));
    assert!(!browser.has("nav.side").await);
    assert!(browser.text("#print-heading").await.contains("五簿"));
    assert!(browser
        .text("#print-activity")
        .await
        .contains("参加县人大代表履职培训"));
    assert!(browser.has("#print-proposal h2").await);
    // Its stylesheet applies (the pages' policy refuses inline style): the tables are ruled.
    browser
        .run(
            "document.body.dataset.ruled = getComputedStyle(document.querySelector('#print-activity td')).borderTopStyle",
            vec![],
        )
        .await;
    assert_eq!(browser.attr("body", "data-ruled").await, "solid");
    browser
        .shoot(&format!("registers-print-{}", name(&backend)))
        .await;
    browser.close().await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    log_in(&browser, &app, &demo.deputy, &page).await;
    assert_eq!(browser.text(&format!("{row} .state")).await, "已核实");
    assert!(!browser.has(&format!("{row} details.edit")).await);
    browser.close().await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    log_in(&browser, &app, &demo.other_station_admin, &page).await;
    assert!(browser.has("#error-message").await);
    assert!(!browser.has("#register-activity").await);
    browser
        .shoot(&format!("registers-forbidden-{}", name(&backend)))
        .await;
    browser.close().await;
}
