//! The console for township admins: made by a county admin's form, they run the stations of
//! their township from the same pages, and are offered nothing outside it.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};

use crate::browser::{log_in, name};
use crate::{options, Visitor};

on_every_backend!(
    the_forms_offer_a_township_admin_only_what_lies_in_its_township,
    in_the_browser_a_county_admin_makes_a_township_admin_who_runs_its_township,
);

/// The ids of the demo regions named `names`, as strings, in that order.
async fn regions(app: &liaison_tests::TestApp, names: &[&str]) -> Vec<String> {
    let page = app
        .get("/api/v1/regions?county_id=1&limit=100", None)
        .await
        .expect(200);
    let all = page.body["items"].as_array().unwrap().clone();
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|r| r["name"] == *name)
                .unwrap_or_else(|| panic!("no region {name}"))["id"]
                .to_string()
        })
        .collect()
}

async fn the_forms_offer_a_township_admin_only_what_lies_in_its_township(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;

    let mut county = Visitor::new(&app);
    county.log_in(&demo.county_admin).await;
    let form = county.get("/console/accounts/new").await;
    assert!(options(&form.html, "role").contains(&"township_admin".to_owned()));
    let townships = regions(&app, &["柏城街道", "出山镇", "专探乡", "杨庄乡"]).await;
    assert_eq!(options(&form.html, "region_id"), townships);

    let mut township = Visitor::new(&app);
    township.log_in(&demo.township_admin).await;
    let form = township.get("/console/accounts/new").await;
    assert_eq!(form.status, 200);
    assert_eq!(
        options(&form.html, "role"),
        ["deputy", "station_admin"],
        "no township, handler or county account"
    );
    assert!(!form.html.contains("name=\"region_id\""));
    let stations = township.get("/console/stations/new").await;
    assert_eq!(stations.status, 200);
    assert_eq!(
        options(&stations.html, "region_id"),
        regions(&app, &["出山镇", "出山村", "棠溪村"]).await
    );
    assert_eq!(township.get("/console/stations/2/edit").await.status, 200);
    assert_eq!(township.get("/console/stations/1/edit").await.status, 403);
    // Webhooks and deliveries stay the county's.
    assert_eq!(township.get("/console/webhooks").await.status, 403);
}

async fn in_the_browser_a_county_admin_makes_a_township_admin_who_runs_its_township(
    backend: Backend,
) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("township-console").await;
    let ours = app.raise_at(&resident, 3).await;
    let theirs = app.raise_at(&resident, 1).await;
    let shoot = |page: &str| format!("{page}-{}", name(&backend));
    let zhuantan = regions(&app, &["专探乡"]).await.remove(0);

    log_in(&browser, &app, &demo.county_admin, "/console/accounts/new").await;
    browser.select("#account-role", "township_admin").await;
    browser.fill("#account-name", "专探乡人大").await;
    browser.fill("#account-phone", "13900008888").await;
    browser.fill("#account-password", "long enough 1").await;
    browser.select("#account-region_id", &zhuantan).await;
    browser.shoot(&shoot("account-township")).await;
    browser.click("#account button[type='submit']").await;
    assert!(browser.text("main").await.contains("账号已创建"));
    browser.click("form.logout button").await;

    // The new township admin sees the case of 专探村's station, and not station 1's.
    browser.goto(&app.url("/console/cases")).await;
    browser.fill("#phone", "13900008888").await;
    browser.fill("#password", "long enough 1").await;
    browser.click("#login-submit").await;
    browser.wait_for("#live-queue").await;
    assert!(browser.has(&format!("[data-case-id='{ours}']")).await);
    assert!(!browser.has(&format!("[data-case-id='{theirs}']")).await);
    assert!(browser.text(".who").await.contains("乡镇人大"));
    browser.shoot(&shoot("queue-township")).await;
    assert!(!browser.has("nav.side a[href='/console/webhooks']").await);
}
