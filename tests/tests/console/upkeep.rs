//! Saved replies, a deputy's own code and the catalogue's upkeep in the console: over HTTP for
//! every form and refusal, and in the browser as their users work.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::json;

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    a_station_admin_keeps_saved_replies_and_fills_a_reply_with_one,
    who_does_not_keep_a_saved_reply_reads_it_or_not_at_all,
    a_county_admin_renames_deactivates_and_limits_the_catalogue,
    a_deputys_code_is_printed_for_the_deputy_and_the_admins_of_their_stations,
    in_the_browser_saved_replies_codes_and_the_catalogue,
);

fn once_of(html: &str) -> String {
    let marker = "name=\"once\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no once in {html}"))
        + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// Saves a reply for station 1 as its admin over the API; answers its id.
async fn saved_for_station_1(app: &TestApp, admin: &str, title: &str) -> i64 {
    app.post(
        "/api/v1/reply-templates",
        Some(admin),
        json!({"station_id": 1, "title": title, "body": format!("{title}：我们已收到，正在办理。")}),
    )
    .await
    .expect(201)
    .id()
}

async fn a_station_admin_keeps_saved_replies_and_fills_a_reply_with_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let page = visitor.get("/console/reply-templates").await;
    assert_eq!(page.status, 200, "{}", page.html);
    let (csrf, once) = (page.csrf(), once_of(&page.html));
    // A station admin saves for their own station only: no county-wide choice.
    assert!(!page.html.contains("<option value=\"\""), "{}", page.html);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("once", once.as_str()),
        ("station_id", "1"),
        ("title", "已转交"),
        ("body", ""),
    ];
    let refused = visitor.post("/console/reply-templates", &form).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.html.contains("reply-template-body-error"),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("value=\"已转交\""), "kept as typed");
    form[4].1 = "您反映的问题已转交承办单位，请耐心等待。";
    let done = visitor.post("/console/reply-templates", &form).await;
    assert_eq!(
        (done.status.as_u16(), done.location()),
        (303, "/console/reply-templates?done=1")
    );
    let list = visitor.get("/console/reply-templates").await;
    assert!(list.html.contains("已转交"), "{}", list.html);
    let id = app
        .get(
            "/api/v1/reply-templates",
            Some(&app.login(&demo.station_admin).await),
        )
        .await
        .expect(200)
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();

    // Edited: the form again on a bad title, then saved.
    let path = format!("/console/reply-templates/{id}");
    let edit = visitor.get(&path).await;
    assert_eq!(edit.status, 200);
    let bad = visitor
        .post(
            &path,
            &[("csrf", &csrf), ("title", ""), ("body", "新的答复")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("新的答复"));
    let saved = visitor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("title", "转交承办"),
                ("body", "已转交承办单位。"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);

    // The case page offers it; choosing it fills the reply's text, without a script.
    let resident = app.resident("o-console-saved-reply").await;
    let case = app.raise(&resident).await;
    let page = visitor.get(&format!("/console/cases/{case}")).await;
    assert!(page.html.contains("id=\"reply-template\""), "{}", page.html);
    assert!(page.html.contains("转交承办"));
    let filled = visitor
        .get(&format!("/console/cases/{case}?template={id}"))
        .await;
    assert_eq!(filled.status, 200);
    assert!(
        filled.html.contains(">已转交承办单位。</textarea>"),
        "{}",
        filled.html
    );
    assert_eq!(
        visitor
            .get(&format!("/console/cases/{case}?template=999"))
            .await
            .status,
        404
    );

    // Deleted after a confirmation.
    let confirm = visitor.get(&format!("{path}/delete")).await;
    assert_eq!(confirm.status, 200);
    let gone = visitor
        .post(&format!("{path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(gone.status, 303);
    assert_eq!(visitor.get(&path).await.status, 404);
}

async fn who_does_not_keep_a_saved_reply_reads_it_or_not_at_all(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let id = saved_for_station_1(&app, &admin, "一站专用").await;
    let path = format!("/console/reply-templates/{id}");

    // The deputy at station 1 reads it, with no form and no link to change it.
    let mut deputy = Visitor::new(&app);
    deputy.log_in(&demo.deputy).await;
    let list = deputy.get("/console/reply-templates").await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains("一站专用"));
    assert!(!list.html.contains(&format!("href=\"{path}\"")));
    assert!(!list.html.contains("name=\"once\""));
    assert_eq!(deputy.get(&path).await.status, 403);
    let csrf = list.csrf();
    let posted = deputy
        .post(&path, &[("csrf", &csrf), ("title", "改"), ("body", "改")])
        .await;
    assert_eq!(posted.status, 403);
    let created = deputy
        .post(
            "/console/reply-templates",
            &[
                ("csrf", &csrf),
                ("once", "x"),
                ("station_id", "1"),
                ("title", "t"),
                ("body", "b"),
            ],
        )
        .await;
    assert_eq!(created.status, 403);

    // Station 2's admin does not see station 1's at all.
    let mut other = Visitor::new(&app);
    other.log_in(&demo.other_station_admin).await;
    let list = other.get("/console/reply-templates").await;
    assert!(!list.html.contains("一站专用"));
    assert_eq!(other.get(&path).await.status, 404);
    assert_eq!(other.get(&format!("{path}/delete")).await.status, 404);
    let csrf = list.csrf();
    assert_eq!(
        other
            .post(&format!("{path}/delete"), &[("csrf", &csrf)])
            .await
            .status,
        404
    );
    let still = app
        .get("/api/v1/reply-templates", Some(&admin))
        .await
        .expect(200);
    assert_eq!(still.body["items"][0]["title"], "一站专用");
}

async fn a_county_admin_renames_deactivates_and_limits_the_catalogue(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let category = app
        .get("/api/v1/categories?county_id=1", None)
        .await
        .expect(200)
        .body["items"][0]
        .clone();
    let (category_id, department_id) = (
        category["id"].as_i64().unwrap(),
        category["department_id"].as_i64().unwrap(),
    );
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.county_admin).await;
    let list = visitor.get("/console/departments").await;
    assert!(
        list.html
            .contains(&format!("href=\"/console/categories/{category_id}\"")),
        "{}",
        list.html
    );
    let csrf = list.csrf();

    let path = format!("/console/departments/{department_id}");
    assert_eq!(visitor.get(&path).await.status, 200);
    let bad = visitor
        .post(&path, &[("csrf", &csrf), ("name", ""), ("active", "false")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("department-name-error"), "{}", bad.html);
    let done = visitor
        .post(
            &path,
            &[("csrf", &csrf), ("name", "县交通局"), ("active", "false")],
        )
        .await;
    assert_eq!(
        (done.status.as_u16(), done.location()),
        (303, "/console/departments?done=1")
    );
    let list = visitor.get("/console/departments").await;
    assert!(
        list.html
            .contains("县交通局<span class=\"state\">（已停用）"),
        "{}",
        list.html
    );

    let path = format!("/console/categories/{category_id}");
    let form = |hours: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("name", "道路".to_owned()),
            ("respond_within_hours", hours.to_owned()),
            ("resolve_within_days", "10".to_owned()),
            ("active", "false".to_owned()),
        ]
    };
    let pairs =
        |form: &[(&'static str, String); 5]| -> Vec<(&'static str, String)> { form.to_vec() };
    let bad = pairs(&form("999"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = visitor.post(&path, &bad).await;
    assert_eq!(answer.status, 422);
    assert!(
        answer.html.contains("category-respond_within_hours-error"),
        "{}",
        answer.html
    );
    assert!(answer.html.contains("value=\"999\""), "kept as typed");
    let good = pairs(&form("12"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(visitor.post(&path, &good).await.status, 303);
    let changed = app
        .get("/api/v1/categories?county_id=1&include_inactive=true", None)
        .await
        .expect(200)
        .body["items"][0]
        .clone();
    assert_eq!(
        (
            changed["name"].as_str(),
            changed["respond_within_hours"].as_i64(),
            changed["active"].as_bool()
        ),
        (Some("道路"), Some(12), Some(false))
    );

    // Only the county admin keeps the catalogue.
    let mut station_admin = Visitor::new(&app);
    station_admin.log_in(&demo.station_admin).await;
    for page in [
        format!("/console/departments/{department_id}"),
        path.clone(),
    ] {
        assert_eq!(station_admin.get(&page).await.status, 403, "{page}");
    }
    assert!(!station_admin
        .get("/console/departments")
        .await
        .html
        .contains("href=\"/console/categories/"));
    assert_eq!(visitor.get("/console/categories/999").await.status, 404);
}

async fn a_deputys_code_is_printed_for_the_deputy_and_the_admins_of_their_stations(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy_id = app.me(&app.login(&demo.deputy).await).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let path = format!("/console/deputies/{deputy_id}/code");
    for phone in [&demo.deputy, &demo.station_admin, &demo.county_admin] {
        let mut visitor = Visitor::new(&app);
        visitor.log_in(phone).await;
        let page = visitor.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("src=\"data:image/png;base64,"));
        let png = visitor.get(&format!("{path}.png")).await;
        assert_eq!(png.status, 200);
        let directory = visitor.get("/console/deputies").await;
        assert!(
            directory.html.contains(&format!("href=\"{path}\"")),
            "{}",
            directory.html
        );
    }
    for phone in [&demo.other_station_admin, &demo.handler] {
        let mut visitor = Visitor::new(&app);
        visitor.log_in(phone).await;
        assert_eq!(visitor.get(&path).await.status, 403);
        assert_eq!(visitor.get(&format!("{path}.png")).await.status, 403);
        assert!(!visitor
            .get("/console/deputies")
            .await
            .html
            .contains(&format!("href=\"{path}\"")));
    }
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.county_admin).await;
    assert_eq!(visitor.get("/console/deputies/999/code").await.status, 404);
}

async fn in_the_browser_saved_replies_codes_and_the_catalogue(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let shoot = |page: &str| format!("{page}-{}", name(&backend));
    let resident = app.resident("o-browser-saved-reply").await;
    let case = app.raise(&resident).await;

    // A station admin saves a reply, then answers a case with it.
    log_in(
        &browser,
        &app,
        &demo.station_admin,
        "/console/reply-templates",
    )
    .await;
    browser.fill("#reply-template-title", "已转交").await;
    browser.click("#reply-template button[type='submit']").await;
    assert!(browser.has("#reply-template-body-error").await);
    assert_eq!(
        browser.value("#reply-template-title").await,
        "已转交",
        "kept as typed"
    );
    browser
        .fill(
            "#reply-template-body",
            "您反映的问题已转交承办单位，请耐心等待。",
        )
        .await;
    browser.click("#reply-template button[type='submit']").await;
    assert!(browser.text("#reply-templates").await.contains("已转交"));
    browser.shoot(&shoot("reply-templates")).await;
    browser.click("#reply-templates a.edit").await;
    assert_eq!(browser.value("#reply-template-title").await, "已转交");
    browser.shoot(&shoot("reply-template-edit")).await;

    browser
        .goto(&app.url(&format!("/console/cases/{case}")))
        .await;
    browser.click("#reply-template button[type='submit']").await;
    assert_eq!(
        browser.value("#reply-content").await,
        "您反映的问题已转交承办单位，请耐心等待。"
    );
    browser.shoot(&shoot("case-reply-template")).await;
    browser.click("#step-reply button[type='submit']").await;
    assert!(browser
        .text("main")
        .await
        .contains("您反映的问题已转交承办单位"));

    browser.goto(&app.url("/console/reply-templates")).await;
    browser.click("#reply-templates a.delete").await;
    browser.click("#reply-template-delete-submit").await;
    assert!(!browser.has("#reply-templates").await);
    browser.click("form.logout button").await;

    // A deputy prints their own code; the directory links it.
    log_in(&browser, &app, &demo.deputy, "/console/deputies").await;
    browser.click("#deputies a.deputy-code").await;
    assert!(browser.has("#deputy-code-image").await);
    browser.shoot(&shoot("deputy-code")).await;
    browser.goto(&app.url("/console/reply-templates")).await;
    assert!(!browser.has("#reply-template").await, "a deputy saves none");
    browser.goto(&app.url("/console/departments")).await;
    browser.click("form.logout button").await;

    // The county admin deactivates a category; a station admin may not.
    log_in(&browser, &app, &demo.county_admin, "/console/departments").await;
    browser.click("#categories tr:first-child a.edit").await;
    browser.fill("#category-respond_within_hours", "0").await;
    browser.click("#category button[type='submit']").await;
    assert!(browser.has("#category-respond_within_hours-error").await);
    browser.shoot(&shoot("category-edit-error")).await;
    browser.fill("#category-respond_within_hours", "12").await;
    browser.select("#category-active", "false").await;
    browser.click("#category button[type='submit']").await;
    let row = browser.text("#categories tbody tr:first-child").await;
    assert!(row.contains("12"), "{row}");
    browser.shoot(&shoot("departments-upkeep")).await;
    browser.click("form.logout button").await;

    log_in(
        &browser,
        &app,
        &demo.other_station_admin,
        "/console/departments",
    )
    .await;
    assert!(!browser.has("#categories a.edit").await);
    browser.goto(&app.url("/console/categories/1")).await;
    assert!(browser.text("main").await.contains("不能进行这项操作"));
    browser.close().await;
}
