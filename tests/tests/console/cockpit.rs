//! The cockpit (驾驶舱) in the browser: the county admin's figures, rates against the period
//! before, lights, and charts with their numbers; a township admin's over its stations; others
//! are offered no cockpit and refused it.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    the_county_admin_reads_the_cockpit_of_a_period,
    a_township_admin_s_cockpit_is_its_township_s_and_others_have_none,
);

async fn the_county_admin_reads_the_cockpit_of_a_period(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-cockpit").await;
    for station in [1, 1, 2] {
        app.raise_at(&resident, station).await;
    }
    log_in(&browser, &app, &demo.county_admin, "/console").await;
    browser.click("#nav-cockpit").await;
    assert_eq!(browser.path().await, "/console/cockpit");
    assert_eq!(browser.text("#cockpit-received .count").await, "3");
    // Three rates, each against the period before.
    for rate in ["response", "resolution", "satisfaction"] {
        assert!(browser.has(&format!("#rate-{rate}")).await, "{rate}");
    }
    // The lights count every open case once: all three are green, just raised.
    let lights = browser.text("#cockpit-lights").await;
    assert!(lights.contains("绿灯") && lights.contains("3"), "{lights}");
    // Charts drawn on the server, the numbers below them.
    assert!(browser.has("#cockpit-months svg polyline.received").await);
    assert!(browser.text("#cockpit-months-table").await.contains("3"));
    assert!(browser.has("#cockpit-categories svg rect.bar").await);
    let category = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body["items"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(browser
        .text("#cockpit-categories-table")
        .await
        .contains(&category));
    let stations = browser.text("#cockpit-stations").await;
    let first = app.get("/api/v1/stations/1", None).await.expect(200).body;
    assert!(
        stations.contains(first["name"].as_str().unwrap()),
        "{stations}"
    );
    // No case was handed to a department yet: the ranking says so.
    assert!(browser
        .text("#cockpit-departments")
        .await
        .contains("本期没有交办"));
    browser.shoot(&format!("cockpit-{}", name(&backend))).await;

    // Another period: the first quarter of this year holds none of today's cases (unless
    // today is in it).
    let today = chrono::Utc::now().date_naive();
    let quarter = if today.format("%m").to_string().as_str() <= "03" {
        "4"
    } else {
        "1"
    };
    browser.select("#p-quarter", quarter).await;
    browser.click("#period button[type='submit']").await;
    assert!(browser.path().await.contains(&format!("quarter={quarter}")));
    assert_eq!(browser.text("#cockpit-received .count").await, "0");
    browser.close().await;
}

async fn a_township_admin_s_cockpit_is_its_township_s_and_others_have_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-cockpit-township").await;
    app.raise_at(&resident, 1).await;
    app.raise_at(&resident, 2).await;
    // 出山镇's admin counts station 2's case, not station 1's.
    let mut township = Visitor::new(&app);
    township.log_in(&demo.township_admin).await;
    let page = township.get("/console/cockpit").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"nav-cockpit\""));
    let received = page.html.find("id=\"cockpit-received\"").unwrap();
    assert!(
        page.html[received..].starts_with("id=\"cockpit-received\"><span class=\"count\">1<"),
        "{}",
        &page.html[received..received + 80]
    );
    let bad = township.get("/console/cockpit?year=abc").await;
    assert_eq!(bad.status, 422);
    // Station admins, deputies and departments: no link, and the 403 page.
    for phone in [&demo.station_admin, &demo.deputy, &demo.handler] {
        let mut staff = Visitor::new(&app);
        staff.log_in(phone).await;
        let home = staff.get("/console").await;
        assert!(!home.html.contains("nav-cockpit"), "{phone}");
        assert_eq!(staff.get("/console/cockpit").await.status, 403, "{phone}");
    }
}
