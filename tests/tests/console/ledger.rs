//! The ledger (台账) from the console: the queue offers an admin the download of its filter;
//! others are offered none and refused the file.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    an_admin_downloads_the_ledger_of_the_queue_s_filter,
    deputies_and_departments_get_no_ledger,
);

async fn an_admin_downloads_the_ledger_of_the_queue_s_filter(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-ledger").await;
    let case = app.raise(&resident).await;
    let number = app
        .get(&format!("/api/v1/cases/{case}"), Some(&resident))
        .await
        .expect(200)
        .body["number"]
        .as_str()
        .unwrap()
        .to_owned();

    log_in(&browser, &app, &demo.county_admin, "/console/cases").await;
    browser.select("#f-status", "submitted").await;
    browser.click("#filters button[type='submit']").await;
    assert!(browser.has("#ledger").await);
    let csv = browser.attr("#ledger-csv", "href").await;
    let xlsx = browser.attr("#ledger-xlsx", "href").await;
    assert!(
        csv.contains("/console/ledger.csv?") && csv.contains("status=submitted"),
        "{csv}"
    );
    assert!(
        xlsx.contains("/console/ledger.xlsx?") && xlsx.contains("status=submitted"),
        "{xlsx}"
    );
    browser
        .shoot(&format!("queue-ledger-{}", name(&backend)))
        .await;
    browser.close().await;

    // The links answer the files, with the session's cookie.
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let path = |link: &str| link[link.find("/console").unwrap()..].to_owned();
    let file = admin.get(&path(&csv)).await;
    assert_eq!(file.status, 200);
    assert!(file.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(
        file.html.starts_with('\u{feff}'),
        "UTF-8 with a byte-order mark"
    );
    assert!(
        file.html.contains("编号") && file.html.contains(&number),
        "{}",
        file.html
    );
    let workbook = admin.get(&path(&xlsx)).await;
    assert_eq!(workbook.status, 200);
    assert!(workbook.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    // A filter that is not one is the error page, with the field's message.
    let wrong = admin.get("/console/ledger.csv?status=open").await;
    assert_eq!(wrong.status, 422);
}

async fn deputies_and_departments_get_no_ledger(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    for phone in [&demo.deputy, &demo.handler] {
        let mut staff = Visitor::new(&app);
        staff.log_in(phone).await;
        let queue = staff.get("/console/cases").await;
        assert_eq!(queue.status, 200);
        assert!(!queue.html.contains("id=\"ledger\""), "no download offered");
        for file in ["/console/ledger.csv", "/console/ledger.xlsx"] {
            assert_eq!(staff.get(file).await.status, 403, "{file}");
        }
    }
    // Without a session, the login.
    let mut anonymous = Visitor::new(&app);
    let page = anonymous.get("/console/ledger.csv").await;
    assert!(page.status.is_redirection(), "{}", page.status);
}
